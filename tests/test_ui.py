"""The browser chat's server: a real app on a free port, driven over HTTP with gradio_client.

The app answers from the real seed index with the real embedder (extractive mode); each test
opens its own client, which is its own browser session.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from conftest import SEEDS, free_port, make_settings, running_server, scripted

FOLLOW_UP = "And how many GPUs did it use?"
REFUSAL = "The indexed papers don't cover this question."


@pytest.fixture(scope="module")
def served_app(assistant):
    """The app for the session-wide seed-index assistant, served on 127.0.0.1, and its URL."""
    from abstractqa.web.app import build_app, launch

    app = build_app(assistant)
    url = launch(app, host="127.0.0.1", port=free_port(), prevent_thread_lock=True)
    yield app, url
    app.close()


@pytest.fixture(scope="module")
def served(served_app):
    return served_app[1]


@pytest.fixture
def client(served):
    """A new session (its own gr.State) on the served app."""
    from gradio_client import Client

    return Client(served, verbose=False)


def ask(client, question: str, mode: str = "extractive", date_from: str = "") -> dict:
    """Ask through the chat endpoint the Ask button and Enter key use."""
    chat, sources, box, download, markdown = client.predict(
        question, mode, 5, date_from, "", "", api_name="/chat"
    )
    return {"chat": chat, "sources": sources, "box": box, "download": download, "md": markdown}


def text(message: dict) -> str:
    """The text of one chat message (gradio sends content as a list of parts)."""
    content = message["content"]
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content)


def paper_titled(assistant, title: str):
    return next(p for p in assistant.papers() if p.title == title)


def test_answer_cites_source_and_fills_panel(client, assistant):
    out = ask(client, "How many GPUs were used to train I-JEPA?")
    reply = text(out["chat"][-1])
    assert out["chat"][-1]["role"] == "assistant"
    assert "32 A100 GPUs" in reply
    assert "[[1]](#src-0-1)" in reply  # the marker links to the first source card
    assert 'id="src-0-1"' in out["sources"]
    card = out["sources"].split('id="src-0-1"')[1].split("</article>")[0]
    assert "I-JEPA" in card
    assert "arxiv.org/abs/2301.08243" in card
    assert "<mark>For instance, we train a ViT-Huge/16 on ImageNet using 32 A100 GPUs" in card
    assert "000_9d42e136c95304f2.txt" in card  # the seed file:line it was read from
    assert "Also retrieved" in out["sources"]
    assert out["box"] == ""  # the question box is cleared for the next question
    assert out["md"].startswith("# How many GPUs were used to train I-JEPA?")
    assert "## References" in out["md"] and "- **[1] I-JEPA**" in out["md"]
    saved = Path(out["download"]["value"]).read_text(encoding="utf-8")
    assert saved == out["md"]


def test_follow_up_uses_the_session_history(client, assistant):
    first = ask(client, "What is I-JEPA?")
    assert "I-JEPA" in first["sources"]
    out = ask(client, FOLLOW_UP)
    assert len(out["chat"]) == 4
    reply = text(out["chat"][-1])
    assert "32" in reply and "[[1]](#src-1-1)" in reply
    card = out["sources"].split('id="src-1-1"')[1].split("</article>")[0]
    assert "<h3>I-JEPA</h3>" in card
    assert "- **[1] I-JEPA**" in out["md"]


def test_sessions_are_independent(client, served):
    """A follow-up only resolves "it" against its own session's earlier answers."""
    from gradio_client import Client

    ask(client, "What is MetaCLIP?")
    other = ask(Client(served, verbose=False), "Who wrote it?")
    assert len(other["chat"]) == 2
    assert text(other["chat"][-1]).startswith(REFUSAL)
    mine = ask(client, "Who wrote it?")
    assert "MetaCLIP was written by Hu Xu" in text(mine["chat"][-1])
    assert "<h3>MetaCLIP</h3>" in mine["sources"]


