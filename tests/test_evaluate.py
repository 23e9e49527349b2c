"""Scripted evaluation: metric pieces on hand-built answers, real runs, the reports, the CLI
and the CI gate."""

from __future__ import annotations

import argparse
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import ROOT, SEEDS, free_port, make_settings

from abstractqa.cli import build_parser, cmd_eval, main
from abstractqa.evaluate import (
    QUALITY_METRICS,
    SUMMARY_KEYS,
    EvalInputError,
    Question,
    evaluate,
    first_sentence,
    has_fact,
    load_questions,
    percentile,
    score_answer,
    summarize,
)
from abstractqa.evidence import split_sentences
from abstractqa.judge import parse_judgement
from abstractqa.report import render_html, render_markdown, write_outputs
from abstractqa.types import Answer, Citation, Evidence, Paper, SentenceCheck, Timings

DEV_QUESTIONS = ROOT / "evals" / "questions.jsonl"
THRESHOLDS = ROOT / "evals" / "thresholds.json"
DEV_SETS = [("dev2", 36), ("dev3", 40), ("dev4", 36), ("dev5", 40), ("dev6", 40), ("dev7", 39), ("dev8", 42), ("dev9", 40), ("dev10", 32), ("dev11", 34), ("dev12", 40), ("dev13", 40), ("dev14", 40), ("dev15", 40), ("dev16", 40), ("dev17", 40), ("dev18", 40), ("dev19", 40), ("dev20", 40), ("dev21", 40), ("dev22", 40), ("dev23", 40), ("dev24", 40), ("dev25", 31), ("dev26", 22), ("dev27", 21), ("dev28", 9)]  # the other sets tuning may look at; never a held-out one


# -- hand-built answers ------------------------------------------------------------------------


def paper(pid: str) -> Paper:
    return Paper(paper_id=pid, title=f"Paper {pid}", abstract=f"Abstract of {pid}.", sources=[f"{pid}.txt:1"])


def answer(
    text: str,
    retrieved: list[str],
    cited: list[str],
    refused: bool = False,
    supported: list[bool] | None = None,
    total_s: float = 0.1,
) -> Answer:
    return Answer(
        question="q",
        standalone_question="q",
        answer=text,
        refused=refused,
        citations=[
            Citation(n=i, paper_id=pid, title=f"Paper {pid}", source=f"{pid}.txt:1", quote="...")
            for i, pid in enumerate(cited, 1)
        ],
        evidence=[
            Evidence(paper=paper(pid), score=1.0 / (i + 1), text="t") for i, pid in enumerate(retrieved)
        ],
        sentences=[
            SentenceCheck(text="s", cited=[1], supported=ok, score=0.5)
            for ok in (supported if supported is not None else [True])
        ],
        mode="extractive",
        timings=Timings(total_s=total_s),
        config_hash="test",
    )


def question(
    qid: str, answerable: bool = True, key_facts: list[str] | None = None, type_: str = "factoid"
) -> Question:
    return Question(
        id=qid,
        type=type_,
        question=f"question {qid}?",
        key_facts=key_facts or [],
        evidence=["x"] if answerable else [],
        answerable=answerable,
    )


@pytest.mark.parametrize(
    ("fact", "text", "expected"),
    [
        ("70.8%", "MetaCLIP reaches 70.8 % zero-shot accuracy [1].", True),
        ("70.8 %", "MetaCLIP reaches 70.8% zero-shot accuracy.", True),
        ("32", "trained on 320 GPUs", False),
        ("32", "trained on 32 A100 GPUs", True),
        ("32", "a gain of 3.2 points", False),
        ("2.3", "improves by $2.3\\%$ on ImageNet", True),
        ("2.3", "improves by 2.35 points", False),
        ("1,000", "uses 1000 images", True),
        ("32k", "a 32K token context", True),
        ("32k images", "an evaluation set of 32,000 images", True),
        ("30B", "a 30 billion parameter model", True),
        ("1.1B", "about 1,100,000,000 pairs", True),
        ("5k", "5 kinds", False),
        ("30B", "30 GPUs", False),
        ("38 hours", "in under 38 hours.", True),
        ("15%-20%", "occupying 15%-20% of the image", True),
        ("few thousand", "only a Few Thousand images", True),
        ("RoB", "a robust student", False),
        ("EfficientSAM", "we propose EfficientSAMs, light-weight models", True),
        ("1", "a claim with a marker [1].", False),
    ],
)
def test_key_facts_match_numbers_as_numbers_and_words_case_insensitively(fact, text, expected):
    assert has_fact(fact, text) is expected


