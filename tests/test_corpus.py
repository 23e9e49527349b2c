"""Parsing the three seed layouts, merging duplicates, and surviving bad files."""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import abstractqa.corpus as corpus_module
from abstractqa.corpus import detect_format, load_corpus, read_lines
from abstractqa.titles import derive_title, find_names

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
ABSTRACT = (
    "We propose Masked Siamese Networks (MSN), a self-supervised learning framework for learning "
    "image representations. Our approach matches the representation of an image view containing "
    "randomly masked patches to the representation of the original unmasked image."
)
OTHER = (
    "We present VideoCLIP, a contrastive approach to pre-train a unified model for zero-shot video "
    "and text understanding, without using any labels on downstream tasks at all."
)


@pytest.fixture(scope="module")
def seeds():
    return load_corpus([SEEDS])


def by_title(corpus, title):
    return next(p for p in corpus.papers if p.title == title)


def test_seed_corpus_counts(seeds):
    # 48 records in the five files; five abstracts appear twice. The issue text says 44
    # distinct papers, but the files hold 43 (000:9 + 001:10 + 002:12 + 003:7 + 004:10 - 5).
    assert seeds.records_read == 48
    assert seeds.merged == 5
    assert len(seeds.papers) == 43
    assert seeds.warnings == []
    assert len({p.paper_id for p in seeds.papers}) == 43


def test_each_layout_is_detected_from_content(seeds):
    layouts = {}
    for path in sorted(SEEDS.glob("*.txt")):
        layouts[path.name[:3]] = detect_format(read_lines(path, path.name, []))
    assert layouts == {
        "000": "abstract-lines",
        "001": "abstract-lines",
        "002": "author-pairs",
        "003": "abstract-lines",
        "004": "blocks",
    }


def test_duplicates_merge_sources_and_metadata(seeds):
    ijepa = by_title(seeds, "I-JEPA")
    assert ijepa.sources == ["000_9d42e136c95304f2.txt:7", "004_d3f9bdb78b09b577.txt:13"]
    assert ijepa.arxiv_id == "2301.08243"  # only file 004 knows it
    assert ijepa.created == "2023-01-19"
    assert ijepa.paper_id == "2301.08243"
    movie_gen = by_title(seeds, "Movie Gen")
    assert movie_gen.sources == ["000_9d42e136c95304f2.txt:1", "001_125bb6aff8a3cd17.txt:2"]
    assert movie_gen.paper_id.startswith("h") and movie_gen.arxiv_id is None
    multi = [p for p in seeds.papers if len(p.sources) > 1]
    assert len(multi) == 5


def test_author_pairs_and_blocks_metadata(seeds):
    metaclip = by_title(seeds, "MetaCLIP")
    assert metaclip.authors[0] == "Hu Xu" and "Christoph Feichtenhofer" in metaclip.authors
    assert metaclip.sources == ["002_02727ac36bacab6d.txt:16"]
    assert "https://github.com/facebookresearch/MetaCLIP" in metaclip.urls
    cutler = by_title(seeds, "CutLER")
    assert cutler.arxiv_id == "2301.11320" and cutler.created == "2023-01-26"
    assert "https://github.com/facebookresearch/CutLER" in cutler.urls
    assert "http://people.eecs.berkeley.edu/~xdwang/projects/CutLER/" in cutler.urls
    # The notes paragraph is metadata, not part of the abstract.
    assert "Tech report" not in cutler.abstract
    dinov2 = next(p for p in seeds.papers if "Maxime Oquab" in p.authors)
    assert "Timothée Darcet" in dinov2.authors and len(dinov2.authors) == 26


def test_titles_prefer_the_methods_own_name(seeds):
    titles = {p.title for p in seeds.papers}
    for name in [
        "I-JEPA",
        "MetaCLIP",
        "Movie Gen",
        "MSN",
        "VideoCLIP",
        "CutLER",
        "LaViLa",
        "FACET",
        "MoViNets",
    ]:
        assert name in titles
    # The paper that only *extends* MSN must not be named MSN.
    assert sum(p.title == "MSN" for p in seeds.papers) == 1
    assert all(0 < len(t) <= 90 for t in titles)


def test_find_names_and_fallback_title():
    assert find_names(ABSTRACT)[:2] == ["MSN", "Masked Siamese Networks"]
    assert find_names(OTHER) == ["VideoCLIP"]
    title = derive_title(
        "We propose a simple method for counting sheep in large fields of grass. It works.", []
    )
    assert title.startswith("Simple method for counting sheep") or title.startswith(
        "Method for counting sheep"
    )
    # A lower-case name the paper introduces, and the thing after "a new problem --".
    assert derive_title("Sheep are hard to count. We introduce flock hashing, in which we hash.", []) == (
        "Flock hashing"
    )
    assert derive_title("We introduce a novel problem -- counting sheep in fog.", []) == "Counting sheep in fog"
    # A truncated title never ends on a dangling word ("... without any…").
    long = "We train models on billions of random images without any data curation at all."
    assert derive_title(long, []) == "Models on billions of random images…"


