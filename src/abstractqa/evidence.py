"""Evidence: the abstracts' sentences, numbered as sources, and ranked for a question.

Every later step reads the same pieces from here: one sentence splitter, one way to find
the numbers, named terms and content words of a text, one sentence embedder (cached),
and `rank_sentences`, which scores a paper's sentences for a question.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

import numpy as np

from abstractqa.types import Evidence, Paper

if TYPE_CHECKING:
    from abstractqa.config import RankingSettings
    from abstractqa.embedder import Embedder

# "No. 5" (a number), not the answer "No." before a new sentence.
ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|et al|vs|cf|Fig|Eq|approx|resp|incl|Dr|Mr|Ms|No(?=\.\s*\d)|[A-Z])\.")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'“(\[]?[A-Z0-9$])")
MARKER = re.compile(r"\s*\[(\d+)\]")
# Acronym-like terms: two capitals, or letters with digits (ImageNet, ViT-H, A100, CLIP).
_TERM = re.compile(r"\b(?=[\w\-]*[A-Z][\w\-]*[A-Z0-9])[A-Za-z][\w\-]*[A-Za-z0-9]\b")
WORD = re.compile(r"[a-z0-9]+(?:[.\-][a-z0-9]+)*")
STOPWORDS = frozenset(
    """a an and are as at be been by can could did do does for from had has have how i if in into
    is it its it's of on or our so such than that the their them then there these they this those
    to up us was we were what whats what's when where which while who whom whose whos why whether will with would should shall might must you your my own
    paper papers work method methods approach model models propose proposed present use used using
    uses about also both between compare compared differ different difference versus vs other
    authors author abstract abstracts describe described explain tell me show shows give list any all each
    much many more most main key new achieve achieves achieved reach reaches report reported
    don doesn didn isn aren wasn weren won wouldn couldn shouldn hasn haven hadn
    dont doesnt didnt isnt arent wasnt werent
    explicitly specifically actually really basically essentially particularly especially somehow
    exactly precisely roughly approximately either neither whatever whatsoever just else according""".split()  # "don't" is read as "don" and "t"
)


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences, leaving "e.g.", "et al.", "vs." and decimals alone."""
    protected = ABBREVIATIONS.sub(lambda m: m.group(0).replace(".", "\x00"), text)
    return [s.replace("\x00", ".").strip() for s in _SENTENCE_END.split(protected) if s.strip()]


def strip_markers(text: str) -> str:
    return re.sub(r"\s+([.,;:!?])", r"\1", MARKER.sub("", text)).strip()


# "1B", and "1b" as people type it.
_QUANTITY = re.compile(r"[~+±]?\d[\d.,]*(?:%|x|×|[kKmMbBtT])?(?:[-–]\d[\d.,]*(?:%|x|[kKmMbBtT])?)?")


_ENUMERATOR = re.compile(r"\(?\d{1,2}\)[,;:.]?")


# "$82.9\%$", "$1.1$", "($<$35\%)": abstracts' inline LaTeX around a number or a sign.
_INLINE_MATH = re.compile(r"\$([\d.,\s<>~=+\-]*(?:\\%)?)\$")


def plain_math(text: str) -> str:
    r"""`text` as a reader should see it: an abstract's inline LaTeX around numbers shown as the
    number ("$82.9\%$" -> "82.9%", "($<$35\%)" -> "(<35%)"); for display only, never checked."""
    return _INLINE_MATH.sub(lambda m: m.group(1), text).replace("\\%", "%")


def numbers_in(text: str) -> set[str]:
    """Quantities written as numbers ("32", "70.8%", "30B", "15%-20%"), as plain digits.

    Digits inside names ("ViT-Huge/16", "A100", "ImageNet-1K") are not quantities: they are
    checked as named terms instead.
    """
    found = set()
    for token in strip_markers(text).replace("\\%", "%").replace("$", " ").split():
        if _ENUMERATOR.fullmatch(token):  # "1) the layers' output changes ...": a list's marker
            continue
        token = token.strip("$\\()[]{}\"'“”,;:.!?")
        if _QUANTITY.fullmatch(token):
            found.update(n.replace(",", "").rstrip(".") for n in re.findall(r"\d[\d.,]*", token))
    return found


_SCALED = re.compile(
    r"(?<![\w.,])(\d+(?:\.\d+)?)\$?(?:\s?([kKMBT])\b|\s+(thousand|million|billion|trillion)\b)", re.I
)
_SCALE_WORDS = {"k": "thousand", "m": "million", "b": "billion", "t": "trillion"}
_SCALE_LETTERS = {w: k for k, w in _SCALE_WORDS.items()}
# What a scale letter or word multiplies by: "k": 1e3 ... "t": 1e12, "thousand": 1e3 ...
SCALE = {k: 10.0 ** (3 * (i + 1)) for i, k in enumerate(_SCALE_WORDS)}
SCALE |= {_SCALE_WORDS[k]: v for k, v in SCALE.items()}


def scaled_numbers(text: str) -> dict[str, str]:
    """Quantities written with a scale, as {number as written: plain integer}: "32k" and "32
    thousand" -> {"32": "32000"}, "1.1B" -> {"1.1": "1100000000"}; so "32,000 images" can be
    checked against "32k images" and the other way round."""
    out = {}
    for m in _SCALED.finditer(strip_markers(text)):
        out[m.group(1)] = str(round(float(m.group(1)) * SCALE[(m.group(2) or m.group(3)).casefold()]))
    return out


def terms_in(text: str) -> set[str]:
    return {t.casefold() for t in _TERM.findall(text)}


# Short forms people type for words abstracts spell out ("param count", "imgs", "acc").
SHORT_FORMS = {
    "param": "parameters",
    "params": "parameters",
    "img": "images",
    "imgs": "images",
    "acc": "accuracy",
    "eval": "evaluation",
    "evals": "evaluations",
    "pref": "preference",
    "av": "audio",  # "audio-visual", "audio/visual"
    "recsys": "recommender",
    "ssl": "self-supervised",
    "mem": "memory",
    "perf": "performance",
    "arch": "architecture",
    "vid": "video",
    "vids": "videos",
    "config": "configuration",
    "configs": "configurations",
    "hw": "hardware",
    # Not short, but the word abstracts write for it: "the biggest model" is "our largest model",
    # "how many pictures" is counted in "32k images".
    "picture": "image",
    "pictures": "images",
    "photo": "image",
    "photos": "images",
    "photograph": "image",
    "photographs": "images",
    "big": "large",
    "biggest": "largest",
    "bigger": "larger",
}