def test_citation_precision_and_recall_are_paper_level():
    q = question("c1", type_="comparison")
    # Gold A and B; A retrieved first, B third; cites A and a wrong paper C.
    r = score_answer(q, answer("A does x [1]. C does y [2].", ["A", "C", "B"], ["A", "C"]), ["A", "B"])
    assert r.metrics["citation_precision"] == 0.5
    assert r.metrics["citation_recall"] == 0.5
    assert r.metrics["recall_at_5"] == 1.0
    assert r.metrics["reciprocal_rank"] == 1.0
    assert "uncited gold: Paper B" in r.failures
    assert any("non-gold paper: Paper C" in n for n in r.notes)

    # Gold ranked 6th: outside the top 5, MRR 1/6.
    late = score_answer(q, answer("B [1].", ["C", "D", "E", "F", "G", "B"], ["B"]), ["B"])
    assert late.metrics["recall_at_5"] == 0.0
    assert late.metrics["reciprocal_rank"] == pytest.approx(1 / 6)
    assert late.metrics["citation_precision"] == late.metrics["citation_recall"] == 1.0
    # Cited, it is no failure the user sees (a listing's own search found it); recall@5 counts it.
    assert not any(f.startswith("missed gold paper") for f in late.failures)
    assert any(n.startswith("gold paper ranked low by retrieval, yet cited: Paper B (ranked 6)") for n in late.notes)
    missed = score_answer(q, answer("C [1].", ["C", "D", "E", "F", "G", "B"], ["C"]), ["B"])
    assert any(f.startswith("missed gold paper: Paper B (ranked 6)") for f in missed.failures)

    summary = summarize([r, late], "extractive", "h")
    assert summary["citation_precision"] == 0.75
    assert summary["citation_recall"] == 0.75
    assert summary["retrieval_recall_at_5"] == 0.5


def test_refusal_accuracy_and_refused_answers_hold_no_key_facts():
    results = [
        # Answerable, refused: wrong refusal; its text names the fact, but a refusal holds none.
        score_answer(
            question("a1", key_facts=["MSN"]), answer("Related: MSN", ["A"], [], refused=True), ["A"]
        ),
        # Unanswerable and refused: right.
        score_answer(question("u1", answerable=False), answer("Not covered.", ["A"], [], refused=True), []),
        # Unanswerable but answered: wrong.
        score_answer(question("u2", answerable=False), answer("It uses 8 GPUs [1].", ["A"], ["A"]), []),
        # Answerable, answered with every key fact.
        score_answer(question("a2", key_facts=["30B"]), answer("A 30B model [1].", ["A"], ["A"]), ["A"]),
    ]
    assert [r.metrics["refusal_correct"] for r in results] == [False, True, False, True]
    assert "wrong refusal: refused an answerable question" in results[0].failures
    assert "wrong refusal: answered an unanswerable question" in results[2].failures
    assert results[3].passed and results[1].passed
    summary = summarize(results, "extractive", "h")
    assert summary["refusal_accuracy"] == 0.5
    assert summary["key_fact_accuracy"] == 0.5  # a1 (refused) fails, a2 passes
    # Citations are scored on answered answerable questions only: a2.
    assert summary["citation_precision"] == summary["citation_recall"] == 1.0
    assert set(summary) == set(SUMMARY_KEYS)
    assert summary["by_type"]["factoid"]["n_questions"] == 4


