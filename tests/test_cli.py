"""The `abstractqa` command, run as a user runs it: a real process, real index, real output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write_extra

ROOT = Path(__file__).resolve().parents[1]


def run(*args, data_dir: Path, env: dict | None = None, check: bool = True):
    full_env = {
        **os.environ,
        "ABSTRACTQA__INDEX__DATA_DIR": str(data_dir),
        "ABSTRACTQA__CORPUS__PATHS": json.dumps([str(ROOT / "seeds")]),
        **(env or {}),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "abstractqa.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=ROOT,
        timeout=300,
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_ingest_reports_counts_then_is_incremental(tmp_path):
    first = run("ingest", data_dir=tmp_path)
    assert "records read: 48  merged: 5  skipped: 0  papers: 43" in first.stdout
    assert "43 added" in first.stdout
    again = run("ingest", "--if-needed", data_dir=tmp_path)
    assert "up to date" in again.stdout


def test_titles_that_cannot_be_written_warn_and_the_index_is_built(tmp_path):
    # `make run` asks for titles; without a loadable model the ingest goes on, with rule titles.
    missing = {"ABSTRACTQA__ANSWER__MODEL_PATH": str(tmp_path / "none.gguf")}
    done = run("ingest", "--if-needed", "--titles", data_dir=tmp_path / "data", env=missing)
    assert "warning: titles not written" in done.stderr and "none.gguf" in done.stderr
    assert "43 added" in done.stdout


def test_papers_search_and_ask_json(index_copy):
    papers = json.loads(run("papers", "--json", data_dir=index_copy).stdout)
    assert len(papers) == 43
    assert set(papers[0]) == {
        "paper_id",
        "title",
        "authors",
        "arxiv_id",
        "created",
        "urls",
        "abstract",
        "sources",
    }
    merged = [p for p in papers if len(p["sources"]) > 1]
    assert len(merged) == 5 and all(all(":" in s for s in p["sources"]) for p in merged)

    hits = json.loads(
        run("search", "How does MSN differ from I-JEPA?", "--k", "3", "--json", data_dir=index_copy).stdout
    )
    assert [set(h) for h in hits] == [{"paper_id", "title", "score", "text"}] * 3
    assert {hits[0]["title"], hits[1]["title"]} == {"MSN", "I-JEPA"}

    answer = json.loads(
        run("ask", "How many GPUs were used to train I-JEPA?", "--json", data_dir=index_copy).stdout
    )
    assert {"question", "answer", "refused", "citations", "evidence", "mode", "timings"} <= set(answer)
    assert set(answer["citations"][0]) == {"n", "paper_id", "title", "arxiv_id", "source", "quote"}
    assert set(answer["evidence"][0]) == {"paper_id", "title", "score", "text"}
    assert set(answer["timings"]) == {"retrieve_s", "generate_s", "total_s"}
    assert "32" in answer["answer"] and answer["refused"] is False


def test_ask_filters_by_author_and_date(index_copy):
    papers = json.loads(run("papers", "--json", data_dir=index_copy).stdout)
    january = {p["title"] for p in papers if (p["created"] or "").startswith("2023-01")}
    answer = json.loads(
        run(
            "ask", "Which papers learn from images?", "--from", "2023-01-01", "--to", "2023-01-31", "--json",
            data_dir=index_copy,
        ).stdout
    )
    found = {e["title"] for e in answer["evidence"]}
    assert found and found <= january and "I-JEPA" in found
    assert {c["title"] for c in answer["citations"]} <= january

    # Repeated --author and ';' lists are one filter: papers by any of the names (case-insensitive).
    by = {p["title"] for p in papers if any(a in ("Hu Xu", "Maxime Oquab") for a in p["authors"])}
    answer = json.loads(
        run(
            "ask", "What did they pretrain?", "--author", "hu xu", "--author", "Oquab; Nobody Here", "--json",
            data_dir=index_copy,
        ).stdout
    )
    found = {e["title"] for e in answer["evidence"]}
    assert found and found <= by and "MetaCLIP" in found

    # `search` takes the same filters.
    hits = json.loads(run("search", "pretraining", "--from", "2023-01-01", "--to", "2023-01-31", "--json",
                          data_dir=index_copy).stdout)
    assert hits and {h["title"] for h in hits} <= january


def test_env_override_and_config_command(index_copy):
    out = run("config", data_dir=index_copy, env={"ABSTRACTQA__RETRIEVE__TOP_K": "2"}).stdout
    assert "top_k: 2" in out and "mode: extractive" in out
    hits = json.loads(
        run(
            "search",
            "video generation",
            "--json",
            data_dir=index_copy,
            env={"ABSTRACTQA__RETRIEVE__TOP_K": "2"},
        ).stdout
    )
    assert len(hits) == 2


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (("search", "anything"), {}, "no index yet"),
        (("ask", "   "), {}, "the question is empty"),
        (("search", "x"), {"ABSTRACTQA__ANSWER__MOOD": "x"}, "answer.mood: Extra inputs are not permitted"),
        (
            ("ingest",),
            {"ABSTRACTQA__VECTOR_STORE__MODE": "http", "ABSTRACTQA__VECTOR_STORE__PORT": "9"},
            "Chroma server at 127.0.0.1:9",
        ),
        (("search", "x"), {"ABSTRACTQA__BOGUS__X": "1"}, "bogus.x: Extra inputs are not permitted"),
        (("search", "x"), {"ABSTRACTQA__ANSWER__REFUSE_BELOW": "nan"}, "answer.refuse_below"),
        (("ask", b"What does I-JEPA \xff\xfe predict?"), {}, "not valid UTF-8 (at character 18)"),
        (("serve", "--host", "0.0.0.0"), {}, "refusing to serve on 0.0.0.0 without a login"),
        # Filters are checked before anything loads: the data dir here holds no index.
        (("ask", "x", "--from", "2024-13-01"), {}, "the --from date '2024-13-01' is not a date (month must be in 1..12)"),
        (("ask", "x", "--to", "2023/01/01"), {}, "the --to date '2023/01/01' is not a date: write it as YYYY-MM-DD"),
    ],
)
def test_errors_are_one_line_and_exit_non_zero(tmp_path, args, env, message):
    proc = run(*args, data_dir=tmp_path / "empty", env=env, check=False)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0, proc.stderr


def test_ingest_adds_files_and_replace_is_explicit(tmp_path):
    data = tmp_path / "data"
    run("ingest", data_dir=data)
    extra = write_extra(tmp_path / "more")
    added = run("ingest", str(extra), data_dir=data).stdout
    assert "papers: 44" in added and "1 added, 0 updated, 0 removed, 43 unchanged" in added
    # A later plain ingest reads what earlier ones read (seeds and extra.txt): nothing to do.
    assert "up to date" in run("ingest", "--if-needed", data_dir=data).stdout

    replaced = run("ingest", "--replace", str(extra), data_dir=data).stdout
    lines = replaced.splitlines()
    assert lines[0] == "removing 43 papers from the index:"
    assert any("I-JEPA" in line and "000_9d42e136c95304f2.txt:7" in line for line in lines[1:44])
    assert "0 added, 0 updated, 43 removed, 1 unchanged" in lines[-1]
    papers = json.loads(run("papers", "--json", data_dir=data).stdout)
    assert [p["title"] for p in papers] == ["PenguinCount"]


def test_papers_into_a_closed_pipe_is_quiet(index_copy):
    """`abstractqa papers | head -1`: the reader leaves early; no BrokenPipeError traceback."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "abstractqa.cli", "papers", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "ABSTRACTQA__INDEX__DATA_DIR": str(index_copy)},
        cwd=ROOT,
    )
    proc.stdout.close()  # before the command writes anything: every write meets a closed pipe
    stderr = proc.stderr.read().decode()
    proc.wait(timeout=300)
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr
    assert stderr == ""
    assert proc.returncode == 1


