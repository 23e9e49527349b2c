"""The Chroma index: naming, incremental re-ingest, interrupted ingests, and server mode."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SEEDS, free_port, make_settings, running_server

from abstractqa.assistant import Assistant
from abstractqa.index import IndexUnavailable, Manifest, collection_name, manifest_path, open_vector_store

CHROMA = Path(__file__).resolve().parents[1] / ".venv" / "bin" / "chroma"


def copy_seeds(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for f in SEEDS.glob("*.txt"):
        shutil.copy(f, target / f.name)
    return target


def vector_ids(settings) -> set[str]:
    return set(open_vector_store(settings, create=False)._collection.get(include=[])["ids"])


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
    got = open_vector_store(settings, create=False)._collection.get(
        ids=[manifest.chunks[0].chunk_id], include=["metadatas", "documents"]
    )
    meta = got["metadatas"][0]
    assert meta["paper_id"] == manifest.chunks[0].paper_id and "title" in meta and "source" in meta
    # Chunks are whole sentences of the abstract.
    paper = next(p for p in manifest.papers if p.paper_id == manifest.chunks[0].paper_id)
    assert got["documents"][0] in paper.abstract
    assert vector_ids(settings) == {c.chunk_id for c in manifest.chunks}


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

    from abstractqa.embedder import OnnxEmbedding
    from abstractqa.index import load_embedder

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # a fresh export
    torch_model = load_embedder(make_settings(tmp_path, embedding={"backend": "torch"}).embedding)
    onnx_model = load_embedder(make_settings(tmp_path, embedding={"backend": "onnx"}).embedding)
    assert isinstance(onnx_model, OnnxEmbedding) and list((tmp_path / "cache").rglob("model.onnx"))
    assert list((tmp_path / "cache").rglob("tokenizer.json"))  # what run time tokenizes with
    ref, got = _vectors(torch_model), _vectors(onnx_model)
    assert np.min(np.sum(ref * got, axis=1)) > 0.9999
    query = np.asarray(onnx_model.get_query_embedding("what does I-JEPA predict?"))
    assert int(np.argmax(got @ query)) == 1

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