def test_unanswerable_question_is_refused_with_related_reading(client):
    out = ask(client, "What is the capital of France?")
    reply = text(out["chat"][-1])
    assert reply.startswith(REFUSAL)
    assert "[[" not in reply  # nothing is cited
    assert "aq-refused" in out["sources"] and REFUSAL.replace("'", "&#x27;") in out["sources"]
    assert "Related reading" in out["sources"]
    assert "## References" not in out["md"]


def test_feedback_appends_a_question_file_line(client, assistant):
    path = Path(assistant.settings.index.data_dir) / "feedback.jsonl"
    before = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    ask(client, "How many GPUs were used to train I-JEPA?")
    note, comment = client.predict("up", "exactly what I needed", api_name="/feedback")
    assert "saved" in note and comment == ""
    ask(client, "What is the capital of France?")
    client.predict("down", "", api_name="/feedback")

    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(before) + 2
    up, down = (json.loads(line) for line in lines[-2:])
    assert list(up) == [
        "id",
        "type",
        "question",
        "reference_answer",
        "key_facts",
        "evidence",
        "answerable",
        "rating",
        "comment",
        "cited_papers",
    ]
    ijepa = paper_titled(assistant, "I-JEPA")
    assert up["id"].startswith("fb-") and up["type"] == "feedback"
    assert up["question"] == "How many GPUs were used to train I-JEPA?"
    assert "32 A100 GPUs" in up["reference_answer"] and "[1]" in up["reference_answer"]
    assert up["key_facts"] == []
    assert up["evidence"] and all(sentence in ijepa.abstract for sentence in up["evidence"])
    assert up["evidence"][0].startswith("For instance, we train a ViT-Huge/16")
    assert up["answerable"] is True
    assert (up["rating"], up["comment"]) == ("up", "exactly what I needed")
    assert up["cited_papers"] == [ijepa.paper_id]
    assert (down["rating"], down["answerable"], down["cited_papers"]) == ("down", False, [])
    assert down["reference_answer"].startswith(REFUSAL)


def test_feedback_without_an_answer_writes_nothing(client, assistant):
    path = Path(assistant.settings.index.data_dir) / "feedback.jsonl"
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    note, _ = client.predict("up", "", api_name="/feedback")
    assert note == "Only answers can be rated."
    assert (path.read_text(encoding="utf-8") if path.exists() else "") == before


def test_empty_question_and_bad_filter_are_chat_messages(client):
    out = ask(client, "   ")
    assert [m["role"] for m in out["chat"]] == ["assistant"]
    assert "the question is empty" in text(out["chat"][-1])
    out = ask(client, "What is I-JEPA?", date_from="2023/01/01")
    assert "YYYY-MM-DD" in text(out["chat"][-1])
    out = ask(client, "What is I-JEPA?")  # the session keeps working
    assert "[[1]]" in text(out["chat"][-1])


def test_an_llm_answer_shows_what_it_reads_before_its_first_words(seed_index_dir, embed_model):
    from abstractqa.web.chat import ChatHandlers, Conversation

    handlers = ChatHandlers(scripted(seed_index_dir, embed_model, {"verdict": "yes", "missing": ""}))
    conv = Conversation()
    shown = [
        text(conv.messages[-1])
        for _ in handlers.respond("How many GPUs were used to train I-JEPA?", conv, "openai", 5, "", "", "")
    ]
    reading = [i for i, t in enumerate(shown) if t.startswith("Reading I-JEPA …")]
    answered = [i for i, t in enumerate(shown) if "32 A100 GPUs" in t]
    assert reading and answered and reading[0] < answered[0], shown
    assert conv.replies[-1].citations[0].title == "I-JEPA"


def test_backend_that_cannot_start_is_a_chat_message(seed_index_dir, embed_model):
    """openai mode with no endpoint: a readable message, and extractive answers still work."""
    from gradio_client import Client

    from abstractqa.assistant import Assistant
    from abstractqa.web.app import build_app, launch

    dead = f"http://127.0.0.1:{free_port()}/v1"
    settings = make_settings(seed_index_dir, answer={"base_url": dead, "timeout_s": 5})
    app = build_app(Assistant(settings, embed_model=embed_model))
    try:
        client = Client(launch(app, port=free_port(), prevent_thread_lock=True), verbose=False)
        out = ask(client, "What is I-JEPA?", mode="openai")
        reply = text(out["chat"][-1])
        assert "The openai answer backend failed" in reply and dead in reply
        assert "Traceback" not in reply
        out = ask(client, "What is I-JEPA?")
        assert "[[1]]" in text(out["chat"][-1])
    finally:
        app.close()


