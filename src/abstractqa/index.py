"""Chunk papers, embed them with sentence-transformers and keep them in Chroma.

The index is two things that change together:

* a Chroma collection (embedded `PersistentClient` or a `chroma run` server) holding one
  vector per chunk, with ids ``<paper_id>:<content_hash>:<n>``;
* a manifest file (`<data_dir>/index/<collection>.json`) listing the papers and the chunk
  ids that make up the current index. It is replaced atomically, last.

An ingest writes new vectors first, then the manifest, then deletes vectors no manifest
names. Readers only trust chunk ids the manifest lists, so an ingest cut off at any point
leaves the previous index whole, and the next ingest reuses vectors already written.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from dataclasses import dataclass
from hashlib import sha1
from pathlib import Path
from typing import TYPE_CHECKING

from abstractqa.config import Settings
from abstractqa.corpus import PARSER_VERSION
from abstractqa.types import Chunk, Paper

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from llama_index.vector_stores.chroma import ChromaVectorStore

MANIFEST_VERSION = 1
log = logging.getLogger(__name__)


class IndexUnavailable(RuntimeError):
    """The index is missing, stale or unreachable; the message says which and what to do."""


# --------------------------------------------------------------------------------------------
# Embedding model: lives in abstractqa.embedder; these names stay importable from here.

_EMBEDDER_NAMES = {
    "OnnxEmbedding",
    "OrtEncoder",
    "load_embedder",
    "model_tokenizer",
    "onnx_cache_dir",
    "resolve_model_path",
}


def __getattr__(name: str):
    # Resolved on first use, so importing this module doesn't import llama-index.
    if name in _EMBEDDER_NAMES:
        from abstractqa import embedder

        return getattr(embedder, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --------------------------------------------------------------------------------------------
# Names and chunking


def collection_name(settings: Settings) -> str:
    """Encodes everything that shapes the vectors, so a changed setting never reads stale ones."""
    model = re.sub(r"[^a-zA-Z0-9]+", "-", Path(settings.embedding.model).name).strip("-").lower()
    if len(model) > 40:
        model = model[:30] + "-" + sha1(settings.embedding.model.encode()).hexdigest()[:8]
    idx = settings.index
    # onnx computes the torch vectors (cosine > 0.9999) and shares their collection.
    backend = "-int8" if settings.embedding.backend == "onnx-int8" else ""
    return f"aqa-{model}{backend}-c{idx.chunk_size}-o{idx.chunk_overlap}-p{PARSER_VERSION}"


def chunk_papers(papers: list[Paper], settings: Settings, embed_model: BaseEmbedding) -> list[Chunk]:
    """Split each abstract into runs of whole sentences, at most `chunk_size` model tokens."""
    from llama_index.core.node_parser import SentenceSplitter

    from abstractqa.embedder import model_tokenizer

    splitter = SentenceSplitter(
        chunk_size=settings.index.chunk_size,
        chunk_overlap=settings.index.chunk_overlap,
        tokenizer=model_tokenizer(embed_model),
    )
    chunks = []
    for paper in papers:
        for n, text in enumerate(splitter.split_text(paper.abstract)):
            chunks.append(
                Chunk(
                    chunk_id=f"{paper.paper_id}:{paper.content_hash}:{n}", paper_id=paper.paper_id, text=text
                )
            )
    return chunks


def embed_text(paper: Paper, chunk: Chunk) -> str:
    """What the embedder sees: the paper's own name (when it has one) and the chunk.

    Authors, dates and URLs stay out: they would blur what the passage is about. They are
    searchable through BM25 and the metadata filters instead.
    """
    return f"{paper.title}. {chunk.text}" if paper.aliases else chunk.text


def chunk_metadata(paper: Paper) -> dict[str, str]:
    # Chroma metadata holds scalars only.
    return {
        "paper_id": paper.paper_id,
        "title": paper.title,
        "authors": "; ".join(paper.authors),
        "arxiv_id": paper.arxiv_id or "",
        "created": paper.created or "",
        "source": paper.sources[0],
    }


# --------------------------------------------------------------------------------------------
# Chroma


def open_vector_store(settings: Settings, create: bool) -> ChromaVectorStore:
    """The Chroma collection for these settings, embedded or on a server."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from llama_index.vector_stores.chroma import ChromaVectorStore

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    vs = settings.vector_store
    try:
        if vs.mode == "http":
            client = chromadb.HttpClient(host=vs.host, port=vs.port, settings=chroma_settings)
            client.heartbeat()
        else:
            path = settings.index.data_dir / "chroma"
            path.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
        name = collection_name(settings)
        if create:
            collection = client.get_or_create_collection(name, metadata={"hnsw:space": "cosine"})
        else:
            collection = client.get_collection(name)
    except Exception as err:  # noqa: BLE001 - chromadb raises many types; report one line
        where = f"Chroma server at {vs.host}:{vs.port}" if vs.mode == "http" else "Chroma"
        raise IndexUnavailable(f"{where}: {type(err).__name__}: {err}".strip()) from err
    return ChromaVectorStore(chroma_collection=collection)


