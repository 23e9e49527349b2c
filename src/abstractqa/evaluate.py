"""Scripted evaluation: run a question file through the `Assistant` and score every stage.

A question file is JSONL, one question a line::

    {"id": "q02", "type": "factoid", "question": "...", "reference_answer": "...",
     "key_facts": ["30B"], "evidence": ["Our largest video generation model is a 30B"],
     "answerable": true, "follow_up_of": "q01"}

Each evidence string is a verbatim piece of one abstract; the paper whose abstract holds
it is a gold paper. A follow-up is asked with the answer of the question it follows as
history, so the earlier question runs first.

Metrics (`summary.json`), each a number in [0, 1] or null when no question is eligible:

* ``retrieval_recall_at_5``: gold papers among the first 5 evidence papers / gold papers,
  averaged over answerable questions with evidence.
* ``retrieval_mrr``: 1 / rank of the first gold paper in the evidence list (0 if absent).
* ``citation_precision`` / ``citation_recall``: cited papers that are gold / cited papers,
  and gold papers cited / gold papers, averaged over answerable questions that were
  answered (not refused).
* ``supported_sentence_rate``: answer sentences whose support check passed / all checked
  answer sentences, pooled over every question.
* ``key_fact_accuracy``: questions whose answer holds every key fact / questions with key
  facts. Matching is case-insensitive and compares numbers as numbers, so "70.8 %"
  matches "70.8%" and "32" never matches "320". A refused answer holds no facts.
* ``first_sentence_fact``: answerable questions with key facts whose answer's first sentence
  holds at least one of them / those questions (a declined answer holds none): does the
  answer lead with what was asked?
* ``refusal_accuracy``: questions where ``declined == not answerable`` / all questions; an
  answer is declined when it is refused (not covered) or partial (the asked detail is not given).
* ``latency_p50_s`` / ``latency_p95_s``: of the answers' ``timings.total_s``.
* ``judge_correctness`` / ``judge_faithfulness`` (only with ``--judge``): an LLM's grades.

`abstractqa eval` writes `summary.json`, `results.jsonl` (one trace per question),
`report.md` and `report.html` to the output folder, each replaced whole at the end.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, ValidationError

if TYPE_CHECKING:
    from abstractqa.assistant import Assistant
    from abstractqa.config import Settings
    from abstractqa.types import Answer, Paper

RECALL_K = 5
QUALITY_METRICS = (
    "retrieval_recall_at_5",
    "retrieval_mrr",
    "citation_precision",
    "citation_recall",
    "supported_sentence_rate",
    "key_fact_accuracy",
    "first_sentence_fact",
    "refusal_accuracy",
)
LATENCY_METRICS = ("latency_p50_s", "latency_p95_s")
JUDGE_METRICS = ("judge_correctness", "judge_faithfulness")
METRICS = QUALITY_METRICS + LATENCY_METRICS
SUMMARY_KEYS = ("n_questions", *METRICS, "mode", "config_hash", "by_type")
OUTPUT_FILES = ("summary.json", "results.jsonl", "report.md", "report.html")

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


class EvalInputError(ValueError):
    """A question file or output folder that can't be used; the message names file, line and id."""


# ---------------------------------------------------------------------------------------------
# Questions


