"""Chunk papers, embed them with sentence-transformers and keep them in Chroma.

The index is two things that change together:

* a Chroma collection (embedded `PersistentClient` or a `chroma run` server) holding one
  vector per chunk, with ids ``<paper_id>:<content_hash>:<n>``;
* a manifest listing the papers, the chunk ids that make up the current index and the seed
  paths that built it. It is a file (`<data_dir>/index/<collection>.json`) in persistent mode
  and a small collection on the server in http mode (so app servers on several machines share
  one index), replaced atomically, last.

An ingest holds the data dir's lock, writes new vectors first (and any a listed chunk has
lost), then the manifest, then deletes vectors no manifest names. Readers only trust chunk
ids the manifest lists, so an ingest cut off at any point leaves the previous index whole,
and the next ingest reuses vectors already written.
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from hashlib import sha1
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from abstractqa.config import Settings
from abstractqa.corpus import PARSER_VERSION, Corpus, IngestWarning, iter_seed_files, load_corpus
from abstractqa.errors import AbstractQAError
from abstractqa.titles import apply_titles, read_titles, titles_path
from abstractqa.types import Chunk, Paper

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from llama_index.vector_stores.chroma import ChromaVectorStore

MANIFEST_VERSION = 1
log = logging.getLogger(__name__)


class IndexUnavailable(AbstractQAError, RuntimeError):
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


def chroma_client(settings: Settings):
    """An embedded `PersistentClient` under `data_dir`, or an `HttpClient` for a `chroma run` server."""
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
        raise IndexUnavailable(f"{_where(settings)}: {type(err).__name__}: {err}".strip()) from err


def _where(settings: Settings) -> str:
    vs = settings.vector_store
    return f"Chroma server at {vs.host}:{vs.port}" if vs.mode == "http" else "Chroma"


def open_collection(settings: Settings, create: bool):
    """The Chroma collection of chunk vectors for these settings."""
    client = chroma_client(settings)
    name = collection_name(settings)
    try:
        if create:
            return client.get_or_create_collection(name, metadata={"hnsw:space": "cosine"})
        return client.get_collection(name)
    except Exception as err:  # noqa: BLE001
        raise IndexUnavailable(f"{_where(settings)}: {type(err).__name__}: {err}".strip()) from err


def open_vector_store(settings: Settings, create: bool) -> ChromaVectorStore:
    """The Chroma collection for these settings, embedded or on a server, behind llama-index."""
    from llama_index.vector_stores.chroma import ChromaVectorStore

    return ChromaVectorStore(chroma_collection=open_collection(settings, create))


def max_batch(collection) -> int:
    """Most records one Chroma call may name: its SQLite allows ~32,766 variables per statement,
    and one `get(ids=...)` over more crashes (`too many SQL variables`)."""
    size = collection._client.get_max_batch_size()
    return size if size and size > 0 else 1000


def batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def existing_ids(collection, ids: list[str]) -> set[str]:
    """Which of `ids` have a vector in `collection`, asked in batches."""
    found: set[str] = set()
    for part in batches(ids, max_batch(collection)):
        found.update(collection.get(ids=part, include=[])["ids"])
    return found


def all_ids(collection) -> list[str]:
    """Every id in `collection`, a page at a time."""
    size, out = max_batch(collection), []
    while True:
        page = collection.get(include=[], limit=size, offset=len(out))["ids"]
        out.extend(page)
        if len(page) < size:
            return out


# --------------------------------------------------------------------------------------------
# Manifest


class ManifestDamaged(IndexUnavailable):
    """The manifest can't be read or has the wrong shape; `abstractqa ingest` rebuilds it."""

    def __init__(self, where: str, reason: str):
        self.where, self.reason = where, reason
        super().__init__(
            f"index manifest {where} is damaged ({reason}); `abstractqa ingest` rebuilds it from the "
            "seed files and the vectors already stored"
        )