def test_abstractqa_serve_shows_the_page_then_answers(index_copy):
    """`abstractqa serve` as a user runs it. The page, with every indexed paper, is served
    before the embedder and retriever load; a question asked at once waits for them. Vectors the
    collection lost under an unchanged manifest are restored after the page is up."""
    from gradio_client import Client

    from abstractqa.index import Manifest, manifest_path, open_collection

    settings = make_settings(index_copy)
    chunks = {c.chunk_id for c in Manifest.read(manifest_path(settings)).chunks}
    lost = [i for i in chunks if i.startswith("2301.08243:")]  # I-JEPA's
    open_collection(settings, create=False).delete(ids=lost)
    url = f"http://127.0.0.1:{free_port()}"
    env = {
        **os.environ,
        "ABSTRACTQA__INDEX__DATA_DIR": str(index_copy),
        "ABSTRACTQA__CORPUS__PATHS": json.dumps([str(SEEDS)]),
    }
    command = [sys.executable, "-m", "abstractqa.cli", "serve", "--port", url.rsplit(":", 1)[1]]
    with running_server(command, url, env=env):
        with urllib.request.urlopen(url, timeout=30) as response:
            page = response.read().decode("utf-8")
        assert "Ask about the 43 indexed research-paper abstracts" in page
        assert "Papers (43)" in page and "I-JEPA" in page  # the Papers tab's table
        out = ask(Client(url, verbose=False), "How many GPUs were used to train I-JEPA?")
        assert "32 A100 GPUs" in text(out["chat"][-1]) and 'id="src-0-1"' in out["sources"]
    assert lost and set(open_collection(settings, create=False).get(include=[])["ids"]) == chunks


def test_serve_puts_the_page_up_before_importing_chroma_or_the_models(index_copy):
    """Before the page is served `abstractqa serve` reads the manifest alone: Chroma, bm25s,
    llama-index and torch load after the server is up (Gradio's own imports are most of the
    launch time already)."""
    heavy = ["chromadb", "bm25s", "llama_index", "torch", "sentence_transformers", "onnxruntime"]
    probe = (
        "import json, sys\n"
        "import abstractqa.web.app as web_app\n"
        "def launch(*args, **kwargs):\n"
        f"    print(json.dumps([m for m in {heavy!r} if m in sys.modules]))\n"
        "    sys.exit(0)\n"
        "web_app.launch = launch\n"
        "from abstractqa.cli import main\n"
        "main(['serve', '--port', '1'])\n"
    )
    env = {
        **os.environ,
        "ABSTRACTQA__INDEX__DATA_DIR": str(index_copy),
        "ABSTRACTQA__CORPUS__PATHS": json.dumps([str(SEEDS)]),
    }
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []


# -- the pieces the app renders with, one function at a time ----------------------------------


def test_answer_text_is_escaped_but_keeps_the_assistants_markdown():
    from abstractqa.web.render import render_answer

    shown = render_answer("**MSN**: uses <script>alert(1)</script> ![x](http://t/x.png) [1].", 3)
    assert "<script>" not in shown and "&lt;script&gt;" in shown
    assert shown.startswith("**MSN**:")
    assert "![x](" not in shown
    assert shown.endswith("[[1]](#src-3-1).")
    # An abstract's inline LaTeX around numbers reads as the numbers ("$82.9\%$", "($<$35\%)").
    latex = render_answer("a win rate of $82.9\\%$ with less ($<$35\\%) cost on $1.1$ billion pairs [1].", 3)
    assert "a win rate of 82.9% with less (&lt;35%) cost on 1.1 billion pairs" in latex, latex


