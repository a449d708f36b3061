"""Gradio wiring for the three doors: patient (public), clinician and admin (login).

Every event has an ``api_name`` so the app is scriptable with gradio_client. Per-session
state lives in ``gr.State`` (kept on the server) and in the store, never in module globals.
"""

from __future__ import annotations

import argparse
import html
import json
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import gradio as gr

from assistant.audio import AudioRejected
from assistant.auth import Principal
from assistant.config import Settings
from assistant.coordinator import TurnView
from assistant.errors import AccessDenied, IntakeError, StaleAnswer
from assistant.evaluation import EVAL_HEADERS, eval_table, latest_eval
from assistant.knowledge_admin import HEADERS as KNOWLEDGE_HEADERS
from assistant.knowledge_admin import KnowledgeAdmin
from assistant.languages import LANGUAGES, NATIVE_NAMES, Lang, direction, is_lang
from assistant.model_health import HEALTH_HEADERS, health_frame, health_rows, health_table
from assistant.models_registry import ModelUnavailable
from assistant.ratelimit import RateLimiter
from assistant.services import Services
from assistant.store import utcnow
from assistant.summary_types import ClinicalSummary, SummaryFact

LANG_CHOICES = [(NATIVE_NAMES[code], code) for code in LANGUAGES]
TRIAGE_WORDS = {
    "emergency_ambulance": "EMERGENCY: ambulance",
    "emergency": "Emergency",
    "consultation_24": "See within 24 h",
    "consultation": "Routine consultation",
    "self_care": "Self-care",
}


# render()'s outputs that only change when the intake changes phase (token, answer box, review
# box and table, correction choices, emergency, done, intro): skipped from one question to the
# next, which is less work per turn.
_LAYOUT_OUTPUTS = (4, 5, 6, 7, 8, 9, 10, 12)


def _new_state() -> dict[str, Any]:
    return {"intake_id": None, "link_id": None, "lang": "en"}


def _lang(value: Any) -> Lang:
    return value if is_lang(value) else "en"


# --- patient door -------------------------------------------------------------------------


