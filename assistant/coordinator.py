"""One patient turn: which micro-models run, in what order, and what short-circuits.

Order per turn: clean the text; screen for red flags and extract findings (the understanding
fleet, which fails closed); stop at once on a red flag; otherwise parse the answer to the
pending question, derive what else the patient already told us, pick the next question.
Everything the turn produced is committed in one transaction before the reply is returned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from assistant.concepts import Analysis, Finding, RedFlag
from assistant.errors import IntakeError, InvalidAnswer, SessionClosed, StaleAnswer
from assistant.fleet import Fleet
from assistant.guard import within
from assistant.i18n import Messages
from assistant.interview import Interview, Progress
from assistant.languages import LANGUAGES, Lang, is_lang
from assistant.micromodels.base import Trace, error_trace
from assistant.questionnaire import Item
from assistant.store import FactRow, IntakeRow, NewFact, Store, TurnWrite
from assistant.text import clean_input

if TYPE_CHECKING:
    from assistant.micromodels.base import Result
    from assistant.micromodels.doc_answer import DocAnswer
    from assistant.micromodels.retrieval import ProtocolMatch
    from assistant.protocols import ProtocolPack


class KnowledgeHooks(Protocol):
    """What the interview takes from the clinic's knowledge (see assistant/knowledge.py)."""

    def match_protocol(
        self,
        chief_complaint_text: str,
        concept_codes: Sequence[str],
        language: Lang,
        *,
        age: int | None = None,
    ) -> Result[ProtocolMatch | None]: ...

    def protocol_pack(self, pack_id: str) -> ProtocolPack | None: ...

    def is_question(self, text: str, language: Lang) -> bool: ...

    def answer_question(self, text: str, language: Lang) -> Result[DocAnswer | None]: ...


# Slots an utterance can fill besides the question it answers, from finding attributes.
_DERIVED_SLOTS = {
    "duration": "hpi.duration",
    "severity": "hpi.severity",
    "location": "hpi.location",
    "character": "hpi.character",
    "onset": "hpi.onset",
}
_DERIVING_ITEMS = {
    "chief_complaint",
    "hpi_onset",
    "hpi_location",
    "hpi_duration",
    "hpi_character",
    "hpi_severity",
    "hpi_radiation",
}
OPEN_STATUSES = ("in_progress", "review")
_ENGLISH_ATTRIBUTE = {"hpi.location": "location", "hpi.character": "character"}


@dataclass(frozen=True, slots=True)
class TurnView:
    """What the patient door shows after any call."""

    intake_id: str
    language: Lang
    status: str
    reply: str
    question: Item | None
    progress: Progress
    notice_key: str | None = None
    resume_token: str | None = None


@dataclass(frozen=True, slots=True)
class ReviewRow:
    link_id: str
    question: str
    words: str
    understood: str


@dataclass(slots=True)
class _Known:
    values: dict[str, Any] = field(default_factory=dict)  # linkId -> answer value
    slots: set[str] = field(default_factory=set)
    age: int | None = None
    protocol: str | None = None  # the matched protocol pack's id
    findings: dict[str, bool] = field(default_factory=dict)  # concept -> present (current)

    def learn(self, fact: FactRow | NewFact) -> None:
        """What one fact (stored, or about to be) tells the interview."""
        if fact.kind in ("answer", "slot"):
            self.slots.add(fact.key)
            if fact.kind == "answer" and fact.link_id:
                self.values[fact.link_id] = fact.value.get("value")
                if fact.link_id == "age" and isinstance(fact.value.get("value"), int):
                    self.age = int(fact.value["value"])
        elif fact.kind == "no_known_allergies":
            self.slots.add("allergies")
        elif fact.kind == "no_medications":
            self.slots.add("medications")
        elif fact.kind == "protocol":
            self.protocol = str(fact.value.get("pack") or "") or None
        elif fact.kind == "finding" and fact.present is not None:
            self.findings.setdefault(fact.key, bool(fact.present))


