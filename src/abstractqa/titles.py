"""Titles written by the LLM once per abstract, checked against it, cached with the index.

Abstracts carry no titles. A paper that introduces a named method keeps that name
("I-JEPA"); for the others the LLM writes a short title at ingest
(`abstractqa ingest --titles`). A title is kept only when every word and number in it
stands in the abstract, so it can't name something the paper doesn't say. Titles are
cached in `<data_dir>/titles.json`, keyed by a hash of the abstract, and applied whenever
the corpus is read; without the cache the rule-derived title stays.
"""

from __future__ import annotations

import json
import re
from hashlib import sha1
from pathlib import Path
from typing import TYPE_CHECKING

from abstractqa import prompts
from abstractqa.evidence import STOPWORDS, stem

if TYPE_CHECKING:
    from abstractqa.config import Settings
    from abstractqa.llm import ChatLLM
    from abstractqa.types import Paper

MAX_WORDS = 12


def titles_path(settings: Settings) -> Path:
    return settings.index.data_dir / "titles.json"


def abstract_key(abstract: str) -> str:
    return sha1(" ".join(abstract.split()).encode()).hexdigest()[:16]


def read_titles(path: Path) -> dict[str, str]:
    """The cached titles; an unreadable cache is treated as empty (titles are a convenience)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(data, dict) else {}


def apply_titles(papers: list[Paper], titles: dict[str, str]) -> list[Paper]:
    """Papers with their cached LLM title, except those named after their own method."""
    return [
        p.model_copy(update={"title": titles[key]}) if not p.aliases and (key := abstract_key(p.abstract)) in titles else p
        for p in papers
    ]


def check_title(title: str, abstract: str) -> str:
    """Why `title` can't be used for `abstract` ("" when it can)."""
    words = re.findall(r"[A-Za-z0-9][\w\-]*", title)  # "3D" is one word, as the abstract reads it
    if not words or len(words) > MAX_WORDS:
        return f"{len(words)} words"
    stems = {stem(w) for w in re.findall(r"[a-z0-9][\w\-]*", abstract.casefold())}
    strange = [w for w in words if w.casefold() not in STOPWORDS and stem(w.casefold()) not in stems]
    return f"not in the abstract: {', '.join(strange)}" if strange else ""


def write_titles(papers: list[Paper], llm: ChatLLM, path: Path, progress: bool = True) -> dict[str, int]:
    """Ask the LLM for a title for every unnamed paper not yet cached; keep the ones that check."""
    titles = read_titles(path)
    counts = {"written": 0, "rejected": 0, "cached": 0}
    todo = [p for p in papers if not p.aliases]
    for i, paper in enumerate(todo, 1):
        key = abstract_key(paper.abstract)
        if key in titles:
            counts["cached"] += 1
            continue
        reply = llm.complete(
            [
                {"role": "system", "content": prompts.TITLE_SYSTEM},
                {"role": "user", "content": prompts.TITLE_USER.format(abstract=paper.abstract)},
            ],
            max_tokens=32,
        )
        title = reply.strip().splitlines()[0].strip(" \"'*.#") if reply.strip() else ""
        if why := check_title(title, paper.abstract):
            counts["rejected"] += 1
            if progress:
                print(f"  [{i}/{len(todo)}] rejected {title!r}: {why}")
            continue
        titles[key] = title
        counts["written"] += 1
        if progress:
            print(f"  [{i}/{len(todo)}] {title}")
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".json.tmp")
        partial.write_text(json.dumps(titles, indent=1, ensure_ascii=False), encoding="utf-8")
        partial.replace(path)  # each title is kept as soon as it is written
    return counts
