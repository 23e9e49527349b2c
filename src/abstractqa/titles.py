"""Names and titles: the method names an abstract defines, and a title for each paper.

Abstracts carry no titles. `find_names` reads the names an abstract introduces ("Masked
Siamese Networks (MSN)"); a paper that has one is titled by it ("I-JEPA"). For the others
`derive_title` takes the gist of the contribution sentence, and the LLM can write a short
title at ingest instead (`abstractqa ingest --titles`). A title is kept only when every word and number in it
stands in the abstract, so it can't name something the paper doesn't say. Titles are
cached in `<data_dir>/titles.json`, keyed by a hash of the abstract, and applied whenever
the corpus is read; without the cache the rule-derived title stays.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from hashlib import sha1
from pathlib import Path
from typing import TYPE_CHECKING

from abstractqa import prompts
from abstractqa.evidence import STOPWORDS, split_sentences, stem

if TYPE_CHECKING:
    from abstractqa.config import Settings
    from abstractqa.llm import ChatLLM
    from abstractqa.types import Paper

_VERB = r"(?:present|presents|propose|proposes|introduce|introduces|call our method|develop)"
_ARTICLE = r"(?:(?:the|a|an|a new|a novel|a new benchmark named|a method called)\s+)?"
# "We propose Masked Siamese Networks (MSN)" / "named FACET (FAirness ...)"
_LONG_SHORT = re.compile(
    rf"\b{_VERB}\s+(?:to\s+)?{_ARTICLE}(?P<long>[A-Z][\w\-–']*(?:\s+[\w\-–']+){{0,7}}?)\s+\((?P<short>[^()]{{2,24}})\)"
)
_NAMED = re.compile(r"\b(?:named|called|dubbed)\s+(?P<short>[A-Z][\w\-]*[A-Z][\w\-]*)")
# "We present Movie Gen, a cast ..." / "this paper introduces SceneTextGen, a ..."
_NAME_COMMA = re.compile(
    rf"\b{_VERB}\s+(?:the\s+)?(?P<name>[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)?)(?:,|\s+benchmark\b)"
)
_RESULTING = re.compile(r"\bThe resulting model, (?P<name>[A-Z][\w\-]*),")


def _is_name(text: str) -> bool:
    """A method name has a capital past its first letter or is a single capitalised word."""
    text = text.strip()
    return (
        2 <= len(text) <= 24
        and not re.search(r"\d{3}|%|\s{2}", text)
        and (bool(re.search(r"[A-Z]", text[1:])) or " " not in text)
        and text.lower() not in {"we", "our", "this", "the", "in", "a"}
    )


def find_names(abstract: str) -> list[str]:
    """Names the abstract introduces for its own method, short forms first."""
    names: list[str] = []
    for m in _LONG_SHORT.finditer(abstract):
        if _is_name(m.group("short")):
            names += [m.group("short"), m.group("long")]
    for pattern in (_NAMED, _NAME_COMMA, _RESULTING):
        for m in pattern.finditer(abstract):
            name = m.groupdict().get("short") or m.group("name")
            if _is_name(name):
                names.append(name)
    if not names and (name := introduced_name(abstract)):
        names.append(name)  # a name in lower case is still its name
    # Keep order, drop repeats and prose that slipped in ("MAE technique").
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.casefold(), name.strip())
    return list(seen.values())


_CONTRIBUTION = re.compile(
    r"\b(?:we|this (?:paper|work|article|survey))\s+(?:further\s+|also\s+)?"
    r"(?:propose|present|introduce|provide|develop|pioneer|investigate|explore|build|train|"
    r"proposes|presents|introduces|provides|explores)s?\s+(?:to\s+)?(?:a |an |the )?(?P<what>.*)",
    re.IGNORECASE,
)
_WEAK_START = re.compile(r"^(?:novel|new|simple|simplified|additional|possibility of building)\s+", re.I)
# "we introduce block caching, in which ...": a lower-case name for the paper's own method.
_INTRODUCED = re.compile(
    r"\b[Ww]e (?:introduce|propose|present)\s+(?!(?:a|an|the|to|our)\b)"
    r"(?P<name>[a-z][\w\-]+(?: [a-z][\w\-]+)?),\s+(?:in which|which|where)\b"
)


def introduced_name(abstract: str) -> str | None:
    """ "Block caching" from "we introduce block caching, in which ...", capitalised."""
    if m := _INTRODUCED.search(abstract):
        return m.group("name")[:1].upper() + m.group("name")[1:]
    return None


# "a novel problem -- egocentric action frame generation": the thing after the dash.
_GENERIC_DASH = re.compile(r"^(?:\w+\s+){0,2}?(?:problem|task)\s+--\s+")
_DANGLING = frozenset("a an the of and or to for with without in on by from that which any across".split())


# "a comprehensive survey of DAL", "a systematic survey on the NAS": what a survey covers.
_SURVEY_OF = re.compile(r"\bsurvey (?:of|on) (?:the )?(?P<short>[A-Z][A-Za-z0-9\-]{1,10})\b")


def survey_title(abstract: str) -> str:
    """ "Survey of deep active learning (DAL)" when the abstract names the acronym it surveys
    and defines it ("deep active learning (DAL)"); "" otherwise."""
    for m in _SURVEY_OF.finditer(abstract):
        short = re.escape(m.group("short"))
        # The definition's words are the acronym's letters: "deep active learning (DAL)".
        letters = r"\s+".join(rf"{c}[\w\-]*" for c in m.group("short") if c.isalpha())
        if d := re.search(rf"\b(?P<long>{letters})\s+\({short}\)", abstract, re.I):
            return f"Survey of {d.group('long')} ({m.group('short')})"
    return ""


def derive_title(abstract: str, names: list[str]) -> str:
    """A short display title: the method's own name, else what a survey covers, else the
    gist of the contribution."""
    if names:
        return names[0]
    if survey := survey_title(abstract):
        return survey
    if name := introduced_name(abstract):
        return name
    sentences = split_sentences(abstract)
    phrase = ""
    for sentence in sentences:
        if m := _CONTRIBUTION.search(sentence):
            # Cut the object at the first clause boundary, but keep at least three words.
            words = _GENERIC_DASH.sub("", m.group("what")).split()
            for cut in (r"[,;:.(]", r" (?:that|which|to|for|in|by|from|with) "):
                head = re.split(cut, " ".join(words))[0].split()
                if len(head) >= 3:
                    words = head
            phrase = _WEAK_START.sub("", " ".join(words))
            break
    if len(phrase.split()) < 3:
        phrase = re.sub(r"^(?:In this (?:paper|work)|Therefore),?\s*", "", sentences[0])
    words = phrase.rstrip(".").split()
    head = words[:8]
    while len(head) > 3 and head[-1].casefold() in _DANGLING:  # never end on "of", "and", "any"
        head.pop()
    title = " ".join(head) + ("…" if len(words) > len(head) else "")
    return title[:1].upper() + title[1:]


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


# "MMPT: Simplified Multi-Modal Pre-Training": a title led by a name (two capitals or more, one word).
_TITLE_NAME = re.compile(r"^(?=(?:[\w\-]*?[A-Z]){2})([A-Za-z][\w\-]*):\s")


def apply_titles(papers: list[Paper], titles: dict[str, str]) -> list[Paper]:
    """Papers with their cached LLM title, except those named after their own method. A name
    leading the title (checked against the abstract like every word of it) is the paper's name
    too, so "who wrote mmpt?" finds the paper shown as "MMPT: ...".
    """
    titled = []
    for paper in papers:
        if not paper.aliases and (title := titles.get(abstract_key(paper.abstract))):
            name = _TITLE_NAME.match(title)
            paper = paper.model_copy(update={"title": title, "aliases": [name.group(1)] if name else []})
        titled.append(paper)
    return titled


_FUNCTION_WORDS = frozenset("without within via using towards toward across beyond versus vs".split())


def check_title(title: str, abstract: str) -> str:
    """Why `title` can't be used for `abstract` ("" when it can). Every word must stand in the
    abstract (as its stem); a hyphenated word may stand there in parts ("large-scale" for
    "large scale"), and a hyphenated word of the abstract counts by its parts too."""
    words = re.findall(r"[A-Za-z0-9][\w\-]*", title)  # "3D" is one word, as the abstract reads it
    if not words or len(words) > MAX_WORDS:
        return f"{len(words)} words"
    tokens = re.findall(r"[a-z0-9][\w\-]*", abstract.casefold())
    stems = {stem(part) for t in tokens for part in {t, *t.split("-")} if part}

    def stands(word: str) -> bool:
        word = word.casefold()
        if word in STOPWORDS or word in _FUNCTION_WORDS or stem(word) in stems:
            return True
        parts = [p for p in word.split("-") if p]
        return len(parts) > 1 and all(p in STOPWORDS or stem(p) in stems for p in parts)

    strange = [w for w in words if not stands(w)]
    return f"not in the abstract: {', '.join(strange)}" if strange else ""


def write_titles(
    papers: list[Paper], llm: ChatLLM | Callable[[], ChatLLM], path: Path, progress: bool = True
) -> dict[str, int]:
    """Ask the LLM for a title for every unnamed paper not yet asked about; keep the ones that
    check. A rejected title is remembered as "" (the rule-derived title stays), so each
    abstract is asked about once. `llm` may be a function that loads it, called only when
    some paper is new."""
    titles = read_titles(path)
    counts = {"written": 0, "rejected": 0, "cached": 0}
    todo = [p for p in papers if not p.aliases]
    for i, paper in enumerate(todo, 1):
        key = abstract_key(paper.abstract)
        if key in titles:
            counts["cached"] += 1
            continue
        if callable(llm) and not hasattr(llm, "complete"):
            llm = llm()
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
            title = ""
        else:
            counts["written"] += 1
            if progress:
                print(f"  [{i}/{len(todo)}] {title}")
        titles[key] = title
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".json.tmp")
        partial.write_text(json.dumps(titles, indent=1, ensure_ascii=False), encoding="utf-8")
        partial.replace(path)  # each title is kept as soon as it is written
    return counts
