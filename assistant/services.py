"""Everything the three doors and the CLI need, built once from Settings."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

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


class Services:
    def __init__(self, settings: Settings, fleet: Fleet | None = None) -> None:
        self.settings = settings
        settings.ensure_data_dir()
        self.questionnaire: Questionnaire = load_questionnaire(
            settings.knowledge_dir / "questionnaire.yaml"
        )
        self.persona = load_persona(settings)
        self.messages = _PersonaMessages(
            Messages.load(settings.knowledge_dir / "ui.yaml", ambulance=settings.ambulance_number),
            self.persona,
        )
        self.fleet = fleet if fleet is not None else build_fleet(settings.knowledge_dir)
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
        )
        self.users = Users(self.store)
        self.desk = ClinicianDesk(self)

    def warm_up(self) -> None:
        self.fleet.warm_up()

    def summary(self, intake_id: str, *, fresh: bool = False) -> ClinicalSummary:
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
        return build_summary(
            intake,
            self.store.facts(intake_id),
            self.questionnaire,
            self.fleet.versions(),
            triage=triage,
            status=intake.status,
        )

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
            "micromodels": self.fleet.versions(),
            "manifest": manifest,
        }

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