# --------------------------------------------------------------------------------------------
# Manifest


def manifest_path(settings: Settings) -> Path:
    return settings.index.data_dir / "index" / f"{collection_name(settings)}.json"


@dataclass
class Manifest:
    papers: list[Paper]
    chunks: list[Chunk]
    hashes: dict[str, str]

    @classmethod
    def read(cls, path: Path) -> Manifest | None:
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != MANIFEST_VERSION:
                return None
            return cls(
                papers=[Paper(**p) for p in data["papers"]],
                chunks=[Chunk(**c) for c in data["chunks"]],
                hashes=data["hashes"],
            )
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise IndexUnavailable(
                f"index manifest {path} is unreadable ({err}); run `abstractqa ingest`"
            ) from err

    def write(self, path: Path) -> None:
        """Write to a temporary file and rename it over the old one: never half-written."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(
            json.dumps(
                {
                    "version": MANIFEST_VERSION,
                    "papers": [p.model_dump(mode="json") for p in self.papers],
                    "chunks": [c.model_dump() for c in self.chunks],
                    "hashes": self.hashes,
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        os.replace(tmp, path)


@dataclass
class IngestReport:
    added: int
    updated: int
    removed: int
    unchanged: int
    chunks_embedded: int
    chunks_total: int


def ingest(
    papers: list[Paper], settings: Settings, embed_model: BaseEmbedding, progress: bool = True
) -> IngestReport:
    """Bring the index up to date with `papers`, embedding only what changed."""
    from llama_index.core.schema import TextNode
    from tqdm import tqdm

    path = manifest_path(settings)
    old = Manifest.read(path)
    old_hashes = old.hashes if old else {}
    new_hashes = {p.paper_id: p.content_hash for p in papers}
    changed = [p for p in papers if old_hashes.get(p.paper_id) != p.content_hash]
    kept_ids = {pid for pid, h in new_hashes.items() if old_hashes.get(pid) == h}
    kept_chunks = [c for c in (old.chunks if old else []) if c.paper_id in kept_ids]

    store = open_vector_store(settings, create=True)
    collection = store._collection
    new_chunks = chunk_papers(changed, settings, embed_model)
    # Vectors an interrupted ingest already wrote are reused, not embedded again.
    present = (
        set(collection.get(ids=[c.chunk_id for c in new_chunks], include=[])["ids"]) if new_chunks else set()
    )
    # Similar lengths in one batch waste less on padding (benchmarks/RESULTS.md).
    todo = sorted((c for c in new_chunks if c.chunk_id not in present), key=lambda c: len(c.text))
    by_id = {p.paper_id: p for p in papers}
    batch = max(settings.embedding.batch_size, 1) * 4
    with tqdm(
        total=len(todo),
        desc="embedding chunks",
        unit="chunk",
        disable=not progress or not todo,
        file=sys.stderr,
    ) as bar:
        for start in range(0, len(todo), batch):
            part = todo[start : start + batch]
            texts = [embed_text(by_id[c.paper_id], c) for c in part]
            vectors = embed_model.get_text_embedding_batch(texts)
            nodes = [
                TextNode(id_=c.chunk_id, text=c.text, metadata=chunk_metadata(by_id[c.paper_id]), embedding=v)
                for c, v in zip(part, vectors, strict=True)
            ]
            store.add(nodes)
            bar.update(len(part))

    all_chunks = kept_chunks + new_chunks
    Manifest(papers=papers, chunks=all_chunks, hashes=new_hashes).write(path)

    # Only now drop vectors no manifest points to (removed or superseded papers).
    live = {c.chunk_id for c in all_chunks}
    stale = [i for i in collection.get(include=[])["ids"] if i not in live]
    for start in range(0, len(stale), 5000):
        collection.delete(ids=stale[start : start + 5000])

    updated = sum(1 for p in changed if p.paper_id in old_hashes)
    return IngestReport(
        added=len(changed) - updated,
        updated=updated,
        removed=len(set(old_hashes) - set(new_hashes)),
        unchanged=len(kept_ids),
        chunks_embedded=len(todo),
        chunks_total=len(all_chunks),
    )


def index_status(papers: list[Paper], settings: Settings) -> str:
    """'missing', 'stale' or 'current' for the manifest against freshly parsed papers."""
    manifest = Manifest.read(manifest_path(settings))
    if manifest is None:
        return "missing"
    return "current" if manifest.hashes == {p.paper_id: p.content_hash for p in papers} else "stale"
