"""Latency of one ``Understanding.analyze`` call per utterance: prints p50/p95/max in ms.

Run: python -m bench.understanding_latency
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from assistant.understanding import Understanding

UTTERANCES = [
    "crushing chest pain going down my left arm",
    "I have had a cough for 2 weeks and a fever for 3 days, no chest pain, no shortness of breath",
    "My mother has diabetes and my father had a stroke 2 years ago.",
    "I take metformin 500 mg twice a day and amlodipine 5 mg at night.",
    "عندي صداع وحرارة من ثلاثة أيام",
    "ما عندي حرارة بس عندي كحة من يومين وبطني يوجعني شوي",
    "أمي عندها سكر وأنا عندي ضغط وآخذ أملوديبين ٥ ملغ مرة في اليوم",
    "سینے میں درد نہیں ہے، بس کھانسی ہے",
    "مجھے تین دن سے بخار ہے اور سر میں درد ہے، متلی بھی ہو رہی ہے",
    "mujhe bukhar hai aur khansi nahi hai, pait mein dard 7/10 hai",
    "I'm allergic to penicillin, it gives me hives. No other allergies.",
]


def main() -> None:
    understanding = Understanding(Path(__file__).resolve().parent.parent / "knowledge")
    started = time.perf_counter()
    understanding.warm_up()
    print(f"warm_up: {(time.perf_counter() - started) * 1000:.0f} ms")
    timings: list[float] = []
    for _ in range(30):
        for text in UTTERANCES:
            t0 = time.perf_counter()
            understanding.analyze_json(text)
            timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    p95 = timings[int(0.95 * len(timings)) - 1]
    print(f"utterances: {len(timings)}")
    print(f"p50: {statistics.median(timings):.2f} ms  p95: {p95:.2f} ms  max: {timings[-1]:.2f} ms")


if __name__ == "__main__":
    main()