# Words that count as one where words are matched, though the text keeps the one written:
# "video generation with sound" is met by "synchronized audio" ("sound" is also a verb, so the
# question is not rewritten).
SAME_WORDS = {"sound": "audio", "sounds": "audio", "pics": "images", "pic": "image"}

_SHORT_FORM = re.compile(r"(?<![\w\-/.])(" + "|".join(SHORT_FORMS) + r")(?![\w\-/.])", re.I)


def expand_short_forms(text: str) -> str:
    """"two recsys papers" -> "two recommender papers": the words the abstracts write."""
    return _SHORT_FORM.sub(lambda m: SHORT_FORMS[m.group(0).casefold()], text)


# A name with its version run on ("SDXLv1.0", "YOLOv5"): the name alone is written too.
_VERSIONED = re.compile(r"^([a-z][a-z\-]+[a-z])v\d")


def _standalone_scaled(text: str) -> Iterator[tuple[re.Match, str]]:
    """The scaled numbers of `text` with their scale letter ("k", "m", "b", "t"), but not the
    "1B" of a name ("SA-1B")."""
    for m in _SCALED.finditer(text):
        if text[m.start() - 1 : m.start()] != "-":
            yield m, m.group(2).casefold() if m.group(2) else _SCALE_LETTERS[m.group(3).casefold()]


def compact_scales(text: str) -> str:
    """ "dense 10 billion parameters" -> "dense 10B parameters": one word for one number, as
    "10B" is typed."""
    out, at = [], 0
    for m, letter in _standalone_scaled(text):
        if m.group(3):  # spelled out
            out += [text[at : m.start()], m.group(1), letter.upper()]
            at = m.end()
    return "".join(out) + text[at:]


def scale_spellings(text: str) -> str:
    """The scaled numbers of `text` written the other way ("10 billion" for "10B", "32K" for
    "32 thousand"), so a search for either form finds both."""
    return " ".join(
        f"{m.group(1)}{letter.upper()}" if m.group(3) else f"{m.group(1)} {_SCALE_WORDS[letter]}"
        for m, letter in _standalone_scaled(text)
    )


def content_words(text: str) -> set[str]:
    """Stemmed content words; hyphenated words count whole and by their parts; typed short
    forms count as the words they stand for."""
    words = set()
    for token in WORD.findall(compact_scales(text).casefold()):
        # "pre-trained" is also "pretrained"; "zero-shot", "zeroshot"; "sdxlv1.0", "sdxl"
        for w in {token, token.replace("-", ""), *re.split(r"[.\-]", token), *_VERSIONED.findall(token)}:
            if w not in STOPWORDS and len(w) > 1:
                words.add(stem(SAME_WORDS.get(w) or SHORT_FORMS.get(w, w)))
    return words


def stem_run(text: str) -> str:
    """`text` as a run of stemmed words, " a b c ", for finding a word or a phrase in it."""
    return " " + " ".join(stem(t) for t in WORD.findall(text.casefold())) + " "


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """Snowball stem, so "demonstrated" meets "demonstrate"; an acronym's plural ("llms",
    "cnns", "gpus"), which Snowball keeps, meets its singular."""
    stemmed = _stemmer().stemWord(word)
    if len(stemmed) >= 4 and re.fullmatch(r"[^aeiouy]{3,}|[a-z]pus", stemmed) and stemmed.endswith("s"):
        return stemmed[:-1]
    return stemmed


NUMBER_WORDS = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|tens|hundreds?|thousands?|millions?|billions?)\b",
    re.I,
)



class SentenceEmbedder:
    """Normalised sentence vectors from the bundled embedder, cached per sentence."""

    def __init__(self, embed_model: Embedder, max_cache: int = 200_000):
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

    @cached_property
    def words(self) -> set[str]:
        """Content words of the abstract, title and names: what a question's topic must meet."""
        return content_words(" ".join([self.paper.abstract, self.paper.title, *self.paper.aliases]))

    @cached_property
    def name_words(self) -> set[str]:
        """Content words of the paper's title and names: they identify it, not what is asked."""
        return content_words(" ".join([self.paper.title, *self.paper.aliases]))

    @cached_property
    def name_terms(self) -> set[str]:
        """Named terms of the paper's title and names ("msn", "i-jepa"), folded."""
        return terms_in(" ".join([self.paper.title, *self.paper.aliases]))

    @cached_property
    def sentence_words(self) -> list[set[str]]:
        """Content words of each sentence, in order (ranking and listing both read them)."""
        return [content_words(sentence) for sentence in self.sentences]

    @cached_property
    def checkable_words(self) -> set[str]:
        """Content words of every sentence and record line a citation can quote."""
        return set().union(*self.sentence_words, *(content_words(x) for x in self.record_lines))

    @classmethod
    def from_evidence(cls, n: int, evidence: Evidence) -> Source:
        p = evidence.paper
        return cls(n, evidence, split_sentences(p.abstract), record_lines(p))


def record_lines(p: Paper) -> list[str]:
    """The paper's record as sentences, so record claims are checked like abstract claims."""
    return list(record_sentences(p).values())


def record_sentences(p: Paper) -> dict[str, str]:
    """One sentence per record field the paper has, by field: the one wording of a record fact."""
    lines = {}
    if p.authors:
        lines["authors"] = f"{p.title} was written by {', '.join(p.authors)}."
        lines["first_author"] = f"The first author of {p.title} is {p.authors[0]}."
        if len(p.authors) > 1:
            lines["last_author"] = f"The last author of {p.title} is {p.authors[-1]}."
    if p.arxiv_id:
        lines["arxiv"] = f"{p.title} has arXiv id {p.arxiv_id}."
    if p.created:
        lines["date"] = f"{p.title} was created on {p.created}."
    if p.urls:
        links = [f"its {link_kind(u, p.abstract)} at {u}" for u in p.urls]
        lines["url"] = f"{p.title} links {', '.join(links[:-1]) + ' and ' if len(links) > 1 else ''}{links[-1]}."
    return lines


