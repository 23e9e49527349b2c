"""Shared fixtures: the real bundled embedder (loaded once) and a real Chroma index of the seeds."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from abstractqa.llm import ChatLLM

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
ARTIFACTS = ROOT / "test-artifacts"
# A paper the seeds don't have, for tests that add files to an index.
EXTRA_ABSTRACT = (
    "Abstract:We present PenguinCount, a method that counts emperor penguins in satellite images of "
    "Antarctic sea ice. PenguinCount detects colonies from their guano stains and estimates their size "
    "with a density model trained on 1,200 annotated images. It finds 61 colonies, 11 of them "
    "previously unknown.\n"
)


def write_extra(folder: Path, name: str = "extra.txt") -> Path:
    """A seed file holding one paper (PenguinCount) that the seeds don't have."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(EXTRA_ABSTRACT, encoding="utf-8")
    return path


def make_settings(data_dir: Path, **groups):
    """Default settings with the data dir moved to `data_dir` and any group overrides."""
    from abstractqa.config import load_settings

    overrides = {"index": {"data_dir": data_dir}, "corpus": {"paths": [SEEDS]}}
    for group, values in groups.items():
        overrides[group] = {**overrides.get(group, {}), **values}
    return load_settings(None, **overrides)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(command: list[str], ready_url: str, timeout: float = 120.0, env: dict | None = None):
    """Start a server process on loopback, wait until `ready_url` answers, stop it after."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        deadline = time.time() + timeout
        while True:
            try:
                urllib.request.urlopen(ready_url, timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"{command[0]} exited with {proc.returncode} before answering {ready_url}")
                if time.time() > deadline:
                    pytest.fail(f"{' '.join(command[:3])} did not answer {ready_url} within {timeout:.0f} s")
                time.sleep(0.3)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def llama_server():
    """A real OpenAI-compatible endpoint: llama-cpp-python's server with the bundled GGUF."""
    from abstractqa.llm import bundled_gguf

    port = free_port()
    command = [sys.executable, "-m", "abstractqa.llama_server", "--model", bundled_gguf()]
    command += ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096"]
    with running_server(command, f"http://127.0.0.1:{port}/v1/models"):
        yield f"http://127.0.0.1:{port}/v1"


@pytest.fixture(scope="session")
def embed_model():
    """The bundled all-MiniLM-L6-v2, loaded once per session."""
    from abstractqa.config import EmbeddingSettings
    from abstractqa.index import load_embedder

    return load_embedder(EmbeddingSettings())


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory, embed_model) -> Path:
    """A data dir holding a real persistent-Chroma index of the seed corpus."""
    from abstractqa.assistant import Assistant

    data_dir = tmp_path_factory.mktemp("seed-index")
    Assistant(make_settings(data_dir), embed_model=embed_model).ingest(progress=False)
    return data_dir


# The LLM checks (`answer.topic_check`, `answer.judge`) run the bundled Qwen 1.5B on the CPU:
# on a 2-core machine without AVX-512 a check takes 7-35 s, and asked of every question of the
# suite they alone took it past CI's 90 minutes. So the suite's assistant answers by the rules
# alone, and the tests of what the checks decide use `checked_assistant`.
@pytest.fixture(scope="session")
def assistant(seed_index_dir, embed_model):
    """An Assistant over the seed index, extractive answers, the LLM checks off."""
    from abstractqa.assistant import Assistant

    return Assistant(
        make_settings(seed_index_dir, answer={"topic_check": "off", "judge": "off"}), embed_model=embed_model
    )


@pytest.fixture(scope="session")
def checked_assistant(seed_index_dir, embed_model):
    """An Assistant over the seed index in the default mode: extractive, topic check and judge on."""
    from abstractqa.assistant import Assistant

    return Assistant(make_settings(seed_index_dir), embed_model=embed_model)


@pytest.fixture
def index_copy(seed_index_dir, tmp_path) -> Path:
    """A private copy of the seed index, for tests that change it."""
    target = tmp_path / "data"
    shutil.copytree(seed_index_dir, target)
    return target


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Marks a test whose body failed (`item.call_failed`), for fixtures that keep evidence."""
    report = yield
    if report.when == "call":
        item.call_failed = report.failed
    return report


class ScriptedLLM(ChatLLM):
    """Replies fixed in advance: the decisions around a judgment, without a model's whims."""

    def __init__(self, settings, verdict: dict, answer: str):
        super().__init__(settings)
        self.verdict, self.answer = verdict, answer

    def stream(self, messages, max_tokens=None):
        yield self.answer

    def judge(self, messages, schema):
        return self.verdict


def scripted(seed_index_dir, embed_model, verdict, answer="I-JEPA trains on 32 A100 GPUs [1]."):
    """An assistant in an LLM mode whose model replies as scripted."""
    from abstractqa.assistant import Assistant

    settings = make_settings(seed_index_dir, answer={"mode": "openai", "judge": True})
    return Assistant(settings, embed_model=embed_model, llm=ScriptedLLM(settings.answer, verdict, answer))
