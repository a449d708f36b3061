"""The ``intake`` console script: headless access for tests, benchmarks and operators."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import ConfigError, IntakeError
from assistant.languages import LANGUAGES
from assistant.summary_types import ClinicalSummary


def _services(settings: Settings | None = None) -> Any:
    from assistant.services import Services

    return Services(settings or Settings())


def _summary_text(summary: ClinicalSummary) -> str:
    lines = [
        f"Intake {summary.session_id} ({summary.status}), language {summary.language}",
        f"Age {summary.age if summary.age is not None else '?'}, sex {summary.sex or '?'}",
        f"Triage: {summary.triage_level or 'not set'} ({summary.triage_rule or '-'})",
    ]
    if summary.red_flags:
        lines.append("RED FLAGS: " + "; ".join(f.text for f in summary.red_flags))
    for section in summary.sections:
        lines.append(f"\n{section.title}")
        lines.extend(f"  - {f.text}" for f in section.facts)
        if not section.facts:
            lines.append(f"  ({section.empty_text})")
    for concern in summary.concerns:
        lines.append(f"\nPatient's concerns ({concern.language}): {concern.text}")
    return "\n".join(lines)


def run_script(args: argparse.Namespace) -> int:
    services = _services()
    answers = [
        line.rstrip("\n") for line in Path(args.answers).read_text(encoding="utf-8").splitlines()
    ]
    coordinator = services.coordinator
    view = coordinator.start(args.lang)
    print(f"session: {view.intake_id}", file=sys.stderr)
    for answer in answers:
        if view.status != "in_progress" or view.question is None:
            break
        if not answer.strip():
            continue
        try:
            view = coordinator.answer(view.intake_id, view.question.link_id, answer)
        except IntakeError as exc:
            print(
                f"{view.question.link_id}: {services.messages.get(exc.key, view.language)}",
                file=sys.stderr,
            )
    if view.status == "review":
        view = coordinator.submit(view.intake_id)
    summary = services.summary(view.intake_id)
    if args.pdf:
        services.write_pdf(view.intake_id, Path(args.pdf))
    if args.json:
        out = summary.as_dict()
        out["session_id"] = view.intake_id
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(_summary_text(summary))
    if view.status not in ("submitted", "emergency"):
        print(
            f"intake not finished: status {view.status}, waiting for "
            f"{view.question.link_id if view.question else '-'}",
            file=sys.stderr,
        )
        return 3
    return 0


def analyze(args: argparse.Namespace) -> int:
    from assistant.understanding import Understanding

    settings = Settings()
    understanding = Understanding(settings.knowledge_dir, cache_dir=settings.data_dir / "cache")
    understanding.warm_up()
    status = 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            text = record["text"]
            if not isinstance(text, str):
                raise TypeError("text must be a string")
        except (ValueError, KeyError, TypeError) as exc:
            print(
                f'line {number}: expected {{"text": ..., "language": optional}}: {exc}',
                file=sys.stderr,
            )
            print(json.dumps({"error": "bad input line", "line": number}))
            status = 2
            continue
        result = understanding.analyze_json(text, record.get("language"))
        print(json.dumps(result, ensure_ascii=False))
        sys.stdout.flush()
    return status


def users(args: argparse.Namespace) -> int:
    services = _services()
    if args.users_command == "add":
        password = args.password or getpass.getpass(f"Password for {args.username}: ")
        try:
            services.users.add(args.username, password, args.role)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"user {args.username} saved with roles {', '.join(sorted(set(args.role)))}")
        return 0
    if args.users_command == "remove":
        if services.users.remove(args.username):
            print(f"user {args.username} removed")
            return 0
        print(f"error: no user {args.username!r}", file=sys.stderr)
        return 1
    for row in services.store.users():
        print(f"{row.username}\t{row.roles}")
    return 0


def export(args: argparse.Namespace) -> int:
    from assistant.errors import SessionNotFound
    from assistant.fhir import export_fhir

    services = _services()
    try:
        bundle = export_fhir(services, args.session_id)
    except SessionNotFound:
        print(f"error: no intake {args.session_id!r}", file=sys.stderr)
        return 1
    services.store.audit(getpass.getuser(), "export_fhir", args.session_id, "cli")
    Path(args.fhir).write_text(
        json.dumps(bundle, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"FHIR R4 document ({len(bundle['entry'])} resources) written to {args.fhir}")
    if args.pdf:
        services.write_pdf(args.session_id, Path(args.pdf))
        print(f"PDF written to {args.pdf}")
    return 0


def evaluate(args: argparse.Namespace) -> int:
    from assistant.evaluation import COHORTS, format_eval, latest_eval, run_eval
    from assistant.store import Store

    settings = Settings()
    if args.last:
        settings.ensure_data_dir()
        rows = latest_eval(Store(settings.resolved_database_url))
    else:
        rows = run_eval(settings, cohorts=args.cohort or COHORTS)
    print(format_eval(rows))
    return 1 if any(row["dropped"] for row in rows) else 0


def health(args: argparse.Namespace) -> int:
    from assistant.model_health import format_health, health_rows
    from assistant.store import Store, utcnow

    settings = Settings()
    settings.ensure_data_dir()
    store = Store(settings.resolved_database_url)
    store.create_schema()
    since = (
        datetime.fromisoformat(args.since) if args.since else utcnow() - timedelta(days=args.days)
    )
    until = datetime.fromisoformat(args.until) if args.until else None
    rows = health_rows(store, since=since, until=until, low_confidence=args.low_confidence)
    print(format_health(rows))
    return 0


def manifest(_args: argparse.Namespace) -> int:
    print(_services().manifest_json())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="intake", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run-script", help="play a whole intake from a file of answers")
    run.add_argument("--lang", choices=LANGUAGES, required=True)
    run.add_argument("--answers", required=True, help="one answer per line, in order")
    run.add_argument("--pdf", help="also write the clinician PDF here")
    run.add_argument("--json", action="store_true", help="print the summary as JSON")
    run.set_defaults(func=run_script)

    ana = sub.add_parser("analyze", help="JSON lines in, understanding JSON lines out")
    ana.add_argument("--json", action="store_true", help="(the only output format)")
    ana.set_defaults(func=analyze)

    usr = sub.add_parser("users", help="manage clinician and admin logins")
    usr_sub = usr.add_subparsers(dest="users_command", required=True)
    add = usr_sub.add_parser("add")
    add.add_argument("username")
    add.add_argument("--role", action="append", choices=("clinician", "admin"), required=True)
    add.add_argument("--password", help="(prompted when omitted)")
    rem = usr_sub.add_parser("remove")
    rem.add_argument("username")
    usr_sub.add_parser("list")
    usr.set_defaults(func=users)

    man = sub.add_parser("manifest", help="print questionnaire and micro-model versions")
    man.set_defaults(func=manifest)

    exp = sub.add_parser("export", help="write one intake as a FHIR R4 document (and a PDF)")
    exp.add_argument("session_id")
    exp.add_argument("--fhir", required=True, metavar="OUT.json")
    exp.add_argument("--pdf", metavar="OUT.pdf")
    exp.set_defaults(func=export)

    # Parsed by their own modules (see main); listed here for --help.
    sub.add_parser("transcribe", help="speech to text: FILE --lang {en,ar,ur,auto} [--json]")
    sub.add_parser("knowledge", help="knowledge store: add, list, remove, search, reindex")

    from assistant.evaluation import COHORTS

    ev = sub.add_parser("eval", help="score the understanding fleet on the evaluation sets")
    ev.add_argument("--cohort", action="append", choices=COHORTS)
    ev.add_argument("--last", action="store_true", help="show the stored runs; measure nothing")
    ev.set_defaults(func=evaluate)

    hl = sub.add_parser("health", help="micro-model latency, confidence, fallbacks per language")
    hl.add_argument("--days", type=float, default=7.0)
    hl.add_argument("--since")
    hl.add_argument("--until")
    hl.add_argument("--low-confidence", type=float, default=0.6)
    hl.set_defaults(func=health)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    # Two command families parse their own arguments (their modules document them).
    if words[:1] == ["transcribe"]:
        from assistant.speech import transcribe_cli

        return transcribe_cli(words[1:], Settings())
    if words[:1] == ["knowledge"]:
        from assistant.knowledge_cli import knowledge_cli

        return knowledge_cli(words[1:], Settings())
    args = build_parser().parse_args(words)
    try:
        return int(args.func(args))
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
