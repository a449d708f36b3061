"""Concurrent patients through the real app on loopback: throughput, turn latency, lost answers.

Starts ``python app.py`` itself (127.0.0.1, a free port, a fresh SQLite data folder in a
temporary directory) for every concurrency level, lets N simulated patients complete scripted
text intakes at once (one thread and one gradio_client session each, a mix of en/ar/ur), stops
the server, and then checks the store: every answer the app acknowledged (it came back in the
patient's chat) must be a patient turn in the store, and every answer that moved the interview
on must be an active answer fact. Anything else is a lost answer.

Run by hand: ``.venv/bin/python bench/load.py`` (defaults: 10, 25 and 50 patients, no think
time between answers, which is the worst case; ``--think-ms`` adds a patient's pause).
Loops are bounded (turns per patient, a time limit per level, a timeout per call).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from gradio_client import Client  # noqa: E402

from assistant.config import Settings  # noqa: E402
from assistant.i18n import Messages  # noqa: E402
from assistant.languages import Lang  # noqa: E402
from assistant.protocols import load_packs, questions_of  # noqa: E402
from assistant.questionnaire import Item, Questionnaire, load_questionnaire  # noqa: E402
from assistant.store import Store  # noqa: E402
from assistant.text import clean_input  # noqa: E402

# Answers by linkId, so a patient answers whatever is asked (skipped items are never needed).
SCRIPTS: dict[Lang, dict[str, str]] = {
    "en": {
        "age": "45",
        "sex": "male",
        "pregnant": "no",
        "chief_complaint": "I have had a headache for three days",
        "hpi_onset": "gradually",
        "hpi_location": "behind my eyes",
        "hpi_duration": "three days",
        "hpi_character": "throbbing",
        "hpi_aggravating": "bright light",
        "hpi_alleviating": "sleep",
        "hpi_radiation": "no",
        "hpi_timing": "it comes and goes",
        "hpi_severity": "6",
        "associated_symptoms": "a bit of nausea, no fever",
        "past_medical": "type 2 diabetes",
        "past_surgical": "appendix removed in 2010",
        "medications": "metformin 500 mg twice a day",
        "allergies": "penicillin gives me a rash",
        "family_history": "my mother has high blood pressure",
        "smoking": "never",
        "alcohol": "occasionally",
        "concerns": "I would like to know why it keeps coming back",
    },
    "ar": {
        "age": "٣٤",
        "sex": "أنثى",
        "pregnant": "لا",
        "chief_complaint": "عندي كحة وحرارة من ثلاث أيام",
        "hpi_onset": "تدريجياً",
        "hpi_location": "في حلقي وصدري",
        "hpi_duration": "من ٣ أيام",
        "hpi_character": "كحة ناشفة",
        "hpi_aggravating": "تزيد في الليل",
        "hpi_alleviating": "العسل والماي الدافي",
        "hpi_radiation": "لا",
        "hpi_timing": "على طول",
        "hpi_severity": "٥",
        "associated_symptoms": "تعب وصداع خفيف",
        "past_medical": "ما عندي أمراض مزمنة",
        "past_surgical": "لا",
        "medications": "بنادول عند الحاجة",
        "allergies": "ما عندي حساسية",
        "family_history": "أمي عندها سكر",
        "smoking": "لا",
        "alcohol": "لا",
        "concerns": "خايفة تكون كورونا",
    },
    "ur": {
        "age": "52",
        "sex": "مرد",
        "pregnant": "نہیں",
        "chief_complaint": "دو دن سے پیٹ میں درد ہے",
        "hpi_onset": "آہستہ آہستہ",
        "hpi_location": "پیٹ کے اوپر والے حصے میں",
        "hpi_duration": "دو دن سے",
        "hpi_character": "جلن والا",
        "hpi_aggravating": "کھانا کھانے کے بعد",
        "hpi_alleviating": "دودھ پینے سے",
        "hpi_radiation": "نہیں",
        "hpi_timing": "آتا جاتا ہے",
        "hpi_severity": "6",
        "associated_symptoms": "متلی ہے لیکن الٹی نہیں",
        "past_medical": "بلڈ پریشر",
        "past_surgical": "نہیں",
        "medications": "ایملوڈیپین 5 ملی گرام روزانہ",
        "allergies": "کوئی الرجی نہیں",
        "family_history": "والد کو شوگر ہے",
        "smoking": "کبھی نہیں",
        "alcohol": "نہیں",
        "concerns": "کچھ نہیں",
    },
}
LANG_ORDER: tuple[Lang, ...] = ("en", "ar", "ur")
MAX_TURNS = 45
MAX_ERRORS_PER_PATIENT = 3
TOKEN = re.compile(r"`([A-Za-z0-9_\-]{16,})`")


@dataclass
class Patient:
    index: int
    lang: Lang
    token: str | None = None
    # (linkId asked, cleaned answer text, whether the interview moved on after it)
    acknowledged: list[tuple[str, str, bool]] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    sent_at_s: list[float] = field(default_factory=list)  # perf_counter when each answer left
    errors: list[str] = field(default_factory=list)
    reached_review: bool = False
    submitted: bool = False


@dataclass
class LevelResult:
    patients: int
    think_ms: int
    wall_s: float
    turns: int
    submitted: int
    latencies_ms: list[float]
    errors: Counter[str]
    lost: int
    lost_examples: list[str]
    server_cpu_s: float
    client_cpu_s: float
    timed_out: bool
    patient_runs: list[Patient]


# --- the server -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process (Linux /proc), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


# A first start computes the red-flag example vectors (over a minute for 3,827 on 2 cores).
START_TIMEOUT_S = 180


class Server:
    """``python app.py`` on 127.0.0.1 with its own data folder; stopped on exit."""

    def __init__(self, data_dir: Path, log_path: Path) -> None:
        self.data_dir = data_dir
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log_path = log_path
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        env = {
            **os.environ,
            "INTAKE_DATA_DIR": str(self.data_dir),
            "INTAKE_HOST": "127.0.0.1",
            "INTAKE_PORT": str(self.port),
            # Every simulated patient comes from 127.0.0.1: the per-address limit on new
            # intakes would measure the limiter, not the app. Per-session limits stay as set.
            "INTAKE_MAX_NEW_INTAKES_PER_HOUR": "1000000",
            "GRADIO_ANALYTICS_ENABLED": "False",
        }
        # A clinic's server has its narrative model converted already (the first start does
        # it once): reuse a converted copy from an earlier run rather than measure conversion.
        converted = sorted((REPO / "data" / "models" / "llm").glob("*/hf-bf16"))
        if converted and "INTAKE_LLM_MODEL_PATH" not in env:
            env["INTAKE_LLM_MODEL_PATH"] = str(converted[-1])
        # Likewise its red-flag example vectors (over a minute to compute on 2 cores): copy any
        # an earlier start left in the repository's data folder; the app embeds only the
        # examples the copy lacks.
        cache = self.data_dir / "cache"
        cache.mkdir(parents=True, exist_ok=True)
        for vectors in (REPO / "data" / "cache").glob("red_flag_vectors-*.npz"):
            shutil.copy2(vectors, cache / vectors.name)
        log = self.log_path.open("wb")
        self._proc = subprocess.Popen(
            [sys.executable, str(REPO / "app.py"), "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"app.py exited with {self._proc.returncode}: {self._tail()}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    if response.status == 200:
                        self._wait_for_warm_up(deadline + 120)
                        return self
            except OSError:
                time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError(
            f"app.py did not answer on {self.url} within {START_TIMEOUT_S} s: {self._tail()}"
        )

    def _wait_for_warm_up(self, deadline: float) -> None:
        """The doors open while the narrative model loads in the background; measure the
        steady state a clinic runs in, not the first minute after a restart."""
        while time.monotonic() < deadline:
            tail = self._tail()
            if "Narrative model ready" in tail or "narrative model unavailable" in tail:
                return
            time.sleep(0.5)

    @property
    def pid(self) -> int:
        if self._proc is None:
            raise RuntimeError("the server is not running")
        return self._proc.pid

    def _tail(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def __exit__(self, *exc: object) -> None:
        if self._proc is None or self._proc.poll() is not None:
            return
        self._proc.terminate()
        try:
            self._proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout=20)


# --- one simulated patient ----------------------------------------------------------------


def _text(content: Any) -> str:
    """A chat message's text, whatever shape gradio gives it (str, dict or list of parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or content.get("value") or "")
    if isinstance(content, list):
        return "\n".join(_text(part) for part in content)
    return ""