def test_sources_panel_escapes_abstracts_and_marks_the_quote():
    from abstractqa.types import Answer, Citation, Evidence, Paper
    from abstractqa.web.render import sources_html

    paper = Paper(
        paper_id="p1",
        title="Evil <b>Net</b>",
        abstract="We hack <img src=x onerror=alert(1)>. It works.",
        sources=["s.txt:1"],
        urls=["javascript:alert(1)", "https://github.com/x/y"],
    )
    answer = Answer(
        question="q",
        standalone_question="q",
        answer="It works [1].",
        refused=False,
        mode="extractive",
        citations=[
            Citation(n=1, paper_id="p1", title=paper.title, source="s.txt:1", quote="It works.")
        ],
        evidence=[Evidence(paper=paper, score=1.0, text="It works.")],
        config_hash="x",
    )
    html = sources_html(answer, 0)
    assert "<img" not in html and "<b>Net" not in html and "Evil &lt;b&gt;Net&lt;/b&gt;" in html
    assert 'href="javascript' not in html and 'href="https://github.com/x/y"' in html
    assert "<mark>It works.</mark>" in html


def test_serving_limits_the_embedders_threads(tmp_path, embed_model):
    import torch

    from abstractqa.web.server import serving_threads

    before = torch.get_num_threads()
    wanted = 1 if before > 1 else 2
    session = lambda: embed_model._ort.session.get_session_options()  # noqa: E731
    assert embed_model._ort is not None  # onnx is the default backend
    try:
        serving_threads(make_settings(tmp_path, ui={"torch_threads": wanted}), embed_model)
        assert torch.get_num_threads() == wanted
        assert session().intra_op_num_threads == wanted
        serving_threads(make_settings(tmp_path, ui={"torch_threads": 0}), embed_model)  # 0: leave alone
        assert torch.get_num_threads() == wanted
    finally:
        torch.set_num_threads(before)
        embed_model.set_threads(None)


# -- what reaches the server without the page: raw queue calls, uploads, oversized text -------


def fn_index(app, name: str) -> int:
    """The number the page itself calls a handler by (`/gradio_api/queue/join`, `fn_index`)."""
    return next(
        i for i, f in app.fns.items() if f.api_name == name or getattr(f.fn, "__name__", None) == name
    )


def queue_call(url: str, fn: int, data: list, event_data: dict | None = None) -> dict:
    """Call a handler by `fn_index` as any HTTP client can, whatever the page marks private;
    returns Gradio's `process_completed` message. Lone surrogates go out as JSON escapes."""
    session = uuid.uuid4().hex[:11]
    body = {"data": data, "fn_index": fn, "session_hash": session, "event_data": event_data, "trigger_id": None}
    request = urllib.request.Request(
        f"{url}/gradio_api/queue/join",
        data=json.dumps(body).encode("ascii"),
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=30).read()
    with urllib.request.urlopen(f"{url}/gradio_api/queue/data?session_hash={session}", timeout=120) as stream:
        for raw in stream:
            line = raw.decode("utf-8").strip()
            if line.startswith("data:"):
                message = json.loads(line[5:])
                if message.get("msg") == "process_completed":
                    return message
    raise AssertionError("the queue closed without a result")


def test_question_bytes_that_are_not_utf8_get_a_clear_message(served_app):
    """What a client sends for undecodable bytes ("\\udcff") used to end in "Something went wrong"."""
    app, url = served_app
    done = queue_call(url, fn_index(app, "chat"), ["What is \udcff I-JEPA?", None, "extractive", 5, "", "", ""])
    assert done["success"], done
    chat = done["output"]["data"][0]
    assert text(chat[0]) == "What is \ufffd I-JEPA?"  # shown with a replacement character
    reply = text(chat[-1])
    assert "Can't ask that:** the question holds bytes that are not valid UTF-8" in reply
    assert "at character 9" in reply
    assert "Something went wrong" not in reply


def upload(url: str, size: int) -> int | str:
    """POST a file of `size` bytes to Gradio's upload route; the HTTP status, or "closed"."""
    boundary = "abstractqa-test"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + b"\0" * size + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        f"{url}/gradio_api/upload", data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code
    except urllib.error.URLError as err:
        if isinstance(err.reason, (ConnectionResetError, BrokenPipeError)):
            return "closed"
        raise