def test_metrics_without_eligible_questions_are_null():
    results = [
        score_answer(question("u1", answerable=False), answer("No.", [], [], refused=True, supported=[]), [])
    ]
    summary = summarize(results, "extractive", "h")
    for metric in (
        "retrieval_recall_at_5",
        "retrieval_mrr",
        "citation_precision",
        "citation_recall",
        "key_fact_accuracy",
        "supported_sentence_rate",
    ):
        assert summary[metric] is None, metric
    assert summary["refusal_accuracy"] == 1.0


def test_supported_sentence_rate_pools_sentences_and_latency_percentiles():
    results = [
        score_answer(
            question("a1"), answer("x [1].", ["A"], ["A"], supported=[True, True, False], total_s=1.0), ["A"]
        ),
        score_answer(question("a2"), answer("y [1].", ["A"], ["A"], supported=[True], total_s=3.0), ["A"]),
    ]
    summary = summarize(results, "extractive", "h")
    assert summary["supported_sentence_rate"] == 0.75
    assert summary["latency_p50_s"] == 2.0
    assert summary["latency_p95_s"] == pytest.approx(2.9)


@pytest.mark.parametrize("q", [0, 25, 50, 90, 95, 100])
def test_percentile_interpolates_like_numpy(q):
    values = [3.0, 1.0, 7.5, 2.0, 4.0, 0.5]
    assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))
    assert percentile([4.0], q) == 4.0
    assert percentile([], q) is None


@pytest.mark.parametrize("metric", QUALITY_METRICS)
def test_every_quality_metric_has_a_min_option_in_both_spellings(metric):
    parser = build_parser()
    dashes = parser.parse_args(["eval", "q.jsonl", f"--min-{metric.replace('_', '-')}", "0.25"])
    underscores = parser.parse_args(["eval", "q.jsonl", f"--min-{metric}=0.5"])
    assert getattr(dashes, f"min_{metric}") == 0.25
    assert getattr(underscores, f"min_{metric}") == 0.5
    assert all(getattr(dashes, f"min_{m}") is None for m in QUALITY_METRICS if m != metric)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--min-recall-at-7", "0.9"], "unrecognized arguments: --min-recall-at-7"),
        (["--min-retrieval_mrr", "high"], "invalid float value: 'high'"),
        (["--fast"], "unrecognized arguments: --fast"),
    ],
)
def test_bad_threshold_options_exit_2_naming_them(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["eval", "q.jsonl", *argv])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_malformed_question_file_names_line_and_id(tmp_path):
    path = tmp_path / "q.jsonl"
    ok = '{"id": "ok1", "type": "factoid", "question": "Q?", "answerable": true}'
    path.write_text(ok + '\n{"id": "bad2", "type": "factoid"}\n')
    with pytest.raises(EvalInputError, match=r"q.jsonl:2: question bad2: .*answerable"):
        load_questions(path)
    path.write_text(
        '{"id": "f1", "type": "follow_up", "question": "And it?", "answerable": true, "follow_up_of": "q0"}\n'
    )
    with pytest.raises(EvalInputError, match="f1: follows 'q0'"):
        load_questions(path)
    path.write_text("{not json\n")
    with pytest.raises(EvalInputError, match="q.jsonl:1: not valid JSON"):
        load_questions(path)


# -- the reports --------------------------------------------------------------------------------


def test_html_report_renders_answer_markdown_and_escapes_html():
    text = (
        "**MetaCLIP** reaches 70.8% [1].\n- **MSN**: low-shot <script>alert(1)</script> [2]\n\n"
        "See [the page](javascript:alert(2))."
    )
    q = Question(
        id="h1", type="factoid", question="<b>Which</b>?", key_facts=["31B"], evidence=["x"], answerable=True
    )
    r = score_answer(q, answer(text, ["A", "B"], ["A", "B"]), ["A"])
    assert not r.passed  # a failed question, so its answer is shown
    summary = summarize([r], "extractive", "h")

    page = render_html(summary, [r], source="q<1>.jsonl")
    assert "<strong>MetaCLIP</strong> reaches 70.8% [1]." in page
    assert "<li><strong>MSN</strong>: low-shot &lt;script&gt;alert(1)&lt;/script&gt; [2]</li>" in page
    assert "<script" not in page and "href" not in page  # markdown-it drops javascript: links
    assert "&lt;b&gt;Which&lt;/b&gt;?" in page and "<code>q&lt;1&gt;.jsonl</code>" in page
    assert "<svg" in page and page.count("<rect") == 2 * len(QUALITY_METRICS)
    # The Markdown report keeps the answer as Markdown, quoted.
    assert "> **MetaCLIP** reaches 70.8% [1].\n> - **MSN**" in render_markdown(summary, [r])