def _last(chat: list[dict[str, Any]], role: str) -> str:
    return next((_text(m.get("content")) for m in reversed(chat) if m.get("role") == role), "")


# The protocol packs' follow-up questions (asked after the core ones for a matching complaint).
FOLLOW_UPS: tuple[Item, ...] = questions_of(load_packs(REPO / "knowledge" / "protocols"))
NO: dict[Lang, str] = {"en": "no", "ar": "لا", "ur": "نہیں"}
DONT_KNOW: dict[Lang, str] = {"en": "I don't know", "ar": "لا أعرف", "ur": "معلوم نہیں"}


def _asked(text: str, questionnaire: Questionnaire, lang: Lang) -> Item | None:
    candidates = [*questionnaire.items, *FOLLOW_UPS]
    asked = [i for i in candidates if i.prompt(lang) in text]
    return max(asked, key=lambda i: len(i.prompt(lang)), default=None)


def _answer(item: Item, script: dict[str, str], lang: Lang) -> str:
    """The scripted answer; a follow-up question gets "no", its first option, or "I don't know"."""
    if item.link_id in script:
        return script[item.link_id]
    if item.type == "boolean":
        return NO[lang]
    if item.type == "choice" and item.options:
        return item.options[0].text[lang]
    return DONT_KNOW[lang]


