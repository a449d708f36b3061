"""Everything the three doors and the CLI need, built once from Settings."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import queue
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from assistant.auth import Principal, Users
from assistant.config import Settings
from assistant.coordinator import Coordinator
from assistant.errors import ConfigError
from assistant.fleet import Fleet, build_fleet
from assistant.i18n import Messages
from assistant.interview import Interview
from assistant.languages import LANGUAGES
from assistant.questionnaire import Questionnaire, load_questionnaire
from assistant.store import IntakeRow, Store, utcnow
from assistant.summary import build_summary, summary_from_dict
from assistant.summary_types import ClinicalSummary

if TYPE_CHECKING:
    from assistant.knowledge import Knowledge
    from assistant.micromodels.summarizer import Summarizer
    from assistant.speech import Speech

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Persona:
    name: dict[str, str]
    avatar: Path
    greeting: dict[str, str] | None = None


def load_persona(settings: Settings) -> Persona:
    path = settings.knowledge_dir / "persona.yaml"
    raw: dict[str, Any] = {}
    if path.exists():
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(loaded, dict):
            raise ConfigError(f"{path.name}: expected a mapping")
        unknown = sorted(set(loaded) - {"name", "avatar", "greeting"})
        if unknown:
            raise ConfigError(
                f"{path.name}: unknown key {unknown}; allowed: avatar, greeting, name"
            )
        raw = loaded
    names = raw.get("name") or {}
    if isinstance(names, str):
        names = {lang: names for lang in LANGUAGES}
    name: dict[str, str] = {
        lang: str(names.get(lang) or settings.assistant_name) for lang in LANGUAGES
    }
    avatar = settings.assets_dir / str(raw.get("avatar") or settings.avatar)
    greeting = raw.get("greeting")
    return Persona(name, avatar, dict(greeting) if isinstance(greeting, dict) else None)


class ClinicianDesk:
    """What the clinician door reads. Every call checks the role and is audited."""

    def __init__(self, services: Services) -> None:
        self._s = services

    def queue(self, who: Principal) -> list[IntakeRow]:
        who.require("clinician")
        self._s.store.audit(who.username, "view_queue")
        return self._s.store.queue()

    def summary(self, who: Principal, intake_id: str) -> ClinicalSummary:
        who.require("clinician")
        self._s.store.audit(who.username, "view_summary", intake_id)
        return self._s.summary(intake_id)

    def pdf(self, who: Principal, intake_id: str) -> Path:
        who.require("clinician")
        self._s.store.audit(who.username, "download_pdf", intake_id)
        return self._s.write_pdf(intake_id)

    def fhir(self, who: Principal, intake_id: str) -> Path:
        from assistant.fhir import export_fhir

        who.require("clinician")
        bundle = export_fhir(self._s, intake_id)
        self._s.store.audit(who.username, "export_fhir", intake_id)
        folder = self._s.settings.data_dir / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        out = folder / f"intake-{intake_id[:12]}.fhir.json"
        out.write_text(json.dumps(bundle, ensure_ascii=False, indent=2), encoding="utf-8")
        return out

    def editable_facts(self, who: Principal, intake_id: str) -> list[tuple[int, str]]:
        """(fact id, a one-line description) for every active fact a clinician may correct."""
        who.require("clinician")
        rows = []
        for fact in self._s.store.facts(intake_id):
            text = (
                fact.label
                if fact.kind not in ("answer", "slot")
                else (f"{fact.label}: {fact.value.get('english', '')}")
            )
            polarity = "" if fact.present is not False else " (absent)"
            rows.append((fact.id, f"[{fact.kind}] {text}{polarity}"))
        return rows

    def correct(
        self,
        who: Principal,
        intake_id: str,
        fact_id: int,
        text: str,
        present: bool | None,
        reason: str,
    ) -> ClinicalSummary:
        who.require("clinician")
        text, reason = text.strip(), reason.strip()
        if not text or not reason:
            raise ValueError("a corrected text and a reason are both required")
        self._s.store.clinician_correct(
            intake_id, fact_id, label=text, present=present, reason=reason, username=who.username
        )
        return self._s.summary(intake_id)

    def sign_off(self, who: Principal, intake_id: str) -> ClinicalSummary:
        who.require("clinician")
        summary = self._s.summary(intake_id, fresh=True)
        summary = replace(summary, reviewed_by=who.username, reviewed_at=utcnow().isoformat())
        self._s.store.sign_off(intake_id, who.username, summary.as_dict())
        return summary


def _lower_priority() -> None:
    """Run the calling thread (and threads it starts) at a lower CPU priority (Linux)."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


