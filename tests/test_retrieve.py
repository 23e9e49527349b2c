"""Hybrid retrieval over the real seed index: names, metadata, comparisons and recall."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from abstractqa.names import CollectionNames, fold

EVALS = Path(__file__).resolve().parents[1] / "evals"


def titles(results):
    return [e.paper.title for e in results]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How does MSN differ from I-JEPA?", {"MSN", "I-JEPA"}),
        ("Compare VideoCLIP and LaViLa", {"VideoCLIP", "LaViLa"}),
        ("Is Emu Video better than Movie Gen at text-to-video?", {"Emu Video", "Movie Gen"}),
        ("EfficientSAM versus CutLER for segmentation", {"EfficientSAMs", "CutLER"}),
    ],
)
def test_comparison_questions_retrieve_every_named_paper(assistant, question, expected):
    top = titles(assistant.search(question, k=5))
    assert expected <= set(top[: len(expected)]), top


def test_named_short_form_does_not_match_inside_words(assistant):
    names = CollectionNames(assistant.papers())
    assert names.read("How does MSN differ from I-JEPA?").named[:2] == [
        next(p.paper_id for p in assistant.papers() if p.title == "MSN"),
        "2301.08243",
    ]
    assert names.read("the msn.com homepage and transMSNer").named == []
    # "Emu Video" is one name, not "Emu" plus something else.
    emu_video = names.read("What does Emu Video do?").named
    assert [assistant.retriever.papers[p].title for p in emu_video] == ["Emu Video"]
    # Typed without its hyphen or space: "ijepa", "moviegen".
    assert names.read("how is ijepa different from mae").named == ["2301.08243"]
    assert [assistant.retriever.papers[p].title for p in names.read("moviegen size").named] == ["Movie Gen"]


def test_arxiv_id_question(assistant):
    results = assistant.search("Which paper is arXiv 2301.08243?")
    assert results[0].paper.title == "I-JEPA" and results[0].reason == "arxiv"


def test_a_url_in_the_question_finds_its_paper(assistant):
    # as the answer stage reads it: the link names the paper; it asks for no papers with a link
    hits = assistant.search("the paper with the project page tinglok.netlify.app")
    assert hits[0].paper.urls and "tinglok.netlify.app" in hits[0].paper.urls[0], [h.paper.title for h in hits]


def test_created_in_month(assistant):
    results = assistant.search("papers created in January 2023")
    dated = [e for e in results if e.reason == "date"]
    assert {e.paper.title for e in dated} == {"I-JEPA", "CutLER", "RoB"}
    assert results[: len(dated)] == dated


def test_created_on_day(assistant):
    results = assistant.search("What was posted on 2022-10-13?")
    assert {e.paper.arxiv_id for e in results if e.reason == "date"} == {"2210.07277", "2210.07181"}


def test_papers_by_author_lists_all_of_them(assistant):
    results = assistant.search("papers by Hu Xu")
    by_author = [e for e in results if e.reason == "author"]
    assert len(by_author) == 6
    assert all("Hu Xu" in e.paper.authors for e in by_author)
    # Typed without the accent, matched all the same.
    darcet = assistant.search("work by Timothee Darcet")
    assert darcet[0].reason == "author" and "Timothée Darcet" in darcet[0].paper.authors


def test_author_and_topic_together(assistant):
    results = assistant.search("Which paper by Tingle Li is about speech?")
    assert results[0].reason == "author" and "Tingle Li" in results[0].paper.authors


def test_who_wrote_a_named_method(assistant):
    results = assistant.search("who wrote MetaCLIP")
    assert results[0].paper.title == "MetaCLIP"
    assert "Hu Xu" in results[0].paper.authors


def test_explicit_filters(assistant):
    results = assistant.search("self-supervised learning", date_from="2022-10-01", date_to="2023-12-31")
    assert results and all(e.paper.created and "2022-10-01" <= e.paper.created for e in results)
    results = assistant.search("video", authors=["Florian Metze"])
    assert results and all("Florian Metze" in e.paper.authors for e in results)


def test_one_paper_cannot_crowd_out_others(assistant):
    results = assistant.search("video generation", k=5)
    assert len({e.paper.paper_id for e in results}) == 5
    assert all(len(e.passages) <= assistant.settings.retrieve.passages_per_paper for e in results)


def test_a_lexical_search_finds_only_papers_that_write_the_words(assistant):
    found = assistant.retriever.search("ensembling", k=10, lexical=True)
    # every abstract that writes the word (stemmed: "ensembles", "ensemble"), and no other
    writing = {p.paper_id for p in assistant.papers() if "ensembl" in p.abstract.casefold()}
    assert {e.paper.paper_id for e in found} == writing and len(writing) == 4
    assert assistant.retriever.search("zebrafish", lexical=True) == []


def test_fold_is_accent_and_case_insensitive():
    assert fold("Hervé JEGOU") == fold("herve jegou")


def gold_ids(question, papers):
    return {p.paper_id for ev in question["evidence"] for p in papers if ev in p.abstract}


@pytest.mark.parametrize("name", ["questions.jsonl", "heldout.jsonl"])
def test_recall_at_5_on_question_sets(assistant, name):
    """The issue's target: recall@5 of gold papers >= 0.95 (plain dense reaches about 0.86)."""
    papers = assistant.papers()
    questions = [
        json.loads(line) for line in (EVALS / name).read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    recalls = []
    for q in questions:
        if not q["answerable"] or q.get("follow_up_of"):
            continue  # follow-ups are measured through the assistant, with history
        gold = gold_ids(q, papers)
        assert gold, q["id"]
        top = {e.paper.paper_id for e in assistant.search(q["question"], k=5)[:5]}
        recalls.append(len(gold & top) / len(gold))
    recall = sum(recalls) / len(recalls)
    print(f"{name}: recall@5 = {recall:.3f} over {len(recalls)} questions")
    assert recall >= 0.95


def test_concurrent_searches_keep_their_own_dense_scores(assistant):
    """Sessions search at once (the app answers 4 at a time): each result carries the dense
    scores of its own question, never those of a question another thread asked meanwhile."""
    from concurrent.futures import ThreadPoolExecutor

    questions = [
        "How does MSN differ from I-JEPA?",
        "How many GPUs were used to train I-JEPA?",
        "Which papers generate video from text?",
        "What does MetaCLIP curate?",
        "How much memory does MoViNets save?",
        "Which method segments objects without labels?",
        "What is the capital of France?",
        "speech separation with audio and video",
    ]

    def scores(question):
        return [(e.paper.paper_id, round(e.dense_score, 4)) for e in assistant.search(question, k=5)]

    expected = {q: scores(q) for q in questions}
    assert all(any(s > 0 for _, s in expected[q]) for q in questions)
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda q: (q, scores(q)), questions * 6))
    wrong = [q for q, result in got if result != expected[q]]
    assert not wrong, f"{len(wrong)} of {len(got)} concurrent searches got another question's scores"