def test_chat_survives_bytes_that_are_not_utf8(index_copy):
    proc = subprocess.run(
        [sys.executable, "-m", "abstractqa.cli", "chat"],
        input=b"What is \xff\xfe MoViNets?\nWhat is MoViNets?\n\n",
        capture_output=True,
        env={**os.environ, "ABSTRACTQA__INDEX__DATA_DIR": str(index_copy)},
        cwd=ROOT,
        timeout=300,
    )
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr.decode()
    assert "error: the question holds bytes that are not valid UTF-8 (at character 9)" in out
    assert "[1] MoViNets" in out  # the next question is answered


def test_chat_follow_up_in_the_terminal(index_copy):
    proc = subprocess.run(
        [sys.executable, "-m", "abstractqa.cli", "chat"],
        input="What is MoViNets?\nAnd how much memory does it save?\n\n",
        capture_output=True,
        text=True,
        env={**os.environ, "ABSTRACTQA__INDEX__DATA_DIR": str(index_copy)},
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "65% less memory" in proc.stdout and "[1] MoViNets" in proc.stdout


def test_default_ask_path_imports_neither_torch_nor_sentence_transformers(index_copy, embed_model):
    """`abstractqa ask` with the default onnx backend runs on onnxruntime and `tokenizers`
    alone (the session's embedder has exported the model), and reads the index with Chroma and
    bm25s: llama-index (about 2 s of imports), gradio and llama.cpp stay out too. The LLM's
    judgment is turned off: with it on (the default) a factoid loads llama.cpp, by design."""
    from abstractqa.embedder import OnnxEmbedding

    assert isinstance(embed_model, OnnxEmbedding)  # the export this process relies on exists
    heavy = ["torch", "sentence_transformers", "transformers", "gradio", "llama_cpp", "llama_index"]
    probe = (
        "import json, sys\n"
        "from abstractqa.cli import main\n"
        "code = main(['ask', 'How many parameters does Movie Gen have?'])\n"
        f"print(json.dumps({{'code': code, 'loaded': [m for m in {heavy!r} if m in sys.modules]}}))\n"
    )
    env = {
        **os.environ,
        "ABSTRACTQA__INDEX__DATA_DIR": str(index_copy),
        "ABSTRACTQA__CORPUS__PATHS": json.dumps([str(ROOT / "seeds")]),
        "ABSTRACTQA__ANSWER__JUDGE": "off",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["code"] == 0 and "[1]" in proc.stdout  # a real, cited answer was printed
    assert result["loaded"] == [], f"the default ask path imported {result['loaded']}"


def test_every_error_for_bad_input_shares_one_base():
    """The CLI and the web app catch `AbstractQAError` and show its one line."""
    from abstractqa.assistant import QuestionError
    from abstractqa.config import ConfigError
    from abstractqa.embedder import EmbedderUnavailable
    from abstractqa.errors import AbstractQAError
    from abstractqa.evaluate import EvalInputError
    from abstractqa.index import IndexUnavailable, ManifestDamaged
    from abstractqa.llm import GeneratorError
    from abstractqa.query import FilterError
    from abstractqa.web.server import ServeRefused

    for error in (QuestionError, ConfigError, EmbedderUnavailable, EvalInputError, IndexUnavailable,
                  ManifestDamaged, GeneratorError, FilterError, ServeRefused):
        assert issubclass(error, AbstractQAError), error


def test_ask_shows_an_abstracts_inline_latex_as_plain_numbers(index_copy):
    # Emu's abstract writes "$82.9\%$": the terminal shows 82.9%, the JSON keeps the quote as written.
    shown = run("ask", "what win rate does emu's quality-tuning reach?", data_dir=index_copy).stdout
    assert "82.9%" in shown and "$" not in shown.split("References:")[0], shown
    raw = json.loads(run("ask", "what win rate does emu's quality-tuning reach?", "--json", data_dir=index_copy).stdout)
    assert "$82.9\\%$" in raw["answer"]
