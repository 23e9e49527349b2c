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

from abstractqa.answer import plan_answer
from abstractqa.assistant import Assistant
from abstractqa.config import load_settings


def main(paths: list[str]) -> int:
    assistant = Assistant(load_settings())
    assistant.ensure_index(progress=False)
    settings = assistant.settings.answer
    rows = []
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            q = json.loads(line)
            if q.get("follow_up_of"):
                continue  # needs its conversation; measured by the evaluation instead
            evidence = assistant.search(q["question"], k=max(settings.max_passages, 5))
            plan = plan_answer(q["question"], evidence, assistant.sentence_embedder, settings)
            rows.append((q["id"], q["answerable"], plan.best_similarity, plan.refuse))
    print("| id | answerable | best similarity | refused at current setting because |")
    print("|---|---|---|---|")
    for qid, answerable, sim, why in sorted(rows, key=lambda r: r[2]):
        print(f"| {qid} | {answerable} | {sim:.3f} | {why} |")
    print("\n| refuse_below | refusal accuracy |")
    print("|---|---|")
    for threshold in [x / 100 for x in range(20, 61, 2)]:
        s = settings.model_copy(update={"refuse_below": threshold})
        correct = 0
        for path in paths:
            for line in Path(path).read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                q = json.loads(line)
                if q.get("follow_up_of"):
                    continue
                evidence = assistant.search(q["question"], k=max(s.max_passages, 5))
                plan = plan_answer(q["question"], evidence, assistant.sentence_embedder, s)
                correct += bool(plan.refuse) == (not q["answerable"])
        print(f"| {threshold:.2f} | {correct / len(rows):.3f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["evals/questions.jsonl"]))