class Manifest(BaseModel):
    """Which papers and chunk ids make up the index (readers trust no other vector), and which
    seed paths and files built it (a later ingest reads them again)."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = MANIFEST_VERSION
    papers: list[Paper]
    chunks: list[Chunk]
    hashes: dict[str, str]
    paths: list[str] = Field(default_factory=list, description="Seed files and folders, resolved.")
    files: list[str] = Field(default_factory=list, description="Every seed file read, resolved.")

    @model_validator(mode="after")
    def _consistent(self) -> Manifest:
        ids = [p.paper_id for p in self.papers]
        if len(set(ids)) != len(ids) or set(ids) != set(self.hashes):
            raise ValueError("its papers and hashes don't match")
        seen: set[str] = set()
        for c in self.chunks:
            if not c.chunk_id.startswith(f"{c.paper_id}:{self.hashes.get(c.paper_id)}:") or c.chunk_id in seen:
                raise ValueError(f"chunk {c.chunk_id!r} belongs to no listed paper or repeats")
            seen.add(c.chunk_id)
        return self

    @classmethod
    def parse(cls, text: str, where: str) -> Manifest:
        """Validate the whole shape; anything else is `ManifestDamaged`."""
        try:
            return cls.model_validate_json(text)
        except ValidationError as err:
            first = err.errors()[0]
            loc = ".".join(str(p) for p in first["loc"])
            raise ManifestDamaged(where, f"{loc + ': ' if loc else ''}{first['msg']}") from None

    @classmethod
    def read(cls, path: Path) -> Manifest | None:
        """The manifest file at `path` (persistent mode), or None when there is none."""
        return FileManifests(path).read()


class FileManifests:
    """The manifest as a JSON file under `data_dir`, replaced atomically (persistent mode)."""

    def __init__(self, path: Path):
        self.path = path

    def read(self) -> Manifest | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as err:
            raise ManifestDamaged(str(self.path), str(err)) from None
        return Manifest.parse(text, str(self.path))

    def write(self, manifest: Manifest) -> None:
        """Write to a temporary file and rename it over the old one: never half-written."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".json.tmp")
        tmp.write_text(manifest.model_dump_json(), encoding="utf-8")
        os.replace(tmp, self.path)

    def version(self) -> object:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def set_aside(self) -> str | None:
        """Keep a damaged manifest next to the new one, for a person to look at."""
        target = self.path.with_suffix(".json.damaged")
        try:
            os.replace(self.path, target)
        except OSError:
            return None
        return str(target)


class ChromaManifests:
    """The manifest kept in Chroma itself (http mode), so every app server using one Chroma server
    shares one index.

    A small collection next to the vectors holds the manifest JSON in parts under a generation
    id, and a `head` record naming the current generation. A writer adds the new parts, then
    swaps `head` (one record: atomic), then drops the parts of the generation it replaced; a
    reader that finds parts gone reads `head` again.
    """

    HEAD = "head"
    PART_CHARS = 500_000
    LEFTOVER_S = 3600  # parts of an interrupted write older than this are dropped

    def __init__(self, settings: Settings):
        self.settings = settings
        self.name = collection_name(settings) + "-manifest"
        self.where = f"{self.name} on the {_where(settings)}"
        client = chroma_client(settings)
        try:
            self.collection = client.get_or_create_collection(self.name, embedding_function=None)
        except Exception as err:  # noqa: BLE001
            raise IndexUnavailable(f"{_where(settings)}: {type(err).__name__}: {err}") from err
        # An index built before the manifest moved into Chroma still has its local file.
        self.legacy = FileManifests(manifest_path(settings))

    def _head(self) -> dict | None:
        got = self.collection.get(ids=[self.HEAD], include=["metadatas"])
        return got["metadatas"][0] if got["ids"] else None

    def read(self) -> Manifest | None:
        for _ in range(3):
            head = self._head()
            if head is None:
                return self.legacy.read()
            try:
                generation, count = str(head["generation"]), int(head["parts"])
            except (KeyError, TypeError, ValueError):
                raise ManifestDamaged(self.where, "its head record has no generation") from None
            ids = [f"{generation}:{n}" for n in range(count)]
            got = self.collection.get(ids=ids, include=["metadatas"])
            parts = {i: (m or {}).get("text") for i, m in zip(got["ids"], got["metadatas"], strict=True)}
            if all(isinstance(parts.get(i), str) for i in ids):
                return Manifest.parse("".join(parts[i] for i in ids), self.where)
            # A writer replaced this generation while we read: read the new head.
        raise ManifestDamaged(self.where, "parts of it are missing")

    def write(self, manifest: Manifest) -> None:
        text = manifest.model_dump_json()
        generation = uuid.uuid4().hex
        now = time.time()
        parts = [text[i : i + self.PART_CHARS] for i in range(0, len(text), self.PART_CHARS)]
        for group in batches(list(enumerate(parts)), 8):
            self.collection.add(
                ids=[f"{generation}:{n}" for n, _ in group],
                embeddings=[[0.0]] * len(group),
                metadatas=[{"text": part, "written": now} for _, part in group],
            )
        previous = self._head()
        self.collection.upsert(
            ids=[self.HEAD], embeddings=[[0.0]], metadatas=[{"generation": generation, "parts": len(parts)}]
        )
        old = str(previous["generation"]) + ":" if previous else None
        got = self.collection.get(include=["metadatas"])
        drop = [
            i
            for i, m in zip(got["ids"], got["metadatas"], strict=True)
            if i != self.HEAD
            and not i.startswith(generation + ":")
            and ((old and i.startswith(old)) or float((m or {}).get("written", 0)) < now - self.LEFTOVER_S)
        ]
        for part in batches(drop, max_batch(self.collection)):
            self.collection.delete(ids=part)

    def version(self) -> object:
        head = self._head()
        return head.get("generation") if head else self.legacy.version()

    def set_aside(self) -> str | None:
        return None  # the next write replaces it; its parts go with the generation it replaces


