"""Speech-to-text accuracy and speed on this machine, printed as markdown tables.

Real speech: ``../shared/data/audio/jfk.flac`` (English, 11 s). Everything else is SYNTHETIC
speech made here with Debian's espeak-ng (voices en-us, ar, ur) from natural patient
sentences: robotic, accent-free in the wrong ways, and no stand-in for real Arabic or Urdu
patients. Figures: WER (CER too for ar/ur) after ``assistant.text.normalize`` and removing
punctuation, real-time factor (processing time / audio time), p50/p95 latency per utterance,
peak resident memory, and the "5-second answer transcribed and next question ready" time.

Run by hand: ``.venv/bin/python bench/asr.py`` (add ``--quick`` for 5 sentences a language).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.audio import SAMPLE_RATE, AudioLimits, AudioRejected, load
from assistant.config import PROJECT_ROOT, Settings
from assistant.speech import Speech
from assistant.text import normalize

JFK = PROJECT_ROOT.parent / "shared" / "data" / "audio" / "jfk.flac"
JFK_TEXT = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)

SENTENCES: dict[str, list[str]] = {
    "en": [
        "I have had a headache for three days.",
        "My chest hurts when I climb the stairs.",
        "I have a fever and a dry cough since yesterday.",
        "I am allergic to penicillin.",
        "I take metformin twice a day for diabetes.",
        "The pain is in my lower back and goes down my left leg.",
        "I feel dizzy when I stand up.",
        "My stomach has been hurting after meals for a week.",
        "I have no allergies.",
        "I have been vomiting since this morning.",
        "My blood pressure is usually high.",
        "I cannot sleep because of the pain.",
        "My throat is sore and it hurts to swallow.",
        "I had an operation on my knee two years ago.",
        "My father had a heart attack when he was fifty.",
        "I get short of breath at night.",
        "The pain is about seven out of ten.",
        "I smoke ten cigarettes a day.",
        "I have an itchy rash on my arms.",
        "I am pregnant and I feel very tired.",
        "I take paracetamol when I have pain.",
        "I have had diarrhoea for two days.",
    ],
    "ar": [
        "عندي صداع من ثلاثة أيام.",
        "صدري يوجعني لما أطلع الدرج.",
        "عندي حرارة وكحة ناشفة من أمس.",
        "عندي حساسية من البنسلين.",
        "آخذ دواء السكر مرتين في اليوم.",
        "الألم في أسفل ظهري وينزل على رجلي اليسار.",
        "أحس بدوخة لما أقوم.",
        "بطني يوجعني بعد الأكل من أسبوع.",
        "ما عندي أي حساسية.",
        "أستفرغ من الصبح.",
        "ضغطي عادة مرتفع.",
        "ما أقدر أنام من الألم.",
        "حلقي يعورني لما أبلع.",
        "سويت عملية في ركبتي قبل سنتين.",
        "أبوي جته جلطة في القلب وهو عمره خمسين سنة.",
        "أحس بضيق في التنفس في الليل.",
        "الألم تقريباً سبعة من عشرة.",
        "أدخن عشر سجاير في اليوم.",
        "عندي حبوب في يدي وتحكني.",
        "أنا حامل وأحس بتعب شديد.",
        "آخذ بنادول لما يكون عندي ألم.",
        "عندي إسهال من يومين.",
    ],
    "ur": [
        "مجھے تین دن سے سر میں درد ہے۔",
        "سیڑھیاں چڑھتے وقت میرے سینے میں درد ہوتا ہے۔",
        "کل سے مجھے بخار اور خشک کھانسی ہے۔",
        "مجھے پینسلین سے الرجی ہے۔",
        "میں شوگر کی دوا دن میں دو بار لیتا ہوں۔",
        "میری کمر کے نچلے حصے میں درد ہے جو بائیں ٹانگ تک جاتا ہے۔",
        "کھڑے ہونے پر مجھے چکر آتے ہیں۔",
        "ایک ہفتے سے کھانے کے بعد میرے پیٹ میں درد ہوتا ہے۔",
        "مجھے کسی چیز سے الرجی نہیں ہے۔",
        "صبح سے مجھے الٹیاں ہو رہی ہیں۔",
        "میرا بلڈ پریشر عام طور پر زیادہ رہتا ہے۔",
        "درد کی وجہ سے میں سو نہیں پاتا۔",
        "میرا گلا خراب ہے اور نگلنے میں تکلیف ہوتی ہے۔",
        "دو سال پہلے میرے گھٹنے کا آپریشن ہوا تھا۔",
        "میرے والد کو پچاس سال کی عمر میں دل کا دورہ پڑا تھا۔",
        "رات کو مجھے سانس لینے میں دشواری ہوتی ہے۔",
        "درد دس میں سے تقریباً سات ہے۔",
        "میں دن میں دس سگریٹ پیتا ہوں۔",
        "میرے بازوؤں پر خارش والے دانے ہیں۔",
        "میں حاملہ ہوں اور بہت تھکاوٹ محسوس کرتی ہوں۔",
        "درد ہو تو میں پیناڈول لیتا ہوں۔",
        "دو دن سے مجھے دست لگے ہوئے ہیں۔",
    ],
}
VOICES = {"en": "en-us", "ar": "ar", "ur": "ur"}
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)


def words(text: str) -> list[str]:
    return _PUNCT.sub(" ", normalize(text)).split()


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]


def wer(ref: str, hyp: str) -> float:
    r = words(ref)
    return edit_distance(r, words(hyp)) / max(1, len(r))


def cer(ref: str, hyp: str) -> float:
    r = list("".join(words(ref)))
    return edit_distance(r, list("".join(words(hyp)))) / max(1, len(r))


def synthesize(text: str, lang: str, out: Path) -> Path:
    subprocess.run(
        ["espeak-ng", "-v", VOICES[lang], "-w", str(out), "--stdin"],
        input=text.encode(),
        check=True,
        capture_output=True,
    )
    return out


def write_wav(samples: np.ndarray, out: Path) -> Path:
    import wave

    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(out), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(pcm.tobytes())
    return out


@dataclass
class Row:
    lang: str
    ref: str
    hyp: str
    audio_s: float
    latency_s: float  # best of the repeats: the machine's speed with the least interference
    runs_s: tuple[float, ...]  # every repeat
    language: str


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_set(speech: Speech, items: list[tuple[str, str, Path]], repeat: int) -> list[Row]:
    rows = []
    limits = AudioLimits(10**9, 3600)
    for lang, ref, path in items:
        audio_s = load(path, limits).duration_s
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            try:
                result = speech.transcribe(path, lang)
                text, language = result.value.text, result.value.language
            except AudioRejected as exc:  # counted as an empty transcript
                text, language = "", exc.key
            runs.append(time.perf_counter() - start)
        rows.append(Row(lang, ref, text, audio_s, min(runs), tuple(runs), language))
    return rows


def five_second_clips(tmp: Path, per_lang: int) -> list[tuple[str, Path]]:
    """~5 s answers: the first 5 s of jfk (real) and two synthetic sentences joined, cut to 5 s."""
    clips: list[tuple[str, Path]] = []
    limits = AudioLimits(10**9, 3600)
    if JFK.is_file():
        jfk = load(JFK, limits).samples
        clips.append(("en", write_wav(jfk[: 5 * SAMPLE_RATE], tmp / "jfk5.wav")))
    for lang, sentences in SENTENCES.items():
        for i in range(per_lang):
            a = load(synthesize(sentences[2 * i], lang, tmp / "a.wav"), limits).samples
            b = load(synthesize(sentences[2 * i + 1], lang, tmp / "b.wav"), limits).samples
            joined = np.concatenate([a, np.zeros(SAMPLE_RATE // 4, np.float32), b])
            five = np.pad(joined, (0, max(0, 5 * SAMPLE_RATE - len(joined))))[: 5 * SAMPLE_RATE]
            clips.append((lang, write_wav(five, tmp / f"five-{lang}-{i}.wav")))
    return clips


def engine_turns(clips_text: list[tuple[str, str]], data_dir: Path) -> list[float] | None:
    """Seconds for the engine to take a transcript and have its next question ready."""
    try:
        from assistant.services import Services

        services = Services(Settings(data_dir=data_dir))
        warm = services.coordinator.start("en")  # the first turn loads the fleet: not timed
        services.coordinator.answer(
            warm.intake_id, warm.question.link_id if warm.question else None, "45"
        )
        times = []
        for lang, text in clips_text:
            if not text:  # rejected as unclear: the patient is told at once, no engine turn
                times.append(0.0)
                continue
            view = services.coordinator.start(lang)
            link_id = view.question.link_id if view.question else None
            start = time.perf_counter()
            services.coordinator.answer(view.intake_id, link_id, text)
            times.append(time.perf_counter() - start)
        return times
    except Exception as exc:  # the engine is optional here: report, do not fail the bench
        print(f"\n(engine turn not measured: {type(exc).__name__}: {exc})")
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 sentences a language")
    parser.add_argument("--data-dir", type=Path, default=PROJECT_ROOT / "data")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per clip; tables show the best and all runs"
    )
    parser.add_argument(
        "--full-window",
        action="store_true",
        help="encode Whisper's whole 30 s window (whisper_trim_window=false), to compare",
    )
    args = parser.parse_args()
    load_start = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    settings = Settings(data_dir=args.data_dir, whisper_trim_window=not args.full_window)
    speech = Speech(settings)
    start = time.perf_counter()
    speech.warm_up()
    load_s = time.perf_counter() - start
    n = 5 if args.quick else len(SENTENCES["en"])
    print("# Speech to text on this machine\n")
    print(
        f"model `{speech.stt.version}` (source: {speech.stt.source}), "
        f"beam {settings.whisper_beam_size}, {settings.whisper_cpu_threads} CPU threads, "
        f"{'window trimmed to the speech' if settings.whisper_trim_window else 'full window'}; "
        f"load + verify {load_s:.2f} s."
    )
    print("Only jfk.flac is real speech. **All other audio is synthetic espeak-ng speech.**\n")

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        items: list[tuple[str, str, Path]] = []
        for lang, sentences in SENTENCES.items():
            for i, text in enumerate(sentences[:n]):
                items.append((lang, text, synthesize(text, lang, tmp / f"{lang}-{i}.wav")))
        speech.transcribe(items[0][2], "en")  # first call pays one-off allocations
        real = run_set(speech, [("en", JFK_TEXT, JFK)], args.repeat) if JFK.is_file() else []
        synthetic = run_set(speech, items, args.repeat)

        print("## Accuracy and speed per set\n")
        print(
            "| set | utterances | audio s | WER | CER | right language | no text "
            "| RTF best | RTF all | p50 s best | p95 s best | p95 s all |"
        )
        print("| --- | " + "---: | " * 11)
        sets = [("jfk.flac (real, en)", real)] + [
            (f"espeak-ng {lang} (synthetic)", [r for r in synthetic if r.lang == lang])
            for lang in SENTENCES
        ]
        for label, rows in sets:
            if not rows:
                continue
            audio = sum(r.audio_s for r in rows)
            best = [r.latency_s for r in rows]
            every = [t for r in rows for t in r.runs_s]
            w = statistics.mean(wer(r.ref, r.hyp) for r in rows)
            c = statistics.mean(cer(r.ref, r.hyp) for r in rows)
            right = sum(r.language == r.lang for r in rows) / len(rows)
            print(
                f"| {label} | {len(rows)} | {audio:.1f} | {w:.1%} | "
                f"{c:.1%} | {right:.0%} | {sum(not r.hyp for r in rows)} | "
                f"{sum(best) / audio:.3f} | {sum(every) / (audio * args.repeat):.3f} | "
                f"{pct(best, 0.5):.2f} | {pct(best, 0.95):.2f} | {pct(every, 0.95):.2f} |"
            )
        print(
            "\nWER/CER: mean per utterance after normalize() and punctuation removal. "
            "'right language': the transcript's language equals the session's. "
            "'no text': rejected as unclear (scored as an empty transcript). "
            f"Each clip ran {args.repeat} times: 'best' takes each clip's fastest run (least "
            "disturbed by other work on the machine), 'all' every run.\n"
        )
        print("## Examples (synthetic speech)\n")
        print("| lang | said | heard |")
        print("| --- | --- | --- |")
        for lang in SENTENCES:
            for r in [r for r in synthetic if r.lang == lang][:3]:
                print(f"| {lang} | {r.ref} | {r.hyp} |")

        clips = five_second_clips(tmp, per_lang=2 if args.quick else 4)
        five = run_set(speech, [(lang, "", path) for lang, path in clips], args.repeat)
        engine = engine_turns([(r.lang, r.hyp) for r in five], tmp / "engine")
        totals = [r.latency_s + (engine[i] if engine else 0.0) for i, r in enumerate(five)]
        print("\n## 5-second answer: transcribed, and next question ready\n")
        print(
            "| clips | transcribe p50 s best | transcribe p95 s best | transcribe p95 s all "
            "| engine turn p95 s | total p95 s best |"
        )
        print("| ---: | ---: | ---: | ---: | ---: | ---: |")
        trans = [r.latency_s for r in five]
        every = [t for r in five for t in r.runs_s]
        langs = ", ".join(sorted({r.lang for r in five}))
        measured = [t for t in engine or [] if t > 0]
        engine_p95 = pct(measured, 0.95) if measured else float("nan")
        print(
            f"| {len(five)} ({langs}) | {pct(trans, 0.5):.2f} | {pct(trans, 0.95):.2f} | "
            f"{pct(every, 0.95):.2f} | {engine_p95:.3f} | {pct(totals, 0.95):.2f} |"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nLoad average at the start: {load_start}.")
    load_avg = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"Peak resident memory: {peak_mb:.0f} MB. Load average at the end: {load_avg}.")
    print("Targets on 2 cores: RTF <= 0.25, 5 s answer <= 2 s p95, WER on jfk.flac <= 10%.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