class PatientDoor:
    def __init__(self, services: Services) -> None:
        self.s = services
        settings = services.settings
        self.message_limit = RateLimiter(settings.max_messages_per_minute, 60)
        self.start_limit = RateLimiter(settings.max_new_intakes_per_hour, 3600)

    def _check_rate(self, limiter: RateLimiter, request: gr.Request | None, lang: str) -> None:
        key = "local"
        if request is not None:
            host = request.client.host if request.client else ""
            key = f"{host}|{request.session_hash or ''}" if limiter is self.message_limit else host
        if not limiter.allow(key):
            raise gr.Error(self.t("error_rate_limited", lang))

    def t(self, key: str, lang: str, **values: Any) -> str:
        return self.s.messages.get(key, lang, **values)

    def history(self, intake_id: str) -> list[dict[str, str]]:
        return [
            {"role": "user" if turn.role == "patient" else "assistant", "content": turn.text}
            for turn in self.s.store.turns(intake_id)
        ]

    def chrome(self, lang_value: Any) -> tuple[Any, ...]:
        """Labels and direction of every patient-door component for one language."""
        lang = _lang(lang_value)
        rtl = direction(lang) == "rtl"
        classes = ["rtl"] if rtl else []
        return (
            gr.update(value=f"## {self.t('app_title', lang)}", rtl=rtl),
            gr.update(
                value=f"**{self.t('consent_title', lang)}**\n\n{self.t('consent_text', lang)}",
                rtl=rtl,
            ),
            gr.update(value=self.t("consent_accept", lang)),
            gr.update(rtl=rtl, label=self.s.persona.name.get(lang, self.s.persona.name["en"])),
            gr.update(placeholder=self.t("answer_placeholder", lang), rtl=rtl),
            gr.update(value=self.t("send", lang)),
            gr.update(label=self.t("quick_answers", lang)),
            gr.update(label=self.t("resume_label", lang), rtl=rtl),
            gr.update(value=self.t("resume_button", lang)),
            gr.update(label=self.t("correct_which", lang)),
            gr.update(label=self.t("correct_text", lang), rtl=rtl),
            gr.update(value=self.t("correct_button", lang)),
            gr.update(value=self.t("submit_button", lang)),
            gr.update(elem_classes=classes),
            gr.update(label=self.t("mic_label", lang)),
            gr.update(label=self.t("read_aloud", lang)),
        )

    def render(self, view: TurnView, state: dict[str, Any]) -> tuple[Any, ...]:
        lang = view.language
        # Mid-interview, from one question to the next: see _LAYOUT_OUTPUTS.
        steady = (
            view.status == "in_progress"
            and state.get("status") == "in_progress"
            and state.get("intake_id") == view.intake_id
            and state.get("lang") == lang
        )
        state = {
            "intake_id": view.intake_id,
            "lang": lang,
            "link_id": view.question.link_id if view.question else None,
            "status": view.status,
        }
        question = view.question
        quick: list[tuple[str, str]] = []
        if question is not None and question.type == "choice":
            quick = [(o.text[lang], o.code) for o in question.options]
        elif question is not None and question.type == "severity":
            quick = [(str(n), str(n)) for n in range(11)]
        elif question is not None and question.type == "boolean":
            quick = [(self.t("ack", lang), "yes")]
        progress = self.t("progress", lang, percent=view.progress.percent)
        token_md = ""
        if view.resume_token:
            token_md = self.t("resume_code_is", lang, code=f"`{view.resume_token}`")
        review_rows: list[list[str]] = []
        correct_choices: list[tuple[str, str]] = []
        if view.status == "review":
            for row in self.s.coordinator.review(view.intake_id):
                review_rows.append([row.question, row.words, row.understood])
                correct_choices.append((row.question, row.link_id))
        emergency = ""
        if view.status == "emergency":
            emergency = (
                f"### {self.t('emergency_title', lang)}\n\n{self.t('emergency_guidance', lang)}"
            )
        in_progress = view.status == "in_progress"
        out = [
            state,
            self.history(view.intake_id),
            gr.update(choices=quick, value=None, visible=bool(quick)),
            gr.update(value=progress if in_progress or view.status == "review" else ""),
            gr.update(value=token_md, visible=bool(token_md)) if token_md else gr.update(),
            gr.update(visible=in_progress),
            gr.update(visible=view.status == "review"),
            gr.update(
                value=review_rows,
                headers=[
                    self.t("review_question", lang),
                    self.t("review_your_words", lang),
                    self.t("review_understood", lang),
                ],
            ),
            gr.update(choices=correct_choices, value=None),
            gr.update(value=emergency, visible=bool(emergency)),
            gr.update(visible=False),
            gr.update(value="" if in_progress else None),
            gr.update(visible=False),
        ]
        if steady:
            for index in _LAYOUT_OUTPUTS:
                out[index] = gr.skip()
        return tuple(out)

    def _fail(self, exc: IntakeError, lang: str) -> gr.Error:
        return gr.Error(self.t(exc.key, lang, max=self.s.settings.max_message_chars))

    def start(
        self, lang_value: Any, state: dict[str, Any], request: gr.Request | None = None
    ) -> tuple[Any, ...]:
        lang = _lang(lang_value)
        self._check_rate(self.start_limit, request, lang)
        try:
            view = self.s.coordinator.start(lang)
        except IntakeError as exc:
            raise self._fail(exc, lang) from exc
        return self.render(view, state)

    def resume(self, code: str, lang_value: Any, state: dict[str, Any]) -> tuple[Any, ...]:
        lang = _lang(lang_value)
        try:
            view = self.s.coordinator.resume(code or "")
        except IntakeError as exc:
            raise self._fail(exc, lang) from exc
        return self.render(view, state)

    def answer(
        self, text: str, state: dict[str, Any], request: gr.Request | None = None
    ) -> tuple[Any, ...]:
        lang = _lang(state.get("lang"))
        self._check_rate(self.message_limit, request, lang)
        intake_id = state.get("intake_id")
        if not intake_id:
            raise gr.Error(self.t("error_not_started", lang))
        try:
            view = self.s.coordinator.answer(intake_id, state.get("link_id"), text or "")
        except StaleAnswer:
            gr.Warning(self.t("error_stale_answer", lang))
            return self.render(self.s.coordinator.view(intake_id), state)
        except IntakeError as exc:
            raise self._fail(exc, lang) from exc
        return self.render(view, state)

    def quick(
        self, code: str | None, state: dict[str, Any], request: gr.Request | None = None
    ) -> tuple[Any, ...]:
        if not code:
            return self.render(self.s.coordinator.view(state["intake_id"]), state)
        lang = _lang(state.get("lang"))
        link_id = state.get("link_id")
        text = code
        item = self.s.coordinator.item(link_id) if link_id else None
        if item is not None:
            option = item.option(code)
            if option is not None:
                text = option.text[lang]
        return self.answer(text, state, request)

    def correct(self, link_id: str | None, text: str, state: dict[str, Any]) -> tuple[Any, ...]:
        lang = _lang(state.get("lang"))
        intake_id = state.get("intake_id")
        if not intake_id or not link_id:
            raise gr.Error(self.t("error_invalid_answer", lang))
        try:
            view = self.s.coordinator.correct(intake_id, link_id, text or "")
        except IntakeError as exc:
            raise self._fail(exc, lang) from exc
        return self.render(view, state)

    def submit(self, state: dict[str, Any]) -> tuple[Any, ...]:
        lang = _lang(state.get("lang"))
        intake_id = state.get("intake_id")
        if not intake_id:
            raise gr.Error(self.t("error_not_started", lang))
        try:
            view = self.s.coordinator.submit(intake_id)
        except IntakeError as exc:
            raise self._fail(exc, lang) from exc
        self.s.after_submit(intake_id)
        rendered = list(self.render(view, state))
        rendered[-3] = gr.update(value=self.t("submitted", lang), visible=True)
        return tuple(rendered)

    def transcribe(self, audio: str | None, state: dict[str, Any]) -> tuple[Any, Any]:
        """A recording becomes editable text in the answer box; the patient sends it."""
        lang = _lang(state.get("lang"))
        speech = self.s.speech
        if not audio:
            return gr.update(), gr.update(value=None)
        if speech is None:
            gr.Warning(self.t("speech_unavailable", lang))
            return gr.update(), gr.update(value=None)
        try:
            result = speech.transcribe(Path(audio), lang, consume=True)
        except AudioRejected as exc:
            gr.Warning(speech.user_message(exc, lang))
            return gr.update(), gr.update(value=None)
        except (ModelUnavailable, OSError, RuntimeError):
            gr.Warning(speech.user_message(IntakeError(key="speech_unavailable"), lang))
            return gr.update(), gr.update(value=None)
        gr.Info(self.t("transcript_ready", lang))
        return gr.update(value=result.value.text), gr.update(value=None)

    def speak(self, state: dict[str, Any], read_aloud: bool) -> Any:
        """The assistant's last message as speech, when the patient wants it read aloud."""
        speech = self.s.speech
        intake_id = state.get("intake_id")
        if not read_aloud or speech is None or not intake_id or not speech.tts_available:
            return gr.update(value=None)
        lang = _lang(state.get("lang"))
        try:
            reply = self.s.coordinator.view(intake_id).reply
            return gr.update(value=str(speech.speak(reply, lang)))
        except Exception:  # reading aloud is a comfort: the text is on the screen
            return gr.update(value=None)

    def switch_language(self, lang_value: Any, state: dict[str, Any]) -> tuple[Any, ...]:
        lang = _lang(lang_value)
        intake_id = state.get("intake_id")
        if intake_id:
            self.s.coordinator.set_language(intake_id, lang)
            state = {**state, "lang": lang}
        else:
            state = {**state, "lang": lang}
        return (state, *self.chrome(lang))


