"""The manifest: which papers and chunk ids make up the index, and the plan of the next ingest.

The manifest lists the papers, the chunk ids that make up the current index and the seed paths
that built it. It is a file (`<data_dir>/index/<collection>.json`) in persistent mode and a
small collection on the server in http mode (so app servers on several machines share one
index), replaced atomically. Readers trust only the chunk ids it lists.

`plan_ingest` reads the seed files against it and decides, before anything is written, what
the index holds next.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from abstractqa.config import Settings
from abstractqa.corpus import Corpus, IngestWarning, iter_seed_files, load_corpus
from abstractqa.titles import apply_titles, read_titles, titles_path
from abstractqa.types import Chunk, Paper
from abstractqa.vector_store import IndexUnavailable, Vectors, batches, chroma_client, collection_name, where

MANIFEST_VERSION = 1


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
        self.where = f"{self.name} on the {where(settings)}"
        client = chroma_client(settings)
        try:
            self.vectors = Vectors(client, client.get_or_create_collection(self.name, embedding_function=None))
        except Exception as err:  # noqa: BLE001
            raise IndexUnavailable(f"{where(settings)}: {type(err).__name__}: {err}") from err
        self.collection = self.vectors.collection
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
        self.vectors.delete(drop)

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
# The plan of an ingest


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