def test_uploads_and_oversized_text_are_refused(served_app, client, assistant):
    _, url = served_app
    # The app takes no uploads: Gradio refuses any file, small (413) or huge (413, or the
    # connection is closed while the client is still sending).
    assert upload(url, 2 * 1024) == 413
    assert upload(url, 20 * 1024 * 1024) in (413, "closed")

    path = Path(assistant.settings.index.data_dir) / "feedback.jsonl"
    ask(client, "How many GPUs were used to train I-JEPA?")
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    note, _ = client.predict("up", "x" * 5_000_000, api_name="/feedback")
    assert note == "The comment is 5,000,000 characters long; the limit is 2,000. Nothing was saved."
    assert (path.read_text(encoding="utf-8") if path.exists() else "") == before

    out = ask(client, "x" * 50_000)
    assert len(text(out["chat"][-2])) <= 2001  # the question is shown only up to the limit
    assert "the question is 50000 characters long; the limit is 2000" in text(out["chat"][-1])


def test_api_calls_cannot_do_what_the_page_cannot(seed_index_dir, embed_model):
    """Handlers the page marks private still answer `/gradio_api/queue/join`: each checks its
    inputs as the page's controls would. Here the page offers only the extractive mode."""
    from gradio_client import Client

    from abstractqa.assistant import Assistant
    from abstractqa.web.app import build_app, launch

    assistant = Assistant(make_settings(seed_index_dir, ui={"answer_modes": ["extractive"]}), embed_model=embed_model)
    app = build_app(assistant)
    try:
        url = launch(app, port=free_port(), prevent_thread_lock=True)
        switched = queue_call(url, fn_index(app, "change_mode"), ["llamacpp", None])
        asked = queue_call(url, fn_index(app, "chat"), ["What is I-JEPA?", None, "llamacpp", 5, "", "", ""])
        more = queue_call(url, fn_index(app, "chat"), ["What is I-JEPA?", None, "extractive", 500, "", "", ""])
        for refused in (switched, asked, more):
            assert not refused["success"] or "not offered" in json.dumps(refused["output"])
        assert set(assistant._llms) <= {"extractive"}  # llama.cpp was never loaded
        # A rating without the page's click event writes nothing.
        liked = queue_call(url, fn_index(app, "on_like"), [None, "great"])
        assert not liked["success"]
        assert not (Path(seed_index_dir) / "feedback.jsonl").exists() or "great" not in (
            Path(seed_index_dir) / "feedback.jsonl"
        ).read_text(encoding="utf-8")
        # The page's own flow still works.
        out = ask(Client(url, verbose=False), "What is I-JEPA?")
        assert "[[1]]" in text(out["chat"][-1])
    finally:
        app.close()


def test_a_public_bind_needs_a_login_or_an_explicit_flag(tmp_path, monkeypatch, capsys):
    from abstractqa.web.server import ServeRefused, auth_from_env

    settings = make_settings(tmp_path)
    monkeypatch.delenv("ABSTRACTQA_USER", raising=False)
    monkeypatch.delenv("ABSTRACTQA_PASSWORD", raising=False)
    for host in ("127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"):
        assert auth_from_env(settings, host) is None  # loopback: no login needed
    with pytest.raises(ServeRefused, match="set ABSTRACTQA_USER and ABSTRACTQA_PASSWORD.*--allow-anonymous"):
        auth_from_env(settings, "0.0.0.0")
    monkeypatch.setenv("ABSTRACTQA_USER", "ada")
    with pytest.raises(ServeRefused, match="set ABSTRACTQA_PASSWORD, bind"):
        auth_from_env(settings, "192.168.1.20")
    assert auth_from_env(settings, "0.0.0.0", allow_anonymous=True) is None
    assert "without a login (--allow-anonymous)" in capsys.readouterr().err
    monkeypatch.setenv("ABSTRACTQA_PASSWORD", "secret")
    assert auth_from_env(settings, "0.0.0.0") == ("ada", "secret")
