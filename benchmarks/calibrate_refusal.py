"""Calibrate `answer.refuse_below` on question files that include unanswerable questions.

For every question this prints the similarity the refusal rule looks at (the best
sentence of the candidate papers against the question) and whether the question is
answerable, then the refusal accuracy at each candidate threshold. The rule's other
parts (a named paper is never refused on similarity; a question whose words all stand in
a candidate abstract is not refused on similarity; a specific asked-for thing that no
candidate gives is refused) stay on, so the sweep measures the threshold as shipped.

Run: .venv/bin/python benchmarks/calibrate_refusal.py evals/questions.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from abstractqa.answerable import plan_answer
from abstractqa.assistant import Assistant
from abstractqa.config import load_settings
from abstractqa.query import read_query


def load(paths: list[str]) -> list[dict]:
    """Questions that stand alone (follow-ups need their conversation; the evaluation has them)."""
    questions = []
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip() and not (q := json.loads(line)).get("follow_up_of"):
                questions.append(q)
    return questions


def main(paths: list[str]) -> int:
    assistant = Assistant(load_settings())
    assistant.ensure_index(progress=False)
    settings = assistant.settings.answer
    questions = load(paths)
    names = assistant.retriever.names
    queries = {q["id"]: read_query(assistant.retriever.correct(q["question"]), names) for q in questions}
    evidence = {
        q["id"]: assistant.search(queries[q["id"]].text, k=max(settings.max_passages, 5), intent=queries[q["id"]].intent)
        for q in questions
    }

    def plan(q, s):
        return plan_answer(queries[q["id"]], evidence[q["id"]], assistant.sentence_embedder, s)

    rows = sorted(((q, plan(q, settings)) for q in questions), key=lambda r: r[1].best_similarity)
    print("| id | answerable | best similarity | declined at current setting because |")
    print("|---|---|---|---|")
    for q, p in rows:
        print(f"| {q['id']} | {q['answerable']} | {p.best_similarity:.3f} | {p.reason} |")
    print("\n| refuse_below | refusal accuracy |")
    print("|---|---|")
    for threshold in [x / 100 for x in range(20, 61, 2)]:
        s = settings.model_copy(update={"refuse_below": threshold})
        correct = sum((plan(q, s).status != "answer") == (not q["answerable"]) for q in questions)
        print(f"| {threshold:.2f} | {correct / len(questions):.3f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["evals/questions.jsonl"]))