class Question(BaseModel):
    """One line of a question file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    type: str = Field(min_length=1)
    question: str = Field(min_length=1)
    reference_answer: str = ""
    key_facts: list[str] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list, description="Verbatim abstract substrings.")
    answerable: bool
    follow_up_of: str | None = None


def load_questions(path: Path) -> list[Question]:
    """Read and check a question file; follow-ups must come after the question they follow.

    Raises:
        EvalInputError: naming the file, the line and (when readable) the question id.
    """
    path = Path(path)
    if not path.is_file():
        raise EvalInputError(f"question file not found: {path}")
    questions: list[Question] = []
    seen: set[str] = set()
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as err:
            raise EvalInputError(f"{where}: not valid JSON ({err.msg})") from None
        if not isinstance(data, dict):
            raise EvalInputError(f"{where}: a question must be a JSON object")
        qid = data.get("id", "?")
        try:
            q = Question(**data)
        except ValidationError as err:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or '(line)'}: {e['msg']}" for e in err.errors()
            )
            raise EvalInputError(f"{where}: question {qid}: {problems}") from None
        if q.id in seen:
            raise EvalInputError(f"{where}: question {q.id}: duplicate id")
        if q.follow_up_of is not None and q.follow_up_of not in seen:
            raise EvalInputError(
                f"{where}: question {q.id}: follows {q.follow_up_of!r}, "
                "which is not an earlier question in the file"
            )
        if any(not e.strip() for e in q.evidence):
            raise EvalInputError(f"{where}: question {q.id}: empty evidence string")
        seen.add(q.id)
        questions.append(q)
    if not questions:
        raise EvalInputError(f"{path}: no questions")
    return questions


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def gold_papers(questions: list[Question], papers: Iterable[Paper]) -> dict[str, dict[str, str]]:
    """Each question's gold papers as {paper_id: the evidence string that names it}.

    A paper's abstract must hold the evidence string: an exact match is tried first,
    then one that ignores case and runs of whitespace.

    Raises:
        EvalInputError: an evidence string that is in no abstract, or in more than one.
    """
    papers = list(papers)
    squashed = {p.paper_id: _squash(p.abstract) for p in papers}
    gold: dict[str, dict[str, str]] = {}
    for q in questions:
        found: dict[str, str] = {}
        for text in q.evidence:
            hits = [p for p in papers if text in p.abstract]
            if not hits:
                hits = [p for p in papers if _squash(text) in squashed[p.paper_id]]
            if not hits:
                raise EvalInputError(
                    f"question {q.id}: evidence string found in no indexed abstract: {text[:80]!r}"
                )
            if len(hits) > 1:
                titles = ", ".join(p.title for p in hits[:4])
                raise EvalInputError(
                    f"question {q.id}: evidence string {text[:60]!r} is in {len(hits)} abstracts "
                    f"({titles}); quote more of it so it names one paper"
                )
            found.setdefault(hits[0].paper_id, text)
        gold[q.id] = found
    return gold


# ---------------------------------------------------------------------------------------------
# Metric pieces, each a pure function

_FACT_TOKEN = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?|[^\W\d_]+|%")
_MARKER = re.compile(r"\[\d+\]")


def fact_tokens(text: str) -> list[tuple[str, object]]:
    """Words (case-folded), numbers (as floats) and '%'; other punctuation and spaces drop out."""
    tokens: list[tuple[str, object]] = []
    for tok in _FACT_TOKEN.findall(text):
        if tok[0].isdigit():
            tokens.append(("num", float(tok.replace(",", ""))))
        else:
            tokens.append(("word", tok.casefold()))
    return tokens


def has_fact(fact: str, text: str) -> bool:
    """True when `text` holds `fact` as a run of whole tokens ("70.8 %" == "70.8%", 32 != 320).

    A word may carry a plural ending in the text ("EfficientSAM" is in "EfficientSAMs"),
    never any other suffix ("RoB" is not in "robust").
    """
    want = fact_tokens(fact)
    have = fact_tokens(_MARKER.sub(" ", text))
    if not want:
        return True
    n = len(want)
    return any(
        all(_same_token(w, h) for w, h in zip(want, have[i : i + n], strict=True))
        for i in range(len(have) - n + 1)
    )


def _same_token(want: tuple[str, object], have: tuple[str, object]) -> bool:
    if want == have:
        return True
    if want[0] == have[0] == "word":
        w, h = str(want[1]), str(have[1])
        return h in (w + "s", w + "es") and len(w) > 1
    return False


def recall_at_k(ranked: list[str], gold: list[str], k: int = RECALL_K) -> float | None:
    if not gold:
        return None
    top = set(ranked[:k])
    return sum(g in top for g in gold) / len(gold)


def reciprocal_rank(ranked: list[str], gold: list[str]) -> float | None:
    if not gold:
        return None
    return next((1.0 / rank for rank, pid in enumerate(ranked, 1) if pid in gold), 0.0)


def citation_precision(cited: list[str], gold: list[str]) -> float | None:
    cited = list(dict.fromkeys(cited))
    if not gold or not cited:
        return None
    return sum(c in gold for c in cited) / len(cited)


def citation_recall(cited: list[str], gold: list[str]) -> float | None:
    if not gold:
        return None
    return sum(g in set(cited) for g in gold) / len(gold)


def percentile(values: list[float], q: float) -> float | None:
    """Linear-interpolated percentile (numpy's default), q in [0, 100]."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _mean(values: Iterable[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


# ---------------------------------------------------------------------------------------------
# Scoring one answer


@dataclass
class QuestionResult:
    """The trace of one question: what was retrieved, said, cited, and how it scored."""

    id: str
    type: str
    question: str
    answerable: bool
    follow_up_of: str | None
    reference_answer: str
    gold: list[dict]
    retrieved: list[dict]
    answer: str
    standalone_question: str
    refused: bool
    citations: list[dict]
    sentences: list[dict]
    key_facts: dict[str, bool]
    metrics: dict[str, float | bool | int | None]
    timings: dict[str, float]
    mode: str
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    judge: dict[str, float | None] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.failures

    def to_json_dict(self) -> dict:
        return {**asdict(self), "passed": self.passed}


def score_answer(
    q: Question,
    answer: Answer | None,
    gold: list[str] | dict[str, str],
    titles: dict[str, str] | None = None,
    error: str = "",
) -> QuestionResult:
    """Score one answer against its question; `answer` is None when asking raised `error`.

    `gold` lists the gold paper ids, or maps them to their evidence strings.
    """
    evidence_of = dict(gold) if isinstance(gold, dict) else {}
    gold = list(gold)
    titles = {
        **({e.paper.paper_id: e.paper.title for e in answer.evidence} if answer else {}),
        **({c.paper_id: c.title for c in answer.citations} if answer else {}),
        **(titles or {}),
    }
    ranked = [e.paper.paper_id for e in answer.evidence] if answer else []
    cited = [c.paper_id for c in answer.citations] if answer else []
    refused = (answer.refused or answer.status == "partial") if answer else True
    text = answer.answer if answer else ""
    answered = q.answerable and not refused

    facts = {f: (not refused and has_fact(f, text)) for f in q.key_facts}
    sentences = answer.sentences if answer else []
    metrics: dict[str, float | bool | int | None] = {
        "recall_at_5": recall_at_k(ranked, gold) if q.answerable else None,
        "reciprocal_rank": reciprocal_rank(ranked, gold) if q.answerable else None,
        "citation_precision": citation_precision(cited, gold) if answered else None,
        "citation_recall": citation_recall(cited, gold) if answered else None,
        "sentences": len(sentences),
        "sentences_supported": sum(s.supported for s in sentences),
        "key_facts_ok": all(facts.values()) if facts else None,
        "first_sentence_fact": (not refused and any(has_fact(f, first_sentence(text)) for f in q.key_facts))
        if q.answerable and q.key_facts
        else None,
        "refusal_correct": refused == (not q.answerable),
        "latency_s": answer.timings.total_s if answer else None,
    }

    failures: list[str] = []
    notes: list[str] = []
    if error:
        failures.append(f"error: {error}")
    if q.answerable and refused:
        failures.append("wrong refusal: refused an answerable question")
    if not q.answerable and not refused:
        failures.append("wrong refusal: answered an unanswerable question")
    if q.answerable:
        for pid in gold:
            rank = ranked.index(pid) + 1 if pid in ranked else None
            if rank is None or rank > RECALL_K:
                where = f"ranked {rank}" if rank else "not retrieved"
                failures.append(f"missed gold paper: {titles.get(pid, pid)} ({where})")
        if answered:
            for pid in gold:
                if pid not in cited:
                    failures.append(f"uncited gold: {titles.get(pid, pid)}")
            for pid in dict.fromkeys(cited):
                if gold and pid not in gold:
                    notes.append(f"cited a non-gold paper: {titles.get(pid, pid)}")
    missing = [f for f, ok in facts.items() if not ok]
    if missing and not refused:
        failures.append("wrong key fact: answer lacks " + ", ".join(repr(f) for f in missing))
    unsupported = [s for s in sentences if not s.supported]
    if unsupported:
        notes.append(f"{len(unsupported)} of {len(sentences)} sentences failed the support check")

    return QuestionResult(
        id=q.id,
        type=q.type,
        question=q.question,
        answerable=q.answerable,
        follow_up_of=q.follow_up_of,
        reference_answer=q.reference_answer,
        gold=[
            {"paper_id": pid, "title": titles.get(pid, pid), "evidence": evidence_of.get(pid, "")}
            for pid in gold
        ],
        retrieved=[
            {
                "rank": rank,
                "paper_id": e.paper.paper_id,
                "title": e.paper.title,
                "score": round(e.score, 6),
                "reason": e.reason,
                "gold": e.paper.paper_id in gold,
            }
            for rank, e in enumerate(answer.evidence if answer else [], 1)
        ],
        answer=text,
        standalone_question=answer.standalone_question if answer else q.question,
        refused=refused,
        citations=[c.model_dump() for c in answer.citations] if answer else [],
        sentences=[s.model_dump() for s in sentences],
        key_facts=facts,
        metrics=metrics,
        timings=answer.timings.model_dump() if answer else {},
        mode=answer.mode if answer else "",
        failures=failures,
        notes=notes,
    )


def summarize(results: list[QuestionResult], mode: str, config_hash: str, judged: bool = False) -> dict:
    """The summary: every metric over all questions, and again per question type."""
    summary: dict = {"n_questions": len(results), **_metrics(results, judged)}
    summary["mode"] = mode
    summary["config_hash"] = config_hash
    by_type: dict[str, list[QuestionResult]] = defaultdict(list)
    for r in results:
        by_type[r.type].append(r)
    summary["by_type"] = {
        t: {"n_questions": len(rs), **_metrics(rs, judged)} for t, rs in sorted(by_type.items())
    }
    return summary


def _metrics(results: list[QuestionResult], judged: bool) -> dict[str, float | None]:
    m = [r.metrics for r in results]
    sentences = sum(x["sentences"] for x in m)
    latencies = [x["latency_s"] for x in m if x["latency_s"] is not None]
    with_facts = [x["key_facts_ok"] for x in m if x["key_facts_ok"] is not None]
    out = {
        "retrieval_recall_at_5": _mean(x["recall_at_5"] for x in m),
        "retrieval_mrr": _mean(x["reciprocal_rank"] for x in m),
        "citation_precision": _mean(x["citation_precision"] for x in m),
        "citation_recall": _mean(x["citation_recall"] for x in m),
        "supported_sentence_rate": sum(x["sentences_supported"] for x in m) / sentences
        if sentences
        else None,
        "key_fact_accuracy": sum(with_facts) / len(with_facts) if with_facts else None,
        "first_sentence_fact": _mean(float(x["first_sentence_fact"]) for x in m if x.get("first_sentence_fact") is not None),
        "refusal_accuracy": _mean(float(x["refusal_correct"]) for x in m),
        "latency_p50_s": percentile(latencies, 50),
        "latency_p95_s": percentile(latencies, 95),
    }
    if judged:
        out["judge_correctness"] = _mean(r.judge.get("correctness") for r in results)
        out["judge_faithfulness"] = _mean(r.judge.get("faithfulness") for r in results)
    return {k: (round(v, 4) if v is not None else None) for k, v in out.items()}


# ---------------------------------------------------------------------------------------------
# Running


def run_questions(
    assistant: Assistant, questions: list[Question], mode: str | None = None, progress: bool = True
) -> list[tuple[Question, Answer | None, str]]:
    """Ask every question in file order, follow-ups with their earlier answer as history.

    A question the assistant rejects (too long, say) is recorded with its error and the
    run goes on; a generator that can't run at all stops it.
    """
    from tqdm import tqdm

    from abstractqa.assistant import QuestionError

    answers: dict[str, Answer] = {}
    out = []
    for q in tqdm(questions, desc="evaluating", unit="question", disable=not progress, file=sys.stderr):
        history = [answers[q.follow_up_of]] if q.follow_up_of in answers else None
        try:
            answer = assistant.ask(q.question, history=history, mode=mode)
        except QuestionError as err:
            out.append((q, None, str(err)))
            continue
        answers[q.id] = answer
        out.append((q, answer, ""))
    return out


def evaluate(
    assistant: Assistant,
    questions_path: Path,
    out_dir: Path | None = None,
    mode: str | None = None,
    judge: bool = False,
    progress: bool = True,
) -> tuple[dict, list[QuestionResult]]:
    """Run a question file and score it; write the four output files when `out_dir` is given.

    Raises:
        EvalInputError: a malformed question file or an evidence string in no abstract.
    """
    questions = load_questions(Path(questions_path))
    papers = assistant.papers()
    gold = gold_papers(questions, papers)
    titles = {p.paper_id: p.title for p in papers}
    mode = mode or assistant.settings.answer.mode
    asked = run_questions(assistant, questions, mode=mode, progress=progress)
    results = [score_answer(q, a, gold[q.id], titles, err) for q, a, err in asked]
    for (_q, answer, _err), r in zip(asked, results, strict=True):
        if answer is not None and answer.status != "answered":
            r.notes.append(f"{answer.status} because {answer.reason}")
    if judge:
        judge_answers(assistant.settings, asked, results, progress=progress)
    summary = summarize(results, mode, assistant.settings.config_hash(), judged=judge)
    if out_dir is not None:
        write_outputs(Path(out_dir), summary, results, source=str(questions_path))
    return summary, results


def first_sentence(text: str) -> str:
    """The answer's first sentence as a reader sees it (markup and list marks dropped)."""
    from abstractqa.evidence import split_sentences

    plain = re.sub(r"\*\*|^\s*- ", "", text, flags=re.M).strip()
    sentences = split_sentences(plain.replace("\n", " "))
    return sentences[0] if sentences else ""


# ---------------------------------------------------------------------------------------------
# LLM judge (optional, never on by default)


def judge_answers(settings: Settings, asked, results: list[QuestionResult], progress: bool = True) -> None:
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


# ---------------------------------------------------------------------------------------------
# Output files


def _write_whole(path: Path, text: str) -> None:
    """Write beside the target, then rename over it: a reader never sees half a file."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_outputs(out_dir: Path, summary: dict, results: list[QuestionResult], source: str = "") -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_whole(
        out_dir / "results.jsonl",
        "".join(json.dumps(r.to_json_dict(), ensure_ascii=False) + "\n" for r in results),
    )
    _write_whole(out_dir / "report.md", render_markdown(summary, results, source))
    _write_whole(out_dir / "report.html", render_html(summary, results, source))
    # Last, so a folder with a summary always has the traces it summarizes.
    _write_whole(out_dir / "summary.json", json.dumps(summary, indent=2) + "\n")


def _fmt(value: float | None, metric: str = "") -> str:
    if value is None:
        return "n/a"
    return f"{value:.3f}s" if metric.startswith("latency") else f"{value:.3f}"


def _shown_metrics(summary: dict) -> list[str]:
    return [m for m in (*METRICS, *JUDGE_METRICS) if m in summary]


def _text_bar(value: float | None, width: int = 30) -> str:
    if value is None:
        return "·" * width
    filled = round(max(0.0, min(1.0, value)) * width)
    return "█" * filled + "░" * (width - filled)


def _failure_rows(results: list[QuestionResult]) -> list[QuestionResult]:
    return [r for r in results if not r.passed]


def render_markdown(summary: dict, results: list[QuestionResult], source: str = "") -> str:
    """A report readable without the JSON: tables, a text bar chart and the failures."""
    metrics = _shown_metrics(summary)
    failed = _failure_rows(results)
    lines = [
        "# abstractqa evaluation",
        "",
        f"Questions: **{summary['n_questions']}**{f' from `{source}`' if source else ''}, "
        f"mode `{summary['mode']}`, config `{summary['config_hash']}`. "
        f"Passed: **{len(results) - len(failed)}**, failed: **{len(failed)}**.",
        "",
        "## Summary",
        "",
        "| metric | value |",
        "|---|---|",
        *(f"| {m} | {_fmt(summary[m], m)} |" for m in metrics),
        "",
        "## Chart",
        "",
        "```",
        *(
            f"{m:<26} {_text_bar(summary[m])} {_fmt(summary[m])}"
            for m in metrics
            if not m.startswith("latency")
        ),
        "```",
        "",
        "## By question type",
        "",
        "| type | n | " + " | ".join(_short(m) for m in metrics) + " |",
        "|---|---|" + "---|" * len(metrics),
    ]
    for t, row in summary["by_type"].items():
        lines.append(
            f"| {t} | {row['n_questions']} | " + " | ".join(_fmt(row.get(m), m) for m in metrics) + " |"
        )
    lines += ["", f"## Failed questions ({len(failed)})", ""]
    if not failed:
        lines.append("None.")
    for r in failed:
        lines += [f"### {_heading(r)}", "", f"**Q:** {r.question}", ""]
        lines += [f"- **{text}**" if why else f"- {text}" for text, why in failure_details(r)]
        lines += ["", "> " + (r.answer or "(no answer)").replace("\n", "\n> "), ""]
    return "\n".join(lines) + "\n"


def _heading(r: QuestionResult) -> str:
    follows = f", follow-up of {r.follow_up_of}" if r.follow_up_of else ""
    return f"{r.id} ({r.type}{follows})"


def failure_details(r: QuestionResult) -> list[tuple[str, bool]]:
    """What went wrong with a question, as (line, is_a_failure), for both reports."""
    top = [x["title"] + (" ✓" if x["gold"] else "") for x in r.retrieved[:RECALL_K]]
    lines = [(f, True) for f in r.failures] + [(n, False) for n in r.notes]
    lines.append(("gold: " + (", ".join(g["title"] for g in r.gold) or "(none: unanswerable)"), False))
    lines.append((f"retrieved top {RECALL_K}: " + (", ".join(top) or "(none)"), False))
    lines.append(("cited: " + (", ".join(c["title"] for c in r.citations) or "(none)"), False))
    if r.key_facts:
        facts = ", ".join(f + (" ✓" if ok else " ✗") for f, ok in r.key_facts.items())
        lines.append((f"key facts: {facts}", False))
    lines.append((f"reference: {r.reference_answer}", False))
    return lines


def _short(metric: str) -> str:
    return {
        "retrieval_recall_at_5": "R@5",
        "retrieval_mrr": "MRR",
        "citation_precision": "cite P",
        "citation_recall": "cite R",
        "supported_sentence_rate": "supported",
        "key_fact_accuracy": "key facts",
        "first_sentence_fact": "fact first",
        "refusal_accuracy": "refusal",
        "latency_p50_s": "p50 s",
        "latency_p95_s": "p95 s",
        "judge_correctness": "judge corr",
        "judge_faithfulness": "judge faith",
    }.get(metric, metric)


def svg_bar_chart(values: dict[str, float | None], width: int = 640) -> str:
    """Horizontal bars for metrics in [0, 1], as inline SVG (no plotting library)."""
    label_w, bar_w, row_h = 200, width - 260, 26
    height = row_h * len(values) + 24
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="metric bar chart" font-family="sans-serif" font-size="13">'
    ]
    for i, (name, value) in enumerate(values.items()):
        y = i * row_h + 4
        v = 0.0 if value is None else max(0.0, min(1.0, value))
        color = "#2e7d32" if v >= 0.9 else "#f9a825" if v >= 0.7 else "#c62828"
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{html.escape(name)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{bar_w}" height="18" fill="#eee"/>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{bar_w * v:.1f}" height="18" fill="{color}"/>')
        parts.append(f'<text x="{label_w + bar_w + 8}" y="{y + 15}">{_fmt(value)}</text>')
    axis_y = len(values) * row_h + 4
    for tick in (0, 0.5, 1):
        x = label_w + bar_w * tick
        parts.append(f'<text x="{x:.1f}" y="{axis_y + 14}" text-anchor="middle" fill="#666">{tick:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(summary: dict, results: list[QuestionResult], source: str = "") -> str:
    """One self-contained HTML page: tables, an inline SVG bar chart and the failures."""
    e = html.escape
    metrics = _shown_metrics(summary)
    failed = _failure_rows(results)
    chart = svg_bar_chart({m: summary[m] for m in metrics if not m.startswith("latency")})
    summary_rows = "".join(f"<tr><td>{e(m)}</td><td>{_fmt(summary[m], m)}</td></tr>" for m in metrics)
    head = "".join(f"<th>{e(_short(m))}</th>" for m in metrics)
    type_rows = "".join(
        f"<tr><td>{e(t)}</td><td>{row['n_questions']}</td>"
        + "".join(f"<td>{_fmt(row.get(m), m)}</td>" for m in metrics)
        + "</tr>"
        for t, row in summary["by_type"].items()
    )
    items = []
    for r in failed:
        details = "".join(
            f"<li class='why'>{e(text)}</li>" if why else f"<li>{e(text)}</li>"
            for text, why in failure_details(r)
        )
        items.append(
            f"<section class='fail'><h3>{e(_heading(r))}</h3><p><b>Q:</b> {e(r.question)}</p>"
            f"<ul>{details}</ul><blockquote>{e(r.answer or '(no answer)')}</blockquote></section>"
        )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>abstractqa evaluation</title>
<style>
body {{ font-family: sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
th, td {{ border: 1px solid #ccc; padding: 4px 8px; text-align: right; }}
td:first-child, th:first-child {{ text-align: left; }}
.fail {{ border-left: 4px solid #c62828; padding-left: 1em; margin: 1.5em 0; }}
.why {{ color: #c62828; font-weight: bold; }}
blockquote {{ white-space: pre-wrap; background: #f6f6f6; padding: .5em 1em; margin: 0; }}
</style></head><body>
<h1>abstractqa evaluation</h1>
<p>Questions: <b>{summary["n_questions"]}</b>{f" from <code>{e(source)}</code>" if source else ""},
mode <code>{e(str(summary["mode"]))}</code>, config <code>{e(str(summary["config_hash"]))}</code>.
Passed: <b>{len(results) - len(failed)}</b>, failed: <b>{len(failed)}</b>.</p>
<h2>Summary</h2>
<table><tr><th>metric</th><th>value</th></tr>{summary_rows}</table>
<h2>Chart</h2>
{chart}
<h2>By question type</h2>
<table><tr><th>type</th><th>n</th>{head}</tr>{type_rows}</table>
<h2>Failed questions ({len(failed)})</h2>
{"".join(items) or "<p>None.</p>"}
</body></html>
"""


def summary_table(summary: dict, thresholds: dict[str, float] | None = None) -> str:
    """The short plain-text table printed at the end of a run."""
    thresholds = thresholds or {}
    rows = [("metric", "value", "min" if thresholds else "")] + [
        (m, _fmt(summary[m], m), f"{thresholds[m]:.3f}" if m in thresholds else "")
        for m in _shown_metrics(summary)
    ]
    return _table(rows)


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)