# --- clinician and admin doors --------------------------------------------------------


def _provenance(fact: SummaryFact) -> str:
    bits = []
    if fact.evidence:
        bits.append(f"“{html.escape(fact.evidence)}”")
    bits.append(fact.source)
    if fact.model:
        bits.append(html.escape(f"{fact.model}@{fact.version}"))
    if fact.confidence is not None:
        bits.append(f"confidence {fact.confidence:.2f}")
    if fact.turn is not None:
        bits.append(f"turn {fact.turn}")
    evidence_dir = "rtl" if fact.evidence_language in ("ar", "ur") else "ltr"
    return f"<span class='provenance' dir='{evidence_dir}'>{' · '.join(bits)}</span>"


def summary_html(summary: ClinicalSummary) -> str:
    level = summary.triage_level or ""
    parts = [
        f"<h3>Intake {html.escape(summary.session_id[:12])} · {html.escape(summary.status)}</h3>",
        f"<p>Age {summary.age if summary.age is not None else '?'} · "
        f"sex {html.escape(summary.sex or '?')} · language {html.escape(summary.language)} · "
        f"{summary.kind} summary"
        + (
            f" · reviewed by {html.escape(summary.reviewed_by)}"
            if summary.reviewed_by
            else " · not yet reviewed"
        )
        + "</p>",
        f"<p class='triage-{html.escape(level)}'>Triage: "
        f"{html.escape(TRIAGE_WORDS.get(level, level or 'not set'))} "
        f"(rule {html.escape(summary.triage_rule or '-')}: "
        f"{html.escape(summary.triage_reason or '')})</p>",
    ]
    if summary.kind == "narrative":
        parts.append(
            "<div class='narrative'><p><b>Narrative summary</b> (written by a small language "
            "model from the structured facts below, and checked against them: "
            f"{html.escape(summary.narrative_note)})</p>"
            f"<p>{html.escape(summary.narrative)}</p></div>"
        )
    elif summary.narrative_note:
        parts.append(
            "<p class='narrative-note'><i>Template summary: the model-written narrative is not "
            f"shown ({html.escape(summary.narrative_note)}).</i></p>"
        )
    if summary.red_flags:
        parts.append("<h4 class='triage-emergency'>Red flags</h4><ul>")
        parts.extend(
            f"<li><b>{html.escape(f.text)}</b><br>{_provenance(f)}</li>" for f in summary.red_flags
        )
        parts.append("</ul>")
    for section in summary.sections:
        parts.append(f"<h4>{html.escape(section.title)}</h4>")
        if not section.facts:
            parts.append(f"<p><i>{html.escape(section.empty_text)}</i></p>")
            continue
        parts.append("<ul>")
        parts.extend(f"<li>{html.escape(f.text)}<br>{_provenance(f)}</li>" for f in section.facts)
        parts.append("</ul>")
    if summary.concerns:
        parts.append("<h4>Patient's concerns in their own words</h4>")
        for concern in summary.concerns:
            note = " (untranslated)" if concern.untranslated else ""
            dir_ = "rtl" if concern.language in ("ar", "ur") else "ltr"
            parts.append(f"<p dir='{dir_}'>{html.escape(concern.text)}</p><p><i>{note}</i></p>")
    return "\n".join(parts)


