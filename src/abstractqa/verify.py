"""Verify: every sentence is checked against the passage it cites before it is shown.

A sentence written by a generator passes when the numbers and named terms it states stand
in the cited source and the bundled embedder finds it close in meaning to one of that
source's sentences. A sentence that names papers must be supported by each named paper's
own passage, better than by the other papers it names (so "MSN predicts target blocks" is
not passed by I-JEPA's abstract). Otherwise it is re-cited to the source that supports it,
or removed (or flagged). Sentences a rule established exactly (a record field, a term that
both abstracts hold) come as `Exact` pieces and are rendered without the similarity check.
Markers are renumbered by first use, so a source keeps its number from the first streamed
sentence to the final `Answer`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from abstractqa.evidence import (
    ABBREVIATIONS,
    MARKER,
    SentenceEmbedder,
    Source,
    content_words,
    numbers_in,
    scaled_numbers,
    strip_markers,
    terms_in,
)
from abstractqa.query import GENERIC_STEMS
from abstractqa.types import Citation, SentenceCheck

_RECORD_CLAIM = re.compile(r"\b(wr[io]te|written|authors?|arxiv|created|dated?|published|posted|code|pages?|links?|https?)\b", re.I)
# Where a sentence about two papers turns from one to the other.
_CLAUSE_BREAK = re.compile(r",?\s+(?:while|whereas|but|and in contrast|in contrast)\s+|;\s+|,\s+and\s+(?=[A-Z])")


@lru_cache(maxsize=4096)
def _name_pattern(name: str) -> re.Pattern:
    """A paper's name as a whole word: acronyms ("IMP", "MSN") by case, prose names in any case."""
    flags = 0 if sum(c.isupper() for c in name) >= 2 and " " not in name else re.I
    return re.compile(rf"(?<![\w-]){re.escape(name)}s?(?![\w-])", flags)


CLAUSE_BY_CLAUSE = "checked clause by clause"
# The subjects the extractive comparison gives papers with no name of their own (`compose`).
UNNAMED_SUBJECTS = ("the first paper", "the second paper")
_UNNAMED_SUBJECT = re.compile(r"\s*(?:" + "|".join(UNNAMED_SUBJECTS) + r")\b", re.I)
_YES_NO = re.compile(r"\s*(?:yes|no)\b", re.I)
SHORT_CLAIM = 8  # words; shorter claims are checked by their numbers and terms alone


@dataclass
class Exact:
    """A sentence established by an exact rule, with the sources and quotes that show it."""

    text: str
    sources: list[int] = field(default_factory=list)
    quotes: dict[int, list[str]] = field(default_factory=dict)
    prefix: str = ""
    note: str = "exact"


@dataclass
class Verdict:
    sources: list[int]
    supported: bool
    score: float
    quotes: dict[int, list[str]]
    note: str = ""