_CODE_HOST = re.compile(r"^(?:https?://)?(?:www\.)?(?:github\.com|gitlab\.com|bitbucket\.org)/", re.I)
_PAGE_HOST = re.compile(r"\.github\.io\b|/projects?/", re.I)  # "facebookresearch.github.io/LaViLa", ".../projects/CutLER/"
# What the words before a link in its sentence say it is: "Code is made available at",
# "Project page:", "All videos from this paper are available at".
CODE_WORD = re.compile(r"\bcode\b", re.I)
_LINK_SAYS = [
    ("code", CODE_WORD),
    ("project page", re.compile(r"\b(?:project|web ?page|website|homepage)\b", re.I)),
    ("videos", re.compile(r"\bvideos?\b", re.I)),
]


def link_kind(url: str, abstract: str) -> str:
    """What a paper's link is: its code (a code host, or the abstract says so), its project
    page (a pages host or path, or the abstract says so), its videos, or only a page. A link
    from the record's notes, not the abstract, is told by its address alone."""
    if _CODE_HOST.search(url):
        return "code"
    if _PAGE_HOST.search(url):
        return "project page"
    at = abstract.find(re.sub(r"^https?://", "", url).rstrip("/"))
    said = split_sentences(abstract[:at])[-1] if at > 0 else ""
    return next((kind for kind, says in _LINK_SAYS if says.search(said)), "page")


_SPELLED = dict(zip(map(str, range(2, 13)), "two three four five six seven eight nine ten eleven twelve".split(), strict=True))
NUMBER_OF_WORD = {w: int(n) for n, w in _SPELLED.items()}  # "three" -> 3
NUMBER_TERM = re.compile(r"[\d.,]+%?")  # an asked term that is a number ("5,000", "70.8%"), not a name
# A model's size variant, by letter or word: "ViT-H" is "ViT-Huge", "ViT-L/14" is "ViT-Large/14".
VARIANT = re.compile(
    r"(?<![\w\-/.])(?P<head>[A-Za-z]*[A-Z][A-Za-z]*)-(?P<size>Tiny|Small|Base|Large|Huge|Giant|[TSBLHGtsblhg])"
    r"(?P<patch>/\d+)?(?![\w\-])"
)
_SIZES = {w[0]: w for w in ("tiny", "small", "base", "large", "huge", "giant")}


def variant_key(term: str) -> str:
    """A size variant as one spelling ("vit-h" for "ViT-H" and "ViT-Huge"); other terms as they are."""
    m = VARIANT.fullmatch(term)
    return f"{m.group('head')}-{m.group('size')[0]}{m.group('patch') or ''}".casefold() if m else term


def _variant_in(text: str, term: str) -> bool:
    """Whether `term`, a size variant, stands in `text` in either spelling ("ViT-H": "ViT-Huge/16")."""
    if not (variant := VARIANT.fullmatch(term)):
        return False
    size = variant.group("size").lower()[0]
    patch = re.escape(variant.group("patch") or "")
    form = rf"(?<![\w\-]){re.escape(variant.group('head'))}-(?:{size}|{_SIZES[size]}){patch}(?![a-z])"
    return re.search(form, text, re.I) is not None


def holds_term(text: str, term: str) -> bool:
    """Whether `text` contains `term` as written (case-insensitive), a number as a number, or
    as its abbreviation: "in1k" for ImageNet-1K, "ssv2" for Something Something-v2, "top1" for
    top-1 (the same digits, the letters in order from the name's first letter)."""
    if NUMBER_TERM.fullmatch(term):
        digits = term.rstrip("%").replace(",", "")
        if re.search(rf"(?<![\d.,]){re.escape(digits)}(?![\d]|\.\d)", text.replace(",", "")):
            return True
        if digits in scaled_numbers(text).values():  # "5000" against "5k labels"
            return True
        if "." not in digits and re.search(rf"(?<![\d.,]){re.escape(digits)}\.\d+\s?\\?%", text):
            return True  # "72%" typed for the "72.4%" a paper reports
        word = _SPELLED.get(digits)  # "3 components" against "three key components"
        return word is not None and re.search(rf"\b{word}\b", text, re.I) is not None
    if _variant_in(text, term):
        return True  # "ViT-H" written "ViT-Huge/16"
    folded = re.sub(r"[\s\-_]", "", text.casefold())
    short = re.sub(r"[\s\-_/.]", "", term.casefold())
    if short in ("in1k", "imagenet1k") and _IMAGENET.search(text):
        return True  # "ImageNet" unqualified is ImageNet-1K
    if re.sub(r"[\s\-_]", "", term.casefold()) in folded:
        return True
    if len(short) < 3:
        return False
    if short.isalpha() and len(short) <= 5:  # "mrr", "fps": the initials of a run of words
        return short in initials(text)
    return any(_abbreviates(short, name) for name in _names_in(text, short[0]))


def initials(text: str) -> set[str]:
    """Initials of each run of two to five words: "fps" for "frames-per-second", "mrr" for
    "mean reciprocal rank"; "mae" for "masked autoencoding" (an auto-encoder is two words)."""
    words = re.findall(r"[a-z]+", re.sub(r"\bauto(?=-?encod)", "auto ", text.casefold()))
    return {"".join(w[0] for w in words[i : i + n]) for n in (2, 3, 4, 5) for i in range(len(words) - n + 1)}


def mentions(text: str, name: str, versioned: bool = False) -> bool:
    """Whether `text` holds `name` as written, as a whole word ("MSN", not "MSNs" or "AMSN");
    with `versioned`, a version of it counts ("CIFAR": "CIFAR-10")."""
    version = r"(?:-\w+)?" if versioned else ""
    return re.search(rf"(?<![\w-]){re.escape(name)}{version}(?![\w-])", text) is not None


# A percentage as abstracts write it: "82.9%", LaTeX "82.9\%", "81 percent".
PERCENT = re.compile(r"\d\s*\\?%|\bper ?cent\b", re.I)


def writes(text: str, term: str, versioned: bool = False) -> bool:
    """Whether `text` holds the typed `term` as a whole word: in the capitals it was typed with
    ("CLIP", not a video "clip"), in any case where it was typed without ("ego4d": "Ego4D");
    with `versioned`, a version of it counts too ("CIFAR": "CIFAR-10"); a size variant in
    either spelling ("ViT-H": "ViT-Huge/16")."""
    if _variant_in(text, term):
        return True
    if any(c.isupper() for c in term):
        return mentions(text, term, versioned)
    return mentions(text.casefold(), term, versioned)