# -- real runs ---------------------------------------------------------------------------------


def dev_questions(*ids: str) -> list[dict]:
    rows = {q["id"]: q for q in map(json.loads, DEV_QUESTIONS.read_text().splitlines())}
    return [rows[i] for i in ids]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def eval_args(questions: Path | None, out: Path, *options: str) -> argparse.Namespace:
    """`abstractqa eval` arguments as the CLI parses them."""
    given = [str(questions)] if questions else []
    return build_parser().parse_args(["eval", *given, "--out", str(out), *options])


SMALL_SET = (
    "q02",
    "q03",
    "q07",
    "q41",
    "q53",
    "q60",
)  # factoid, follow-up, comparison, metadata, unanswerable


def test_small_run_writes_all_four_files(assistant, tmp_path, capsys):
    qfile = write_jsonl(tmp_path / "small.jsonl", dev_questions(*SMALL_SET))
    out = tmp_path / "out"
    rc = cmd_eval(eval_args(qfile, out), assistant.settings, assistant=assistant)
    printed = capsys.readouterr().out
    assert rc == 0

    summary = json.loads((out / "summary.json").read_text())
    assert list(summary) == list(SUMMARY_KEYS)
    assert summary["n_questions"] == 6 and summary["mode"] == "extractive"
    assert summary["config_hash"] == assistant.settings.config_hash()
    assert set(summary["by_type"]) == {"factoid", "follow_up", "comparison", "metadata", "unanswerable"}
    assert summary["by_type"]["unanswerable"]["retrieval_recall_at_5"] is None
    assert summary["retrieval_recall_at_5"] == 1.0  # each gold paper is named in its question

    traces = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [t["id"] for t in traces] == list(SMALL_SET)
    by_id = {t["id"]: t for t in traces}
    assert by_id["q02"]["gold"][0]["title"] == "Movie Gen"
    assert by_id["q02"]["retrieved"][0]["rank"] == 1 and by_id["q02"]["retrieved"][0]["gold"]
    # The evidence shape of `ask --json`, with the rank, the retrieval reason and gold added.
    assert set(by_id["q02"]["retrieved"][0]) == {
        "rank",
        "paper_id",
        "title",
        "score",
        "text",
        "reason",
        "gold",
    }
    assert by_id["q02"]["key_facts"] == {"30B": True}
    # The follow-up was asked with q02's answer as history: "it" became Movie Gen.
    assert "Movie Gen" in by_id["q03"]["standalone_question"]
    assert by_id["q60"]["refused"] and by_id["q60"]["metrics"]["refusal_correct"]
    for t in traces:
        assert {
            "retrieved",
            "answer",
            "citations",
            "sentences",
            "metrics",
            "timings",
            "gold",
            "failures",
        } <= set(t)

    md = (out / "report.md").read_text()
    page = (out / "report.html").read_text()
    assert "| retrieval_recall_at_5 |" in md and "█" in md and "## By question type" in md
    assert "<svg" in page and "<rect" in page and "By question type" in page
    failed = [t for t in traces if not t["passed"]]
    for t in failed:  # every failure is explained in both reports
        assert f"### {t['id']} " in md and t["failures"][0] in md
    assert "retrieval_recall_at_5" in printed and f"{6 - len(failed)} of 6 questions passed" in printed


