"""Structures kept beside the index for the next start: the name tables and spelling vocabulary."""

from __future__ import annotations

import json

from conftest import make_settings

from abstractqa.assistant import Assistant
from abstractqa.embedder import model_vocabulary
from abstractqa.index import Manifest, manifest_path
from abstractqa.names import CollectionNames, Speller
from abstractqa.retrieve import PaperRetriever
from abstractqa.vector_store import open_collection, tables_path


def test_name_tables_are_kept_at_first_start_and_read_back_at_the_next(index_copy, embed_model):
    settings = make_settings(index_copy)
    path = tables_path(settings)
    path.unlink(missing_ok=True)
    first = Assistant(settings, embed_model=embed_model).retriever
    assert path.is_file()
    manifest = Manifest.read(manifest_path(settings))
    rebuilt_names = CollectionNames(manifest.papers, common_words=model_vocabulary(embed_model))
    rebuilt_speller = Speller([p.abstract for p in manifest.papers], [a for p in manifest.papers for a in p.aliases])
    assert first.names.tables() == rebuilt_names.tables()

    # Mark the kept file: a start that reads it knows the marks, one that rebuilds does not.
    kept = json.loads(path.read_text(encoding="utf-8"))
    kept["names"]["exact"]["ZQNET"] = [manifest.papers[0].paper_id]
    kept["speller"]["known"].append("zqwordly")
    path.write_text(json.dumps(kept), encoding="utf-8")
    again = Assistant(settings, embed_model=embed_model).retriever
    assert again.names.is_name("ZQNET") and "zqwordly" in again.speller.known
    assert again.names.read("How does ZQNET work?").named == [manifest.papers[0].paper_id]
    # Apart from the marks, what was read is what a rebuild makes.
    vocabulary = again.speller.vocabulary()
    vocabulary["known"].remove("zqwordly")
    assert vocabulary == rebuilt_speller.vocabulary()
    assert again.correct("quantizaton of transformrs") == first.correct("quantizaton of transformrs")


def test_name_tables_are_rebuilt_when_the_index_changes_or_the_file_is_damaged(index_copy, embed_model):
    settings = make_settings(index_copy)
    path = tables_path(settings)
    _ = Assistant(settings, embed_model=embed_model).retriever  # keeps the tables
    kept = json.loads(path.read_text(encoding="utf-8"))
    kept["names"]["exact"]["ZQNET"] = [kept["names"]["by_arxiv"].popitem()[1]]
    path.write_text(json.dumps(kept), encoding="utf-8")

    manifest = Manifest.read(manifest_path(settings))
    dropped = next(p for p in manifest.papers if p.aliases)
    papers = [p for p in manifest.papers if p.paper_id != dropped.paper_id]
    chunks = [c for c in manifest.chunks if c.paper_id != dropped.paper_id]
    store = open_collection(settings, create=False)

    def start():
        return PaperRetriever(store, embed_model, papers, chunks, settings.retrieve, tables_path=path)

    fewer = start()
    assert not fewer.names.is_name("ZQNET")  # another index: the mark was not read
    assert fewer.names.tables() == CollectionNames(papers, common_words=model_vocabulary(embed_model)).tables()
    assert json.loads(path.read_text(encoding="utf-8"))["key"] != kept["key"]  # kept again, for these papers
    assert not any(dropped.paper_id in ids for ids in fewer.names.tables()["exact"].values())

    for damage in ("{not json", json.dumps({**kept, "key": json.loads(path.read_text())["key"], "names": {}})):
        path.write_text(damage, encoding="utf-8")
        assert start().names.tables() == CollectionNames(papers, common_words=model_vocabulary(embed_model)).tables()
        assert "by_arxiv" in json.loads(path.read_text(encoding="utf-8"))["names"]  # rewritten whole