_IMAGENET = re.compile(r"\bImageNet\b(?!-?\s?(?:21|22)[kK])", re.I)


def _names_in(text: str, first: str) -> Iterator[str]:
    """Runs of one to three words of `text` starting with the letter `first`, folded."""
    words = re.findall(r"[\w\-/.]+", text.casefold())
    for i, word in enumerate(words):
        if word.startswith(first):
            for j in range(i + 1, min(i + 3, len(words)) + 1):
                yield re.sub(r"[\-_/.]", "", "".join(words[i:j]))


def _abbreviates(short: str, name: str) -> bool:
    """`short`'s letters in order within `name`, its digits exactly `name`'s digits."""
    if re.sub(r"\D", "", short) != re.sub(r"\D", "", name) or len(name) > 40:
        return False
    rest = iter(name)
    return all(c in rest for c in short)


WANTS_NUMBER = re.compile(
    r"\b(how many|how much|how large|how long|how fast|how big|how often|by how|what (number|percentage|fraction|accuracy|"
    r"accuracies|score|scores|speed|size)|win rate|gain|improve)|"
    r"\b(accuracy|accuracies|scores?|rates?|percentage|speed-?ups?|latency|parameters?|sizes?|count|flops|gpus|hours|days|"
    r"margin|points|error|fps|throughput)\b",
    re.I,
)
# Things whose values are written without their name: "what resolution?" is answered by
# "1080p HD videos".
VALUE_FORMS = {
    stem("resolution"): re.compile(r"\b\d{3,4}p\b|\b\d{2,4}\s?[x×]\s?\d{2,4}\b|\b[248]K\b|\bHD\b"),
    # "what hardware?" is answered by "16 A100 GPUs"; an abstract naming no device doesn't say.
    stem("hardware"): re.compile(r"\b(?:[GT]PUs?|[AHV]100s?|CPUs?|accelerators?|chips?|devices?|phones?|FPGAs?)\b"),
    # "what are its limitations?": a drawback the abstract states, in any of its words.
    stem("limitation"): re.compile(r"\b(?:drawbacks?|weakness(?:es)?|shortcomings?|disadvantages?|fails?|failures?)\b", re.I),
    # "what baselines did UGPIG beat?": "outperforms ... algorithms like KGCN, KGAT, and KGIN".
    stem("baseline"): re.compile(r"\b(?:outperform(?:s|ed|ing)?|surpass(?:es|ed|ing)?|beats?|versus|vs\.?|compared (?:to|with)|same \w+ as)\s", re.I),
}
# "how big is the Movie Gen model?", "what size?": a count with its scale ("30B parameter", "400M
# image-text pairs", LaTeX "$1.1$ billion"; not the "1B" of "SA-1B") or a parameter count.
SIZE_VALUE = re.compile(r"(?<![\w.-])\d[\d.,]*\$?\s?(?:[KMBT]|million|billion|trillion)\b|\bparameters?\b")
VALUE_FORMS[stem("size")] = SIZE_VALUE
HOW_BIG = re.compile(r"\bhow\s+(?:big|large|huge|small|tiny)\b", re.I)
# "what's the main finding / conclusion?": what the authors say they show or find.
_FOUND = re.compile(
    r"\bwe (?:\w+ )?(?:show|find|found|demonstrate|observe|reveal|conclude)\b|"
    r"\b(?:find|found|show|observe) that\b|"  # "we investigate the layers ... and find that"
    r"\b(?:results|experiments|findings|observations|study) (?:\w+ )?(?:show|suggest|demonstrate|reveal|indicate)",
    re.I,
)
_WANTS_REASON = re.compile(r"\bwhy\b|\bwhat (?:is|was) the reason\b|\bfor what reason\b", re.I)
# A reason, or what the authors found or supposed that explains the method ("we ... find that
# 1) the layers' output changes smoothly", "We hypothesize that many layer computations ... are
# redundant", "Our main insight is").
_BECAUSE = re.compile(r"\b(?:because|due to|owing to|the reason|hypothesi[sz]e[sd]?|(?:find|found|observed?) that|insight)\b", re.I)
_WANTS_FINDING = re.compile(
    # "what did the block caching authors observe about ...": what they say they found
    r"\b(?:findings?|conclusions?|takeaways?|conclude)\b|"
    r"\bwhat (?:did|do|does) (?:[\w\-]+ ){1,4}(?:observe|find|discover|notice|conclude)\b",
    re.I,
)

_HOW_MANY = re.compile(r"\bhow many\b|\bnumber of\b", re.I)
_COUNTED = re.compile(r"(?:\d[\d.,]*\S*|" + NUMBER_WORDS.pattern + r")(?P<what>(?:\s+(?:(?:of|the)\s+)*[\w\-]+){1,3})", re.I)
_WANTS_NAMES = re.compile(
    r"\b(which|what)\s+(\w+\s+)?(datasets?|benchmarks?|baselines?|models|methods|tasks|architectures|solvers|algorithms|metrics?)\b",
    re.I,
)
# "which metric?": the sentence naming one. Metric names are a small closed vocabulary.
_WANTS_METRIC = re.compile(
    r"\b(?:which|what)(?:'s|s|\s+is|\s+are|\s+was)?\s+(?:\w+\s+)?metrics?\b|\bmeasured\s+(?:w/|with|by|in|on)\s+(?:which|what)\b", re.I
)
_AS_METRIC = re.compile(r"\bas\s+(?:a|an|the)\s+(?:\w+\s+)?metric\b", re.I)  # "... (SQNR) as a pivotal metric"
METRIC_NAMES = re.compile(
    r"\b(?:mean reciprocal rank|MRR|m?AP(?:50|75|box|mask)?|average precision|accuracy|top-[15]|FID|FVD|IS|BLEU|ROUGE|CIDEr|"
    r"METEOR|F1|F-score|IoU|mIoU|PSNR|SSIM|LPIPS|recall(?:@\d+)?|R@\d+|precision|perplexity|WER|word error rate|"
    r"SQNR|win rate|human (?:evaluation|preference)|CLIP score|AUC|NDCG|hit rate)\b",
)
# "... from the paper on MAE-based pre-pretraining": words that find the paper, not the answer.
_IDENTITY_CLAUSE = re.compile(
    r"\b(?:from|in|of|for|by)?\s*the (?:paper|work|study|article|abstract|method|model) (?:on|about|that|which|where|introducing|proposing|with)\b[^,?]*",
    re.I,
)
# "the MAE pre-pretraining paper", "... papers largest model" (a possessive, its apostrophe not typed)
_PAPER_BY_TOPIC = re.compile(
    r"\b(?:from|in|of|for|by)?\s*the (?:[\w\-]+ ){1,4}(?:paper|work|study|article)(?:'s|s'?(?=\s+\w+est\b))?(?![\w'])", re.I
)