def test_evidence_in_no_paper_exits_2_naming_the_question(assistant, tmp_path, capsys):
    rows = dev_questions("q02")
    rows.append({**rows[0], "id": "q-ghost", "evidence": ["a sentence that no abstract contains"]})
    qfile = write_jsonl(tmp_path / "bad.jsonl", rows)
    rc = cmd_eval(eval_args(qfile, tmp_path / "out"), assistant.settings, assistant=assistant)
    err = capsys.readouterr().err
    assert rc == 2
    assert "q-ghost" in err and "found in no indexed abstract" in err
    assert not (tmp_path / "out").exists()


def config_file(tmp_path: Path, data_dir: Path, **answer) -> Path:
    path = tmp_path / "config.yaml"
    data = {"index": {"data_dir": str(data_dir)}, "corpus": {"paths": [str(SEEDS)]}}
    if answer:
        data["answer"] = answer
    path.write_text(yaml.safe_dump(data))
    return path


def test_cli_min_threshold_not_met_exits_1(seed_index_dir, tmp_path, capsys):
    # The key fact is deliberately wrong ("31B" for a 30B model), so key-fact accuracy is 0.
    rows = [{**dev_questions("q02")[0], "key_facts": ["31B"]}]
    qfile = write_jsonl(tmp_path / "q.jsonl", rows)
    config = config_file(tmp_path, seed_index_dir)
    out = tmp_path / "out"
    argv = [
        "--config",
        str(config),
        "eval",
        str(qfile),
        "--out",
        str(out),
        "--min-retrieval-recall-at-5",
        "0.5",
    ]
    rc = main([*argv, "--min-key-fact-accuracy", "0.5"])
    captured = capsys.readouterr()
    assert rc == 1
    assert "key_fact_accuracy = 0.000, below the minimum 0.500" in captured.err
    assert "retrieval_recall_at_5" not in captured.err  # that one is met
    assert (out / "summary.json").is_file()

    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--min-answer-beauty", "0.5"])
    assert exit_.value.code == 2
    assert "unrecognized arguments: --min-answer-beauty" in capsys.readouterr().err


def two_runs(tmp_path: Path) -> tuple[Path, Path]:
    """Output folders of two hand-scored runs: q1 breaks, q2 is fixed, q3 is new."""
    qs = [question("q1", key_facts=["30B"]), question("q2", key_facts=["73K"])]
    good, bad = (
        answer("A 30B model and 73K tokens [1].", ["A"], ["A"]),
        answer("Nothing useful [1].", ["A"], ["A"]),
    )
    old = [score_answer(qs[0], good, ["A"]), score_answer(qs[1], bad, ["A"])]
    new = [
        score_answer(qs[0], bad, ["A"]),
        score_answer(qs[1], good, ["A"]),
        score_answer(question("q3", key_facts=["30B"]), good, ["A"]),
    ]
    write_outputs(tmp_path / "old", summarize(old, "extractive", "h1"), old)
    write_outputs(tmp_path / "new", summarize(new, "extractive", "h2"), new)
    return tmp_path / "old", tmp_path / "new"


def test_compare_prints_deltas_and_flipped_questions(tmp_path, capsys):
    old, new = two_runs(tmp_path)
    rc = cmd_eval(eval_args(None, tmp_path / "x", "--compare", str(old), str(new)), None)
    printed = capsys.readouterr().out
    assert rc == 0
    assert (
        "key_fact_accuracy" in printed and "0.500" in printed and "0.667" in printed and "+0.167" in printed
    )
    assert "pass -> fail (1):" in printed and "fail -> pass (1):" in printed
    broke = printed.split("pass -> fail (1):")[1].split("fail -> pass")[0]
    fixed = printed.split("fail -> pass (1):")[1]
    assert "q1" in broke and "lacks '30B'" in broke
    assert "q2" in fixed
    assert "only in new: q3" in printed
    assert "q1     factoid       key_facts_ok true -> false" in printed

    # A --min threshold applies to the new run.
    args = eval_args(None, tmp_path / "x", "--compare", str(old), str(new), "--min-key-fact-accuracy", "0.9")
    rc = cmd_eval(args, None)
    assert rc == 1
    assert cmd_eval(eval_args(None, tmp_path / "x", "--compare", str(old), str(tmp_path / "nope")), None) == 2