def manifest_path(settings: Settings) -> Path:
    return settings.index.data_dir / "index" / f"{collection_name(settings)}.json"


def manifest_store(settings: Settings) -> FileManifests | ChromaManifests:
    """Where the manifest lives: a file under `data_dir`, or Chroma itself in http mode."""
    if settings.vector_store.mode == "http":
        return ChromaManifests(settings)
    return FileManifests(manifest_path(settings))


def read_manifest(settings: Settings) -> Manifest | None:
    return manifest_store(settings).read()


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
class IngestPlan:
    """What an ingest will make of the index, worked out before anything is written."""

    corpus: Corpus
    papers: list[Paper]  # the index afterwards
    removed: list[Paper]  # indexed papers it drops (their files no longer hold them, or --replace)
    kept: list[Paper]  # indexed papers whose seed files were not read (gone, or another machine's)
    paths: list[str]
    files: list[str]
    old: Manifest | None
    replace: bool
    damaged: ManifestDamaged | None  # the old manifest could not be read: this ingest rebuilds it


def _resolved(paths: Iterable[Path | str]) -> list[Path]:
    return list(dict.fromkeys(Path(p).expanduser().resolve() for p in paths))


def plan_ingest(
    settings: Settings,
    paths: list[Path] | None = None,
    replace: bool = False,
    store: FileManifests | ChromaManifests | None = None,
) -> IngestPlan:
    """Read the seed files and decide what the index holds next.

    `paths` (default `corpus.paths`) are read together with every path earlier ingests recorded,
    so files are added to the index, and a changed or deleted file changes or drops exactly its
    papers. Papers whose files can't be read now (gone, or on another machine sharing the
    Chroma server) stay. `replace` makes the index exactly `paths`.
    """
    store = store or manifest_store(settings)
    damaged = None
    try:
        old = store.read()
    except ManifestDamaged as err:
        old, damaged = None, err
    given = _resolved(paths or settings.corpus.paths)
    recorded = [] if replace or old is None else _resolved(old.paths)
    # One order whichever path was named this time: it decides how duplicates merge (their
    # sources' order is part of a paper's hash), so the same files always make the same papers.
    read = sorted(set(given) | {p for p in recorded if p.exists()})
    corpus = load_corpus(read, settings.corpus.min_words, settings.corpus.max_abstract_chars)
    corpus.papers = apply_titles(corpus.papers, read_titles(titles_path(settings)))  # `ingest --titles`
    files = [str(f.resolve()) for f in iter_seed_files(read)]
    new_ids = {p.paper_id for p in corpus.papers}
    dropped = [p for p in (old.papers if old else []) if p.paper_id not in new_ids]
    if replace:
        removed, kept = dropped, []
    else:
        covered = _covered_by(read, files, old.files if old else [])
        removed = [p for p in dropped if covered(p)]
        kept = [p for p in dropped if not covered(p)]
    record = list(given)
    for path in (p for p in recorded if p not in given):
        if path.exists():
            record.append(path)
            continue
        n = sum(1 for p in kept if any(s.rsplit(":", 1)[0] in _names(old.files, path) for s in p.sources))
        if n:  # gone, or another machine's (a shared Chroma server); forgotten once nothing needs it
            record.append(path)
            corpus.warnings.append(
                IngestWarning(
                    str(path), 0, f"seed path not found here; its {n} papers stay indexed (`ingest --replace` drops them)"
                )
            )
    kept_names = {s.rsplit(":", 1)[0] for p in kept for s in p.sources}
    files += [f for f in (old.files if old else []) if f not in files and Path(f).name in kept_names]
    return IngestPlan(
        corpus=corpus,
        papers=corpus.papers + kept,
        removed=removed,
        kept=kept,
        paths=[str(p) for p in record],
        files=files,
        old=old,
        replace=replace,
        damaged=damaged,
    )


def _names(files: list[str], root: Path) -> set[str]:
    return {Path(f).name for f in files if Path(f) == root or Path(f).is_relative_to(root)}