def asked_part(question: str) -> str:
    """A one-paper question without the words that find the paper ("what iNat-18 accuracy did
    the MAE pre-pretraining paper get" -> "what iNat-18 accuracy did get"). Comparisons keep
    them: there they say what each side is."""
    whole = question
    if described := described_paper(question):
        question = question.replace(described, " ")
    question = _LOCATING.sub(" ", question)  # "In the audio-visual benchmark (AV-SUPERB), which ..."
    if asked := asked_after(question):  # "the SEER-style paper on ... — how big did they make it?"
        question = asked
    question = ASIDE.sub(" ", question)  # "LEGO (egocentric action frame generation)"
    asked = _PAPER_BY_TOPIC.sub(" ", question).strip()
    # "There's a paper that adds ... What did their biggest model get on iNaturalist-18?": a
    # description may take the whole sentence that holds it; what is asked is the question.
    if not content_words(asked):
        return question_sentences(whole)
    # "SceneTextGen avoids a predefined layout stage. What are the three key components it
    # integrates?": a sentence that only tells finds the paper; the sentence that asks is asked.
    return question_sentences(asked)


# A question that compares (`Query.kind` "comparison"; also what `question_sentences` keeps
# when a question asks nothing else: "What's the difference?").
# "are they the same thing?", "are these different?": a pair asked of as one.
PAIR_IS = r"\b(?:are|is)\s+(?:they|these|those|the two|both)\s+"
COMPARISON = re.compile(
    # (not inside a hyphenated description: "the ensembling-vs-bigger-models paper")
    # ("recorded in a different scene": "a different" thing is another one, no comparison)
    r"\b(compare[sd]?|comparison|diff|differ|differs|(?<!\ba\s)different|difference|differences|(?<!-)(?:versus|vs\.?)(?!-)|contrast|in common|"
    r"share(?!\s+of\b)|shared|similarit(y|ies)|same as|apart from|distinguish(es|ing)?|unlike|alike|stack up)\b|"
    r"\bseparates?\b[^?]*\bfrom\b|"
    # "how do Emu and Emu Video relate?", "how is the power-law paper connected to MSN",
    # "is there a link between Emu and block caching", "are they the same thing?"
    r"\bhow (?:do|does|are|is)\b[^?]*\b(?:relate|related|connected|linked|tied)\b|"
    r"\b(?:links?|connections?|relationship|relation)\s+between\b|"
    + PAIR_IS + r"(?:the\s+same|different|related)\b",
    re.I,
)

_OPENS_QUESTION = re.compile(r"^\W*(?:what|which|who|whom|whose|when|where|why|how|is|are|does|do|did|was|were|can|could)\b", re.I)


def question_sentences(text: str) -> str:
    """The sentences that ask ("... ends with a question mark", "which ones ..."), where the
    text also has others that only tell (context: "I'm reading up on X and remember ...");
    else the whole text."""
    # "... a new benchmark. what does each contain?": a question typed in lower case is a sentence too
    sentences = [part for t in split_sentences(text) for part in _LOWER_QUESTION.split(t)]
    asking = [t for t in sentences if (t.rstrip().endswith("?") or _OPENS_QUESTION.match(t)) and not _TAG_QUESTION.search(t)]
    # "... say most of their contributions aim at one thing. What is it?": a question of no word
    # of its own asks what the telling sentence says; "What's the difference?" asks a comparison.
    if not content_words(" ".join(asking)) and not COMPARISON.search(" ".join(asking)):
        return text
    return " ".join(asking) if 0 < len(asking) < len(sentences) else text


_LOWER_QUESTION = re.compile(r"(?<=[.!?])\s+(?=(?:what|which|how|who|when|where|why|does|do|did|is|are|can)\b)")


# "Both are about CLIP training data, right?": a statement checked in passing, which tells.
_TAG_QUESTION = re.compile(r",\s*(?:right|correct|no|yes|yeah|true)\s*\?\s*$", re.I)


# An opening phrase that says where to look, then the question: "In the X paper, how many ...?",
# "what about i-jepa, does it use augmentations?"
_LOCATING = re.compile(
    r"^\s*(?:in|for|from|about|regarding|according to|within|(?:and\s+)?(?:what|how)\s+about)\s[^,?]{3,90},\s*"
    r"(?=(?:which|what|how|who|when|where|why|is|are|does|do|did|was|were)\b)",
    re.I,
)
# A description, a dash or colon, then the question: "the paper training on random internet
# images — how big did they make the model?"
_ASKED_AFTER = re.compile(
    r"^[^?]{12,}?(?:\s[-\u2013\u2014]+\s|\s?[\u2013\u2014]\s?|:\s)"
    r"(?P<asked>(?:[\w/]+\s+){0,3}(?:what|which|how|who|when|where|why|does|do|did|is|are|was|were|can)\b[^\-\u2013\u2014:]*)$",
    re.I,
)


def asked_after(question: str) -> str | None:
    """What a question asks after a dash or colon that sets the papers apart ("cutler vs the
    single image+video MAE model: which needs labels?" -> "which needs labels?"); None without one."""
    m = _ASKED_AFTER.search(question)
    return m.group("asked") if m else None


# An aside in brackets of three words or more and no number: it says which paper, not what is asked.
ASIDE = re.compile(r"\((?=[^()\d]*\s[^()\d]*\s)[^()\d]+\)")