@pytest.mark.parametrize("metric", QUALITY_METRICS)
def test_cli_threshold_above_the_new_run_exits_1_for_every_quality_metric(metric, tmp_path, capsys):
    old, new = two_runs(tmp_path)
    config = config_file(tmp_path, tmp_path / "data")
    argv = ["--config", str(config), "eval", "--compare", str(old), str(new)]
    assert json.loads((new / "summary.json").read_text())[metric] is not None
    assert main([*argv, f"--min-{metric}", "0"]) == 0
    assert main([*argv, f"--min-{metric.replace('_', '-')}", "1.01"]) == 1
    assert f"threshold not met: {metric} = " in capsys.readouterr().err


def test_judge_thresholds_need_judge(tmp_path, capsys):
    old, new = two_runs(tmp_path)
    args = eval_args(None, tmp_path / "x", "--compare", str(old), str(new), "--min-judge-correctness", "0.5")
    rc = cmd_eval(args, None)
    assert rc == 2
    assert "--min-judge-correctness needs --judge" in capsys.readouterr().err


class _FakeJudge(BaseHTTPRequestHandler):
    """An OpenAI-compatible chat endpoint that always grades (1, 0.5); enough to test the plumbing."""

    seen: list[dict] = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append(body)
        reply = {
            "id": "x",
            "object": "chat.completion",
            "created": 0,
            "model": body["model"],
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {
                        "role": "assistant",
                        "content": 'Sure. {"correctness": 1, "faithfulness": 0.5}',
                    },
                }
            ],
        }
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def test_judge_adds_its_metrics_only_when_asked(assistant, tmp_path):
    server = HTTPServer(("127.0.0.1", 0), _FakeJudge)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings = make_settings(
            assistant.settings.index.data_dir,
            answer={"base_url": f"http://127.0.0.1:{server.server_port}/v1", "model": "judge-model"},
        )
        judged = type(assistant)(settings, embed_model=assistant.embed_model)
        qfile = write_jsonl(tmp_path / "q.jsonl", dev_questions("q02", "q60"))
        summary, results = evaluate(judged, qfile, judge=True, progress=False)
    finally:
        server.shutdown()
    assert summary["judge_correctness"] == 1.0 and summary["judge_faithfulness"] == 0.5
    assert list(summary)[-5:] == ["judge_correctness", "judge_faithfulness", "mode", "config_hash", "by_type"]
    assert len(_FakeJudge.seen) == 1  # the unanswerable question is not sent to the judge
    prompt = _FakeJudge.seen[0]["messages"][1]["content"]
    assert "Movie Gen" in prompt and "30B" in prompt and _FakeJudge.seen[0]["model"] == "judge-model"
    assert results[0].judge == {"correctness": 1.0, "faithfulness": 0.5}


def test_parse_judgement_reads_grades_from_prose_and_json():
    assert parse_judgement('Sure. {"correctness": 1, "faithfulness": 0.5}') == {
        "correctness": 1.0,
        "faithfulness": 0.5,
    }
    assert parse_judgement("Correctness: 0.5\nfaithfulness = 2") == {"correctness": 0.5, "faithfulness": 1.0}
    assert parse_judgement("The answer looks fine.") == {}


def test_judge_against_a_real_llama_cpp_server(assistant, llama_server, tmp_path, capsys):
    # The bundled 135M model is a poor judge; this checks the round trip, not its grades.
    settings = make_settings(
        assistant.settings.index.data_dir, answer={"base_url": llama_server, "model": "smollm2"}
    )
    judged = type(assistant)(settings, embed_model=assistant.embed_model)
    qfile = write_jsonl(tmp_path / "q.jsonl", dev_questions("q02"))
    summary, results = evaluate(judged, qfile, judge=True, progress=False)
    assert "unreachable" not in capsys.readouterr().err
    assert {"judge_correctness", "judge_faithfulness"} <= set(summary)
    grades = results[0].judge
    assert grades or "judge: reply was not the expected JSON" in results[0].notes
    assert all(v is None or 0.0 <= v <= 1.0 for v in grades.values())