def test_bad_files_warn_and_the_rest_ingests(tmp_path):
    (tmp_path / "good.txt").write_text(f"Abstract:{ABSTRACT}\nAbstract:{OTHER}\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 50)
    (tmp_path / "prose.txt").write_text("just some words\n\nmore words here\n", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes(
        ("Abstract:" + ABSTRACT.replace("image", "imag\xe9", 1) + "\n").encode("latin-1")
    )
    (tmp_path / "truncated.txt").write_text(f"Abstract:{OTHER}\nAbstract:We propose\n", encoding="utf-8")
    (tmp_path / "pairs.txt").write_text(
        f"Ada Lovelace, Alan Turing\n{OTHER} Extra.\nGrace Hopper\n", encoding="utf-8"
    )
    corpus = load_corpus([tmp_path])
    messages = [str(w) for w in corpus.warnings]
    assert any(m.startswith("empty.txt: empty file") for m in messages)
    assert any(m.startswith("binary.txt: binary file") for m in messages)
    assert any(m.startswith("prose.txt: matches none of the known layouts") for m in messages)
    assert any(m.startswith("latin1.txt:1: invalid UTF-8 byte 0xe9") for m in messages)
    assert any(m.startswith("truncated.txt:2: truncated record") for m in messages)
    assert any(m.startswith("pairs.txt:3:") and "author list with no abstract" in m for m in messages)
    # Every readable record made it in, including the one with a replaced byte.
    titles = sorted(p.title for p in corpus.papers)
    assert "MSN" in titles and "VideoCLIP" in titles
    assert corpus.skipped == 2


def test_blocks_without_notes_and_windows_newlines(tmp_path):
    text = f"{ABSTRACT}\r\n\r\narXiv:2204.07141\r\nCreated: 2022-04-14\r\n\r\n{OTHER}\r\n\r\nProject page: https://example.org/v .\r\n\r\narXiv:2109.14084\r\nCreated: 2021-09-28\r\n"
    (tmp_path / "blocks.txt").write_text(text, encoding="utf-8", newline="")
    corpus = load_corpus([tmp_path])
    assert [(p.arxiv_id, p.created) for p in corpus.papers] == [
        ("2204.07141", "2022-04-14"),
        ("2109.14084", "2021-09-28"),
    ]
    assert corpus.papers[1].urls == ["https://example.org/v"]
    assert corpus.papers[1].sources == ["blocks.txt:6"]


def test_missing_path_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope"):
        load_corpus([tmp_path / "nope"])


def _without_root_file_access() -> None:
    """Run as root, the reader would open any file: drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH
    (prctl PR_CAPBSET_DROP before exec), so mode 000 means what it means for everyone else."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):
        if libc.prctl(24, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_an_unreadable_file_warns_and_the_rest_ingests(tmp_path):
    """A seed file the reader may not open (mode 000) is named and skipped, not a traceback."""
    (tmp_path / "good.txt").write_text(f"Abstract:{ABSTRACT}\n", encoding="utf-8")
    locked = tmp_path / "locked.txt"
    locked.write_text(f"Abstract:{OTHER}\n", encoding="utf-8")
    locked.chmod(0)
    script = (
        "import json, sys; from pathlib import Path; from abstractqa.corpus import load_corpus; "
        "c = load_corpus([Path(sys.argv[1])]); "
        "print(json.dumps([[p.title for p in c.papers], [str(w) for w in c.warnings]]))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(corpus_module.__file__).parents[1])},  # this abstractqa
        timeout=120,
        preexec_fn=_without_root_file_access,
    )
    assert proc.returncode == 0, proc.stderr
    titles, warnings = json.loads(proc.stdout)
    assert titles == ["MSN"]
    assert warnings == ["locked.txt: cannot be read (Permission denied), skipped"]


def test_an_overlong_record_is_skipped_with_a_warning(tmp_path):
    """The issue's 5 MB line would have become one abstract of 11,804 chunks."""
    huge = "We measure things carefully. " * 180_000
    (tmp_path / "huge.txt").write_text(f"Abstract:{ABSTRACT}\nAbstract:{huge}\nAbstract:{OTHER}\n", encoding="utf-8")
    corpus = load_corpus([tmp_path])
    assert [p.title for p in corpus.papers] == ["MSN", "VideoCLIP"]
    assert [str(w) for w in corpus.warnings] == [
        f"huge.txt:2: record of {len(huge.strip()):,} characters is longer than "
        "corpus.max_abstract_chars (20,000), skipped"
    ]
    assert corpus.skipped == 1
    # The limit is a setting (corpus.max_abstract_chars), and the assistant reads with it.
    from conftest import make_settings

    from abstractqa.assistant import Assistant

    settings = make_settings(tmp_path / "data", corpus={"paths": [tmp_path], "max_abstract_chars": 200})
    short = Assistant(settings, embed_model=object()).read_corpus()
    assert [p.title for p in short.papers] == ["VideoCLIP"]  # MSN's 277 characters are too many now


def test_a_metadata_line_before_any_abstract_is_a_warning():
    from abstractqa.corpus import parse_blocks

    warnings = []
    records = parse_blocks(["Created: 2022-04-14", "", ABSTRACT, "", "arXiv:2204.07141"], "x.txt", warnings)
    assert [(w.line, w.message) for w in warnings] == [(1, "Created line with no abstract before it")]
    assert len(records) == 1 and records[0].arxiv_id == "2204.07141" and records[0].created is None