def facts_fingerprint(facts: Any) -> str:
    """Which active facts a summary was written from: a narrative is shown only for these."""
    ids = ",".join(str(f.id) for f in sorted(facts, key=lambda f: f.id))
    return hashlib.sha256(ids.encode()).hexdigest()[:16]


class Services:
    def __init__(
        self,
        settings: Settings,
        fleet: Fleet | None = None,
        *,
        knowledge: Knowledge | None = None,
        speech: Speech | None = None,
        summarizer: Summarizer | None = None,
    ) -> None:
        self.settings = settings
        self.knowledge = knowledge
        self.speech = speech
        self.summarizer = summarizer
        self._narrative_jobs: queue.Queue[tuple[str, threading.Event]] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._worker_lock = threading.Lock()
        settings.ensure_data_dir()
        self.questionnaire: Questionnaire = load_questionnaire(
            settings.knowledge_dir / "questionnaire.yaml"
        )
        self.persona = load_persona(settings)
        self.messages = _PersonaMessages(
            Messages.load(settings.knowledge_dir / "ui.yaml", ambulance=settings.ambulance_number),
            self.persona,
        )
        self.fleet = (
            fleet
            if fleet is not None
            else build_fleet(settings.knowledge_dir, settings.data_dir / "cache")
        )
        self.store = Store(settings.resolved_database_url)
        self.store.create_schema()
        self.interview = Interview(self.questionnaire)
        self.coordinator = Coordinator(
            self.fleet,
            self.interview,
            self.store,
            self.messages,
            max_message_chars=settings.max_message_chars,
            resume_token_days=settings.resume_token_days,
            model_budget_s=settings.model_budget_s,
            knowledge=knowledge,
        )
        self.users = Users(self.store)
        self.desk = ClinicianDesk(self)

    @classmethod
    def full(cls, settings: Settings) -> Services:
        """Everything a clinic runs: the fleet, the knowledge store (seeded with the starter
        packs and documents when empty), speech in and out, and the narrative summarizer."""
        from assistant.knowledge import Knowledge
        from assistant.micromodels.summarizer import Summarizer
        from assistant.speech import Speech

        knowledge = Knowledge(settings)
        if not knowledge.sources():
            knowledge.seed()
        return cls(
            settings,
            knowledge=knowledge,
            speech=Speech(settings),
            summarizer=Summarizer(settings),
        )

    def warm_up(self) -> None:
        self.fleet.warm_up()
        for part in (self.knowledge, self.speech):
            if part is not None:
                part.warm_up()
        if self.summarizer is not None:
            # The narrative model takes tens of seconds to load: the doors open meanwhile
            # (a narrative asked for before it is ready waits for it in its own thread).
            threading.Thread(target=self._warm_summarizer, name="warm-llm", daemon=True).start()

    def _warm_summarizer(self) -> None:
        _lower_priority()  # the model's compute threads are made here and inherit it
        try:
            if self.summarizer is not None:
                self.summarizer.warm_up()
                log.info("narrative model ready")
                print("Narrative model ready", flush=True)
        except Exception as exc:  # the template summary stands; the trace will say why
            log.warning("narrative model unavailable: %s", type(exc).__name__)

    def after_submit(self, intake_id: str, *, wait: bool = False) -> None:
        """Queue the narrative summary: one low-priority worker writes them in turn, so the
        patients still talking are served first and the submitting patient never waits."""
        if self.summarizer is None:
            return
        done = threading.Event()
        self._narrative_jobs.put((intake_id, done))
        with self._worker_lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(
                    target=self._narrative_worker, name="narrative", daemon=True
                )
                self._worker.start()
        if wait:
            done.wait()

    def wait_for_narratives(self, timeout_s: float | None = None) -> bool:
        """True once every queued narrative is written (or gave up)."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while self._narrative_jobs.unfinished_tasks:
            if deadline is not None and time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def _narrative_worker(self) -> None:
        _lower_priority()
        while True:
            intake_id, done = self._narrative_jobs.get()
            try:
                self._write_narrative(intake_id)
            finally:
                done.set()
                self._narrative_jobs.task_done()

    def _write_narrative(self, intake_id: str) -> None:
        summarizer = self.summarizer
        if summarizer is None:
            return
        try:
            facts = self.store.facts(intake_id)
            summary = self.summary(intake_id, narrative=False)
            result = summarizer.summarize(summary)
            narrative = result.value
            content = {
                "kind": narrative.kind,
                "text": narrative.text,
                "reason": narrative.reason,
                "facts": facts_fingerprint(facts),
                "model": result.trace.model,
                "version": result.trace.version,
            }
            traces = [*narrative.traces, result.trace]
            self.store.add_summary(intake_id, "narrative", content, traces, summary.language)
        except Exception as exc:  # the template summary stands; nothing is lost
            log.warning("narrative summary failed for an intake: %s", type(exc).__name__)

    def summary(
        self, intake_id: str, *, fresh: bool = False, narrative: bool = True
    ) -> ClinicalSummary:
        """The summary a clinician should read now.

        After sign-off: the signed version. Before: rebuilt from the active facts, so
        clinician corrections show at once; the stored original stays in the summaries table.
        """
        intake = self.store.get_intake(intake_id)
        stored = self.store.latest_summary(intake_id)
        if stored is not None and stored.kind == "reviewed" and intake.reviewed_at and not fresh:
            return summary_from_dict(stored.content)
        triage = None
        if intake.triage_level:
            triage = (intake.triage_level, intake.triage_rule or "", intake.triage_reason or "")
        facts = self.store.facts(intake_id)
        summary = build_summary(
            intake,
            facts,
            self.questionnaire,
            self.fleet.versions(),
            triage=triage,
            status=intake.status,
        )
        if not narrative:
            return summary
        written = self.store.latest_summary(intake_id, kind="narrative")
        if written is None:
            return summary
        content = written.content
        if content.get("facts") != facts_fingerprint(facts):
            return replace(summary, narrative_note="stale: facts changed after it was written")
        versions = {**summary.model_versions, "summarizer": str(content.get("version", ""))}
        if content.get("kind") == "narrative":
            return replace(
                summary,
                kind="narrative",
                narrative=str(content.get("text", "")),
                narrative_note=str(content.get("reason", "")),
                model_versions=versions,
            )
        return replace(summary, narrative_note=str(content.get("reason", "")))

    def write_pdf(self, intake_id: str, out: Path | None = None) -> Path:
        from assistant.report import render_pdf

        summary = self.summary(intake_id)
        data = render_pdf(
            summary,
            fonts_dir=self.settings.fonts_dir,
            clinic_name=self.settings.clinic_name,
            assistant_name=self.persona.name["en"],
        )
        if out is None:
            folder = self.settings.data_dir / "exports"
            folder.mkdir(parents=True, exist_ok=True)
            out = folder / f"intake-{intake_id[:12]}.pdf"
        out.write_bytes(data)
        return out

    def manifest(self) -> dict[str, Any]:
        path = self.settings.models_dir / "manifest.yaml"
        manifest = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
        return {
            "questionnaire": {
                "id": self.questionnaire.id,
                "version": self.questionnaire.version,
                "sha256": self.questionnaire.sha256,
                "items": len(self.questionnaire.items),
            },
            "micromodels": self.versions(),
            "manifest": manifest,
        }

    def versions(self) -> dict[str, str]:
        """Every micro-model this server runs, with the version that answers now."""
        versions = dict(self.fleet.versions())
        parts: list[tuple[str, Any]] = []
        if self.speech is not None:
            parts += [("speech_to_text", self.speech.stt), ("text_to_speech", self.speech.tts)]
        if self.knowledge is not None:
            parts += [
                ("protocol_match", self.knowledge.protocols),
                ("doc_answer", self.knowledge.documents),
            ]
        if self.summarizer is not None:
            parts += [("summarizer", self.summarizer), ("faithfulness", self.summarizer.check)]
        for name, part in parts:
            try:
                versions[name] = str(part.version)
            except Exception:  # a part that cannot say its version yet is listed as such
                versions[name] = "unavailable"
        return versions

    def manifest_json(self) -> str:
        return json.dumps(self.manifest(), ensure_ascii=False, indent=2)


class _PersonaMessages(Messages):
    """Messages with the persona's name (per language) filled in."""

    def __init__(self, inner: Messages, persona: Persona) -> None:
        super().__init__({}, {})
        self._inner = inner
        self._persona = persona

    def __contains__(self, key: str) -> bool:
        return key in self._inner

    def get(self, key: str, lang: str, **values: Any) -> str:
        if key == "greeting" and self._persona.greeting and self._persona.greeting.get(lang):
            return self._persona.greeting[lang].format(name=self._persona.name[lang])
        values.setdefault("name", self._persona.name.get(lang, self._persona.name["en"]))
        return self._inner.get(key, lang, **values)