def known_from(facts: Sequence[FactRow]) -> _Known:
    known = _Known()
    for fact in facts:
        known.learn(fact)
    return known


class Coordinator:
    def __init__(
        self,
        fleet: Fleet,
        interview: Interview,
        store: Store,
        messages: Messages,
        *,
        max_message_chars: int = 2000,
        resume_token_days: int = 7,
        model_budget_s: float = 5.0,
        knowledge: KnowledgeHooks | None = None,
    ) -> None:
        self.model_budget_s = model_budget_s
        self.knowledge = knowledge
        self.fleet = fleet
        self.interview = interview
        self.store = store
        self.messages = messages
        self.max_message_chars = max_message_chars
        self.resume_token_days = resume_token_days

    # --- the patient door ---------------------------------------------------------------

    def start(self, language: str) -> TurnView:
        lang = _lang(language)
        first = self.interview.next_item({}, set())
        greeting = self.messages.get("greeting", lang)
        text = greeting if first is None else f"{greeting}\n\n{first.prompt(lang)}"
        row, token = self.store.create_intake(
            lang,
            self.interview.questionnaire.version,
            first.link_id if first else None,
            text,
            self.resume_token_days,
        )
        return self._view(row, text, resume_token=token)

    def resume(self, token: str) -> TurnView:
        row = self.store.find_by_token(token.strip())
        return self._view(row, self.messages.get("resumed", row.language))

    def view(self, intake_id: str) -> TurnView:
        row = self.store.get_intake(intake_id)
        turns = self.store.turns(intake_id)
        last = next((t.text for t in reversed(turns) if t.role == "assistant"), "")
        return self._view(row, last)

    def set_language(self, intake_id: str, language: str) -> TurnView:
        lang = _lang(language)
        self.store.set_language(intake_id, lang)
        row = self.store.get_intake(intake_id)
        question = self._pending(row)
        return self._view(row, question.prompt(lang) if question else "")

    def answer(self, intake_id: str, link_id: str | None, text: str) -> TurnView:
        """Take the patient's answer to ``link_id``; raises IntakeError subclasses."""
        row = self.store.get_intake(intake_id)
        if row.status not in ("in_progress",):
            raise (
                SessionClosed(intake_id)
                if row.status != "review"
                else InvalidAnswer(key="error_not_in_review")
            )
        cleaned = self._clean(text)
        lang = _lang(row.language)
        item = self._pending(row)
        if item is None or item.link_id != link_id:
            raise StaleAnswer(intake_id)
        return self._take_answer(row, item, cleaned, lang, kind="answer")

    def review(self, intake_id: str) -> list[ReviewRow]:
        row = self.store.get_intake(intake_id)
        lang = _lang(row.language)
        rows: list[ReviewRow] = []
        for fact in self.store.facts(intake_id):
            if fact.kind != "answer" or not fact.link_id:
                continue
            found = self.item(fact.link_id)
            if found is None:
                continue
            item = found
            rows.append(
                ReviewRow(
                    fact.link_id,
                    item.prompt(lang),
                    fact.evidence,
                    self._localized_value(item, fact, lang),
                )
            )
        return rows

    def correct(self, intake_id: str, link_id: str, text: str) -> TurnView:
        row = self.store.get_intake(intake_id)
        if row.status not in OPEN_STATUSES:
            raise SessionClosed(intake_id)
        item = self.item(link_id)
        if item is None:
            raise InvalidAnswer(link_id)
        cleaned = self._clean(text)
        return self._take_answer(row, item, cleaned, _lang(row.language), kind="correction")

    def submit(self, intake_id: str) -> TurnView:
        from assistant.summary import build_summary

        row = self.store.get_intake(intake_id)
        if row.status != "review":
            if row.status in ("submitted", "emergency"):
                raise SessionClosed(intake_id)
            raise InvalidAnswer(key="error_not_in_review")
        facts = self.store.facts(intake_id)
        decision = self._triage(facts)
        triage = (decision.level, decision.rule, decision.reason)
        summary = build_summary(
            row,
            facts,
            self.interview.questionnaire,
            self.fleet.versions(),
            triage=triage,
            status="submitted",
        )
        self.store.set_status(
            intake_id,
            expected_status="review",
            status="submitted",
            triage=triage,
            summary=("template", summary.as_dict()),
        )
        return self._view(
            self.store.get_intake(intake_id), self.messages.get("submitted", row.language)
        )

    # --- internals ----------------------------------------------------------------------

    def _clean(self, text: str) -> str:
        if not isinstance(text, str):
            raise InvalidAnswer(key="error_empty")
        if len(text) > self.max_message_chars * 4:
            raise InvalidAnswer(key="error_too_long")
        cleaned = clean_input(text)
        if not cleaned:
            raise InvalidAnswer(key="error_empty")
        if len(cleaned) > self.max_message_chars:
            raise InvalidAnswer(key="error_too_long")
        return cleaned

    def _pending(self, row: IntakeRow) -> Item | None:
        if row.current_link_id is None:
            return None
        return self.item(row.current_link_id)

    def item(self, link_id: str) -> Item | None:
        """A core questionnaire item, or a protocol pack's (linkId ``<pack>.<question>``)."""
        try:
            return self.interview.questionnaire.item(link_id)
        except KeyError:
            pass
        pack_id, dot, _ = link_id.partition(".")
        if not dot:
            return None
        pack = self._pack(pack_id)
        if pack is None:
            return None
        return next((q for q in pack.questions if q.link_id == link_id), None)

    def _pack(self, pack_id: str) -> ProtocolPack | None:
        """A loaded protocol pack; None when it was removed or the store cannot be reached
        (the interview then goes on without its follow-ups)."""
        if self.knowledge is None:
            return None
        try:
            return self.knowledge.protocol_pack(pack_id)
        except Exception:
            return None

    def _progress(self, known: _Known) -> Progress:
        """Core questions plus the matched protocol pack's, answered or skipped."""
        core = self.interview.progress(known.values, known.slots)
        pack = self._pack(known.protocol) if known.protocol else None
        if pack is None:
            return core
        follow_ups = [q for q in pack.questions if self.interview.enabled(q, known.values)]
        done = sum(1 for q in follow_ups if self._follow_up_done(q, known))
        return Progress(core.answered + done, core.total + len(follow_ups))

    def _next_item(self, known: _Known) -> Item | None:
        """The core questions first, then the matched protocol pack's follow-ups."""
        core = self.interview.next_item(known.values, known.slots)
        if core is not None or known.protocol is None:
            return core
        pack = self._pack(known.protocol)
        if pack is None:
            return None
        for question in pack.questions:
            if not self._follow_up_done(question, known) and self.interview.enabled(
                question, known.values
            ):
                return question
        return None

    def _follow_up_done(self, question: Item, known: _Known) -> bool:
        return question.link_id in known.values or self._repeats_core(question, known)

    def _core_twins(self, question: Item) -> list[Item]:
        """The core questions a protocol question of this name would repeat."""
        twins = []
        for name in _core_names(question.link_id.partition(".")[2]):
            try:
                twins.append(self.interview.questionnaire.item(name))
            except KeyError:
                continue
        return twins

    def _repeats_core(self, question: Item, known: _Known) -> bool:
        """A pack's "smoking" is the core "smoking", its "location" the core "hpi_location":
        not asked again when the patient already said it, nor when the core question does not
        apply to this patient (a pack's pregnancy question for a man). A yes/no question about
        a symptom the patient already named or denied ("fever") is not asked either: the
        finding, with the patient's words, is in the summary."""
        short = question.link_id.partition(".")[2]
        if question.type == "boolean" and short in known.findings:
            return True
        return any(
            twin.link_id in known.values
            or twin.slot in known.slots
            or not self.interview.enabled(twin, known.values)
            for twin in self._core_twins(question)
        )

    def _protocol_turn(
        self,
        item: Item,
        text: str,
        lang: Lang,
        analysis: Analysis,
        facts_before: Sequence[FactRow],
        traces: list[Trace],
    ) -> tuple[ProtocolPack | None, NewFact | None]:
        """The protocol pack this turn runs under: matched on the chief complaint, else the
        one matched before. Returns (pack, a new ``protocol`` fact when one was matched now)."""
        if self.knowledge is None:
            return None, None
        knowledge = self.knowledge
        before = known_from(facts_before)
        if item.link_id != "chief_complaint":
            return (self._pack(before.protocol) if before.protocol else None), None
        codes = [f.code for f in analysis.findings if f.present and f.context == "current"]
        age = before.age
        try:
            result = within(
                self.model_budget_s,
                lambda: knowledge.match_protocol(text, codes, lang, age=age),
            )
        except Exception as exc:
            # Fallback: no protocol; the core questionnaire still covers the visit.
            traces.append(error_trace("protocol_match", "", "fallback", exc))
            return None, None
        traces.append(result.trace)
        match = result.value
        if match is None:
            return None, None
        fact = NewFact(
            kind="protocol",
            key="protocol",
            label=match.pack.title["en"],
            value={
                "pack": match.pack.id,
                "pack_version": match.pack.version,
                "sha256": match.pack.sha256,
                "method": match.method,
                "similarity": round(match.similarity, 4),
            },
            evidence=text,
            evidence_language=analysis.language,
            source="model",
            model=result.trace.model,
            version=result.trace.version,
            confidence=result.trace.confidence,
            link_id=item.link_id,
        )
        return match.pack, fact

    def _already_said(
        self, pack: ProtocolPack, text: str, lang: Lang, analysis: Analysis, traces: list[Trace]
    ) -> list[NewFact]:
        """Answers to the pack's choice questions that the complaint already gives ("a cough
        with phlegm" answers "dry, or with phlegm?"): recorded from the patient's words, shown
        in the review like any answer, and not asked."""
        facts: list[NewFact] = []
        for question in pack.questions:
            if question.type != "choice" or question.enable_when:
                continue
            if self._core_twins(question):  # smoking, pregnancy: the core questions ask
                continue
            parsed, parse_traces = self._parse(question, text, lang, analysis.language)
            traces.extend(parse_traces)
            # A bare yes/no/never read out of a complaint is a guess, not an answer.
            if parsed is None or parsed.kind != "value" or parsed.value in _GENERIC_CODES:
                continue
            fact = self._answer_fact(question, text, analysis, parsed)
            facts.append(replace(fact, source="model", confidence=0.7))
        return facts

    def _protocol_flags(
        self, pack: ProtocolPack, text: str, lang: Lang, traces: list[Trace]
    ) -> tuple[list[RedFlag], bool]:
        """The pack's extra red flags in ``text`` (negated mentions excluded). Fails closed:
        (flags, escalated)."""
        try:
            context = self.fleet.understanding.context(text)
            traces.append(context.trace)
            return pack.screen(text, lang, context.value), False
        except Exception as exc:
            traces.append(error_trace(f"protocol:{pack.id}", pack.version, "escalated", exc))
            return [], True

    def _answer_question(
        self,
        row: IntakeRow,
        item: Item,
        text: str,
        lang: Lang,
        analysis: Analysis,
        traces: list[Trace],
    ) -> TurnView | None:
        """A patient's question ("what should I bring?") answered only from the clinic's
        documents, with the title cited; then the pending question again. None when the
        words are not a question or carry clinical content (they are then an answer)."""
        knowledge = self.knowledge
        if knowledge is None or item.link_id == "concerns":
            return None
        if analysis.findings or analysis.medications or analysis.allergies:
            return None
        try:
            if not knowledge.is_question(text, lang):
                return None
            result = within(self.model_budget_s, lambda: knowledge.answer_question(text, lang))
            traces.append(result.trace)
            found = result.value
        except Exception as exc:
            traces.append(error_trace("doc_answer", "", "fallback", exc))
            found = None
        if found is None:
            said = self.messages.get("doc_unknown", lang)
        else:
            said = self.messages.get(
                "doc_answer", lang, title=found.citation, passage=found.passage.strip()
            )
        reply = f"{said}\n\n{self.messages.get('back_to_question', lang)} {item.prompt(lang)}"
        return self._stay(
            row, text, analysis.language, reply, traces, kind="question", notice_key="doc_answer"
        )

    def _stay(
        self,
        row: IntakeRow,
        text: str,
        language: str,
        reply: str,
        traces: list[Trace],
        *,
        kind: str,
        notice_key: str,
        facts: Sequence[NewFact] = (),
    ) -> TurnView:
        """Record a turn that leaves the pending question where it was (asked again)."""
        self.store.record_turn(
            TurnWrite(
                row.id,
                row.current_link_id,
                text,
                language,
                reply,
                row.current_link_id,
                row.status,
                facts=facts,
                traces=traces,
                kind=kind,
            )
        )
        return self._view(self.store.get_intake(row.id), reply, notice_key=notice_key)

    def _take_answer(
        self, row: IntakeRow, item: Item, text: str, lang: Lang, *, kind: str
    ) -> TurnView:
        facts_before = self.store.facts(row.id)
        versions = self.fleet.understanding.versions
        try:
            analysis, produced = within(
                self.model_budget_s, lambda: self.fleet.understanding.analyze(text, lang)
            )
            traces = list(produced)
        except Exception as exc:
            # Understanding carries the red-flag screen: if it fails, the turn escalates.
            analysis = Analysis(lang, escalated=True)
            traces = [error_trace("understanding", versions.get("red_flags", ""), "escalated", exc)]
        new_facts = self._analysis_facts(analysis, item, text, versions)
        pack, protocol_fact = (None, None)
        if not (analysis.red_flags or analysis.escalated):
            pack, protocol_fact = self._protocol_turn(
                item, text, lang, analysis, facts_before, traces
            )
        if pack is not None:
            extra, failed = self._protocol_flags(pack, text, lang, traces)
            for flag in extra:
                new_facts.append(_red_flag_fact(flag, analysis.language, versions, item.link_id))
            analysis.red_flags.extend(extra)
            analysis.escalated = analysis.escalated or failed
        if protocol_fact is not None:
            new_facts.append(protocol_fact)
            if pack is not None and not (analysis.red_flags or analysis.escalated):
                new_facts.extend(self._already_said(pack, text, lang, analysis, traces))

        if analysis.red_flags or analysis.escalated:
            return self._stop_for_emergency(
                row, item, text, lang, analysis, traces, new_facts, facts_before, kind
            )

        if kind == "answer":
            asked = self._answer_question(row, item, text, lang, analysis, traces)
            if asked is not None:
                return asked

        parsed, parse_traces = self._parse(item, text, lang, analysis.language)
        traces.extend(parse_traces)
        if parsed is None and item.understand is None:
            reply = self._not_understood(item, lang)
            return self._stay(
                row,
                text,
                analysis.language,
                reply,
                traces,
                kind="unparsed",
                notice_key="not_understood",
                facts=new_facts,
            )

        answer = self._answer_fact(item, text, analysis, parsed)
        new_facts.insert(0, answer)
        new_facts.extend(self._derived_slots(item, analysis, text, versions))

        superseded = item.link_id if kind == "correction" else None
        remaining = [f for f in facts_before if f.link_id != superseded]
        known = known_from(remaining)
        for fact in new_facts:
            known.learn(fact)
        nxt = self._next_item(known)
        ack = self.messages.get("ack" if kind == "answer" else "corrected", lang)
        if nxt is None:
            # review_intro thanks the patient itself; a correction says what changed first.
            intro = self.messages.get("review_intro", lang)
            reply = intro if kind == "answer" else f"{ack} {intro}"
            status = "review"
        else:
            reply = f"{ack}\n\n{nxt.prompt(lang)}"
            status = "in_progress"
        self.store.record_turn(
            TurnWrite(
                row.id,
                row.current_link_id,
                text,
                analysis.language,
                reply,
                nxt.link_id if nxt else None,
                status,
                facts=new_facts,
                traces=traces,
                kind=kind,
                supersede_link_id=superseded,
                answered_link_id=item.link_id,
            )
        )
        return self._view(self.store.get_intake(row.id), reply)

    def _parse(self, item: Item, text: str, lang: Lang, detected: str) -> tuple[Any, list[Trace]]:
        traces: list[Trace] = []
        # The session language first, then the detected one, then the rest: patients mix.
        order = [lang] + [x for x in (detected, *LANGUAGES) if is_lang(x) and x != lang]
        seen: set[str] = set()
        for candidate in order:
            if candidate in seen or not is_lang(candidate):
                continue
            seen.add(candidate)
            parser = self.fleet.answer_parser
            call = partial(
                parser.run,
                text,
                qtype=item.type,
                language=candidate,
                options=item.options,
                minimum=item.minimum,
                maximum=item.maximum,
            )
            try:
                result = within(self.model_budget_s, call)
            except Exception as exc:
                # Fallback: treat the answer as not understood (typed items are asked
                # again; free-text items keep the patient's words).
                traces.append(error_trace(parser.name, parser.version, "fallback", exc))
                return None, traces
            traces.append(result.trace)
            if result.value is not None:
                return result.value, traces
        return None, traces

    def _answer_fact(self, item: Item, text: str, analysis: Analysis, parsed: Any) -> NewFact:
        parser = self.fleet.answer_parser
        if parsed is None:
            # Free text the parser could not type: keep the words; understanding reads them.
            value = {"kind": "value", "value": text, "english": text}
            confidence = None
        else:
            value = {"kind": parsed.kind, "value": parsed.value, "english": parsed.english}
            confidence = 0.95 if parsed.kind == "value" else 0.8
        model, version = parser.name, parser.version
        attribute = _ENGLISH_ATTRIBUTE.get(item.slot)
        if attribute and value["kind"] == "value":
            # "Where?" / "What is it like?" answered in any language: the findings model's
            # English body site or character reads better than untranslated words.
            english = next(
                (getattr(f, attribute) for f in analysis.findings if getattr(f, attribute)),
                None,
            )
            if english:
                value["english"] = str(english)
                model = "findings"
                version = self.fleet.understanding.versions.get("findings", "")
        return NewFact(
            kind="answer",
            key=item.slot,
            label=item.text["en"],
            value=value,
            evidence=text,
            evidence_language=analysis.language,
            source="patient",
            model=model,
            version=version,
            confidence=confidence,
            link_id=item.link_id,
        )

    def _analysis_facts(
        self, analysis: Analysis, item: Item, text: str, versions: dict[str, str]
    ) -> list[NewFact]:
        facts: list[NewFact] = []
        family_item = item.link_id == "family_history"
        history_item = item.understand == "conditions" and not family_item
        # The patient's own worries are kept verbatim for the clinician; what they fear
        # ("I'm afraid it is cancer") is not a finding. Red flags in them still count.
        findings = [] if item.link_id == "concerns" else analysis.findings
        for finding in findings:
            context = finding.context
            if family_item and context == "current":
                context = "family"
            elif history_item and context == "current":
                context = "history"
            kind = {
                "current": "finding",
                "family": "family_history",
                "history": "past_history",
            }.get(context, "finding")
            facts.append(
                _finding_fact(
                    finding,
                    kind,
                    context,
                    analysis.language,
                    versions.get("findings", ""),
                    item.link_id,
                )
            )
        for med in analysis.medications:
            facts.append(
                NewFact(
                    kind="medication",
                    key=med.code or med.label,
                    label=med.label,
                    value={"dose": med.dose, "frequency": med.frequency},
                    present=True,
                    evidence=med.evidence,
                    evidence_language=analysis.language,
                    source="model",
                    model="medications",
                    version=versions.get("medications", ""),
                    confidence=med.confidence,
                    link_id=item.link_id,
                )
            )
        for allergy in analysis.allergies:
            facts.append(
                NewFact(
                    kind="allergy",
                    key=allergy.code or allergy.substance,
                    label=allergy.substance,
                    value={"reaction": allergy.reaction},
                    present=True,
                    evidence=allergy.evidence,
                    evidence_language=analysis.language,
                    source="model",
                    model="allergies",
                    version=versions.get("allergies", ""),
                    confidence=allergy.confidence,
                    link_id=item.link_id,
                )
            )
        if analysis.no_known_allergies:
            facts.append(
                NewFact(
                    kind="no_known_allergies",
                    key="no_known_allergies",
                    label="No known allergies",
                    present=False,
                    evidence=text,
                    evidence_language=analysis.language,
                    source="model",
                    model="allergies",
                    version=versions.get("allergies", ""),
                    confidence=0.9,
                    link_id=item.link_id,
                )
            )
        if analysis.no_medications:
            facts.append(
                NewFact(
                    kind="no_medications",
                    key="no_medications",
                    label="No regular medications",
                    present=False,
                    evidence=text,
                    evidence_language=analysis.language,
                    source="model",
                    model="medications",
                    version=versions.get("medications", ""),
                    confidence=0.9,
                    link_id=item.link_id,
                )
            )
        for flag in analysis.red_flags:
            facts.append(_red_flag_fact(flag, analysis.language, versions, item.link_id))
        return facts

    def _derived_slots(
        self, item: Item, analysis: Analysis, text: str, versions: dict[str, str]
    ) -> list[NewFact]:
        if item.link_id not in _DERIVING_ITEMS:
            return []
        facts: list[NewFact] = []
        present = [f for f in analysis.findings if f.present and f.context == "current"]
        for attribute, slot in _DERIVED_SLOTS.items():
            if slot == item.slot:
                continue
            for finding in present:
                value = getattr(finding, attribute)
                if value is None:
                    continue
                if attribute == "onset" and value not in ("sudden", "gradual"):
                    continue
                english = (
                    value.english()
                    if attribute == "duration"
                    else (f"{value}/10" if attribute == "severity" else str(value))
                )
                raw = value.as_dict() if attribute == "duration" else value
                facts.append(
                    NewFact(
                        kind="slot",
                        key=slot,
                        label=finding.label,
                        value={"kind": "value", "value": raw, "english": english},
                        evidence=finding.evidence,
                        evidence_language=analysis.language,
                        source="model",
                        model="findings",
                        version=versions.get("findings", ""),
                        confidence=finding.confidence,
                        link_id=item.link_id,
                    )
                )
                break
        return facts

    def _stop_for_emergency(
        self,
        row: IntakeRow,
        item: Item,
        text: str,
        lang: Lang,
        analysis: Analysis,
        traces: list[Trace],
        new_facts: list[NewFact],
        facts_before: Sequence[FactRow],
        kind: str,
    ) -> TurnView:
        from assistant.summary import build_summary

        flags = list(analysis.red_flags)
        if analysis.escalated and not flags:
            flags.append(
                RedFlag(
                    "screening_error",
                    "Red-flag screening failed; escalated",
                    "",
                    "fail_closed",
                    "emergency",
                )
            )
            new_facts.append(_red_flag_fact(flags[-1], analysis.language, {}, item.link_id))
        findings = [f for f in analysis.findings if f.context == "current"]
        decision = self.fleet.understanding.triage(findings, flags, known_from(facts_before).age)
        traces.append(decision.trace)
        triage = (decision.value.level, decision.value.rule, decision.value.reason)
        reply = (
            f"{self.messages.get('emergency_title', lang)}\n\n"
            f"{self.messages.get('emergency_guidance', lang)}"
        )
        self.store.record_turn(
            TurnWrite(
                row.id,
                row.current_link_id,
                text,
                analysis.language,
                reply,
                None,
                "emergency",
                facts=new_facts,
                traces=traces,
                kind=kind,
                triage=triage,
                answered_link_id=item.link_id,
            )
        )
        stored = self.store.get_intake(row.id)
        summary = build_summary(
            stored,
            self.store.facts(row.id),
            self.interview.questionnaire,
            self.fleet.versions(),
            triage=triage,
            status="emergency",
        )
        self.store.set_status(
            row.id,
            expected_status="emergency",
            status="emergency",
            summary=("template", summary.as_dict()),
        )
        return self._view(stored, reply, notice_key="emergency")

    def _triage(self, facts: Sequence[FactRow]) -> Any:
        from assistant.summary import findings_from, red_flags_from

        result = self.fleet.understanding.triage(
            findings_from(facts), red_flags_from(facts), known_from(facts).age
        )
        return result.value

    def _not_understood(self, item: Item, lang: Lang) -> str:
        if item.type == "choice":
            options = ", ".join(o.text[lang] for o in item.options)
            hint = self.messages.get("hint_choice", lang, options=options)
        else:
            key = f"hint_{item.type}" if f"hint_{item.type}" in self.messages else "hint_text"
            hint = self.messages.get(key, lang)
        if item.hint:
            hint = f"{hint} {item.hint[lang]}"
        hint = f"{hint} {self.messages.get('you_can_skip', lang)}"
        return f"{self.messages.get('not_understood', lang, hint=hint)}\n\n{item.prompt(lang)}"

    def _localized_value(self, item: Item, fact: FactRow, lang: Lang) -> str:
        kind = fact.value.get("kind")
        if kind == "unknown":
            return self.messages.get("unknown_value", lang)
        if kind == "none":
            return self.messages.get("none_value", lang)
        value = fact.value.get("value")
        if item.type == "choice" and isinstance(value, str):
            option = item.option(value)
            if option is not None:
                return option.text[lang]
        if item.type == "duration" and isinstance(value, dict):
            return str(fact.value.get("english", ""))
        return str(fact.value.get("english", value))

    def _view(
        self,
        row: IntakeRow,
        reply: str,
        *,
        notice_key: str | None = None,
        resume_token: str | None = None,
    ) -> TurnView:
        facts = self.store.facts(row.id)
        known = known_from(facts)
        return TurnView(
            intake_id=row.id,
            language=_lang(row.language),
            status=row.status,
            reply=reply,
            question=self._pending(row) if row.status == "in_progress" else None,
            progress=self._progress(known),
            notice_key=notice_key,
            resume_token=resume_token,
        )


