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
`report.md` and `report.html` to the output folder (`abstractqa.report`); the optional LLM
judge is `abstractqa.judge`.

This module keeps the question schema, the metrics, the run and the comparison of runs
together (about 600 lines, over the ~400 aimed at) because they share one vocabulary: the
metric names, `Question`, `QuestionResult` and its trace. Split apart, each piece would
import the others. The reports and the judge client live apart.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from abstractqa.errors import AbstractQAError
from abstractqa.evidence import MARKER, SCALE, split_sentences
from abstractqa.judge import judge_answers

if TYPE_CHECKING:
    from abstractqa.assistant import Assistant
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


class EvalInputError(AbstractQAError, ValueError):
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
    # Lines the web app writes as feedback (abstractqa.feedback) carry these too; they load as
    # questions as they are, and the evaluation does not read them.
    rating: Literal["up", "down"] | None = None
    comment: str = ""
    cited_papers: list[str] = Field(default_factory=list)


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

# A number with its scale ("32k", "30B", "4 billion") is the number it stands for.
_FACT_TOKEN = re.compile(
    r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)(?:(?P<unit>[kKMB])(?![^\W\d_])|\s*(?P<word>thousand|million|billion)\b)?"
    r"|[^\W\d_]+|%"
)


def fact_tokens(text: str) -> list[tuple[str, object]]:
    """Words (case-folded), numbers (as floats, scaled: "32k" is 32,000) and '%'; other
    punctuation and spaces drop out."""
    tokens: list[tuple[str, object]] = []
    for m in _FACT_TOKEN.finditer(text):
        if m.group("num"):
            scale = SCALE.get((m.group("unit") or m.group("word") or "").casefold(), 1)
            tokens.append(("num", round(float(m.group("num").replace(",", "")) * scale, 6)))
        else:
            tokens.append(("word", m.group(0).casefold()))
    return tokens


def has_fact(fact: str, text: str) -> bool:
    """True when `text` holds `fact` as a run of whole tokens ("70.8 %" == "70.8%", 32 != 320).

    A word may carry a plural ending in the text ("EfficientSAM" is in "EfficientSAMs"),
    never any other suffix ("RoB" is not in "robust").
    """
    want = fact_tokens(fact)
    have = fact_tokens(MARKER.sub(" ", text))
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
                if answered and pid in cited:
                    # A listing's own topic search found it, and the answer cites it: retrieval
                    # ranked it low (recall@5 counts that), the user sees nothing wrong.
                    notes.append(f"gold paper ranked low by retrieval, yet cited: {titles.get(pid, pid)} ({where})")
                else:
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
            {"rank": rank, **e.to_json_dict(), "reason": e.reason, "gold": e.paper.paper_id in gold}
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
    mode: str | None = None,
    judge: bool = False,
    progress: bool = True,
) -> tuple[dict, list[QuestionResult]]:
    """Run a question file and score it; `abstractqa.report.write_outputs` writes the results.

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
    return summarize(results, mode, assistant.settings.config_hash(), judged=judge), results


def first_sentence(text: str) -> str:
    """The answer's first sentence as a reader sees it (markup and list marks dropped)."""
    plain = re.sub(r"\*\*|^\s*- ", "", text, flags=re.M).strip()
    sentences = split_sentences(plain.replace("\n", " "))
    return sentences[0] if sentences else ""


# ---------------------------------------------------------------------------------------------
# Comparing two runs


def load_run(out_dir: Path) -> tuple[dict, list[dict]]:
    """The summary and the traces of one `abstractqa eval` output folder."""
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


@dataclass
class RunComparison:
    """Two evaluation runs side by side (`abstractqa eval --compare OLD NEW`); traces as read."""

    old_dir: Path
    new_dir: Path
    old: dict = field(repr=False)  # the summaries
    new: dict = field(repr=False)
    broke: list[tuple[dict, dict]]  # (old trace, new trace) of questions that passed, now fail
    fixed: list[tuple[dict, dict]]  # ... that failed, now pass
    changed: list[tuple[dict, list[tuple[str, object, object]]]]  # new trace, (metric, old, new)
    only_old: list[str]  # question ids
    only_new: list[str]

    @property
    def metrics(self) -> list[str]:
        return [m for m in (*METRICS, *JUDGE_METRICS) if m in self.old or m in self.new]


def compare_runs(old_dir: Path, new_dir: Path) -> RunComparison:
    """Metric values and flipped questions of two `abstractqa eval` output folders.

    Raises:
        EvalInputError: a folder without a readable summary and traces.
    """
    old, old_results = load_run(old_dir)
    new, new_results = load_run(new_dir)
    old_by_id = {r["id"]: r for r in old_results}
    new_by_id = {r["id"]: r for r in new_results}
    both = [(old_by_id[i], new_by_id[i]) for i in new_by_id if i in old_by_id]
    return RunComparison(
        old_dir=old_dir,
        new_dir=new_dir,
        old=old,
        new=new,
        broke=[(a, b) for a, b in both if a["passed"] and not b["passed"]],
        fixed=[(a, b) for a, b in both if not a["passed"] and b["passed"]],
        changed=[(b, diff) for a, b in both if (diff := metric_changes(a["metrics"], b["metrics"]))],
        only_old=sorted(set(old_by_id) - set(new_by_id)),
        only_new=sorted(set(new_by_id) - set(old_by_id)),
    )


_TRACE_METRICS = (
    "recall_at_5",
    "reciprocal_rank",
    "citation_precision",
    "citation_recall",
    "key_facts_ok",
    "refusal_correct",
)


def metric_changes(old: dict, new: dict) -> list[tuple[str, object, object]]:
    """(metric, old, new) for each scored metric of one question's trace that differs."""
    return [(m, old.get(m), new.get(m)) for m in _TRACE_METRICS if old.get(m) != new.get(m)]


# ---------------------------------------------------------------------------------------------
# Thresholds (`abstractqa eval --min-METRIC X`)


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

