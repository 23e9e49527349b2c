"""Feedback lines from the web app, in the evaluation question-file format."""

from __future__ import annotations

import json

import pytest

from abstractqa.evaluate import load_questions
from abstractqa.feedback import feedback_record, record_feedback
from abstractqa.types import Answer, Citation


def rated_answer(refused: bool = False) -> Answer:
    quote = "MSN reaches 72.4% top-1 accuracy. It uses 5,000 labels."
    return Answer(
        question="How accurate is MSN?",
        standalone_question="How accurate is MSN?",
        answer="**MSN** reaches 72.4% [1][2].",
        refused=refused,
        citations=[
            Citation(n=1, paper_id="msn", title="MSN", source="a.txt:1", quote=quote),
            Citation(n=2, paper_id="msn", title="MSN", source="a.txt:1", quote="Another sentence."),
            Citation(n=3, paper_id="ijepa", title="I-JEPA", source="b.txt:4", quote="I-JEPA predicts blocks."),
        ],
        mode="extractive",
        config_hash="h",
    )


def test_feedback_line_is_a_question_file_line_with_the_rating(tmp_path):
    path = tmp_path / "data" / "feedback.jsonl"
    first = record_feedback(path, rated_answer(), "up", "  spot on \n")
    record_feedback(path, rated_answer(refused=True), "down")
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == first and len(lines) == 2

    assert first["id"].startswith("fb-") and first["type"] == "feedback"
    assert first["question"] == "How accurate is MSN?"
    assert first["reference_answer"] == "**MSN** reaches 72.4% [1][2]."
    # One evidence sentence per cited paper: the first sentence of its first quote.
    assert first["evidence"] == ["MSN reaches 72.4% top-1 accuracy.", "I-JEPA predicts blocks."]
    assert first["cited_papers"] == ["msn", "ijepa"]
    assert first["answerable"] is True and lines[1]["answerable"] is False
    assert (first["rating"], first["comment"]) == ("up", "spot on")
    assert lines[1]["rating"] == "down"

    # A feedback file is a question file: it loads as one, as written.
    questions = load_questions(path)
    assert [q.question for q in questions] == ["How accurate is MSN?", lines[1]["question"]]
    assert questions[0].evidence == first["evidence"] and questions[0].rating == "up"


def test_feedback_rating_must_be_up_or_down(tmp_path):
    path = tmp_path / "feedback.jsonl"
    with pytest.raises(ValueError, match="'up' or 'down'"):
        record_feedback(path, rated_answer(), "meh")
    assert not path.exists()
    assert feedback_record(rated_answer(), "down", "")["comment"] == ""