# ---------------------------------------------------------------------------------------------
# Comparing two runs


def load_run(out_dir: Path) -> tuple[dict, list[dict]]:
    out_dir = Path(out_dir)
    summary_path, results_path = out_dir / "summary.json", out_dir / "results.jsonl"
    for p in (summary_path, results_path):
        if not p.is_file():
            raise EvalInputError(f"{p} not found: is {out_dir} the --out folder of an `abstractqa eval` run?")
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        results = [
            json.loads(line) for line in results_path.read_text(encoding="utf-8").splitlines() if line.strip()
        ]
    except json.JSONDecodeError as err:
        raise EvalInputError(f"{out_dir}: unreadable evaluation output ({err})") from None
    return summary, results


def compare_runs(old_dir: Path, new_dir: Path) -> tuple[str, dict]:
    """A printable table of metric deltas and flipped questions between two output folders."""
    old, old_results = load_run(old_dir)
    new, new_results = load_run(new_dir)
    metrics = [m for m in (*METRICS, *JUDGE_METRICS) if m in old or m in new]
    rows = [("metric", "old", "new", "delta")]
    for m in metrics:
        a, b = old.get(m), new.get(m)
        delta = f"{b - a:+.3f}" if a is not None and b is not None else "n/a"
        rows.append((m, _fmt(a, m), _fmt(b, m), delta))
    old_by_id = {r["id"]: r for r in old_results}
    new_by_id = {r["id"]: r for r in new_results}
    broke = [
        new_by_id[i]
        for i in new_by_id
        if i in old_by_id and old_by_id[i]["passed"] and not new_by_id[i]["passed"]
    ]
    fixed = [
        new_by_id[i]
        for i in new_by_id
        if i in old_by_id and not old_by_id[i]["passed"] and new_by_id[i]["passed"]
    ]
    only_old = sorted(set(old_by_id) - set(new_by_id))
    only_new = sorted(set(new_by_id) - set(old_by_id))
    lines = [
        f"old: {old_dir} ({_describe(old)})",
        f"new: {new_dir} ({_describe(new)})",
        "",
        _table(rows),
        "",
        f"pass -> fail ({len(broke)}):",
        *(f"  {r['id']:<6} {r['type']:<13} {'; '.join(r['failures'])}" for r in broke),
        f"fail -> pass ({len(fixed)}):",
        *(f"  {r['id']:<6} {r['type']:<13} was: {'; '.join(old_by_id[r['id']]['failures'])}" for r in fixed),
    ]
    changed = [
        (i, diff)
        for i in new_by_id
        if i in old_by_id and (diff := _metric_changes(old_by_id[i]["metrics"], new_by_id[i]["metrics"]))
    ]
    lines.append(f"per-question metric changes ({len(changed)}):")
    lines += [f"  {i:<6} {new_by_id[i]['type']:<13} {diff}" for i, diff in changed]
    if only_old or only_new:
        lines.append(f"only in old: {', '.join(only_old) or '-'}; only in new: {', '.join(only_new) or '-'}")
    return "\n".join(lines), new


