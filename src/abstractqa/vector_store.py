"""The Chroma side of the index: which collection, how to reach it, and reading ids in batches.

A collection is embedded (`PersistentClient` under `data_dir`) or on a `chroma run` server
(`vector_store.mode: http`). Its name encodes everything that shapes the vectors, so a changed
setting never reads stale ones.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from hashlib import sha1
from pathlib import Path
from typing import TYPE_CHECKING

from abstractqa.config import Settings
from abstractqa.corpus import PARSER_VERSION
from abstractqa.errors import AbstractQAError

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection
    from llama_index.vector_stores.chroma import ChromaVectorStore


class IndexUnavailable(AbstractQAError, RuntimeError):
    """The index is missing, stale or unreachable; the message says which and what to do."""


def collection_name(settings: Settings) -> str:
    """Encodes everything that shapes the vectors, so a changed setting never reads stale ones."""
    model = re.sub(r"[^a-zA-Z0-9]+", "-", Path(settings.embedding.model).name).strip("-").lower()
    if len(model) > 40:
        model = model[:30] + "-" + sha1(settings.embedding.model.encode()).hexdigest()[:8]
    idx = settings.index
    # onnx computes the torch vectors (cosine > 0.9999) and shares their collection.
    backend = "-int8" if settings.embedding.backend == "onnx-int8" else ""
    return f"aqa-{model}{backend}-c{idx.chunk_size}-o{idx.chunk_overlap}-p{PARSER_VERSION}"


# chromadb's shared system cache is not safe to fill from two threads at once: a question's
# retriever and `serve`'s warm-up opening the same folder together got KeyError(path).
_CLIENT_LOCK = threading.Lock()


def chroma_client(settings: Settings) -> ClientAPI:
    """An embedded `PersistentClient` under `data_dir`, or an `HttpClient` for a `chroma run` server."""
    with _CLIENT_LOCK:
        return _chroma_client(settings)


def _chroma_client(settings: Settings) -> ClientAPI:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    vs = settings.vector_store
    try:
        if vs.mode == "http":
            client = chromadb.HttpClient(host=vs.host, port=vs.port, settings=chroma_settings)
            client.heartbeat()
            return client
        path = settings.index.data_dir / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as err:  # noqa: BLE001 - chromadb raises many types; report one line
        raise IndexUnavailable(f"{where(settings)}: {type(err).__name__}: {err}".strip()) from err


def where(settings: Settings) -> str:
    """The Chroma these settings reach, for messages."""
    vs = settings.vector_store
    return f"Chroma server at {vs.host}:{vs.port}" if vs.mode == "http" else "Chroma"


@dataclass(frozen=True)
class Vectors:
    """A Chroma collection with the client that opened it: the client knows how many records
    one call may name (`max_batch`), which the collection does not say through its API."""

    client: ClientAPI
    collection: Collection

    @property
    def max_batch(self) -> int:
        """Most records one call may name (`max_batch`)."""
        return max_batch(self.client)

    def store(self) -> ChromaVectorStore:
        """The collection behind llama-index's vector-store interface (ingest writes through
        it; questions query the collection itself, without importing llama-index)."""
        from llama_index.vector_stores.chroma import ChromaVectorStore

        return ChromaVectorStore(chroma_collection=self.collection)

    def existing_ids(self, ids: list[str]) -> set[str]:
        """Which of `ids` have a vector, asked in batches."""
        found: set[str] = set()
        for part in batches(ids, self.max_batch):
            found.update(self.collection.get(ids=part, include=[])["ids"])
        return found

    def all_ids(self) -> list[str]:
        """Every id in the collection, a page at a time."""
        size, out = self.max_batch, []
        while True:
            page = self.collection.get(include=[], limit=size, offset=len(out))["ids"]
            out.extend(page)
            if len(page) < size:
                return out

    def delete(self, ids: list[str]) -> None:
        for part in batches(ids, self.max_batch):
            self.collection.delete(ids=part)


def open_vectors(settings: Settings, create: bool) -> Vectors:
    """The collection of chunk vectors for these settings, with its client."""
    client = chroma_client(settings)
    name = collection_name(settings)
    try:
        if create:
            collection = client.get_or_create_collection(name, metadata={"hnsw:space": "cosine"})
        else:
            collection = client.get_collection(name)
    except Exception as err:  # noqa: BLE001
        raise IndexUnavailable(f"{where(settings)}: {type(err).__name__}: {err}".strip()) from err
    return Vectors(client, collection)


def open_collection(settings: Settings, create: bool) -> Collection:
    """The Chroma collection of chunk vectors for these settings."""
    return open_vectors(settings, create).collection


def open_vector_store(settings: Settings, create: bool) -> ChromaVectorStore:
    """The Chroma collection for these settings, embedded or on a server, behind llama-index
    (for writing chunks as ingest does)."""
    return open_vectors(settings, create).store()


def max_batch(client: ClientAPI) -> int:
    """Most records one call to `client` may name: its SQLite allows ~32,766 variables per
    statement, and one `get(ids=...)` over more crashes (`too many SQL variables`)."""
    size = client.get_max_batch_size()
    return size if size and size > 0 else 1000


def batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def derived_path(settings: Settings, suffix: str) -> Path:
    """Where a structure derived from the index is kept for the next start (the BM25 index,
    the name tables): beside the manifest for an embedded Chroma (`<data_dir>/index`), in the
    user cache for a Chroma server (each app server keeps its own)."""
    name = collection_name(settings)
    vs = settings.vector_store
    if vs.mode != "http":
        return settings.index.data_dir / "index" / f"{name}{suffix}"
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    server = re.sub(r"[^\w.-]+", "-", f"{vs.host}-{vs.port}")
    return cache / "abstractqa" / "bm25" / f"{server}-{name}{suffix}"


def bm25_dir(settings: Settings) -> Path:
    """The folder of this collection's persisted BM25 index."""
    return derived_path(settings, ".bm25" if settings.vector_store.mode != "http" else "")


def tables_path(settings: Settings) -> Path:
    """The file of this collection's persisted name tables and spelling vocabulary."""
    return derived_path(settings, ".tables.json")