class Citer:
    """Checks sentences against the sources they cite and renumbers markers by first use."""

    def __init__(self, sources: list[Source], embed: SentenceEmbedder, threshold: float, question: str = ""):
        """`question`: a sentence that answers it yes or no asserts its words (beyond the generic
        ones), so those must stand in the supporting passage ("Yes, I-JEPA predicts pixels" where
        I-JEPA's abstract never says "pixels" is the question echoed, not the source). Other
        sentences may use the question's words for the abstract's ("beat" for "outperform")."""
        self.sources = {s.n: s for s in sources}
        self.embed = embed
        self.threshold = threshold
        self.asked = content_words(question) - GENERIC_STEMS
        self.display: dict[int, int] = {}  # source n -> number shown, in order of first use
        self.quotes: dict[int, list[str]] = {}

    def support(self, sentence: str, source: Source) -> tuple[float, str, str]:
        """(score, best sentence, note) of how well `source` supports `sentence`."""
        claim = strip_markers(sentence)
        text = " ".join(source.checkable + [source.paper.title, *source.paper.aliases])
        # A number stands in the source as written, or scaled: "32,000" for "32k", "32k" for "32,000".
        stated = numbers_in(text) | set(scaled_numbers(text).values())
        scaled = scaled_numbers(claim)
        missing_numbers = {n for n in numbers_in(claim) if n not in stated and scaled.get(n) not in stated}
        if missing_numbers:
            return 0.0, "", f"numbers not in source: {', '.join(sorted(missing_numbers))}"
        folded = text.casefold()
        missing_terms = {t for t in terms_in(claim) if t not in folded}
        if missing_terms:
            return 0.0, "", f"terms not in source: {', '.join(sorted(missing_terms))}"
        if _YES_NO.match(claim) and (echoed := (content_words(claim) & self.asked) - source.words):
            # "Yes, I-JEPA predicts pixels" says the question's words hold: the passage must have them.
            return 0.0, "", f"a yes or no on the question's words, not the source's: {', '.join(sorted(echoed))}"
        named = numbers_in(claim) | terms_in(claim)
        if named and len(claim.split()) <= SHORT_CLAIM and len(re.findall(r"[A-Za-z]{2,}", claim)) >= 1:
            # A short answer ("32 A100 GPUs") is too short to compare in meaning; it holds up
            # when every number and named term it states stands in one sentence of the source.
            # Its other words stand there too: "The answer is: 2" is no claim about GPUs.
            words = content_words(claim) - source.name_words
            bags = source.sentence_words + [content_words(line) for line in source.record_lines]
            holding = [
                x
                for x, bag in zip(source.checkable, bags, strict=True)
                if named <= (numbers_in(x) | terms_in(x)) and words <= bag
            ]
            if holding:
                return 1.0, holding[0], "exact: short claim"
        # Record lines ("X was written by ...") only support claims about the record.
        candidates = source.sentences + [
            line
            for line in source.record_lines
            if _RECORD_CLAIM.search(claim) or numbers_in(claim) & numbers_in(line)
        ]
        sims = self.embed(candidates) @ self.embed([claim])[0]
        # The quote is the closest sentence that holds the claim's numbers, when one does.
        wanted = numbers_in(claim)
        boosted = [
            sim + (0.2 if wanted and wanted <= numbers_in(c) else 0.0)
            for sim, c in zip(sims, candidates, strict=True)
        ]
        best = int(np.argmax(boosted))
        return float(max(sims)), candidates[best], ""

    def named_sources(self, sentence: str) -> list[int]:
        """Sources whose title or alias the sentence names, in order of mention."""
        spans = {}
        for n, s in self.sources.items():
            found = [m.span() for name in {s.paper.title, *s.paper.aliases} if (m := _name_pattern(name).search(sentence))]
            if found:
                spans[n] = min(found)
        # "Emu Video" names Emu Video, not also Emu: a match inside a longer one doesn't count.
        inside = {
            n for n, (a, b) in spans.items() for m, (c, d) in spans.items() if m != n and c <= a and b <= d and d - c > b - a
        }
        return [n for n in sorted(spans, key=lambda n: spans[n]) if n not in inside]

    def about_several(self, sentence: str, named: list[int]) -> Verdict:
        """A sentence naming several papers ("MSN matches ..., while I-JEPA predicts ...").

        Each clause that names one paper must be supported by that paper's own passage
        (its numbers and terms there, close in meaning) and be at least as close to it as to
        the other named papers' passages, so swapped subjects fail. A clause naming none
        ("both scale with ViTs") must be supported by one of them.
        """
        quotes: dict[int, list[str]] = {}
        scores = []
        for raw in _CLAUSE_BREAK.split(sentence):
            clause = strip_markers(raw)
            if not re.search(r"[A-Za-z]{3}", clause):
                continue
            own = self.named_sources(clause)
            if len(own) > 1:
                own = []  # "MSN and I-JEPA both ...": checked like a clause naming none
            marks = [int(n) for n in dict.fromkeys(MARKER.findall(raw)) if int(n) in named]
            # "..., while the second paper develops an extension of MSN [2]": a clause whose
            # subject is no name is about the paper it cites (whatever else it names), and must
            # be supported by that paper's own passage.
            if len(marks) == 1 and (not own or _UNNAMED_SUBJECT.match(clause)):
                own = []
                candidates = marks
            else:
                candidates = own or named
            verdicts = {n: self.support(clause, self.sources[n]) for n in candidates}
            best = max(verdicts, key=lambda n: verdicts[n][0])
            score, quote, note = verdicts[best]
            if score < self.threshold:
                return Verdict(named, False, score, {}, f"clause not supported: {clause[:60]!r} ({note or 'meaning'})")
            if own:
                vector = self.embed([clause])[0]
                closeness = {n: float((self.embed(self.sources[n].sentences) @ vector).max()) for n in named}
                if closeness[own[0]] + 0.02 < max(closeness.values()):
                    other = self.sources[max(closeness, key=closeness.get)].paper.title
                    return Verdict(
                        named, False, score, {}, f"the clause about {self.sources[own[0]].paper.title} matches {other}"
                    )
            quotes.setdefault(best, []).append(quote)
            scores.append(score)
        if not scores:
            return Verdict(named, False, 0.0, {}, "no clause to check")
        cited = [n for n in named if n in quotes] or named
        return Verdict(cited, True, min(scores), quotes, CLAUSE_BY_CLAUSE)

    def check(self, sentence: str) -> Verdict:
        """Keep the cited sources that support the sentence, else find one that does."""
        named = self.named_sources(sentence)
        if len(named) >= 2:
            return self.about_several(sentence, named)
        cited = [int(n) for n in MARKER.findall(sentence) if int(n) in self.sources]
        if len(set(cited)) >= 2 and self._one_mark_per_clause(sentence):
            # "A is ... [1], while the second paper ... [2].": each clause, against the paper it cites.
            return self.about_several(sentence, list(dict.fromkeys(cited)))
        if len(named) == 1 and cited and named[0] not in cited and not any(self._is_own_sentence(sentence, n) for n in cited):
            # A written sentence about one paper ("Emu Video is preferred 68.4% ... [1]" citing Emu)
            # must be supported by that paper's own passage, not by the one it cites.
            own = self.sources[named[0]]
            score, quote, note = self.support(sentence, own)
            if score < self.threshold:
                return Verdict(cited, False, score, {}, f"it is about {own.paper.title}, whose abstract does not support it")
            return Verdict([own.n], True, score, {own.n: [quote]}, f"re-cited from {cited} to [{own.n}], the paper it names")
        scores: dict[int, tuple[float, str, str]] = {
            n: self.support(sentence, self.sources[n]) for n in dict.fromkeys(cited)
        }
        good = {n: v for n, v in scores.items() if v[0] >= self.threshold}
        note = ""
        if not good:
            # Re-cite: the best other source that passes, if any.
            others = {n: self.support(sentence, s) for n, s in self.sources.items() if n not in scores}
            passing = {n: v for n, v in others.items() if v[0] >= self.threshold}
            if passing:
                best = max(passing, key=lambda n: passing[n][0])
                good = {best: passing[best]}
                note = f"re-cited from {cited or 'no marker'} to [{best}]"
            else:
                worst = scores or others
                reason = next((v[2] for v in worst.values() if v[2]), "no source is close in meaning")
                score = max((v[0] for v in (scores or others).values()), default=0.0)
                return Verdict(cited, False, score, {}, reason)
        return Verdict(
            list(good), True, max(v[0] for v in good.values()), {n: [v[1]] for n, v in good.items()}, note
        )

    def _is_own_sentence(self, sentence: str, n: int) -> bool:
        """Whether the sentence is one of source `n`'s own sentences, word for word."""
        claim = " ".join(strip_markers(sentence).split())
        return any(" ".join(x.split()) == claim for x in self.sources[n].sentences)

    def render(self, sentence: str, verdict: Verdict) -> str:
        """The sentence with its markers replaced by stable display numbers."""
        body = strip_markers(sentence)
        if not verdict.supported:
            return body
        if not verdict.sources:
            return body
        shown = []
        for n in verdict.sources:
            number = self.display.setdefault(n, len(self.display) + 1)
            shown.append(number)
            for quote in verdict.quotes.get(n, []):
                if quote not in self.quotes.setdefault(n, []):
                    self.quotes[n].append(quote)
        inline = [int(n) for n in MARKER.findall(sentence)]
        if verdict.note == CLAUSE_BY_CLAUSE and set(inline) == set(verdict.sources) and self._own_markers(sentence):
            # "A ... [1], while B ... [2].": each clause keeps the marker of the paper it was checked against.
            return re.sub(r"\[(\d+)\]", lambda m: f"[{self.display[int(m.group(1))]}]", sentence.strip())
        markers = "".join(f"[{m}]" for m in sorted(set(shown)))
        if body and body[-1] in ".!?:":
            return f"{body[:-1]} {markers}{body[-1]}"
        return f"{body} {markers}."  # a fragment ("32 A100 GPUs") still ends as a sentence

    def _own_markers(self, sentence: str) -> bool:
        """Whether each clause cites exactly the one paper it names (as it was checked); a
        clause naming none may cite one."""
        for clause in _CLAUSE_BREAK.split(sentence):
            marked = {int(n) for n in MARKER.findall(clause)}
            text = strip_markers(clause)
            own = set() if _UNNAMED_SUBJECT.match(text) else set(self.named_sources(text)[:1])
            if marked and (marked != own if own else len(marked) > 1):
                return False
        return True

    @staticmethod
    def _one_mark_per_clause(sentence: str) -> bool:
        """Whether the sentence has two or more clauses, each citing one paper, each another."""
        marks = [set(MARKER.findall(clause)) for clause in _CLAUSE_BREAK.split(sentence)]
        cited = [m for m in marks if m]
        return len(cited) >= 2 and all(len(m) == 1 for m in cited) and len(set().union(*cited)) == len(cited)

    def citations(self) -> list[Citation]:
        out = []
        for n, number in sorted(self.display.items(), key=lambda x: x[1]):
            paper = self.sources[n].paper
            out.append(
                Citation(
                    n=number,
                    paper_id=paper.paper_id,
                    title=paper.title,
                    arxiv_id=paper.arxiv_id,
                    source=paper.sources[0],
                    quote=" ".join(self.quotes.get(n, [])),
                )
            )
        return out