_DESCRIBED = re.compile(
    # (one paper: "contrast the block caching paper with the PTQ paper for DiTs" describes two)
    r"\b(?:the|that|this|a|one)\s+(?P<what>(?:[\w\-]+\s+){0,3}(?:paper|work|study|article)\s+"
    r"(?:about|on|that|which|where|introducing|proposing|with)\b(?:(?!\b(?:paper|work|study|article)\b)[^,;:?\u2013\u2014]){12,}?)"
    r"(?:\s+-+\s|[,;:?\u2013\u2014])"
    # "the masked-autoencoder model trained jointly on images and videos -- what ...?": a model
    # or method described by how it is made, set apart from the question by a dash or colon.
    r"|^\s*(?:the|that|this)\s+(?P<model>(?:[\w\-]+\s+){0,3}(?:model|method|approach|framework)\s+"
    r"(?:that|which|trained|built|learned|using|pretrained|pre-trained)\b[^,;:?\u2013\u2014]{12,}?)(?:\s+-+\s|[:\u2013\u2014])"
    # "does the paper that assigns a 'quality score' ... report any speedup?": after "does", the
    # question's own verb is bare ("report"); the description's is not ("assigns").
    r"|^\s*(?:does|did|do|can|could|would|will)\s+(?:the|that|this|a|one)\s+(?P<aux>(?:[\w\-]+\s+){0,3}"
    r"(?:paper|work|study|article)\s+(?:about|on|that|which|where|introducing|proposing|with)\b[^,;:?]{12,}?)"
    r"(?=\s+(?:report|mention|say|give|show|use|beat|outperform|get|reach|achieve|evaluate|measure|provide|"
    r"include|release|compare|train|test|need|require|find|claim|discuss|cover|work|improve|support)\b)",
    re.I,
)


def described_paper(question: str) -> str | None:
    """The words that describe the one paper asked about ("that paper about X -- how big ...?"
    -> "paper about X"; "The masked-autoencoding paper that trains ... - what % ...?"), when the
    question sets them apart from what it asks."""
    m = _DESCRIBED.search(question)
    described = (m.group("what") or m.group("model") or m.group("aux")) if m else None
    # "the 10B-param model trained on random images vs the one that distills a 1B ViT: ...":
    # two papers described, side by side.
    if described and re.search(r"\b(?:vs\.?|versus)\s+(?:the|that|this|a)\s+(?:[\w\-]+\s+){0,4}?(?:paper|work|study|one|model|method)\b", described, re.I):
        return None
    return described


def paper_by_topic(question: str) -> str | None:
    """"the ldm quantization paper" in a question that mentions no other paper: the words that
    describe the one paper it asks about."""
    found = [m.group(0).strip() for m in _PAPER_BY_TOPIC.finditer(question)]
    papers = re.findall(r"\b(?:papers?|works?|stud(?:y|ies)|articles?|abstracts?)\b", question, re.I)
    return found[0] if len(found) == 1 and len(papers) == 1 else None


_WANTS_IDENTITY = re.compile(
    r"^\s*(which|what)\s+(\w+\s+)?(paper|method|model|work|technique|approach|system|benchmark|study)\b", re.I
)


_LINK = re.compile(r"\b(?:https?://|www\.)\S+|\b[\w\-]+(?:\.[\w\-]+)*\.(?:com|org|io|me|net|ai)(?:/\S*)?", re.I)
# "does MetaCLIP release its data?", "is it open source?": where a thing is made available is
# the sentence with the link ("Curation code ... is made available at https://...").
_WANTS_LINK = re.compile(
    r"\b(?:url|link|page|site|website|homepage|code|github|repo\w*|download|releas\w*|available|public\w*|open[- ]?sourced?)\b",
    re.I,
)
LINK_WORDS = 12  # a sentence this short around a link is there for the link
# "Our code is publicly available.": where the work is released, not what it found or did.
_RELEASED = re.compile(
    r"\b(?:code|models?|weights|checkpoints?|data|datasets?)\b(?:\s+\w+){0,4}\s+(?:is|are|will be|has been|have been)"
    r"\s+(?:\w+\s+){0,2}(?:available|released|open[- ]sourced)\b|\bwe (?:\w+ )?(?:release|open[- ]source)\b",
    re.I,
)


def strip_names(text: str, names: Iterable[str]) -> str:
    """`text` with each of `names` blanked out, as typed in any case, with or without a
    plural s ("EfficientSAMs", "EfficientSAM"); the longest names first."""
    for name in sorted(set(names), key=len, reverse=True):
        name = name[:-1] if name.endswith("s") and len(name) > 3 else name
        text = re.sub(rf"(?<![\w-]){re.escape(name)}s?(?![\w-])", " ", text, flags=re.I)
    return text


def without_names(question: str, source: Source) -> str:
    """The question without the paper's own title and names; the question itself when it
    writes none of them."""
    unnamed = strip_names(question, [source.paper.title, *source.paper.aliases])
    return " ".join(unnamed.split()) if unnamed != question else question


