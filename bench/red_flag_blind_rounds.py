"""red_flag_similarity on blind rounds: what each margin would have done to text nobody had
written an example for.

Leave-one-out on the development split (``bench/red_flag_similarity.py``) cannot show what the
comparison does to unseen text, because the development paraphrases find each other. A retired
held-out split can: its lines were written blind, scored once, and only then joined the
examples. Here each round's lines are read again by today's fleet, against the examples as they
were before the round joined them (``git show <commit>:knowledge/red_flag_examples.jsonl``), so
the comparison is asked only where today's phrase rules are silent, as in the app.

For each margin the table counts, over every round, the emergencies the comparison still
raises and the non-emergencies it still stops. Raising a margin only removes flags, so the
lines raised at margin 0 are all there is to count. Sentences whose only qualifier is a denial
are compared with their own threshold and margin (``DENIED_THRESHOLD``/``DENIED_MARGIN``) and
counted apart.

Run by hand from a clone with its history: ``.venv/bin/python bench/red_flag_blind_rounds.py``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.micromodels.red_flag_similarity import DENIED_MARGIN, EXAMPLES_FILE, MARGIN
from assistant.understanding import Understanding
from bench._common import KNOWLEDGE_DIR, REPO, markdown_table
from bench.eval_understanding import FLEET_LANGUAGE, load_cohort


@dataclass(frozen=True)
class Round:
    name: str
    # The commit whose examples were in place when the round was scored blind.
    examples_at: str
    # Development ids the round's lines took when it was retired: cohort -> (first, last).
    ids: dict[str, tuple[int, int]]
    # Whether the shipped margins were chosen on this round; later rounds check the choice.
    chose_the_margins: bool = False


ROUNDS = (
    Round(
        "fourteenth held-out split",
        "8604992",
        {"en": (1788, 1857), "ar": (1794, 1864), "ur": (1785, 1856), "ur-Latn": (1788, 1858)},
        chose_the_margins=True,
    ),
    Round(
        "fifteenth held-out split",
        "99d1e46",
        {"en": (1858, 1929), "ar": (1865, 1935), "ur": (1857, 1928), "ur-Latn": (1859, 1930)},
        chose_the_margins=True,
    ),
    Round(
        "sixteenth held-out split",
        "77df68e",
        {"en": (1930, 2001), "ar": (1936, 2005), "ur": (1929, 1999), "ur-Latn": (1931, 2002)},
        chose_the_margins=True,
    ),
    Round(
        "seventeenth held-out split",
        "b3094cd",
        {"en": (2002, 2073), "ar": (2006, 2077), "ur": (2000, 2071), "ur-Latn": (2003, 2074)},
        chose_the_margins=True,
    ),
    Round(
        "eighteenth held-out split",
        "c4ed816",
        {"en": (2074, 2145), "ar": (2078, 2149), "ur": (2072, 2143), "ur-Latn": (2075, 2146)},
        chose_the_margins=True,
    ),
    Round(
        "nineteenth held-out split",
        "45930be",
        {"en": (2146, 2217), "ar": (2150, 2221), "ur": (2144, 2215), "ur-Latn": (2147, 2218)},
        chose_the_margins=True,
    ),
    Round(
        "twentieth held-out split",
        "e79f395",
        {"en": (2218, 2289), "ar": (2222, 2293), "ur": (2216, 2287), "ur-Latn": (2219, 2290)},
    ),
)
MARGINS = [round(0.0025 * i, 4) for i in range(9)]
# The similarity model's trace: "nearest:<id>:<score>/<other>" or "denied-nearest:...".
NOTE = re.compile(r"(denied-)?nearest:[^:]+:([\d.]+)/([\d.]+)")


@dataclass(frozen=True)
class Raised:
    round: str
    line: str
    emergency: bool
    denied: bool
    gap: float  # how much closer the nearest emergency was than the nearest other example


def raised_by_resemblance(round_: Round, cache: Path) -> list[Raised]:
    """The round's lines the comparison raises at margin 0 (any gap), with their gaps."""
    examples = subprocess.run(
        ["git", "show", f"{round_.examples_at}:knowledge/{EXAMPLES_FILE}"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    with tempfile.TemporaryDirectory() as tmp:
        knowledge = Path(tmp) / "knowledge"
        shutil.copytree(KNOWLEDGE_DIR, knowledge)
        (knowledge / EXAMPLES_FILE).write_text(examples, encoding="utf-8")
        fleet = Understanding(knowledge, cache_dir=cache)
        fleet.warm_up()
        # Every line that resembles an emergency at all; the table applies the margins.
        fleet.fleet.red_flag_similarity.margin = 0.0
        fleet.fleet.red_flag_similarity.denied_margin = 0.0
        raised = []
        for cohort, (first, last) in round_.ids.items():
            for row in load_cohort(cohort):
                if not first <= int(row["id"].rsplit("-", 1)[1]) <= last:
                    continue
                analysis, traces = fleet.analyze(row["text"], FLEET_LANGUAGE[cohort])
                if not any(f.rule.startswith("similar_to:") for f in analysis.red_flags):
                    continue
                note = next(t.note for t in traces if t.model == "red_flag_similarity")
                found = NOTE.search(note or "")
                assert found, note
                denied, score, other = found.groups()
                raised.append(
                    Raised(
                        round_.name,
                        row["id"],
                        bool(row["red_flags"]),
                        bool(denied),
                        float(score) - float(other),
                    )
                )
    return raised


def main() -> int:
    cache = Path(tempfile.gettempdir()) / "intake-bench-vectors"
    cache.mkdir(exist_ok=True)
    raised = [r for round_ in ROUNDS for r in raised_by_resemblance(round_, cache)]
    print("# red_flag_similarity on blind rounds\n")
    print(
        f"Rounds: {', '.join(r.name for r in ROUNDS)}; shipped margin {MARGIN}, "
        f"denied margin {DENIED_MARGIN}.\n"
    )
    print("## Each round at the shipped margins\n")
    shipped = [r for r in raised if r.gap >= (DENIED_MARGIN if r.denied else MARGIN)]
    per_round = [
        [
            round_.name,
            "chose them" if round_.chose_the_margins else "checks them",
            str(sum(r.emergency for r in shipped if r.round == round_.name)),
            str(sum(not r.emergency for r in shipped if r.round == round_.name)),
        ]
        for round_ in ROUNDS
    ]
    print(
        markdown_table(
            ["round", "margins", "emergencies raised", "non-emergencies stopped"], per_round
        )
    )
    print()
    header = ["margin", "emergencies raised", "non-emergencies stopped"]
    chose = {r.name for r in ROUNDS if r.chose_the_margins}
    for denied, title in ((False, "Unqualified sentences"), (True, "Sentences with a denial")):
        print(f"## {title}, rounds that chose the margins\n")
        kind = [r for r in raised if r.denied == denied and r.round in chose]
        table = [
            [
                f"{margin:.4f}",
                str(sum(r.emergency and r.gap >= margin for r in kind)),
                str(sum(not r.emergency and r.gap >= margin for r in kind)),
            ]
            for margin in MARGINS
        ]
        print(markdown_table(header, table))
        print()
    print("## Each line raised at margin 0\n")
    rows = [
        [
            r.round,
            r.line,
            "emergency" if r.emergency else "not",
            "denial" if r.denied else "",
            f"{r.gap:.3f}",
        ]
        for r in sorted(raised, key=lambda r: (r.denied, r.gap))
    ]
    print(markdown_table(["round", "line", "gold", "comparison", "gap"], rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