def normalise_markers(text: str) -> str:
    """Move markers written after a full stop ("... GPUs. [1]") in front of it."""
    text = re.sub(r"([.!?])((?:\s*\[\d+\])+)", lambda m: m.group(2) + m.group(1), text)
    return re.sub(r"\[(\d+)\s*,\s*(\d+)\]", r"[\1][\2]", text)




def mark(sentence: str, marker: str) -> str:
    """Attach `marker` before the sentence's final punctuation."""
    sentence = sentence.strip()
    if sentence and sentence[-1] in ".!?":
        return f"{sentence[:-1]} {marker}{sentence[-1]}"
    return f"{sentence} {marker}."


def cite(sentence: str, n: int) -> str:
    return mark(sentence, f"[{n}]")


def checked_sentences(
    pieces: Iterable[str | Exact], citer: Citer, unsupported: str
) -> Iterator[tuple[str, SentenceCheck | None]]:
    """Buffer generated text into sentences; check and render each before it is shown.

    `Exact` pieces are rendered as they are (their truth was established by a rule); text
    pieces are split into sentences and each goes through `Citer.check`.
    """
    buffer = ""

    def finish(sentence: str) -> tuple[str, SentenceCheck | None] | None:
        prefix = re.match(r"^\s*(?:\n+|- |\*\*[^*]+\*\*:\s*)*", sentence).group(0)
        body = sentence[len(prefix) :].strip()
        if not re.search(r"[A-Za-z0-9]", strip_markers(body)):
            return (prefix, None) if prefix.strip() else None
        verdict = citer.check(body)
        check = SentenceCheck(
            text=strip_markers(body),
            cited=[],
            supported=verdict.supported,
            score=round(verdict.score, 4),
            note=verdict.note,
        )
        if verdict.supported:
            rendered = citer.render(body, verdict)
            check.cited = [citer.display[n] for n in verdict.sources]
            return prefix + rendered + " ", check
        if unsupported == "flag":
            return prefix + mark(strip_markers(body), "[unsupported]") + " ", check
        return (prefix, check) if prefix.strip() else ("", check)

    def flush() -> Iterator[tuple[str, SentenceCheck | None]]:
        nonlocal buffer
        if buffer.strip() and (done := finish(buffer)) is not None:
            yield done
        buffer = ""

    for piece in pieces:
        if isinstance(piece, Exact):
            stripped = buffer.rstrip()
            gap = buffer[len(stripped) :]
            # "\n\n" before it stays, and so does the space after a "**Title**:" label.
            layout = gap if "\n" in gap else (" " if gap and stripped.endswith(":") else "")
            buffer = stripped
            yield from flush()
            verdict = Verdict(piece.sources, True, 1.0, piece.quotes, piece.note)
            rendered = citer.render(piece.text, verdict)
            check = SentenceCheck(
                text=strip_markers(piece.text),
                cited=[citer.display[n] for n in piece.sources],
                supported=True,
                score=1.0,
                note=piece.note,
            )
            yield layout + piece.prefix + rendered + " ", check
            continue
        buffer += piece
        buffer = normalise_markers(buffer)
        parts = _split_keep_layout(buffer)
        for sentence in parts[:-1]:
            if (done := finish(sentence)) is not None:
                yield done
        buffer = parts[-1] if parts else ""
    yield from flush()


def _split_keep_layout(text: str) -> list[str]:
    """Split into sentences but keep list/section prefixes with the sentence they start."""
    protected = ABBREVIATIONS.sub(lambda m: m.group(0).replace(".", "\x00"), text)
    pieces = re.split(
        r"(?<=[.!?])[ \t]+(?=(?:- |\*\*|[\"'“(\[]?[A-Z0-9$]))|(?<=[.!?])\n(?=[A-Z])|(?=\n\n\*\*)|(?=\n- )", protected
    )
    return [p.replace("\x00", ".") for p in pieces if p]