def test_unreachable_judge_leaves_grades_null_and_the_run_goes_on(assistant, tmp_path, capsys):
    settings = make_settings(
        assistant.settings.index.data_dir, answer={"base_url": f"http://127.0.0.1:{free_port()}/v1"}
    )
    judged = type(assistant)(settings, embed_model=assistant.embed_model)
    qfile = write_jsonl(tmp_path / "q.jsonl", dev_questions("q02"))
    summary, results = evaluate(judged, qfile, judge=True, progress=False)
    assert "judge endpoint http://127.0.0.1" in capsys.readouterr().err
    assert summary["judge_correctness"] is None and summary["retrieval_recall_at_5"] == 1.0
    assert results[0].judge == {} and results[0].answer  # graded by nobody, answered all the same


# -- the CI gate -------------------------------------------------------------------------------


# Every dev set is gated twice over. The rules alone (topic check and judge off: seconds a set)
# must hold each set's floors (`thresholds-*.json`, lowered only where `thresholds-rules.json`
# says: refusals the checks make). The default mode, with the bundled Qwen's checks, is gated on
# the sets where those checks change a metric (CHECKED_SETS): on a 2-core machine without
# AVX-512 a check takes 7-35 s, and every set in the default mode took CI past its 90 minutes.
# `make gate` (ABSTRACTQA_GATE=all) runs the default mode on every set.
CHECKED_SETS = ["dev6", "dev10", "dev24"]
RULES_FLOORS = json.loads((ROOT / "evals" / "thresholds-rules.json").read_text())
GATED = {"dev": (DEV_QUESTIONS, THRESHOLDS, 89)} | {
    name: (ROOT / "evals" / f"{name}.jsonl", ROOT / "evals" / f"thresholds-{name}.json", n) for name, n in DEV_SETS
}
CHECKED = list(GATED) if os.environ.get("ABSTRACTQA_GATE") == "all" else CHECKED_SETS


def meets_thresholds(assistant, questions, gate, count, mode_floors=None):
    thresholds = {k: v for k, v in json.loads(gate.read_text()).items() if not k.startswith("_")}
    assert set(thresholds) == set(QUALITY_METRICS)
    thresholds |= mode_floors or {}
    summary, results = evaluate(assistant, questions, progress=False)
    assert summary["n_questions"] == count and summary["mode"] == "extractive"
    below = {
        m: (summary[m], floor) for m, floor in thresholds.items() if summary[m] is None or summary[m] < floor
    }
    failing = "\n".join(f"{r.id}: {'; '.join(r.failures)}" for r in results if not r.passed)
    assert not below, f"metrics below {gate.name}: {below}\nfailed questions:\n{failing}"


@pytest.mark.parametrize("name", list(GATED))
def test_the_rules_alone_meet_each_sets_thresholds(assistant, name):
    """Each dev set answered by the rules alone (extractive, no LLM check) holds its floors."""
    assert not {assistant.settings.answer.topic_check, assistant.settings.answer.judge} - {"off"}
    meets_thresholds(assistant, *GATED[name], RULES_FLOORS.get(name))


@pytest.mark.timeout(1800)
@pytest.mark.parametrize("name", CHECKED)
def test_shipped_question_set_meets_thresholds(checked_assistant, name):
    """A dev set in the default mode (extractive, topic check and judge on) holds its floors."""
    assert checked_assistant.settings.answer.topic_check == checked_assistant.settings.answer.judge == "always"
    meets_thresholds(checked_assistant, *GATED[name])


def test_the_first_sentence_ends_at_a_bare_no_but_not_at_no_before_a_number():
    # "No." before a new sentence is an answer, not the abbreviation of "No. 5".
    assert first_sentence("**I-JEPA**: No. This paper learns without augmentations [1].") == "I-JEPA: No."
    assert first_sentence("Table No. 5 lists it. Then more.") == "Table No. 5 lists it."
    assert split_sentences("We use e.g. crops. No. It does not.") == ["We use e.g. crops.", "No.", "It does not."]