class PatientRun:
    def __init__(
        self,
        patient: Patient,
        url: str,
        questionnaire: Questionnaire,
        messages: Messages,
        *,
        think_ms: int,
        call_timeout_s: float,
        seed: int,
    ) -> None:
        self.p = patient
        self.url = url
        self.q = questionnaire
        self.messages = messages
        self.think_ms = think_ms
        self.call_timeout_s = call_timeout_s
        self.deadline = float("inf")  # set once every session is open
        self.random = random.Random(seed)
        self.client: Client | None = None

    def connect(self) -> None:
        # Plain http on loopback. gradio_client opens a new httpx client per request, and with
        # verification on each one loads the whole CA bundle: that alone made the load
        # generator use twice the server's CPU on a 2-core machine.
        self.client = Client(
            self.url,
            verbose=False,
            download_files=False,
            analytics_enabled=False,
            max_workers=2,
            ssl_verify=False,
        )

    def _call(self, *args: Any, api_name: str) -> Any:
        if self.client is None:
            raise RuntimeError("not connected")
        return self.client.submit(*args, api_name=api_name).result(timeout=self.call_timeout_s)

    def _think(self) -> None:
        if self.think_ms > 0:
            time.sleep(self.think_ms / 1000 * self.random.uniform(0.5, 1.5))

    def run(self, go: threading.Barrier) -> None:
        p = self.p
        try:
            go.wait(timeout=120)
        except threading.BrokenBarrierError:
            p.errors.append("barrier")
            return
        if self.client is None:
            p.errors.append("connect")
            return
        lang = p.lang
        script = SCRIPTS[lang]
        review_intro = self.messages.get("review_intro", lang)
        try:
            self._call(lang, api_name="/set_language")
            out = self._call(lang, api_name="/start")
        except Exception as exc:
            p.errors.append(f"start:{type(exc).__name__}")
            return
        match = TOKEN.search(str(out))
        p.token = match.group(1) if match else None
        chat: list[dict[str, Any]] = list(out[0])
        asked_before: set[str] = set()
        for _ in range(MAX_TURNS):
            if time.monotonic() > self.deadline or len(p.errors) >= MAX_ERRORS_PER_PATIENT:
                return
            last = _last(chat, "assistant")
            if review_intro in last:
                p.reached_review = True
                break
            item = _asked(last, self.q, lang)
            if item is None or item.link_id in asked_before:
                p.errors.append("stuck" if item else "no_question")
                return
            answer = clean_input(_answer(item, script, lang))
            self._think()
            started = time.perf_counter()
            try:
                out = self._call(answer, api_name="/answer")
            except Exception as exc:
                p.errors.append(f"answer:{type(exc).__name__}")
                continue
            p.latencies_ms.append((time.perf_counter() - started) * 1000)
            p.sent_at_s.append(started)
            chat = list(out[0])
            if _last(chat, "user") != answer:
                p.errors.append("not_acknowledged")
                continue
            moved_on = item.prompt(lang) not in _last(chat, "assistant")
            p.acknowledged.append((item.link_id, answer, moved_on))
            asked_before.add(item.link_id)
        if not p.reached_review:
            return
        try:
            out = self._call(api_name="/submit")
        except Exception as exc:
            p.errors.append(f"submit:{type(exc).__name__}")
            return
        p.submitted = self.messages.get("submitted", lang) in str(out)
        if not p.submitted:
            p.errors.append("submit:no_confirmation")

    def close(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):  # closing is best effort
                self.client.close()


