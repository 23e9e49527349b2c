"""Chunk papers, embed them and keep them in Chroma: the ingest.

The index is two things that change together: a Chroma collection holding one vector per chunk,
with ids ``<paper_id>:<content_hash>:<n>`` (`abstractqa.vector_store`), and a manifest listing
the papers and chunk ids that make up the current index (`abstractqa.manifest`).

An ingest holds the data dir's lock, writes new vectors first (and any a listed chunk has
lost), then the manifest, then deletes vectors no manifest names. Readers only trust chunk
ids the manifest lists, so an ingest cut off at any point leaves the previous index whole,
and the next ingest reuses vectors already written.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from abstractqa.config import Settings
from abstractqa.corpus import Corpus
from abstractqa.manifest import (
    ChromaManifests,
    FileManifests,
    IngestPlan,
    Manifest,
    ManifestDamaged,
    manifest_path,
    manifest_store,
    plan_ingest,
    read_manifest,
)
from abstractqa.types import Chunk, Paper
from abstractqa.vector_store import (
    IndexUnavailable,
    batches,
    collection_name,
    max_batch,
    open_collection,
    open_vector_store,
    open_vectors,
)

if TYPE_CHECKING:
    from abstractqa.embedder import Embedder

log = logging.getLogger(__name__)

# Moved to abstractqa.manifest and abstractqa.vector_store; still importable from here.
__all__ = [
    "ChromaManifests",
    "FileManifests",
    "IndexUnavailable",
    "IngestPlan",
    "Manifest",
    "ManifestDamaged",
    "collection_name",
    "manifest_path",
    "manifest_store",
    "max_batch",
    "open_collection",
    "open_vector_store",
    "plan_ingest",
    "read_manifest",
    "chunk_papers",
    "embed_text",
    "chunk_metadata",
    "writer_lock",
    "ingest",
    "IngestReport",
    "missing_vectors",
    "is_current",
    "index_status",
]


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
    # Resolved on first use, so importing this module doesn't load the embedder's libraries.
    if name in _EMBEDDER_NAMES:
        from abstractqa import embedder

        return getattr(embedder, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --------------------------------------------------------------------------------------------
# Chunking


def chunk_papers(papers: list[Paper], settings: Settings, embed_model: Embedder) -> list[Chunk]:
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
# One writer at a time


def _lock_path(settings: Settings) -> Path:
    return settings.index.data_dir / "index" / "ingest.lock"


def _write_holder(fd: int) -> None:
    """Called by filelock once the lock is ours: who holds it, for the next one to name."""
    holder = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:200],
        "since": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
    }
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(holder).encode(), 0)


def _holder(path: Path) -> str:
    try:
        h = json.loads(path.read_text(encoding="utf-8"))
        return f"pid {h['pid']} on {h['host']} (`{h['command']}`, since {h['since']})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"


@contextmanager
def writer_lock(settings: Settings) -> Iterator[None]:
    """Hold the data dir's ingest lock: a second writer waits up to `index.lock_timeout_s`, then
    stops with a message naming the holder. The OS drops the lock when its process dies."""
    from filelock import FileLock, Timeout

    path = _lock_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(path, preserve_lock_file=True, on_acquired=_write_holder)
    wait = settings.index.lock_timeout_s
    try:
        lock.acquire(timeout=0)
    except Timeout:
        holder = _holder(path)
        where = settings.index.data_dir
        if wait <= 0:
            raise IndexUnavailable(
                f"the index in {where} is being written by {holder}; try again when it has finished"
            ) from None
        log.warning("waiting up to %.0f s for %s, which is writing the index in %s", wait, holder, where)
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            raise IndexUnavailable(
                f"gave up after {wait:.0f} s waiting for {holder}, which is writing the index in {where}"
            ) from None
    try:
        yield
    finally:
        lock.release()


# --------------------------------------------------------------------------------------------
# Ingest


@dataclass
class IngestReport:
    added: int
    updated: int
    removed: int
    unchanged: int
    chunks_embedded: int
    chunks_total: int
    vectors_restored: int = 0  # chunks of unchanged papers whose vectors had gone missing
    kept_papers: int = 0  # papers kept though their seed files were not read
    unknown_vectors_kept: int = 0  # vectors of papers no manifest lists (a rebuilt manifest)
    rebuilt: str | None = None  # why the manifest had to be rebuilt
    damaged_copy: str | None = None  # where the damaged manifest was kept


def ingest(
    settings: Settings,
    embed_model: Embedder,
    paths: list[Path] | None = None,
    replace: bool = False,
    progress: bool = True,
    on_remove: Callable[[list[Paper]], None] | None = None,
) -> tuple[Corpus, IngestReport]:
    """Bring the index up to date with the seed files (see `plan_ingest`), embedding only what
    changed or lost its vector. One writer per data dir at a time (`writer_lock`); `on_remove`
    hears which papers are dropped before anything is written."""
    with writer_lock(settings):
        store = manifest_store(settings)
        plan = plan_ingest(settings, paths, replace, store)
        if not plan.corpus.papers:
            raise IndexUnavailable("no paper could be read from " + ", ".join(map(str, paths or settings.corpus.paths)))
        if plan.removed and on_remove is not None:
            on_remove(plan.removed)
        return plan.corpus, _write(plan, settings, embed_model, store, progress)


# Texts embedded and then written to Chroma per step, at most. Large groups: the onnx embedder
# pads least when handed many texts at once, and each Chroma call has a fixed cost (one add of
# 516 records took 0.31 s, nine adds of 64 took 0.54 s). Bounded, so a big corpus keeps memory
# flat and the progress bar moves. Tests lower it to cut an ingest off.
WRITE_GROUP = 2048
# Writing one group in a thread while the next is embedded was measured slower on the CPU
# (ingest/encode 0.77-0.84 with 8 groups vs 0.97 with one, same session): smaller encode calls
# pad more and the writer competes with onnxruntime for the two cores. On a GPU the cores are
# free while it encodes, so there the writes overlap the next group's encode (benchmarks/GPU.md).


def _write(
    plan: IngestPlan,
    settings: Settings,
    embed_model: Embedder,
    store: FileManifests | ChromaManifests,
    progress: bool,
) -> IngestReport:
    from llama_index.core.schema import TextNode
    from tqdm import tqdm

    old, papers = plan.old, plan.papers
    old_hashes = old.hashes if old else {}
    new_hashes = {p.paper_id: p.content_hash for p in papers}
    changed = [p for p in papers if old_hashes.get(p.paper_id) != p.content_hash]
    kept_ids = {pid for pid, h in new_hashes.items() if old_hashes.get(pid) == h}
    kept_chunks = [c for c in (old.chunks if old else []) if c.paper_id in kept_ids]

    vectors = open_vectors(settings, create=True)
    new_chunks = chunk_papers(changed, settings, embed_model)
    all_chunks = kept_chunks + new_chunks
    # Every listed chunk is checked, not only new ones: vectors an interrupted ingest wrote are
    # reused, and vectors lost under unchanged papers (an emptied chroma.sqlite3) are restored.
    present = vectors.existing_ids([c.chunk_id for c in all_chunks])
    todo = [c for c in all_chunks if c.chunk_id not in present]
    restored = sum(1 for c in kept_chunks if c.chunk_id not in present)
    by_id = {p.paper_id: p for p in papers}
    texts = [embed_text(by_id[c.paper_id], c) for c in todo]
    # Longest first across the whole ingest, so each group (and each encode batch in it) holds
    # texts of nearly one length: as little padding as encoding them all at once. Characters,
    # as sentence-transformers sorts; the onnx embedder re-sorts each group by token count.
    order = sorted(range(len(todo)), key=lambda i: -len(texts[i]))
    chroma = vectors.store()
    overlap = settings.embedding.device != "cpu"
    with (
        tqdm(
            total=len(todo),
            desc="embedding chunks",
            unit="chunk",
            disable=not progress or not todo,
            file=sys.stderr,
        ) as bar,
        ThreadPoolExecutor(1, thread_name_prefix="chroma-writer") as writer,
    ):
        pending: Future | None = None
        for part in batches(order, min(WRITE_GROUP, vectors.max_batch)):
            embeddings = embed_model.get_text_embedding_batch([texts[i] for i in part])
            nodes = [
                TextNode(
                    id_=todo[i].chunk_id,
                    text=todo[i].text,
                    metadata=chunk_metadata(by_id[todo[i].paper_id]),
                    embedding=v,
                )
                for i, v in zip(part, embeddings, strict=True)
            ]
            if pending is not None:
                pending.result()  # one group in flight at most; a failed write stops here
            if overlap:
                pending = writer.submit(chroma.add, nodes)
            else:
                chroma.add(nodes)
            bar.update(len(part))
        if pending is not None:
            pending.result()

    damaged_copy = store.set_aside() if plan.damaged else None
    store.write(Manifest(papers=papers, chunks=all_chunks, hashes=new_hashes, paths=plan.paths, files=plan.files))

    # Only now drop vectors the new manifest doesn't name: superseded versions and removed
    # papers. Vectors of papers no manifest ever listed here (a rebuilt manifest) stay, for an
    # ingest of their files to reuse, unless --replace asked for exactly these papers.
    live = {c.chunk_id for c in all_chunks}
    known = set(old_hashes) | set(new_hashes)
    stale, unknown = [], 0
    for i in vectors.all_ids():
        if i in live:
            continue
        if plan.replace or i.rsplit(":", 2)[0] in known:
            stale.append(i)
        else:
            unknown += 1
    vectors.delete(stale)

    updated = sum(1 for p in changed if p.paper_id in old_hashes)
    return IngestReport(
        added=len(changed) - updated,
        updated=updated,
        removed=len(plan.removed),
        unchanged=len(kept_ids),
        chunks_embedded=len(todo),
        chunks_total=len(all_chunks),
        vectors_restored=restored,
        kept_papers=len(plan.kept),
        unknown_vectors_kept=unknown,
        rebuilt=plan.damaged.reason if plan.damaged else None,
        damaged_copy=damaged_copy,
    )


def missing_vectors(settings: Settings, manifest: Manifest) -> int:
    """How many chunks the manifest lists have no vector in the collection."""
    ids = [c.chunk_id for c in manifest.chunks]
    try:
        vectors = open_vectors(settings, create=False)
    except IndexUnavailable:
        if settings.vector_store.mode == "http":
            raise  # the server is down, not the collection gone
        return len(ids)
    return len(ids) - len(vectors.existing_ids(ids))


def is_current(plan: IngestPlan, settings: Settings, vectors: bool = True) -> bool:
    """True when an ingest would change nothing: same papers, every listed vector present
    (`vectors=False`: the manifest alone, which opens no Chroma)."""
    old = plan.old
    if old is None or plan.damaged or plan.removed:
        return False
    if old.hashes != {p.paper_id: p.content_hash for p in plan.papers}:
        return False
    return not vectors or missing_vectors(settings, old) == 0


def index_status(papers: list[Paper], settings: Settings) -> str:
    """'missing', 'stale' or 'current' for the manifest against freshly parsed papers: stale when
    one of `papers` is not indexed as it is now (other indexed papers are fine)."""
    manifest = read_manifest(settings)
    if manifest is None:
        return "missing"
    return "current" if all(manifest.hashes.get(p.paper_id) == p.content_hash for p in papers) else "stale"