_GENERIC_CODES = frozenset({"yes", "no", "never", "former", "not_sure", "not_applicable"})


def _core_names(name: str) -> tuple[str, ...]:
    """The core questionnaire's linkIds a protocol question of this name would repeat."""
    if name.startswith("pregnan"):
        return ("pregnant",)
    return (name, f"hpi_{name}")


def _lang(value: str) -> Lang:
    if not is_lang(value):
        raise IntakeError(f"unsupported language {value!r}", key="error_generic")
    return value


def _finding_fact(
    finding: Finding, kind: str, context: str, language: str, version: str, link_id: str
) -> NewFact:
    return NewFact(
        kind=kind,
        key=finding.code,
        label=finding.label,
        value={
            "context": context,
            "duration": finding.duration.as_dict() if finding.duration else None,
            "severity": finding.severity,
            "onset": finding.onset,
            "location": finding.location,
            "character": finding.character,
        },
        present=finding.present,
        evidence=finding.evidence,
        evidence_language=language,
        source="model",
        model="findings",
        version=version,
        confidence=finding.confidence,
        link_id=link_id,
    )


def _red_flag_fact(
    flag: RedFlag, language: str, versions: Mapping[str, str], link_id: str
) -> NewFact:
    return NewFact(
        kind="red_flag",
        key=flag.code,
        label=flag.label,
        value={"rule": flag.rule, "level": flag.level},
        present=True,
        evidence=flag.evidence,
        evidence_language=language,
        source="model",
        model=flag.model,
        version=versions.get(flag.model, ""),
        confidence=flag.confidence,
        link_id=link_id,
    )
