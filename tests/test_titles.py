"""LLM titles: written once per abstract, checked against it, cached, applied on read."""

from __future__ import annotations

from conftest import make_settings

from abstractqa.assistant import Assistant
from abstractqa.titles import abstract_key, apply_titles, check_title, derive_title, read_titles, titles_path

ABSTRACT = (
    "Deep learning has made breakthroughs. Neural Architecture Search (NAS) is a revolutionary algorithm, "
    "and in this survey we provide a new perspective on NAS work."
)


def test_a_title_must_use_the_abstracts_own_words():
    assert check_title("A Survey of Neural Architecture Search", ABSTRACT) == ""
    assert "AlphaFold" in check_title("AlphaFold for Neural Architecture Search", ABSTRACT)
    assert "2024" in check_title("Neural Architecture Search in 2024", ABSTRACT)
    assert check_title("", ABSTRACT) == "0 words"
    # "3D" is one word in the abstract and in the title, not "3" and a stray "D".
    assert check_title("3D Camera Controls", "We add virtual 3D camera controls to video models.") == ""
    # Hyphens either way: "Large-Scale" for "large scale", "Data" from "Data-Augmentation".
    assert check_title("Large-Scale Data Pretraining without Labels", "Data-Augmentation at large scale; pretraining, labels.") == ""
    assert "Scene-Specific" in check_title("Scene-Specific Enhancement", "We enhance speech in a scene.")


def test_titles_are_written_checked_cached_and_applied(tmp_path, embed_model):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "two.txt").write_text(
        f"Abstract:{ABSTRACT}\n"
        "Abstract:We present Movie Gen, a cast of foundation models that generates high-quality videos "
        "with synchronized audio from text prompts and images.\n",
        encoding="utf-8",
    )
    settings = make_settings(
        tmp_path / "data", corpus={"paths": [seeds]}, answer={"mode": "llamacpp", "bundled_model": "smollm2-135m"}
    )
    assistant = Assistant(settings, embed_model=embed_model)
    counts = assistant.write_titles(progress=False)
    # Only the unnamed paper is titled; Movie Gen keeps its own name.
    assert counts["written"] + counts["rejected"] == 1 and counts["cached"] == 0
    cached = read_titles(titles_path(assistant.settings))
    title = cached[abstract_key(ABSTRACT)]  # asked once, and remembered either way
    papers = {p.abstract[:10]: p for p in assistant.read_corpus().papers}
    assert papers["We present"].title == "Movie Gen"
    if title:
        assert check_title(title, ABSTRACT) == "" and papers["Deep learn"].title == title
    else:  # rejected: the rule-derived title stays
        assert papers["Deep learn"].title == derive_title(ABSTRACT, [])
    assert assistant.write_titles(progress=False) == {"written": 0, "rejected": 0, "cached": 1}
    # With every paper asked about, no model is loaded: one that can't be loaded is not noticed.
    unloadable = make_settings(
        tmp_path / "data", corpus={"paths": [seeds]}, answer={"mode": "llamacpp", "model_path": str(tmp_path / "none.gguf")}
    )
    assert Assistant(unloadable, embed_model=embed_model).write_titles(progress=False)["cached"] == 1


def test_a_broken_cache_leaves_the_derived_titles(tmp_path):
    path = tmp_path / "titles.json"
    path.write_text("[not json", encoding="utf-8")
    assert read_titles(path) == {}
    assert apply_titles([], read_titles(path)) == []


def test_a_survey_is_titled_by_what_it_surveys():
    survey = (
        "Deep learning (DL) is greedy for data. Deep active learning (DAL) has emerged. "
        "Although the related research has been quite abundant, it lacks a comprehensive survey of DAL."
    )
    assert derive_title(survey, []) == "Survey of Deep active learning (DAL)"
    # No definition of the acronym in the abstract: no survey title is made up.
    assert not derive_title("A survey of the NAS field is essential, so we present one here.", []).startswith("Survey of")


def test_a_name_leading_the_title_names_the_paper():
    from abstractqa.names import CollectionNames
    from abstractqa.types import Paper

    text = (
        "We present a simplified, task-agnostic multi-modal pre-training approach for video and text. "
        "Code is made available at https://github.com/pytorch/fairseq/tree/main/examples/MMPT."
    )
    paper = Paper(paper_id="h1", title="Simplified, task-agnostic multi-modal…", abstract=text, sources=["seeds.txt:1"])
    titled = apply_titles([paper], {abstract_key(text): "MMPT: Simplified Multi-Modal Pre-Training"})[0]
    assert titled.aliases == ["MMPT"]
    assert CollectionNames([titled]).read("who wrote mmpt?").named == [titled.paper_id]
    plain = apply_titles([paper], {abstract_key(text): "Simplified Multi-Modal Pre-Training"})[0]
    assert plain.aliases == [] and plain.title == "Simplified Multi-Modal Pre-Training"