def rank_sentences(
    question: str,
    source: Source,
    embed: SentenceEmbedder,
    weights: RankingSettings,
    exact: list[str] = (),
    context: str | None = None,
    alone: bool = False,
) -> list[tuple[float, int, str]]:
    """A source's sentences scored for the question: meaning, shared rare words, numbers.
    With `context` (the whole question, where `question` is its asked part), meaning is the
    mean of the closeness to both. `alone`: the question asks of this paper alone, so its
    names only find it (a comparison's names say what each side is).

    Shared words are weighted by how rare they are inside this abstract, so the words that
    merely identify the paper ("pre-pretraining" in every sentence of that paper) count
    less than the ones that point at the asked-for detail ("iNaturalist-18").
    """
    if not source.sentences:
        return []
    question = _IDENTITY_CLAUSE.sub(" ", question).strip() or question
    vectors = embed(source.sentences)
    sims = vectors @ embed.query(question)
    if context and context != question:
        sims = (sims + vectors @ embed.query(context)) / 2
    # "how does I-JEPA avoid hand-crafted augmentations?": the name finds the paper, and the
    # sentences that repeat it are no closer to what is asked; meaning is also read without it.
    bare = without_names(question, source)
    unnamed = bare if alone else question
    if unnamed != question and len(content_words(unnamed)) >= 2:
        sims = (sims + vectors @ embed.query(unnamed)) / 2
    bags = source.sentence_words
    asked = content_words(question)
    # The words of the names the question writes find the paper; a word of a long name it
    # does not write is asked ("does gismo use a graph?": "Graph-based Ingredient Substitution
    # Module (GISMo)" holds it).
    words = content_words(bare) if bare != question else asked - source.name_words
    idf = {w: math.log(1 + len(bags) / (1 + sum(w in bag for bag in bags))) for w in words}
    total = sum(idf.values()) or 1.0
    wants_number = bool(WANTS_NUMBER.search(question))
    how_many = bool(_HOW_MANY.search(question))
    # What is counted: the asked words as typed beside the paper's names ("experts" of "how many
    # experts does MoDE use", though MoDE's name holds it; not "Emu" of "Emu: how many images?").
    counted = content_words(bare)
    wants_names = _WANTS_NAMES.search(question)
    named_head = stem(wants_names.group(3).casefold()) if wants_names else ""
    wants_metric = bool(_WANTS_METRIC.search(question))
    asked_terms = terms_in(question)
    valued = [form for head, form in VALUE_FORMS.items() if head in words]  # "what hardware?": "A100 GPUs"
    if HOW_BIG.search(question):  # "how big is it?" asks its size ("the big encoder" does not)
        valued.append(SIZE_VALUE)
    if _WANTS_FINDING.search(question):  # "the main finding?", not "... to find the sensitive blocks"
        valued.append(_FOUND)
    # "why did AL get little attention?": "This is mainly because ..." gives the reason.
    reason = bool(_WANTS_REASON.search(question))
    contribution = contribution_sentence(source.sentences) if _WANTS_IDENTITY.search(question) else None
    # "what is block caching?", "main idea of CutLER?": asked what the paper is and nothing
    # more, it answers with the sentence stating its contribution.
    defines = None
    if not reason:  # "why does block caching work?" is not asked what it is
        defines = contribution_sentence(source.sentences) if unnamed != question and _asks_only_what_it_is(unnamed) else None
        if alone and defines is None:
            defines = _introduces(unnamed, source)
    wants_link = bool(_WANTS_LINK.search(question))
    # "how is EfficientSAM trained?": an abstract's opening sentences on the work it builds on
    # ("... a super large Transformer model trained on ... SA-1B", SAM) are not about the paper.
    # A question asking about the problem, or which work covers a topic, may want them, and
    # "what problem does block caching solve?" is answered by them ("... the image generation
    # process is costly").
    opening = _background(source) if alone else 0
    asks_background = _WANTS_BACKGROUND.search(question) or _WANTS_IDENTITY.search(question)
    background = 0 if asks_background else opening
    problem = opening if _WANTS_PROBLEM.search(question) else 0
    variant = asked_variant(question, source.sentences)
    # "what does CutLER stand for?": the sentence that spells the name out ("Cut-and-LEaRn (CutLER)").
    spelled = _spelled_out(source, question) if _WANTS_SPELLING.search(question) else None
    # Asked terms weigh by rarity in this abstract too: "iNat-18" in one sentence points at the
    # answer; "MAE", in most sentences of the MAE paper, only at the paper.
    holds = {t: h for t in exact if any(h := [holds_term(x, t) for x in source.sentences])}
    rarity = {t: math.log(1 + len(bags) / (1 + sum(h))) for t, h in holds.items()}
    exact_total = sum(rarity.values()) or 1.0
    ranked = []
    for i, (sentence, sim, bag) in enumerate(zip(source.sentences, sims, bags, strict=True)):
        overlap = sum(idf[w] for w in words & bag) / total
        # "how many experts does MoDE use?": "four CLIP data experts" is the count asked for (of
        # an asked word, even one of the paper's name; a spelled number is a number there).
        counts_asked = how_many and bool(counted & counted_words(sentence))
        bonus = weights.number if wants_number and (numbers_in(sentence) or counts_asked) else 0.0
        if wants_number and words & counted_words(sentence):
            bonus += weights.counted
        if counts_asked:
            bonus += weights.exact
        if wants_names:  # "which models?": the sentence naming most of them ("(LDM and EMU)")
            bonus += weights.entity * min(len(terms_in(sentence) - source.name_terms - asked_terms), 3)
            # "... on the Kinetics, Moments in Time, and Charades video action recognition
            # datasets": the asked head itself, beside the names it heads.
            if named_head in bag and len(_PROPER.findall(strip_markers(sentence))[1:]) >= 2:
                bonus += weights.entity
        # "in terms of mean reciprocal rank", "leveraging ... (SQNR) as a pivotal metric"
        if wants_metric and (METRIC_NAMES.search(sentence) or _AS_METRIC.search(sentence)):
            bonus += weights.entity * 2
        bonus += weights.contribution if i == contribution else 0.0
        bonus += weights.exact * sum(rarity[t] for t, h in holds.items() if h[i]) / exact_total
        if any(form.search(sentence) for form in valued):  # the asked word's value: as the word, and exact
            bonus += weights.overlap + weights.exact
        if not wants_link and (_LINK.search(sentence) or _RELEASED.search(sentence)):
            if len(_LINK.sub(" ", sentence).split()) <= LINK_WORDS:
                bonus -= weights.link  # "Project page: http://...", "Our code is available." say where, not what
        if strip_markers(sentence).rstrip().endswith("?"):
            bonus -= weights.asking
        if reason and _BECAUSE.search(sentence):
            bonus += weights.overlap + weights.exact
        if i == spelled:
            bonus += weights.exact + weights.contribution
        if i == defines:
            bonus += DEFINES
        if i < background:
            bonus -= BACKGROUND
        if i < problem:
            bonus += BACKGROUND
        if variant is not None:  # "with ViT-H": its sentence, not ViT-B's, answers
            bonus += weights.exact if variant[i] else -OTHER_VARIANT if variant[i] is False else 0.0
        ranked.append((weights.similarity * float(sim) + weights.overlap * overlap + bonus, i, sentence))
    return sorted(ranked, reverse=True)


# Taken from an opening sentence before the abstract first speaks of its own work.
BACKGROUND = 0.2
_OWN_WORK = re.compile(r"\b(?:we|our|us|this (?:paper|work|study|report)|here)\b", re.I)
# "what problem does it solve?", "why ...?": the opening sentences answer; a question on
# limitations or prior work may want them too.
_PROBLEM_WORDS = r"why|problems?|challenges?|motivat\w*|solv(?:e|es|ed|ing)|address\w*|drawbacks?|gaps?"
_WANTS_PROBLEM = re.compile(rf"\b(?:{_PROBLEM_WORDS})\b", re.I)
_WANTS_BACKGROUND = re.compile(rf"\b(?:{_PROBLEM_WORDS}|limitations?|background|prior|previous|existing)\b", re.I)