def _reporter(bar: gr.Progress) -> Callable[[float, str], None]:
    """The knowledge store's (fraction, message) progress as a gradio progress bar."""

    def report(fraction: float, message: str) -> None:
        bar(fraction, desc=message)

    return report


class StaffDoor:
    def __init__(self, services: Services) -> None:
        self.s = services

    def login(self, username: str, password: str, role: str) -> tuple[Principal | None, str]:
        try:
            who = self.s.users.login(username or "", password or "")
            who.require(role)
        except AccessDenied as exc:
            raise gr.Error(
                "Sign-in failed: wrong username or password, or no access to this door."
            ) from exc
        return who, f"Signed in as **{who.username}** ({', '.join(sorted(who.roles))})"

    def _who(self, who: Principal | None, role: str) -> Principal:
        if who is None:
            raise gr.Error("Please sign in first.")
        try:
            who.require(role)
        except AccessDenied as exc:
            raise gr.Error("You do not have access to this.") from exc
        return who

    def queue(self, who: Principal | None) -> tuple[list[list[Any]], Any]:
        principal = self._who(who, "clinician")
        rows = []
        choices = []
        for intake in self.s.desk.queue(principal):
            when = intake.submitted_at or intake.updated_at
            level = intake.triage_level or ""
            rows.append(
                [
                    when.strftime("%Y-%m-%d %H:%M") if when else "",
                    TRIAGE_WORDS.get(level, level),
                    intake.status,
                    intake.language,
                    intake.id,
                ]
            )
            choices.append(
                (f"{when:%H:%M} · {TRIAGE_WORDS.get(level, level)} · {intake.id[:8]}", intake.id)
            )
        return rows, gr.update(choices=choices, value=choices[0][1] if choices else None)

    def open(self, who: Principal | None, intake_id: str | None) -> tuple[str, Any]:
        principal = self._who(who, "clinician")
        if not intake_id:
            raise gr.Error("Choose an intake from the queue.")
        try:
            summary = self.s.desk.summary(principal, intake_id)
            facts = self.s.desk.editable_facts(principal, intake_id)
        except IntakeError as exc:
            raise gr.Error("That intake could not be found.") from exc
        choices = [(text, str(fact_id)) for fact_id, text in facts]
        return summary_html(summary), gr.update(choices=choices, value=None)

    def correct(
        self,
        who: Principal | None,
        intake_id: str | None,
        fact_id: str | None,
        text: str,
        polarity: str,
        reason: str,
    ) -> tuple[str, Any]:
        principal = self._who(who, "clinician")
        if not intake_id or not fact_id:
            raise gr.Error("Choose an intake and the fact to correct.")
        present = {"present": True, "absent": False}.get(polarity)
        try:
            self.s.desk.correct(
                principal, intake_id, int(fact_id), text or "", present, reason or ""
            )
        except ValueError as exc:
            raise gr.Error(str(exc)) from exc
        except IntakeError as exc:
            raise gr.Error("That fact is no longer current; reopen the intake.") from exc
        return self.open(who, intake_id)

    def sign_off(self, who: Principal | None, intake_id: str | None) -> str:
        principal = self._who(who, "clinician")
        if not intake_id:
            raise gr.Error("Choose an intake from the queue.")
        return summary_html(self.s.desk.sign_off(principal, intake_id))

    def pdf(self, who: Principal | None, intake_id: str | None) -> str:
        principal = self._who(who, "clinician")
        if not intake_id:
            raise gr.Error("Choose an intake from the queue.")
        return str(self.s.desk.pdf(principal, intake_id))

    def fhir(self, who: Principal | None, intake_id: str | None) -> str:
        principal = self._who(who, "clinician")
        if not intake_id:
            raise gr.Error("Choose an intake from the queue.")
        return str(self.s.desk.fhir(principal, intake_id))

    def health(self, who: Principal | None, days: float, threshold: float) -> tuple[Any, ...]:
        self._who(who, "admin")
        since = utcnow() - timedelta(days=float(days))
        rows = health_rows(self.s.store, since=since, low_confidence=float(threshold))
        frame = health_frame(self.s.store, since=since, low_confidence=float(threshold))
        return health_table(rows), frame, frame, eval_table(latest_eval(self.s.store))

    def _knowledge(self) -> KnowledgeAdmin:
        if self.s.knowledge is None:
            raise gr.Error("The knowledge store is not enabled on this server.")
        return KnowledgeAdmin(
            self.s.knowledge,
            lambda user, action, detail: self.s.store.audit(user, action, None),
        )

    def knowledge_list(self, who: Principal | None) -> list[list[str]]:
        self._who(who, "admin")
        return self._knowledge().list_rows()

    # gradio tracks a progress bar for a parameter whose default is a gr.Progress instance.
    def knowledge_upload(
        self,
        who: Principal | None,
        files: Any,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, list[list[str]]]:
        principal = self._who(who, "admin")
        admin = self._knowledge()
        text = admin.upload(files or [], principal.username, _reporter(progress))
        return text, admin.list_rows()

    def knowledge_delete(
        self, who: Principal | None, source_id: str
    ) -> tuple[str, list[list[str]]]:
        principal = self._who(who, "admin")
        admin = self._knowledge()
        return admin.delete(source_id or "", principal.username), admin.list_rows()

    def knowledge_reindex(
        self,
        who: Principal | None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, list[list[str]]]:
        principal = self._who(who, "admin")
        admin = self._knowledge()
        return admin.reindex(_reporter(progress), principal.username), admin.list_rows()

    def manifest(self, who: Principal | None) -> tuple[dict[str, Any], list[list[str]]]:
        self._who(who, "admin")
        items = [
            [item.link_id, item.section, item.type, item.text["en"]]
            for item in self.s.questionnaire.items
        ]
        return json.loads(self.s.manifest_json()), items


