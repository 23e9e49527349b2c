"""An optional LLM judge for `abstractqa eval --judge`: grades answers for correctness and
faithfulness through the configured OpenAI-compatible endpoint. Never on by default.
"""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from abstractqa.config import Settings
    from abstractqa.evaluate import Question, QuestionResult
    from abstractqa.types import Answer

# Kept here rather than in prompts.py while the judge is an evaluation-only tool.
JUDGE_SYSTEM = (
    "You grade answers to questions about research papers. Reply with one JSON object only, "
    'like {"correctness": 1, "faithfulness": 1}.'
)
JUDGE_USER = (
    "Question: {question}\nReference answer: {reference}\n\n"
    "Sources the answer cites:\n{sources}\n\nAnswer to grade:\n{answer}\n\n"
    "correctness: 1 if the answer states what the reference answer states, 0.5 if only part "
    "of it, 0 if none or it contradicts it.\n"
    "faithfulness: 1 if every claim in the answer is backed by the cited sources, 0.5 if most "
    "are, 0 if few are.\nJSON:"
)


def judge_answers(
    settings: Settings,
    asked: list[tuple[Question, Answer | None, str]],
    results: list[QuestionResult],
    progress: bool = True,
) -> None:
    """Grade answerable questions with the configured OpenAI-compatible endpoint, in place.

    A refused answerable question gets correctness 0 without a call. When the endpoint
    can't be reached the remaining grades stay null and a warning says so.
    """
    import openai
    from tqdm import tqdm

    a = settings.answer
    client = openai.OpenAI(
        base_url=a.base_url,
        api_key=os.environ.get(a.api_key_env) or "not-needed",
        timeout=a.timeout_s,
        max_retries=0,
    )
    for (q, answer, _), r in tqdm(
        list(zip(asked, results, strict=True)),
        desc="judging",
        unit="question",
        disable=not progress,
        file=sys.stderr,
    ):
        if not q.answerable:
            continue
        if answer is None or answer.refused:
            r.judge = {"correctness": 0.0, "faithfulness": None}
            continue
        sources = "\n".join(f"[{c.n}] {c.title}: {c.quote}" for c in answer.citations) or "(none)"
        prompt = JUDGE_USER.format(
            question=q.question, reference=q.reference_answer, sources=sources, answer=answer.answer
        )
        try:
            reply = client.chat.completions.create(
                model=a.model,
                messages=[
                    {"role": "system", "content": JUDGE_SYSTEM},
                    {"role": "user", "content": prompt},
                ],
                max_tokens=64,
                temperature=0.0,
            )
        except (openai.APIConnectionError, openai.APITimeoutError) as err:
            print(
                f"warning: judge endpoint {a.base_url} unreachable ({err}); judge grades left null",
                file=sys.stderr,
            )
            return
        except openai.APIStatusError as err:
            r.notes.append(f"judge: endpoint answered {err.status_code}")
            continue
        r.judge = parse_judgement(reply.choices[0].message.content or "")
        if not r.judge:
            r.notes.append("judge: reply was not the expected JSON")


def parse_judgement(reply: str) -> dict[str, float | None]:
    """{"correctness", "faithfulness"} in [0, 1] from a judge's reply, or {} if it has neither.

    Small models wrap the JSON in prose or drop the quotes, so each grade is read as
    ``name: number`` wherever it appears.
    """
    out: dict[str, float | None] = {}
    for key in ("correctness", "faithfulness"):
        m = re.search(rf"\b{key}\b\W{{0,3}}[:=]\s*(-?\d+(?:\.\d+)?)", reply, re.I)
        out[key] = min(1.0, max(0.0, float(m.group(1)))) if m else None
    return out if any(v is not None for v in out.values()) else {}