def _covered_by(read: list[Path], files: list[str], old_files: list[str]):
    """Whether an indexed paper comes from a file this ingest reads (or from a file deleted from
    a folder it reads): then only what is read now keeps it in the index."""
    read_files = set(files)
    by_name: dict[str, list[str]] = {}
    for f in old_files:
        by_name.setdefault(Path(f).name, []).append(f)
    read_names = {Path(f).name for f in files}

    def covered(paper: Paper) -> bool:
        for source in paper.sources:
            name = source.rsplit(":", 1)[0]
            known = by_name.get(name)
            if not known:  # a manifest from before files were recorded: match by name
                if name in read_names:
                    return True
                continue
            for f in known:
                if f in read_files or any(Path(f).is_relative_to(root) for root in read):
                    return True
        return False

    return covered


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
    embed_model: BaseEmbedding,
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


def _write(
    plan: IngestPlan,
    settings: Settings,
    embed_model: BaseEmbedding,
    store: FileManifests | ChromaManifests,
    progress: bool,
) -> IngestReport:
    from llama_index.core.schema import TextNode
    from llama_index.vector_stores.chroma import ChromaVectorStore
    from tqdm import tqdm

    old, papers = plan.old, plan.papers
    old_hashes = old.hashes if old else {}
    new_hashes = {p.paper_id: p.content_hash for p in papers}
    changed = [p for p in papers if old_hashes.get(p.paper_id) != p.content_hash]
    kept_ids = {pid for pid, h in new_hashes.items() if old_hashes.get(pid) == h}
    kept_chunks = [c for c in (old.chunks if old else []) if c.paper_id in kept_ids]

    collection = open_collection(settings, create=True)
    vectors = ChromaVectorStore(chroma_collection=collection)
    new_chunks = chunk_papers(changed, settings, embed_model)
    all_chunks = kept_chunks + new_chunks
    # Every listed chunk is checked, not only new ones: vectors an interrupted ingest wrote are
    # reused, and vectors lost under unchanged papers (an emptied chroma.sqlite3) are restored.
    present = existing_ids(collection, [c.chunk_id for c in all_chunks])
    # Similar lengths in one batch waste less on padding (benchmarks/RESULTS.md).
    todo = sorted((c for c in all_chunks if c.chunk_id not in present), key=lambda c: len(c.text))
    restored = sum(1 for c in kept_chunks if c.chunk_id not in present)
    by_id = {p.paper_id: p for p in papers}
    batch = min(max(settings.embedding.batch_size, 1) * 4, max_batch(collection))
    with tqdm(
        total=len(todo),
        desc="embedding chunks",
        unit="chunk",
        disable=not progress or not todo,
        file=sys.stderr,
    ) as bar:
        for part in batches(todo, batch):
            texts = [embed_text(by_id[c.paper_id], c) for c in part]
            embeddings = embed_model.get_text_embedding_batch(texts)
            nodes = [
                TextNode(id_=c.chunk_id, text=c.text, metadata=chunk_metadata(by_id[c.paper_id]), embedding=v)
                for c, v in zip(part, embeddings, strict=True)
            ]
            vectors.add(nodes)
            bar.update(len(part))

    damaged_copy = store.set_aside() if plan.damaged else None
    store.write(Manifest(papers=papers, chunks=all_chunks, hashes=new_hashes, paths=plan.paths, files=plan.files))

    # Only now drop vectors the new manifest doesn't name: superseded versions and removed
    # papers. Vectors of papers no manifest ever listed here (a rebuilt manifest) stay, for an
    # ingest of their files to reuse, unless --replace asked for exactly these papers.
    live = {c.chunk_id for c in all_chunks}
    known = set(old_hashes) | set(new_hashes)
    stale, unknown = [], 0
    for i in all_ids(collection):
        if i in live:
            continue
        if plan.replace or i.rsplit(":", 2)[0] in known:
            stale.append(i)
        else:
            unknown += 1
    for part in batches(stale, max_batch(collection)):
        collection.delete(ids=part)

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
        collection = open_collection(settings, create=False)
    except IndexUnavailable:
        if settings.vector_store.mode == "http":
            raise  # the server is down, not the collection gone
        return len(ids)
    return len(ids) - len(existing_ids(collection, ids))


def is_current(plan: IngestPlan, settings: Settings) -> bool:
    """True when an ingest would change nothing: same papers, every listed vector present."""
    old = plan.old
    if old is None or plan.damaged or plan.removed:
        return False
    if old.hashes != {p.paper_id: p.content_hash for p in plan.papers}:
        return False
    return missing_vectors(settings, old) == 0


def index_status(papers: list[Paper], settings: Settings) -> str:
    """'missing', 'stale' or 'current' for the manifest against freshly parsed papers: stale when
    one of `papers` is not indexed as it is now (other indexed papers are fine)."""
    manifest = read_manifest(settings)
    if manifest is None:
        return "missing"
    return "current" if all(manifest.hashes.get(p.paper_id) == p.content_hash for p in papers) else "stale"