# --- layout ---------------------------------------------------------------------------------


def build_app(services: Services) -> gr.Blocks:
    patient = PatientDoor(services)
    staff = StaffDoor(services)
    avatar = services.persona.avatar
    en = "en"
    with gr.Blocks(
        title=f"{services.persona.name['en']} · intake", analytics_enabled=False
    ) as demo:
        with gr.Tab("Patient / المريض / مریض"):
            state = gr.State(_new_state())
            with gr.Column() as patient_col:
                language = gr.Radio(LANG_CHOICES, value=en, label="Language · اللغة · زبان")
                title = gr.Markdown(f"## {patient.t('app_title', en)}")
                consent = gr.Markdown(
                    f"**{patient.t('consent_title', en)}**\n\n{patient.t('consent_text', en)}"
                )
                with gr.Column() as intro_box:
                    start = gr.Button(patient.t("consent_accept", en), variant="primary")
                    with gr.Row():
                        resume_code = gr.Textbox(label=patient.t("resume_label", en), scale=3)
                        resume_btn = gr.Button(patient.t("resume_button", en), scale=1)
                token_md = gr.Markdown(visible=False, elem_classes=["resume-code"])
                chat = gr.Chatbot(
                    label=services.persona.name["en"],
                    height=420,
                    avatar_images=(None, str(avatar)) if avatar.exists() else None,
                )
                emergency = gr.Markdown(visible=False, elem_classes=["emergency"])
                progress = gr.Markdown()
                with gr.Column(visible=False) as answer_box:
                    quick = gr.Radio([], label=patient.t("quick_answers", en), visible=False)
                    with gr.Row():
                        text = gr.Textbox(
                            show_label=False,
                            scale=4,
                            placeholder=patient.t("answer_placeholder", en),
                            max_length=services.settings.max_message_chars * 4,
                        )
                        send = gr.Button(patient.t("send", en), variant="primary", scale=1)
                    mic = gr.Audio(
                        sources=["microphone"],
                        type="filepath",
                        label=patient.t("mic_label", en),
                        visible=services.speech is not None,
                        elem_id="mic",
                    )
                with gr.Column(visible=False) as review_box:
                    review_table = gr.Dataframe(
                        headers=["Question", "Your words", "Understood as"],
                        interactive=False,
                        wrap=True,
                        max_height=2400,  # every answer on screen: nothing hidden in a scroll
                        column_widths=["40%", "30%", "30%"],
                        elem_id="review",
                    )
                    with gr.Row():
                        correct_which = gr.Dropdown([], label=patient.t("correct_which", en))
                        correct_text = gr.Textbox(label=patient.t("correct_text", en))
                        correct_btn = gr.Button(patient.t("correct_button", en))
                    submit = gr.Button(patient.t("submit_button", en), variant="primary")
                done = gr.Markdown(visible=False)
                read_aloud = gr.Checkbox(
                    value=False,
                    label=patient.t("read_aloud", en),
                    visible=services.speech is not None,
                )
                voice = gr.Audio(autoplay=True, interactive=False, visible=False, elem_id="voice")

            view_outputs = [
                state,
                chat,
                quick,
                progress,
                token_md,
                answer_box,
                review_box,
                review_table,
                correct_which,
                emergency,
                done,
                text,
                intro_box,
            ]
            chrome_outputs = [
                title,
                consent,
                start,
                chat,
                text,
                send,
                quick,
                resume_code,
                resume_btn,
                correct_which,
                correct_text,
                correct_btn,
                submit,
                patient_col,
                mic,
                read_aloud,
            ]
            language.change(
                patient.switch_language,
                [language, state],
                [state, *chrome_outputs],
                api_name="set_language",
            )
            speak = {
                "fn": patient.speak,
                "inputs": [state, read_aloud],
                "outputs": [voice],
                "api_visibility": "private",
            }
            start.click(patient.start, [language, state], view_outputs, api_name="start").then(
                **speak
            )
            resume_btn.click(
                patient.resume, [resume_code, language, state], view_outputs, api_name="resume"
            )
            send.click(
                patient.answer,
                [text, state],
                view_outputs,
                api_name="answer",
                concurrency_limit=None,
            ).then(**speak)
            text.submit(patient.answer, [text, state], view_outputs, api_visibility="private").then(
                **speak
            )
            quick.input(patient.quick, [quick, state], view_outputs, api_name="quick_answer").then(
                **speak
            )
            correct_btn.click(
                patient.correct,
                [correct_which, correct_text, state],
                view_outputs,
                api_name="correct",
            )
            submit.click(patient.submit, [state], view_outputs, api_name="submit").then(**speak)
            mic.stop_recording(patient.transcribe, [mic, state], [text, mic], api_name="transcribe")

        with gr.Tab("Clinician"):
            who_c = gr.State(None)
            with gr.Row():
                user_c = gr.Textbox(label="Username")
                pass_c = gr.Textbox(label="Password", type="password")
                login_c = gr.Button("Sign in", variant="primary")
            status_c = gr.Markdown()
            refresh = gr.Button("Refresh queue")
            queue_df = gr.Dataframe(
                headers=["Finished", "Triage", "Status", "Language", "Intake"],
                interactive=False,
                wrap=True,
            )
            with gr.Row():
                pick = gr.Dropdown([], label="Intake")
                open_btn = gr.Button("Open summary")
                pdf_btn = gr.Button("Download PDF")
                fhir_btn = gr.Button("Export FHIR")
            summary_view = gr.HTML()
            pdf_file = gr.File(label="PDF")
            with gr.Accordion("Correct a fact / sign off", open=False):
                fact_pick = gr.Dropdown([], label="Fact")
                with gr.Row():
                    fact_text = gr.Textbox(label="Corrected text (English)")
                    fact_polarity = gr.Radio(
                        ["present", "absent", "n/a"], value="n/a", label="Finding is"
                    )
                    fact_reason = gr.Textbox(label="Reason")
                with gr.Row():
                    fact_save = gr.Button("Save correction")
                    sign = gr.Button("Mark summary reviewed", variant="primary")
            login_c.click(
                lambda u, p: staff.login(u, p, "clinician"),
                [user_c, pass_c],
                [who_c, status_c],
                api_name="clinician_login",
            ).then(staff.queue, [who_c], [queue_df, pick])
            refresh.click(staff.queue, [who_c], [queue_df, pick], api_name="queue")
            open_btn.click(
                staff.open, [who_c, pick], [summary_view, fact_pick], api_name="open_intake"
            )
            fact_save.click(
                staff.correct,
                [who_c, pick, fact_pick, fact_text, fact_polarity, fact_reason],
                [summary_view, fact_pick],
                api_name="correct_fact",
            )
            sign.click(staff.sign_off, [who_c, pick], [summary_view], api_name="sign_off")
            pdf_btn.click(staff.pdf, [who_c, pick], [pdf_file], api_name="download_pdf")
            fhir_btn.click(staff.fhir, [who_c, pick], [pdf_file], api_name="export_fhir")

        with gr.Tab("Admin"):
            who_a = gr.State(None)
            with gr.Row():
                user_a = gr.Textbox(label="Username")
                pass_a = gr.Textbox(label="Password", type="password")
                login_a = gr.Button("Sign in", variant="primary")
            status_a = gr.Markdown()
            gr.Markdown("### Questionnaire and model versions")
            manifest = gr.JSON()
            items = gr.Dataframe(
                headers=["linkId", "Section", "Type", "Text (en)"], interactive=False, wrap=True
            )
            if services.knowledge is not None:
                gr.Markdown("### Knowledge: protocol packs and clinic documents")
                with gr.Row():
                    k_files = gr.File(
                        file_count="multiple",
                        file_types=[".pdf", ".docx", ".md", ".txt", ".csv", ".yaml", ".yml",
                                    ".json"],
                        label="Documents (PDF, DOCX, Markdown, text, CSV) or protocol packs",
                        elem_id="knowledge-files",
                    )  # fmt: skip
                    with gr.Column():
                        # Enabled once the browser has sent the files: a click while they are
                        # still on their way would index nothing and say nothing.
                        k_upload = gr.Button(
                            "Upload and index",
                            variant="primary",
                            interactive=False,
                            elem_id="knowledge-upload",
                        )
                        k_reindex = gr.Button("Re-index everything")
                        k_id = gr.Textbox(label="ID to delete")
                        k_delete = gr.Button("Delete", variant="stop")
                k_report = gr.Markdown(elem_id="knowledge-report")
                k_list = gr.Dataframe(
                    headers=list(KNOWLEDGE_HEADERS),
                    interactive=False,
                    wrap=True,
                    elem_id="knowledge-list",
                )
                k_files.change(
                    lambda files: gr.Button(interactive=bool(files)),
                    [k_files],
                    [k_upload],
                    queue=False,
                    api_visibility="private",
                )
                k_upload.click(
                    staff.knowledge_upload,
                    [who_a, k_files],
                    [k_report, k_list],
                    api_name="knowledge_upload",
                )
                k_delete.click(
                    staff.knowledge_delete,
                    [who_a, k_id],
                    [k_report, k_list],
                    api_name="knowledge_delete",
                )
                k_reindex.click(
                    staff.knowledge_reindex,
                    [who_a],
                    [k_report, k_list],
                    api_name="knowledge_reindex",
                )
            gr.Markdown("### Model health")
            with gr.Row():
                days_a = gr.Slider(1, 90, value=7, step=1, label="Last N days")
                threshold_a = gr.Slider(
                    0.0, 1.0, value=0.6, step=0.05, label="Low confidence below"
                )
                refresh_a = gr.Button("Refresh")
            health_a = gr.Dataframe(headers=HEALTH_HEADERS, interactive=False)
            with gr.Row():
                latency_a = gr.LinePlot(
                    x="day", y="p95_latency_ms", color="series", title="p95 latency per day (ms)"
                )
                lowconf_a = gr.LinePlot(
                    x="day",
                    y="low_confidence_rate",
                    color="series",
                    title="Low-confidence rate per day",
                )
            gr.Markdown("### Understanding evaluation: newest run against the one before")
            evals_a = gr.Dataframe(headers=EVAL_HEADERS, interactive=False)
            health_outputs = [health_a, latency_a, lowconf_a, evals_a]
            refresh_a.click(
                staff.health, [who_a, days_a, threshold_a], health_outputs, api_name="model_health"
            )
            after_login = (
                login_a.click(
                    lambda u, p: staff.login(u, p, "admin"),
                    [user_a, pass_a],
                    [who_a, status_a],
                    api_name="admin_login",
                )
                .then(staff.manifest, [who_a], [manifest, items])
                .then(staff.health, [who_a, days_a, threshold_a], health_outputs)
            )
            if services.knowledge is not None:
                after_login.then(staff.knowledge_list, [who_a], [k_list])
    return cast(gr.Blocks, demo)


def launch_kwargs(services: Services) -> dict[str, Any]:
    css_path = services.settings.assets_dir / "style.css"
    return {
        "server_name": services.settings.host,
        "server_port": services.settings.port,
        "css_paths": [css_path] if css_path.exists() else None,
        "allowed_paths": [
            str(services.settings.assets_dir),
            str((services.settings.data_dir / "exports").resolve()),
        ],
        "max_file_size": f"{max(25, services.settings.max_upload_bytes // 1_000_000)}mb",
        "footer_links": [],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start the intake app (patient, clinician, admin)")
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    args = parser.parse_args(argv)
    overrides: dict[str, Any] = {}
    if args.host:
        overrides["host"] = args.host
    if args.port:
        overrides["port"] = args.port
    settings = Settings(**overrides)
    services = Services.full(settings)
    services.warm_up()
    (settings.data_dir / "exports").mkdir(parents=True, exist_ok=True)
    print(f"Data directory: {Path(settings.data_dir).resolve()}")
    if not services.store.users():
        print(
            "No staff users yet: create one with "
            "`intake users add NAME --role admin --role clinician`"
        )
    build_app(services).queue(default_concurrency_limit=8).launch(**launch_kwargs(services))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