def _background(source: Source) -> int:
    """How many of the abstract's sentences open it before the first that speaks of the paper's
    own work ("we", "our", "this paper", or one of its names); 0 if none does."""
    names = [n for n in (source.paper.title, *source.paper.aliases) if n]
    for i, sentence in enumerate(source.sentences):
        if _OWN_WORK.search(sentence) or any(mentions(sentence, n) for n in names):
            return i
    return 0


# Added to the sentence that says what is asked about when the question asks only what a
# paper (its contribution) or a name inside it (where it is introduced) is: enough to lead
# over any sentence that merely repeats the name.
DEFINES = 1.0
_WHAT_IT_IS = frozenset(
    stem(w)
    for w in """main key core central basic big general overall idea ideas point gist contribution contributions
    summary summarize summarise explain describe tell overview behind new novel propose proposed introduce
    approach method paper work about mean meaning topic theme subject focus aim purpose goal survey study
    review brief briefly short shortly quick quickly one two three sentence sentences line lines word words
    nutshell tl dr tldr eli5""".split()
)  # "summarize cutler in two sentences", "X in a nutshell": how long, not what


_WHAT_IS = re.compile(r"^\s*(?:what(?:'s|s)?(?:\s+(?:is|are|was|were))?|define|explain)\s", re.I)


def _introduces(question: str, source: Source) -> int | None:
    """For "what is SAMI (in EfficientSAM)?", a name the abstract uses asked what it is: the
    first sentence writing it, where an abstract introduces its terms ("... masked image
    pretraining, SAMI, which learns to reconstruct ...")."""
    if not _WHAT_IS.match(question) or len(question) >= 60:
        return None
    asked = content_words(question) - _WHAT_IT_IS
    names = {stem(part) for t in terms_in(source.paper.abstract) for part in (t, *t.split("-"))}
    if not asked or not asked <= names:
        return None
    return next((i for i, bag in enumerate(source.sentence_words) if asked <= bag), None)


def _asks_only_what_it_is(unnamed: str) -> bool:
    """Whether a question, the paper's names taken out, asks nothing but what the paper is:
    "what is", "what's the main idea of", "explain", "tell me about"; not "how big is it"."""
    return len(unnamed) < 60 and content_words(unnamed) <= _WHAT_IT_IS and not HOW_BIG.search(unnamed)


# Capitalised words (the first of a sentence among them): names where a sentence lists some.
_PROPER = re.compile(r"(?<![\w-])[A-Z][\w-]*[a-z0-9][\w-]*")


# Taken off a sentence that names only another variant of the asked model ("ViT-B" for "ViT-H"):
# it answers for that one, so it ranks below the sentences that don't.
OTHER_VARIANT = 1.0


def asked_variant(question: str, sentences: list[str]) -> list[bool | None] | None:
    """For a question naming one variant of a model or dataset the abstract writes in several
    ("ViT-H" where it also writes "ViT-B"; "Kinetics-600" beside "Kinetics-400"): per sentence,
    True where it names an asked one, False where it names only another, None where neither;
    None when the question names no variant the abstract sets beside another."""
    typed = {w for w in WORD.findall(question.casefold()) if "-" in w}
    if not typed:  # most questions write no hyphenated name: no sentence need be read
        return None
    terms = [{t for t in terms_in(x) if "-" in t} for x in sentences]
    asked = typed & set().union(*terms)
    if not asked:
        return None
    heads = {a.rsplit("-", 1)[0] for a in asked}
    marks = [True if asked & t else False if any(x.rsplit("-", 1)[0] in heads for x in t) else None for t in terms]
    return marks if False in marks else None


def counted_words(sentence: str) -> set[str]:
    """Content words right after a number: what the sentence counts ("1.1 billion image-text
    pairs", "tens of thousands of samples")."""
    return {w for m in _COUNTED.finditer(strip_markers(sentence)) for w in content_words(m.group("what"))}


_CONTRIBUTES = re.compile(
    r"\b(we|this (paper|work))\s+(further\s+)?(propose|present|introduce|develop)"
    # A survey's: "in this survey, we provide a new perspective", "This article is to fill
    # this gap, we provide a formal classification method".
    r"|\bthis (?:survey|review|article)\b[^.;]{0,40}?,\s*we\s+provide",
    re.I,
)


_WANTS_SPELLING = re.compile(r"\b(?:stands?|standing)\s+for\b|\bshort\s+for\b|\b(?:acronym|abbreviation|full\s+name)\b", re.I)


def _spelled_out(source: Source, question: str) -> int | None:
    """Index of the first sentence that writes one of the paper's names in brackets after
    other words: where the abstract spells it out. An acronym the question asks about that is
    no name of the paper ("what does SAMI stand for?") may stand between commas too
    ("leveraging masked image pretraining, SAMI, which ...")."""
    asked = []  # the question's words that the abstract writes in capitals, as it writes them
    for word in dict.fromkeys(WORD.findall(question)):
        m = re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", source.paper.abstract, re.I)
        if m and len(word) > 1 and m.group(0).isupper():
            asked.append(m.group(0))
    for name, opens in [*((a, r"\(") for a in source.paper.aliases), *((a, r"[(,]") for a in asked)]:
        spelled = re.compile(r"\w[^()]*" + opens + r"\s*" + re.escape(name) + r"\s*[),;]")
        if (i := next((i for i, x in enumerate(source.sentences) if spelled.search(x)), None)) is not None:
            return i
    return None


def join_words(items: list[str], conjunction: str = "and") -> str:
    """"A", "A and B", "A, B and C" ("A, B or C"): items joined as a sentence lists them."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


# Without "we propose/present/...": "In this paper, we manipulate input speech to ...".
_IN_THIS_WORK = re.compile(r"\b(?:in|with) this (?:paper|work|study),? we\b", re.I)


def contribution_sentence(sentences: list[str], loose: bool = False) -> int | None:
    """Index of the sentence where the abstract states its own contribution; `loose` also
    takes "In this paper, we ..." where no sentence proposes (a record's one quote, not a
    comparison's lead: there it is often vaguer than the sentences after it)."""
    for pattern in (_CONTRIBUTES, _IN_THIS_WORK) if loose else (_CONTRIBUTES,):
        if (i := next((i for i, s in enumerate(sentences) if pattern.search(s)), None)) is not None:
            return i
    return None