# --- one level -------------------------------------------------------------------------------


def _lost_answers(store: Store, patients: list[Patient]) -> tuple[int, list[str]]:
    lost = 0
    examples: list[str] = []
    for p in patients:
        if not p.acknowledged:
            continue
        where = f"patient {p.index} ({p.lang})"
        if p.token is None:
            lost += len(p.acknowledged)
            examples.append(f"{where}: no resume code, intake not found")
            continue
        intake = store.find_by_token(p.token)
        said = [t.text for t in store.turns(intake.id) if t.role == "patient"]
        facts = {(f.link_id, f.evidence) for f in store.facts(intake.id) if f.kind == "answer"}
        for link_id, text, moved_on in p.acknowledged:
            if text in said:
                said.remove(text)
            else:
                lost += 1
                examples.append(f"{where}: turn for {link_id} missing")
                continue
            if moved_on and (link_id, text) not in facts:
                lost += 1
                examples.append(f"{where}: answer fact for {link_id} missing")
    return lost, examples


def run_level(
    n: int,
    *,
    think_ms: int,
    time_limit_s: float,
    call_timeout_s: float,
    questionnaire: Questionnaire,
    messages: Messages,
) -> LevelResult:
    with tempfile.TemporaryDirectory(prefix=f"load-{n}-") as tmp:
        data_dir = Path(tmp) / "data"
        with Server(data_dir, Path(tmp) / "app.log") as server:
            patients = [Patient(i, LANG_ORDER[i % len(LANG_ORDER)]) for i in range(n)]
            runs = [
                PatientRun(
                    p,
                    server.url,
                    questionnaire,
                    messages,
                    think_ms=think_ms,
                    call_timeout_s=call_timeout_s,
                    seed=p.index,
                )
                for p in patients
            ]
            for r in runs:  # sessions are opened before the clock starts
                try:
                    r.connect()
                except Exception as exc:
                    r.p.errors.append(f"connect:{type(exc).__name__}")
            deadline = time.monotonic() + time_limit_s
            for r in runs:
                r.deadline = deadline
            go = threading.Barrier(n + 1)
            threads = [
                threading.Thread(target=r.run, args=(go,), daemon=True, name=f"patient-{r.p.index}")
                for r in runs
            ]
            for t in threads:
                t.start()
            server_cpu0 = _cpu_seconds(server.pid)
            client_cpu0 = time.process_time()
            go.wait(timeout=120)
            started = time.perf_counter()
            for t in threads:
                t.join(timeout=max(0.0, deadline - time.monotonic()) + call_timeout_s + 5)
            wall_s = time.perf_counter() - started
            server_cpu = _cpu_seconds(server.pid) - server_cpu0
            client_cpu = time.process_time() - client_cpu0
            timed_out = any(t.is_alive() for t in threads) or time.monotonic() > deadline
            for r in runs:
                r.close()
        # The server is stopped: read what it stored, from its own SQLite file.
        store = Store(Settings(data_dir=data_dir).resolved_database_url)
        lost, examples = _lost_answers(store, patients)
        store.engine.dispose()
    errors: Counter[str] = Counter(e for p in patients for e in p.errors)
    latencies = [x for p in patients for x in p.latencies_ms]
    return LevelResult(
        patients=n,
        think_ms=think_ms,
        wall_s=wall_s,
        turns=len(latencies),
        submitted=sum(p.submitted for p in patients),
        latencies_ms=latencies,
        errors=errors,
        lost=lost,
        lost_examples=examples,
        server_cpu_s=server_cpu,
        client_cpu_s=client_cpu,
        timed_out=timed_out,
        patient_runs=patients,
    )


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def print_table(results: list[LevelResult]) -> None:
    print(
        "| patients | think ms | submitted | turns | wall s | turns/s | intakes/min "
        "| p50 ms | p95 ms | max ms | errors | lost answers | server CPU ms/turn |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        errors = sum(r.errors.values())
        cpu_per_turn = r.server_cpu_s * 1000 / r.turns if r.turns else float("nan")
        print(
            f"| {r.patients} | {r.think_ms} | {r.submitted}/{r.patients} | {r.turns} "
            f"| {r.wall_s:.1f} | {r.turns / r.wall_s:.1f} | {r.submitted / r.wall_s * 60:.1f} "
            f"| {statistics.median(r.latencies_ms) if r.latencies_ms else float('nan'):.0f} "
            f"| {percentile(r.latencies_ms, 95):.0f} | {max(r.latencies_ms, default=0):.0f} "
            f"| {errors} | {r.lost} | {cpu_per_turn:.1f} |"
        )
    for r in results:
        if r.errors:
            print(f"\nErrors at {r.patients} patients: {dict(r.errors)}")
        if r.lost_examples:
            print(f"Lost answers at {r.patients} patients (first 5): {r.lost_examples[:5]}")
        if r.timed_out:
            print(f"\n{r.patients} patients: the time limit ended the run before every patient did")
        print(
            f"\n{r.patients} patients: server CPU {r.server_cpu_s:.1f} s, load generator CPU "
            f"{r.client_cpu_s:.1f} s over {r.wall_s:.1f} s wall on {os.cpu_count()} cores"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, nargs="+", default=[10, 25, 50])
    parser.add_argument("--think-ms", type=int, default=0, help="mean pause before each answer")
    parser.add_argument("--time-limit-s", type=float, default=240.0, help="per level")
    parser.add_argument("--call-timeout-s", type=float, default=60.0)
    parser.add_argument("--target-patients", type=int, default=25)
    parser.add_argument("--target-p95-ms", type=float, default=1000.0)
    args = parser.parse_args()
    if any(n <= 0 or n > 200 for n in args.patients):
        parser.error("--patients must be between 1 and 200")

    knowledge = Settings().knowledge_dir
    questionnaire = load_questionnaire(knowledge / "questionnaire.yaml")
    messages = Messages.load(knowledge / "ui.yaml", ambulance=Settings().ambulance_number)
    results = []
    for n in args.patients:
        print(f"running {n} patients ...", file=sys.stderr, flush=True)
        results.append(
            run_level(
                n,
                think_ms=args.think_ms,
                time_limit_s=args.time_limit_s,
                call_timeout_s=args.call_timeout_s,
                questionnaire=questionnaire,
                messages=messages,
            )
        )
    print(
        f"\nConcurrent text intakes through the app on loopback (gradio_client, one session "
        f"per patient, en/ar/ur in turn), {os.cpu_count()} cores\n"
    )
    print_table(results)
    target = next((r for r in results if r.patients == args.target_patients), None)
    if target is not None:
        met = (
            percentile(target.latencies_ms, 95) < args.target_p95_ms
            and not target.errors
            and target.lost == 0
            and target.submitted == target.patients
        )
        print(
            f"\nTarget ({args.target_patients} patients: p95 < {args.target_p95_ms:.0f} ms, "
            f"no errors, no lost answers, all submitted): {'met' if met else 'MISSED'}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