_TRACE_METRICS = (
    "recall_at_5",
    "reciprocal_rank",
    "citation_precision",
    "citation_recall",
    "key_facts_ok",
    "refusal_correct",
)


def _metric_changes(old: dict, new: dict) -> str:
    """ "citation_precision 1.00 -> 0.50; ..." for the scored metrics that differ."""

    def show(v) -> str:
        return "n/a" if v is None else str(v).lower() if isinstance(v, bool) else f"{v:.2f}"

    return "; ".join(
        f"{m} {show(old.get(m))} -> {show(new.get(m))}" for m in _TRACE_METRICS if old.get(m) != new.get(m)
    )


def _describe(summary: dict) -> str:
    return (
        f"{summary.get('n_questions')} questions, mode {summary.get('mode')}, "
        f"config {summary.get('config_hash')}"
    )


# ---------------------------------------------------------------------------------------------
# Thresholds and the CLI


def parse_thresholds(extra: list[str], allowed: Iterable[str]) -> dict[str, float]:
    """`--min-METRIC X` / `--min-METRIC=X` (dashes or underscores) into {metric: X}.

    Raises:
        EvalInputError: an unknown metric, a missing or non-numeric value, or another flag.
    """
    allowed = list(allowed)
    out: dict[str, float] = {}
    args = list(extra)
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("--min-"):
            raise EvalInputError(f"unrecognized argument: {arg} (eval takes --min-METRIC X thresholds)")
        name, _, value = arg[len("--min-") :].partition("=")
        if not _:
            if i + 1 >= len(args):
                raise EvalInputError(f"{arg} needs a value")
            value = args[i + 1]
            i += 1
        i += 1
        metric = name.replace("-", "_")
        if metric not in allowed:
            raise EvalInputError(f"unknown metric in {arg}: {metric!r}; known metrics: {', '.join(allowed)}")
        try:
            out[metric] = float(value)
        except ValueError:
            raise EvalInputError(f"{arg} needs a number, got {value!r}") from None
    return out


