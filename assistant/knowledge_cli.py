"""``intake knowledge ...``: load, list, remove, search and re-index clinic knowledge.

    intake knowledge add PATH... [--by NAME]
    intake knowledge list
    intake knowledge remove ID
    intake knowledge search "text" [--lang ur] [-n 5]
    intake knowledge reindex
    intake knowledge seed            # the shipped packs and documents, into an empty store

``knowledge_cli(argv, settings)`` takes the words after ``intake knowledge`` and returns the
exit code: 0 done, 1 something was rejected or not found, 2 the store cannot be used as
configured (for example vectors from another embedder: the message says to re-index).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from assistant.config import Settings
from assistant.errors import ConfigError, IntakeError
from assistant.ingest import detect_language
from assistant.knowledge import Knowledge
from assistant.knowledge_admin import HEADERS, KnowledgeAdmin, report_text
from assistant.languages import LANGUAGES, Lang, is_lang, parse_lang


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="intake knowledge", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="load files (PDF, DOCX, Markdown, text, CSV, protocol YAML)")
    add.add_argument("paths", nargs="+", type=Path)
    add.add_argument("--by", default=None, help="who loads them (default: the OS user)")
    sub.add_parser("list", help="loaded files")
    remove = sub.add_parser("remove", help="delete a loaded file by its ID")
    remove.add_argument("source_id")
    search = sub.add_parser("search", help="what a question finds, and what a patient would get")
    search.add_argument("text")
    search.add_argument("--lang", default=None, help=f"one of {', '.join(LANGUAGES)}")
    search.add_argument("-n", type=int, default=5)
    sub.add_parser("reindex", help="re-embed everything with the configured embedder")
    sub.add_parser("seed", help="load the shipped protocol packs and documents (empty store only)")
    return parser


def _progress(fraction: float, message: str) -> None:
    print(f"\r{fraction * 100:5.1f}% {message[:60]:<60}", end="", file=sys.stderr, flush=True)


def knowledge_cli(argv: list[str], settings: Settings) -> int:
    args = _parser().parse_args(argv)
    try:
        knowledge = Knowledge(settings)
        return _run(args, knowledge)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except IntakeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, knowledge: Knowledge) -> int:
    admin = KnowledgeAdmin(knowledge)
    if args.command == "add":
        reports = knowledge.add_files(args.paths, args.by or getpass.getuser(), _progress)
        print(file=sys.stderr)
        print(report_text(reports))
        return 1 if any(r.status == "rejected" for r in reports) else 0
    if args.command == "seed":
        reports = knowledge.seed(_progress)
        print(file=sys.stderr)
        print(report_text(reports) if reports else "The store is not empty; nothing loaded.")
        return 0
    if args.command == "list":
        table = admin.list_rows()
        print("\t".join(HEADERS))
        for line in table:
            print("\t".join(line))
        print(f"{len(table)} file(s)", file=sys.stderr)
        return 0
    if args.command == "remove":
        row = knowledge.remove(args.source_id)
        print(f"Removed {row.title!r} ({row.filename}, {row.chunks} passages).")
        return 0
    if args.command == "reindex":
        count = knowledge.reindex(_progress)
        print(file=sys.stderr)
        print(f"Re-indexed {count} passages with {knowledge.embedder.name}.")
        return 0
    return _search(args, knowledge)


def _search(args: argparse.Namespace, knowledge: Knowledge) -> int:
    guessed = detect_language(args.text)
    lang: Lang = parse_lang(args.lang or (guessed if is_lang(guessed) else "en"))
    for hit in knowledge.search(args.text, n=args.n):
        m = hit.metadata
        where = m.get("pack_id") or f"{m.get('title')} / {m.get('heading') or '-'}"
        flag = " [FLAGGED]" if m.get("flagged") else ""
        excerpt = " ".join(hit.text.split())[:100]
        print(
            f"{hit.score:.3f}  {m.get('kind')}:{m.get('language')}  {where}{flag}\n"
            f"        {excerpt}"
        )
    answer = knowledge.answer_question(args.text, lang)
    print(f"\nQuestion? {knowledge.is_question(args.text, lang)} (as {lang})")
    if answer.value is None:
        print(f"Answer: I don't know ({answer.trace.note})")
    else:
        print(f"Answer ({answer.value.citation}, {answer.trace.note}):\n  {answer.value.passage}")
    match = knowledge.match_protocol(args.text, [], lang)
    if match.value is None:
        print(f"Protocol: none ({match.trace.note}, best similarity {match.trace.confidence})")
    else:
        print(
            f"Protocol: {match.value.pack.id} ({match.trace.note}, "
            f"similarity {match.value.similarity:.3f})"
        )
    return 0
