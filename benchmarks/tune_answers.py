"""Grid over the extractive answer's sentence-ranking weights, scored by the evaluation.

Run: .venv/bin/python benchmarks/tune_answers.py  (needs an index: `abstractqa ingest`).
Prints one row per setting for the dev and held-out question files; the chosen values
live as constants beside `rank_sentences` in src/abstractqa/evidence.py (RANK_BONUS is
also read by src/abstractqa/answerable.py, so it is set in both).
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from abstractqa import answerable, evidence
from abstractqa.assistant import Assistant
from abstractqa.config import load_settings
from abstractqa.evaluate import evaluate

ROOT = Path(__file__).resolve().parents[1]
GRID = {
    "SIM_WEIGHT": [1.0, 0.6],
    "OVERLAP_WEIGHT": [0.3, 0.6],
    "NUMBER_BONUS": [0.15, 0.3],
    "RANK_BONUS": [0.1, 0.3],
}
METRICS = ["key_fact_accuracy", "citation_precision", "citation_recall", "refusal_accuracy"]


def main() -> int:
    assistant = Assistant(load_settings())
    assistant.ensure_index(progress=False)
    names = list(GRID)
    print("| " + " | ".join(names) + " | set | " + " | ".join(METRICS) + " |")
    for values in itertools.product(*GRID.values()):
        for name, value in zip(names, values, strict=True):
            setattr(evidence, name, value)
            if hasattr(answerable, name):
                setattr(answerable, name, value)
        for questions in ("questions.jsonl", "heldout.jsonl"):
            summary, _ = evaluate(assistant, ROOT / "evals" / questions, progress=False)
            row = [f"{v}" for v in values] + [questions.split(".")[0]] + [f"{summary[m]:.3f}" for m in METRICS]
            print("| " + " | ".join(row) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