def check_thresholds(summary: dict, thresholds: dict[str, float]) -> list[str]:
    """One line per threshold not met (a metric with no eligible question does not meet it)."""
    failed = []
    for metric, floor in thresholds.items():
        value = summary.get(metric)
        if value is None:
            failed.append(f"{metric} is n/a (no eligible question), needs >= {floor:.3f}")
        elif value < floor:
            failed.append(f"{metric} = {value:.3f}, below the minimum {floor:.3f}")
    return failed


def run_cli(args, settings: Settings, extra: list[str], assistant: Assistant | None = None) -> int:
    """`abstractqa eval`: 0 when done, 1 when a --min threshold is not met, 2 on bad input."""
    judge = bool(getattr(args, "judge", False))
    allowed = list(QUALITY_METRICS) + (list(JUDGE_METRICS) if judge else [])
    try:
        thresholds = parse_thresholds(extra, allowed)
        if getattr(args, "compare", None):
            old_dir, new_dir = args.compare
            table, summary = compare_runs(Path(old_dir), Path(new_dir))
            print(table)
        else:
            if args.questions is None:
                raise EvalInputError(
                    "give a question file (abstractqa eval QUESTIONS.jsonl) or --compare OLD NEW"
                )
            assistant = assistant or _assistant(settings)
            _warn_if_stale(assistant)
            out_dir = Path(args.out)
            summary, results = evaluate(assistant, args.questions, out_dir, mode=args.mode, judge=judge)
            failed = sum(not r.passed for r in results)
            print(summary_table(summary, thresholds))
            passed = len(results) - failed
            print(f"\n{passed} of {len(results)} questions passed; see {out_dir / 'report.md'}")
    except EvalInputError as err:
        print(f"abstractqa eval: error: {err}", file=sys.stderr)
        return 2
    problems = check_thresholds(summary, thresholds)
    for p in problems:
        print(f"threshold not met: {p}", file=sys.stderr)
    return 1 if problems else 0


def _assistant(settings: Settings) -> Assistant:
    from abstractqa.assistant import Assistant

    return Assistant(settings)


def _warn_if_stale(assistant: Assistant) -> None:
    from abstractqa.index import index_status

    try:
        status = index_status(assistant.read_corpus().papers, assistant.settings)
    except Exception:  # noqa: BLE001 - only a hint; asking will report a real problem
        return
    if status == "stale":
        print(
            "warning: the index is older than the seed files; run `abstractqa ingest` for current results",
            file=sys.stderr,
        )
