"""Feedback from the web app, kept as lines of an evaluation question file.

A thumbs up or down on an answer is appended to a JSONL file (`data_dir/feedback.jsonl`)
in the question-file format `abstractqa.evaluate` reads, so a rated answer can become an
evaluation case: the question, the answer as the reference, and the first quoted sentence
of each cited paper as evidence.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from abstractqa.evidence import split_sentences
from abstractqa.types import Answer

RATINGS = ("up", "down")
_lock = threading.Lock()  # appends from concurrent sessions must not interleave


def feedback_record(answer: Answer, rating: str, comment: str) -> dict[str, Any]:
    """One feedback line in the evaluation question-file format."""
    evidence, cited = [], []
    for c in answer.citations:
        if c.paper_id in cited:
            continue
        cited.append(c.paper_id)
        sentences = split_sentences(c.quote)
        if sentences:
            evidence.append(sentences[0])
    return {
        "id": "fb-" + datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ"),
        "type": "feedback",
        "question": answer.question,
        "reference_answer": answer.answer,
        "key_facts": [],
        "evidence": evidence,
        "answerable": not answer.refused,
        "rating": rating,
        "comment": comment.strip(),
        "cited_papers": cited,
    }


def record_feedback(path: Path, answer: Answer, rating: str, comment: str = "") -> dict[str, Any]:
    """Append one feedback line to `path` (a JSONL file) and return it.

    Raises:
        ValueError: a rating other than 'up' or 'down'.
    """
    if rating not in RATINGS:
        raise ValueError(f"rating must be 'up' or 'down', not {rating!r}")
    record = feedback_record(answer, rating, comment)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, ensure_ascii=False) + "\n"
    with _lock, path.open("a", encoding="utf-8") as f:
        f.write(line)
    return record
