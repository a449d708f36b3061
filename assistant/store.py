"""The only module that talks SQL.

SQLAlchemy 2 over a SQLite file by default; the database URL is a setting, so PostgreSQL
works unchanged. Each patient turn is written in one transaction together with its facts,
traces and the assistant's reply, guarded by a compare-and-set on the session's pending
question: a double submit or a second tab can never write two answers to one question.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    event,
    func,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from assistant.errors import SessionNotFound, StaleAnswer, StoreUnavailable
from assistant.micromodels.base import Trace


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        datetime: DateTime(timezone=True),
    }


class IntakeRow(Base):
    __tablename__ = "intakes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    resume_token_sha256: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    token_expires_at: Mapped[datetime]
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), index=True)
    current_link_id: Mapped[str | None] = mapped_column(String(64))
    questionnaire_version: Mapped[str] = mapped_column(String(80))
    triage_level: Mapped[str | None] = mapped_column(String(32))
    triage_rule: Mapped[str | None] = mapped_column(String(80))
    triage_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(index=True)
    turn_count: Mapped[int] = mapped_column(Integer, default=0)
    reviewed_by: Mapped[str | None] = mapped_column(String(80))
    reviewed_at: Mapped[datetime | None]


class TurnRow(Base):
    __tablename__ = "turns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    intake_id: Mapped[str] = mapped_column(ForeignKey("intakes.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))  # patient | assistant
    link_id: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(24), default="answer")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FactRow(Base):
    __tablename__ = "facts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    intake_id: Mapped[str] = mapped_column(ForeignKey("intakes.id"), index=True)
    turn_id: Mapped[int | None] = mapped_column(ForeignKey("turns.id"))
    turn_seq: Mapped[int | None] = mapped_column(Integer)
    link_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(24))
    key: Mapped[str] = mapped_column(String(80))
    label: Mapped[str] = mapped_column(String(200), default="")
    value: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    present: Mapped[bool | None] = mapped_column(Boolean)
    evidence: Mapped[str] = mapped_column(Text, default="")
    evidence_language: Mapped[str] = mapped_column(String(8), default="")
    source: Mapped[str] = mapped_column(String(16), default="patient")
    model: Mapped[str] = mapped_column(String(64), default="")
    version: Mapped[str] = mapped_column(String(80), default="")
    confidence: Mapped[float | None] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TraceRow(Base):
    __tablename__ = "traces"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    intake_id: Mapped[str] = mapped_column(ForeignKey("intakes.id"), index=True)
    turn_id: Mapped[int | None] = mapped_column(ForeignKey("turns.id"))
    language: Mapped[str] = mapped_column(String(8), default="")
    model: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[str] = mapped_column(String(80))
    latency_ms: Mapped[float] = mapped_column(Float)
    confidence: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16), default="ok")
    note: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class SummaryRow(Base):
    __tablename__ = "summaries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    intake_id: Mapped[str] = mapped_column(ForeignKey("intakes.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    roles: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditRow(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    intake_id: Mapped[str | None] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(String(200), default="")


@dataclass(slots=True)
class NewFact:
    """A fact to store with a turn; provenance travels with it."""

    kind: str
    key: str
    label: str = ""
    value: dict[str, Any] = field(default_factory=dict)
    present: bool | None = None
    evidence: str = ""
    evidence_language: str = ""
    source: str = "patient"
    model: str = ""
    version: str = ""
    confidence: float | None = None
    link_id: str | None = None


@dataclass(slots=True)
class TurnWrite:
    """Everything one patient turn writes, in one transaction."""

    intake_id: str
    expected_link_id: str | None
    patient_text: str
    patient_language: str
    assistant_text: str
    next_link_id: str | None
    next_status: str
    facts: Sequence[NewFact] = ()
    traces: Sequence[Trace] = ()
    kind: str = "answer"
    supersede_link_id: str | None = None
    triage: tuple[str, str, str] | None = None
    answered_link_id: str | None = None  # the item the patient's words answer, if not expected


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        kwargs: dict[str, Any] = {"future": True}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs["pool_pre_ping"] = True
        self.engine: Engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def create_schema(self) -> None:
        """Bring the database to the newest schema with the Alembic migrations."""
        self.migrate()

    def migrate(self, revision: str = "head") -> None:
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        try:
            with self._sessions.begin() as session:
                yield session
        except OperationalError as exc:
            raise StoreUnavailable(type(exc).__name__) from exc

    # --- intakes -----------------------------------------------------------------------

    def create_intake(
        self,
        language: str,
        questionnaire_version: str,
        first_link_id: str | None,
        greeting: str,
        token_days: int,
    ) -> tuple[IntakeRow, str]:
        token = secrets.token_urlsafe(24)
        now = utcnow()
        row = IntakeRow(
            id=uuid.uuid4().hex,
            resume_token_sha256=hash_token(token),
            token_expires_at=now + timedelta(days=token_days),
            language=language,
            status="in_progress",
            current_link_id=first_link_id,
            questionnaire_version=questionnaire_version,
            created_at=now,
            updated_at=now,
            turn_count=1,
        )
        with self._tx() as session:
            session.add(row)
            session.flush()
            session.add(
                TurnRow(
                    intake_id=row.id,
                    seq=1,
                    role="assistant",
                    link_id=first_link_id,
                    text=greeting,
                    language=language,
                    kind="question",
                )
            )
        return row, token

    def get_intake(self, intake_id: str) -> IntakeRow:
        with self._tx() as session:
            row = session.get(IntakeRow, intake_id)
        if row is None:
            raise SessionNotFound(intake_id)
        return row

    def find_by_token(self, token: str) -> IntakeRow:
        with self._tx() as session:
            row = session.scalar(
                select(IntakeRow).where(IntakeRow.resume_token_sha256 == hash_token(token))
            )
        if row is None or _aware(row.token_expires_at) < utcnow():
            raise SessionNotFound("token")
        return row

    def set_language(self, intake_id: str, language: str) -> None:
        with self._tx() as session:
            session.execute(
                update(IntakeRow).where(IntakeRow.id == intake_id).values(language=language)
            )

    def record_turn(self, write: TurnWrite) -> int:
        """Store one turn atomically; returns the patient turn's sequence number.

        Raises StaleAnswer when the intake is no longer waiting for ``expected_link_id``.
        """
        with self._tx() as session:
            intake = session.get(IntakeRow, write.intake_id, with_for_update=True)
            if intake is None:
                raise SessionNotFound(write.intake_id)
            seq = intake.turn_count + 1
            values: dict[str, Any] = {
                "current_link_id": write.next_link_id,
                "status": write.next_status,
                "updated_at": utcnow(),
                "turn_count": seq + 1,
            }
            if write.triage is not None:
                values["triage_level"], values["triage_rule"], values["triage_reason"] = (
                    write.triage
                )
            guarded = session.execute(
                update(IntakeRow)
                .where(
                    IntakeRow.id == write.intake_id,
                    IntakeRow.turn_count == intake.turn_count,
                    IntakeRow.status == intake.status,
                    _link_matches(write.expected_link_id),
                )
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            if guarded.rowcount != 1:  # type: ignore[attr-defined]
                raise StaleAnswer(write.intake_id)
            patient = TurnRow(
                intake_id=write.intake_id,
                seq=seq,
                role="patient",
                link_id=write.answered_link_id or write.expected_link_id,
                text=write.patient_text,
                language=write.patient_language,
                kind=write.kind,
            )
            session.add(patient)
            session.flush()
            if write.supersede_link_id is not None:
                session.execute(
                    update(FactRow)
                    .where(
                        FactRow.intake_id == write.intake_id,
                        FactRow.link_id == write.supersede_link_id,
                        FactRow.active.is_(True),
                    )
                    .values(active=False)
                )
            for fact in write.facts:
                session.add(
                    FactRow(
                        intake_id=write.intake_id,
                        turn_id=patient.id,
                        turn_seq=seq,
                        link_id=fact.link_id,
                        kind=fact.kind,
                        key=fact.key,
                        label=fact.label,
                        value=fact.value,
                        present=fact.present,
                        evidence=fact.evidence,
                        evidence_language=fact.evidence_language,
                        source=fact.source,
                        model=fact.model,
                        version=fact.version,
                        confidence=fact.confidence,
                    )
                )
            for trace in write.traces:
                session.add(
                    TraceRow(
                        intake_id=write.intake_id,
                        turn_id=patient.id,
                        language=write.patient_language,
                        model=trace.model,
                        version=trace.version,
                        latency_ms=trace.latency_ms,
                        confidence=trace.confidence,
                        status=trace.status,
                        note=trace.note,
                    )
                )
            session.add(
                TurnRow(
                    intake_id=write.intake_id,
                    seq=seq + 1,
                    role="assistant",
                    link_id=write.next_link_id,
                    text=write.assistant_text,
                    language=write.patient_language,
                    kind="reply",
                )
            )
        return seq

    def set_status(
        self,
        intake_id: str,
        *,
        expected_status: str,
        status: str,
        triage: tuple[str, str, str] | None = None,
        summary: tuple[str, dict[str, Any]] | None = None,
    ) -> None:
        values: dict[str, Any] = {"status": status, "updated_at": utcnow()}
        if status == "submitted":
            values["submitted_at"] = utcnow()
        if triage is not None:
            values["triage_level"], values["triage_rule"], values["triage_reason"] = triage
        with self._tx() as session:
            result = session.execute(
                update(IntakeRow)
                .where(IntakeRow.id == intake_id, IntakeRow.status == expected_status)
                .values(**values)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise StaleAnswer(intake_id)
            if summary is not None:
                session.add(SummaryRow(intake_id=intake_id, kind=summary[0], content=summary[1]))

    def turns(self, intake_id: str) -> list[TurnRow]:
        with self._tx() as session:
            return list(
                session.scalars(
                    select(TurnRow).where(TurnRow.intake_id == intake_id).order_by(TurnRow.seq)
                )
            )

    def facts(self, intake_id: str, *, active_only: bool = True) -> list[FactRow]:
        query = select(FactRow).where(FactRow.intake_id == intake_id)
        if active_only:
            query = query.where(FactRow.active.is_(True))
        with self._tx() as session:
            return list(session.scalars(query.order_by(FactRow.id)))

    def traces(self, intake_id: str | None = None) -> list[TraceRow]:
        query = select(TraceRow)
        if intake_id is not None:
            query = query.where(TraceRow.intake_id == intake_id)
        with self._tx() as session:
            return list(session.scalars(query.order_by(TraceRow.id)))

    def latest_summary(self, intake_id: str, kind: str | None = None) -> SummaryRow | None:
        with self._tx() as session:
            query = select(SummaryRow).where(SummaryRow.intake_id == intake_id)
            if kind is not None:
                query = query.where(SummaryRow.kind == kind)
            return session.scalar(query.order_by(SummaryRow.id.desc()).limit(1))

    def add_summary(
        self,
        intake_id: str,
        kind: str,
        content: dict[str, Any],
        traces: Sequence[Trace] = (),
        language: str = "en",
    ) -> None:
        """A summary written after the patient left (the narrative), with its traces."""
        with self._tx() as session:
            session.add(SummaryRow(intake_id=intake_id, kind=kind, content=content))
            for trace in traces:
                session.add(
                    TraceRow(
                        intake_id=intake_id,
                        turn_id=None,
                        language=language,
                        model=trace.model,
                        version=trace.version[:80],
                        latency_ms=trace.latency_ms,
                        confidence=trace.confidence,
                        status=trace.status,
                        note=trace.note[:120],
                    )
                )

    def queue(self, limit: int = 200) -> list[IntakeRow]:
        """Finished intakes (submitted or stopped for an emergency), newest first."""
        with self._tx() as session:
            return list(
                session.scalars(
                    select(IntakeRow)
                    .where(IntakeRow.status.in_(("submitted", "emergency")))
                    .order_by(func.coalesce(IntakeRow.submitted_at, IntakeRow.updated_at).desc())
                    .limit(limit)
                )
            )

    # --- clinician review --------------------------------------------------------------

    def fact(self, fact_id: int) -> FactRow | None:
        with self._tx() as session:
            return session.get(FactRow, fact_id)

    def clinician_correct(
        self,
        intake_id: str,
        fact_id: int,
        *,
        label: str,
        present: bool | None,
        reason: str,
        username: str,
    ) -> FactRow:
        """Replace a fact with a clinician's version; the original is kept, inactive."""
        with self._tx() as session:
            old = session.get(FactRow, fact_id)
            if old is None or old.intake_id != intake_id or not old.active:
                raise SessionNotFound(f"fact {fact_id}")
            old.active = False
            value = dict(old.value)
            if old.kind in ("answer", "slot"):
                typed: Any = int(label) if label.strip().isdigit() else label
                value.update({"kind": "value", "value": typed, "english": label})
            new = FactRow(
                intake_id=intake_id,
                turn_id=old.turn_id,
                turn_seq=old.turn_seq,
                link_id=old.link_id,
                kind=old.kind,
                key=old.key,
                label=label,
                value=value,
                present=present,
                evidence=old.evidence,
                evidence_language=old.evidence_language,
                source="clinician",
                model=username,
                version=f"corrected:{fact_id}",
                confidence=1.0,
            )
            session.add(new)
            session.add(
                AuditRow(
                    username=username,
                    action="edit_fact",
                    intake_id=intake_id,
                    detail=f"fact {fact_id}: {reason}"[:200],
                )
            )
            session.execute(
                update(IntakeRow)
                .where(IntakeRow.id == intake_id)
                .values(reviewed_by=None, reviewed_at=None, updated_at=utcnow())
            )
        return new

    def sign_off(self, intake_id: str, username: str, summary: dict[str, Any]) -> None:
        with self._tx() as session:
            intake = session.get(IntakeRow, intake_id)
            if intake is None:
                raise SessionNotFound(intake_id)
            intake.reviewed_by = username
            intake.reviewed_at = utcnow()
            session.add(SummaryRow(intake_id=intake_id, kind="reviewed", content=summary))
            session.add(AuditRow(username=username, action="sign_off", intake_id=intake_id))

    # --- users and audit -------------------------------------------------------------

    def add_user(self, username: str, password_hash: str, roles: Sequence[str]) -> None:
        with self._tx() as session:
            existing = session.scalar(select(UserRow).where(UserRow.username == username))
            if existing is not None:
                existing.password_hash = password_hash
                existing.roles = ",".join(sorted(set(roles)))
            else:
                session.add(
                    UserRow(
                        username=username,
                        password_hash=password_hash,
                        roles=",".join(sorted(set(roles))),
                    )
                )

    def remove_user(self, username: str) -> bool:
        with self._tx() as session:
            row = session.scalar(select(UserRow).where(UserRow.username == username))
            if row is None:
                return False
            session.delete(row)
            return True

    def get_user(self, username: str) -> UserRow | None:
        with self._tx() as session:
            return session.scalar(select(UserRow).where(UserRow.username == username))

    def users(self) -> list[UserRow]:
        with self._tx() as session:
            return list(session.scalars(select(UserRow).order_by(UserRow.username)))

    def audit(
        self, username: str, action: str, intake_id: str | None = None, detail: str = ""
    ) -> None:
        with self._tx() as session:
            session.add(
                AuditRow(username=username, action=action, intake_id=intake_id, detail=detail[:200])
            )

    def audit_log(self, intake_id: str | None = None) -> list[AuditRow]:
        query = select(AuditRow)
        if intake_id is not None:
            query = query.where(AuditRow.intake_id == intake_id)
        with self._tx() as session:
            return list(session.scalars(query.order_by(AuditRow.id)))


def all_tables_loaded() -> None:
    """Import the modules that add tables to ``Base`` so the schema is complete."""
    import importlib

    for module in _TABLE_MODULES:
        importlib.import_module(module)


_TABLE_MODULES: tuple[str, ...] = ("assistant.evaluation",)


def _link_matches(expected: str | None) -> Any:
    if expected is None:
        return IntakeRow.current_link_id.is_(None)
    return IntakeRow.current_link_id == expected


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL keeps readers off the writer's back; FULL sync means an acknowledged turn
    # survives a killed process.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
