"""Structures derived from the index and kept for the next start: the BM25 index and the name
tables (paper names, ids, authors, URLs and the spelling vocabulary).

Each is keyed by what it was built from, so a changed index never reads a stale one: a key
that doesn't match, a missing or unreadable file, is a rebuild (and a save), never an error.
Where they live: `abstractqa.vector_store.bm25_dir` and `tables_path`.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from hashlib import sha1
from pathlib import Path
from typing import TYPE_CHECKING

from abstractqa.types import Chunk, Paper

if TYPE_CHECKING:
    from abstractqa.names import CollectionNames, Speller
    from abstractqa.retrieve import Bm25

log = logging.getLogger(__name__)

# Bump when bm25_text or the BM25 settings change: a persisted index of another format is rebuilt.
BM25_FORMAT = 4
# Bump when CollectionNames.tables() or Speller.vocabulary() change shape or meaning.
TABLES_FORMAT = 6


def _bm25_key(chunks: list[Chunk]) -> str:
    # Chunk ids hold the paper's content hash: any change to a paper or its chunks changes the key.
    digest = sha1(f"bm25 v{BM25_FORMAT}".encode())
    for c in chunks:
        digest.update(c.chunk_id.encode() + b"\n")
    return digest.hexdigest()


def load_bm25(folder: Path, chunks: list[Chunk], top_k: int) -> Bm25 | None:
    """The BM25 index persisted for exactly these chunks, or None (missing, stale, unreadable).

    Loading it beats re-tokenizing every chunk at every size measured, from the seeds' 117
    chunks (6 vs 41 ms) to 100,000 papers (benchmarks/RESULTS.md).
    """
    import bm25s

    from abstractqa.retrieve import Bm25

    try:
        if json.loads((folder / "abstractqa.json").read_text(encoding="utf-8")).get("key") != _bm25_key(chunks):
            return None
        bm25 = bm25s.BM25.load(str(folder), show_progress=False)
    except (OSError, ValueError):
        return None
    # The key names the chunks in order: row i of the index is chunks[i].
    return Bm25(bm25, [c.chunk_id for c in chunks], top_k)


def save_bm25(index: Bm25, folder: Path, chunks: list[Chunk]) -> None:
    """Persist `index` for these chunks: written aside, then renamed into place."""
    tmp = folder.with_name(f"{folder.name}.tmp-{os.getpid()}")
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        index.bm25.save(str(tmp), show_progress=False)
        (tmp / "abstractqa.json").write_text(json.dumps({"key": _bm25_key(chunks)}), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)
    except OSError as err:  # a read-only data dir costs a rebuild next time, nothing else
        log.warning("could not keep the BM25 index in %s: %s", folder, err)
        shutil.rmtree(tmp, ignore_errors=True)


def _tables_key(papers: list[Paper], chunks: list[Chunk]) -> str:
    # Paper ids in order (the first paper to give a URL owns it), then chunk ids: each holds its
    # paper's content hash, so any change to a paper's record changes the key.
    text = "\n".join([f"tables v{TABLES_FORMAT}", *(p.paper_id for p in papers), *(c.chunk_id for c in chunks)])
    return sha1(text.encode()).hexdigest()


def load_tables(path: Path, papers: list[Paper], chunks: list[Chunk]) -> dict | None:
    """{"names": ..., "speller": ...} kept for exactly these papers, or None (missing, stale,
    unreadable). Reading them back beats rebuilding at every size measured (names + spelling
    vocabulary, median, 2-core machine): seeds 1.0 vs 4.1 ms, 10,000 synthetic papers 7 ms vs
    0.67 s, 100,000 92 ms vs 6.5 s (the vocabulary's accent folding of every abstract is most
    of a rebuild); benchmarks/scale.py prints both for each size."""
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        if kept.get("key") != _tables_key(papers, chunks):
            return None
        return {"names": kept["names"], "speller": kept["speller"]}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def save_tables(
    path: Path, papers: list[Paper], chunks: list[Chunk], names: CollectionNames, speller: Speller
) -> None:
    """Keep the tables for these papers: written aside, then renamed into place."""
    data = {"key": _tables_key(papers, chunks), "names": names.tables(), "speller": speller.vocabulary()}
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as err:  # a read-only data dir costs a rebuild next time, nothing else
        log.warning("could not keep the name tables in %s: %s", path, err)
        tmp.unlink(missing_ok=True)
