"""Time per text turn through the engine (real fleet, real SQLite store), no browser.

Plays scripted intakes in en/ar/ur until at least ``--turns`` patient turns were timed and
prints p50/p95 per language and overall. Run by hand: ``.venv/bin/python bench/turn_latency.py``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.config import Settings
from assistant.services import Services

SCRIPTS = {
    "en": [
        "45",
        "male",
        "I have had a headache for three days",
        "gradually",
        "behind my eyes",
        "throbbing",
        "bright light",
        "sleep",
        "no",
        "it comes and goes",
        "7",
        "a bit of nausea, no fever",
        "type 2 diabetes",
        "appendix removed in 2010",
        "metformin 500 mg twice a day",
        "penicillin gives me a rash",
        "my mother has high blood pressure",
        "never",
        "no",
        "I am worried it is a tumour",
    ],
    "ar": [
        "٣٤",
        "أنثى",
        "لا",
        "عندي كحة وحرارة",
        "تدريجياً",
        "في صدري",
        "من ٥ أيام",
        "ناشفة",
        "في الليل",
        "العسل",
        "لا",
        "على طول",
        "٥",
        "تعب وصداع خفيف",
        "ما عندي أمراض",
        "لا",
        "بنادول عند الحاجة",
        "ما عندي حساسية",
        "أمي عندها سكر",
        "لا",
        "لا",
        "خايفة تكون كورونا",
    ],
    "ur": [
        "52",
        "مرد",
        "پیٹ میں درد ہے",
        "آہستہ آہستہ",
        "پیٹ کے اوپر والے حصے میں",
        "دو دن سے",
        "جلن والا",
        "کھانا کھانے کے بعد",
        "دودھ پینے سے",
        "نہیں",
        "آتا جاتا ہے",
        "6",
        "متلی ہے لیکن الٹی نہیں",
        "بلڈ پریشر",
        "نہیں",
        "ایملوڈیپین 5 ملی گرام روزانہ",
        "کوئی الرجی نہیں",
        "والد کو شوگر ہے",
        "کبھی نہیں",
        "نہیں",
        "کچھ نہیں",
    ],
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        services = Services(Settings(data_dir=Path(tmp)))
        services.warm_up()
        timings: dict[str, list[float]] = {lang: [] for lang in SCRIPTS}
        total = 0
        while total < args.turns:
            for lang, script in SCRIPTS.items():
                view = services.coordinator.start(lang)
                for answer in script:
                    if view.question is None or view.status != "in_progress":
                        break
                    start = time.perf_counter()
                    view = services.coordinator.answer(
                        view.intake_id, view.question.link_id, answer
                    )
                    timings[lang].append((time.perf_counter() - start) * 1000)
                    total += 1
                if view.status == "review":
                    services.coordinator.submit(view.intake_id)
    print(f"Engine time per text turn (real fleet + SQLite), {total} turns\n")
    print("| language | turns | p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    every: list[float] = []
    for lang, values in timings.items():
        every.extend(values)
        print(
            f"| {lang} | {len(values)} | {statistics.median(values):.1f} | "
            f"{percentile(values, 95):.1f} | {max(values):.1f} |"
        )
    print(
        f"| all | {len(every)} | {statistics.median(every):.1f} | "
        f"{percentile(every, 95):.1f} | {max(every):.1f} |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
