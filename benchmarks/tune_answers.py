"""Grid over the extractive answer's sentence-ranking weights, scored by the evaluation.

Run: .venv/bin/python benchmarks/tune_answers.py  (needs an index: `abstractqa ingest`).
Prints one row per setting and dev question file (never a held-out one: those are only
measured, never tuned on). The weights are the
`answer.ranking` settings (src/abstractqa/config.py); each row runs with a copy of the
settings that holds its values, and the chosen ones go into configs/default.yaml.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from abstractqa.assistant import Assistant
from abstractqa.config import load_settings
from abstractqa.evaluate import evaluate

ROOT = Path(__file__).resolve().parents[1]
GRID = {
    "similarity": [1.0, 0.6],
    "overlap": [0.3, 0.6],
    "number": [0.15, 0.3],
    "rank": [0.1, 0.3],
}
METRICS = ["key_fact_accuracy", "first_sentence_fact", "citation_precision", "citation_recall", "refusal_accuracy"]
DEV_SETS = ("questions.jsonl", "dev2.jsonl", "dev3.jsonl", "dev4.jsonl", "dev5.jsonl", "dev6.jsonl", "dev7.jsonl")


def main() -> int:
    settings = load_settings()
    first = Assistant(settings)
    first.ensure_index(progress=False)
    names = list(GRID)
    print("| " + " | ".join(names) + " | set | " + " | ".join(METRICS) + " |")
    for values in itertools.product(*GRID.values()):
        ranking = settings.answer.ranking.model_copy(update=dict(zip(names, values, strict=True)))
        answer = settings.answer.model_copy(update={"ranking": ranking})
        assistant = Assistant(settings.model_copy(update={"answer": answer}), embed_model=first.embed_model)
        for questions in DEV_SETS:
            summary, _ = evaluate(assistant, ROOT / "evals" / questions, progress=False)
            row = [f"{v}" for v in values] + [questions.split(".")[0]] + [f"{summary[m]:.3f}" for m in METRICS]
            print("| " + " | ".join(row) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
