"""Read a question once, into a typed `Query`: its kind, the papers it names, what it asks for.

Everything after retrieval reads the question through this object. The filters a person sets
beside a question (authors, a date range: the web app's Settings, `ask --author/--from/--to`)
are checked here too, by `read_filters`, so both shells refuse the same input the same way. Rules are used only
where the thing is exact: paper names, arXiv ids, dates, author names and URLs come from
the collection's own lookup tables (`names.CollectionNames`); numbers and named terms
("ViT-L/14", "WMT14", "MRR") are copied from the question as written, so the answerability
check can demand that the cited passage holds them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Literal

from abstractqa.errors import AbstractQAError
from abstractqa.evidence import (
    ASIDE,
    COMPARISON,
    PAIR_IS,
    PERCENT,
    SHORT_FORMS,
    STOPWORDS,
    VALUE_FORMS,
    VARIANT,
    WORD,
    content_words,
    counted_words,
    described_paper,
    initials,
    numbers_in,
    question_sentences,
    scaled_numbers,
    split_sentences,
    stem,
    stem_run,
    variant_key,
)
from abstractqa.media import made_media
from abstractqa.names import stated_superlative

if TYPE_CHECKING:
    from abstractqa.names import CollectionNames, QueryIntent

Kind = Literal["factoid", "comparison", "listing", "record"]

# "are they the same thing?", "are these different?": whether two papers are one.
_ASKS_IDENTITY = re.compile(PAIR_IS + r"(?:the\s+same|different)\b", re.I)
# "is there a link between Emu and block caching?": how two papers are linked, which a sentence
# of one naming the other answers first.
_ASKS_LINK = re.compile(
    r"\b(?:links?|connect\w*|relat\w*|tied|builds? on|based on|extend\w*)\b|\bthe same (?:thing|model|method|work)\b", re.I
)
LISTING = re.compile(
    # not "the MAE papers largest model" (a possessive, typed without its apostrophe)
    # "what did they find works as ...": "works", a verb, lists nothing
    r"\b(papers|abstracts|(?<!\bit\s)(?<!\bwhat\s)(?<!\bthat\s)(?<!\bthis\s)(?<!\bfind\s)works(?!\s+(?:as|well|better|best|because)\b)|studies|articles|publications)\b(?!\s+\w+est\b)|\blist (all|the|every|them)\b|"
    r"^\s*(anything|any (paper|work|study|one)s?)\b|\b(which|what) ones\b|"
    # "I need every paper in the collection that reports ...": each one, so all of them
    r"\bevery (paper|work|study|article|abstract|publication)\b|"
    # "is there any work on X?", "does any paper Y?": which papers, if any
    r"^\W*(is|are) there\s+(any|some|a|an)?\s*(\w+\s+)?(work|research|study|article|abstract|anything)\b|"
    r"^\W*(do|does) (you|we|the (collection|index)) have\b|\bdoes any (paper|work|abstract|study|one)\b|"
    # "who reports results on COCO?": which papers (who wrote one is asked as authors)
    r"^\W*who\b(?!\s+(?:is|are|was|were)\b)|"
    r"\b(which|what)\s+(\w+\s+){0,2}(methods|approaches)\s+(in|from|of)\s+the\s+(collection|index)|"
    # "which of the video models here also output sound?": things of the collection, plural
    r"\bwhich\s+(?:of\s+the\s+)?(?:[\w\-]+\s+){0,3}?[\w\-]+s\s+(?:here|in\s+(?:the|this)\s+(?:collection|corpus|index))\b",
    re.I,
)
# "AV-SUPERB evaluates 5 self-supervised models, which ones?", "list the 7 datasets that make up
# AV-SUPERB": things the question counts, asked by name (not papers: "the two quantization
# papers, which ones ...").
WHICH_OF_COUNT = re.compile(
    # ("which five self-supervised models were evaluated in AV-SUPERB?" asks by name too)
    r"(?P<verb>\b(?:list|name|enumerate)\s+(?:all\s+)?(?:of\s+)?(?:the|its|their)\s+|^\W*(?:which|what)\s+)?"
    r"\b(?P<n>\d+|two|three|four|five|six|seven|eight|nine|ten)\s+(?:[\w\-]+\s+){0,3}?"
    r"(?!(?:papers|works|studies|articles|abstracts)\b)(?P<what>[a-z][\w\-]*s)\b"
    r"(?(verb)|[^?]{0,40}\bwhich\s*(?:ones\b|of (?:them|these|those)\b|exactly\b|(?:are|were) (?:they|those|these)\b|\?))",
    re.I,
)
# "why do the authors of the survey say ...": what the authors say, not who they are.
_THEIR_WORDS = r"(?:say|says|said|claim|claims|argue|argues|think|believe|find|found|observe|show|report|conclude|mean|suggest)"
ASKS_AUTHORS = re.compile(
    rf"\b(who (wrote|authored|made|created|developed|proposed|introduced|are the authors|is the author|is behind|are behind)|(first|last|lead|senior) author|authors? (of|on|list)\b(?![^?]*\b{_THEIR_WORDS}\b)|"
    r"written by|wrote|co-?(authored?|written|wrote)|(how many|number of|more|fewer) (co-?)?authors)\b"
    r"|^\W*(?:[^\s?]+\s+){0,3}(?:co-?)?authors?\W*$",  # "metaclip authors?"
    re.I,
)
ASKS_FIRST_AUTHOR = re.compile(r"\b(first|lead|main)\b[\w\s,/+&]{0,16}\bauthors?\b", re.I)  # "first + last author"
# "... the first author of X, and who is last?": the last author, asked after the first.
ASKS_LAST_AUTHOR = re.compile(
    r"\b(last|senior|final)\b[\w\s,/+&]{0,16}\bauthors?\b|\bfirst author\b.*\band\s+(?:who(?:'s|\s+is|\s+was)\s+)?(?:the\s+)?last\b",
    re.I,
)
# "who is the second author of VideoCLIP?", "3rd author": one place in the author list.
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
ASKS_NTH_AUTHOR = re.compile(rf"\b(?P<nth>{'|'.join(ORDINALS[1:])}|(?P<digits>\d{{1,2}})(?:st|nd|rd|th))[\s-]+(?:listed\s+)?(?:co-?)?authors?\b", re.I)


def author_position(text: str) -> int:
    """The place in the author list a question asks for, counted from 1 ("the second author": 2;
    "3rd author": 3); 0 when it asks for none (first and last are fields of their own)."""
    if not (m := ASKS_NTH_AUTHOR.search(text)):
        return 0
    return int(m.group("digits")) if m.group("digits") else ORDINALS.index(m.group("nth").casefold()) + 1


# "who else did the first author of MetaCLIP write with?", "what other papers did the 2nd author
# of VideoCLIP write?": a person named by their place on a named paper's list, then asked about.
_AUTHOR_OF = re.compile(
    rf"\bthe\s+(?P<place>first|lead|last|senior|{'|'.join(ORDINALS[1:])}|\d{{1,2}}(?:st|nd|rd|th))[\s-]+(?:listed\s+)?author\s+(?:of|on|for|in)\s+(?:the\s+)?",
    re.I,
)
_ASKS_BEYOND = re.compile(r"\b(?:else|other|others|co-?authors?|with)\b", re.I)


def author_via(text: str, aliases: list[str], authors: list[str]) -> tuple[str, str, str] | None:
    """Of a question asking about the person at a place on one named paper's author list (its
    `aliases` and `authors`), the question with the person in that phrase's place, the person,
    and the phrase ("the first author of MetaCLIP"); None where it asks no such thing, or the
    list is too short to say."""
    if not (authors and _ASKS_BEYOND.search(text) and (m := _AUTHOR_OF.search(text))):
        return None
    place = m.group("place").casefold()
    at = 0 if place in ("first", "lead") else -1 if place in ("last", "senior") else author_position(m.group(0)) - 1
    rest = text[m.end() :]
    name = next((a for a in sorted(aliases, key=len, reverse=True) if rest.casefold().startswith(a.casefold())), None)
    if name is None or at >= len(authors):
        return None
    end = m.end() + len(name)
    end += len(p.group(0)) if (p := re.match(r"\s+paper\b", text[end:], re.I)) else 0
    phrase = re.sub(r"\s+", " ", text[m.start() : end])
    return text[: m.start()] + authors[at] + text[end:], authors[at], phrase


def looked_up_values(query: Query) -> list[str]:
    """The values a question asking which paper (or who) looks up ("which paper reports 72.4%?":
    "72.4"; "any model with 30B params?": 30000000000); no year, and no small count ("the 2
    papers"). None where a paper is named or described ("what is the 1B vit distilled into")."""
    if query.named or query.kind not in ("factoid", "listing") or not _ASKS_WHICH.match(query.text):
        return []
    return [t for t in query.exact if _LOOKED_UP.fullmatch(t) and not re.fullmatch(r"(?:19|20)\d\d", t) and ("." in t or int(t) >= 10)]


_ASKS_WHICH = re.compile(r"\W*(?:(?:which|what)\s+(?:\w+\s+)?(?:papers?|works?|stud(?:y|ies)|articles?|models?|methods?)|who|any\s+(?:papers?|works?|models?))\b", re.I)
_LOOKED_UP = re.compile(r"\d+(?:\.\d+)?")


# "dates + ids please": an id in lower case (or "IDs") is the arXiv id, the only one a record has
# ("in-distribution (ID) accuracy" is no record).
ASKS_ARXIV = re.compile(r"\barxiv\b|(?-i:(?<![\w\-])(?:ids?|IDs)\b)", re.I)
# "the earliest by arXiv date", "what is the arXiv date of I-JEPA?": a date, not an id
_ARXIV_DATE = r"\barxiv\s+(?:submission\s+|posting\s+)?dates?\b"
# "when was it put on arXiv?", "the earliest by arXiv date": arXiv as where the date comes from
_ARXIV_AS_PLACE = re.compile(rf"\b(?:on|to|onto)\s+arxiv\b(?!\s*(?:id|number|link|url|page))|{_ARXIV_DATE}", re.I)
ASKS_DATE = re.compile(
    r"\bwhen (was|were|did)\b[^?]*\b(created|published|posted|released|put up|put on|uploaded|submitted|written|appear\w*|out)\b|"
    r"\b(what|which) (date|day|month|year)\b|\b(created|published|posted|released|submitted) (on|in)\b|" + _ARXIV_DATE + r"|"
    # "arXiv id + date?", "authors and date", "submission date?": the date as one record field of several
    r"\b(?:id|ids|numbers?|authors?|link|url)\s*(?:\+|&|/|,|and)\s*(?:the\s+)?date\b|\bdate\s*(?:\+|&|/|,|and)\s*(?:the\s+)?(?:arxiv\s+)?(?:id|number|authors?)\b|"
    r"\b(?:submission|publication|posting|release|creation) date\b|"
    # "which one came out first?", "which is newer?": the dates answer it
    r"\bwhich\b[^?]*\b(came|come|comes|published|posted|released|submitted|appeared)( out)? (first|earlier|last|later)\b|"
    r"\bwhich\b[^?]*\b(is|was) (?:the )?(newer|older|more recent|newest|oldest|latest|earliest|most recent)\b",
    re.I,
)
ASKS_URL = re.compile(
    r"\b(github|repo(sitory)?|project page|website|url|link(?!s?\s+between)|homepage|open[- ]?sourced?)\b|\bwhere\b[^?]*\bcode\b|\bcode\b[^?]*\b(where|live|lives|hosted)\b|"
    # "does CutLER have code?", "is there code for Movie Gen?", "did they release code?": asked yes or no
    r"^\W*(?:does|do|did|is|are|has|have)\b[^?]*?\b(?:have|has|there|release[sd]?|share[sd]?|publish(?:e[sd])?|any)\s+(?:any\s+|the\s+|its\s+|their\s+|public\s+)?(?:source\s+)?code\b"
    # "any code?", "cutler code?", "and the code?": the code asked for in a few words
    # (not "which papers generate code?": a topic)
    r"|^\W*(?:(?!(?:which|what|papers?|works?|models?|generat\w*|writ\w*|synthe\w*)\b)[^\s?]+\s+){0,2}(?:source\s+)?code\W*$",
    re.I,
)
URL = re.compile(r"(?:https?://)?(?:www\.)?[\w\-]+(?:\.[\w\-]+)+(?:/[\w\-./~%]*)?", re.I)
# Metric names, a closed vocabulary: "what is the fid of block caching?" asks a value.
_METRIC_WORDS = (
    "fid|fvd|bleu|rouge|cider|psnr|ssim|lpips|mrr|auc|ndcg|wer|perplexity|f1|m?iou|"
    # and the long names people type ("whats the exact mean reciprocal rank GISMo gets")
    "mean reciprocal rank|fr[eé]chet (?:inception|video) distance|word error rate|mean average precision"
)
_METRICS = _METRIC_WORDS + "|m?ap"  # "map"/"ap" are also words: only where a metric is asked


# "what character recognition rate", "imagenet top-1 linear-probe accuracy": a value asked by
# its measure, with the words that say which (a few, not the question's frame).
_MEASURE = re.compile(
    rf"\b(?:(?!(?:what|which|whats|the|a|an|its|their|and|or|does|do|did|is|are|was|exact|actual)\b)[\w\-]+\s+){{0,3}}"
    rf"(?:accuracy|top-?[15]|rate|score|latency|throughput|error|precision|recall|{_METRIC_WORDS})\b",
    re.I,
)


def measure_asked(text: str) -> str | None:
    """The measure a question asks the value of, as typed; None where it names none."""
    if m := re.search(rf"\b({_METRIC_WORDS})\b", text, re.I):
        return metric_said(m.group(1).lower())
    return m.group(0) if (m := _MEASURE.search(text)) else None


def metric_said(name: str) -> str:
    """A metric as an answer names it: a short name in capitals ("MRR"), a long one as typed."""
    return name if " " in name else name.upper()

# "how many X", "what BLEU does P reach": a value is wanted, so the answer must hold a number.
ASKS_NUMBER = re.compile(
    r"\b(how many|how much|by how|how (large|long|big|fast)|what (?:percentage|fraction|accuracy|score)|"
    r"the number\b|top-[15]\b|in (?:us )?(?:dollars|usd|euros))\b|\b(what|which)\s+[\w\-/@]+\s+(?:\w+\s+){0,3}(?:does|do|did)\s+[^?]*\b"
    r"(reach|achieve|attain|obtain|score|get)\b|"
    # Terse: "param count?", "mrr number", "exact speedup?", "1.5x or 2x faster?"
    r"\b(count|numbers?|param(?:eter)?s? (?:count|size)|speed-?ups?|\d+(?:\.\d+)?x (?:faster|slower|fewer|less|more))\b|"
    # "what's the longest video it can make?": an extreme asked with "what", not "which", is a value.
    r"\bwhat(?:'s|\s+is|\s+was)\s+the\s+(?:longest|largest|biggest|highest|lowest|fastest|shortest|smallest|max(?:imum)?|min(?:imum)?)\b|"
    # "what's the compression ratio", "what is the learning rate": a ratio or rate is a value.
    r"\bwhat(?:'s|\s+is|\s+was|\s+are|\s+were)\s+(?:the\s+|its\s+|their\s+)?(?:[\w\-]+\s+){0,2}(?:ratio|rate)s?\b|"
    # "what is the fid of block caching?": a metric's value (metric names are a closed vocabulary).
    rf"\bwhat(?:'?s|\s+is|\s+was|\s+are|\s+were)\s+(?:the\s+|its\s+|their\s+)?(?:exact\s+|reported\s+|best\s+)?(?P<metric>{_METRICS})\b|"
    # Terse: "gismo mrr?", "emu video fvd", "gismo mrr value": a few words that end with the metric.
    rf"^\W*(?:[\w\-./']+\s+){{1,4}}(?P<terse>{_METRICS})(?:\s+(?:values?|scores?|numbers?|figures?|results?))?\W*$|"
    # "wer of the speech-scene model?": a metric the question starts with, then what it is of.
    rf"^\W*(?P<lead>{_METRIC_WORDS})\s+(?:of|for|on|in)\b",
    re.I,
)
# "is Florian Metze on it?", "did Metze write the AV-SUPERB paper?", "is X an author of Y?":
# whether one paper's record lists a person (yes or no), not which papers they wrote.
_MEMBERSHIP = (
    r"\b(?:is|was)\s+(?:{name})\s+(?:(?:an?|one of the|the (?:first|lead|last|senior))\s+)?(?:co-?)?authors?\b"
    r"|\bdid\s+(?:{name})\s+(?:co-?)?(?:write|author)\b"
    r"|\b(?:is|was)\s+(?:{name})\s+(?:on|among)\b"
)
# ("who else did Hu Xu write with?": the people beside them, not one paper's list)
_ASKS_PAPERS = re.compile(r"\b(?:papers|any|anything|which|what|else|other|with)\b", re.I)


def asks_membership(text: str, authors: list[str]) -> bool:
    """Whether the question asks if one paper's record lists a person ("is Florian Metze on
    it?", "did Metze write AV-SUPERB?"), named in full or by surname."""
    for part in split_sentences(question_sentences(text)):
        if _ASKS_PAPERS.search(part):  # "did Metze write any papers on video?": which papers
            continue
        for author in authors:
            name = "|".join(re.escape(n) for n in dict.fromkeys([author, author.split()[-1]]))
            if re.search(_MEMBERSHIP.format(name=name), part, re.I):
                return True
    return False


# "top-1 %?", "what accuracy", "win rate": the value wanted is a percentage.
ASKS_PERCENT = re.compile(r"%|\bper ?cent(?:ages?)?\b|\bacc(?:uracy)?\b|\btop-?[15]\b|\b(?:win|preference|success) rates?\b|\b(?:share|fraction|proportion) of\b", re.I)
# "speedup?", "by what factor", "1.5x or 2x?": the value wanted is a ratio.
ASKS_RATIO = re.compile(r"\bspeed-?ups?\b|\bhow much\b[^?]*\b(?:faster|quicker|slower|speed\w*(?:\s+\w+){0,2}\s+up)\b|\bhow many times\b|\bwhat factor\b|\bhow many-fold\b|\b\d+(?:\.\d+)?\s?[x×]\s", re.I)
# Heads of "what X / how many X" that any abstract may answer in other words.
GENERIC_HEADS = frozenset(
    """dataset datasets benchmark benchmarks task tasks model models method methods approach idea
    result results performance goal contribution problem technique techniques architecture backbone
    accuracy improvement gain component components way kind type types setting settings
    application applications challenge challenges finding findings advantage advantages
    focus aim purpose data modality modalities input inputs output
    outputs step steps stage stages paper papers work insight insights observation time
    name names way ways thing things part parts metric metrics compute resources topic
    topics theme themes trick tricks ingredient ingredients stuff stance stances attitude opinion viewpoint headline headlines""".split()
)
GENERIC_STEMS = frozenset(stem(w) for w in GENERIC_HEADS)
_ASKS_THING = [
    re.compile(
        r"\b(?P<q>how many|how much|what|which)\s+(?P<np>(?:[a-z0-9\-]+\s+){0,2}?[a-z0-9\-]+)\s+"
        r"(?:does|do|did|is|are|was|were|has|have|had|can|could|would|will|should|must|may|might)\b"
    ),
    # "the number of experts", "# of gpus"
    re.compile(r"(?:\b(?P<q>number)|#) of (?P<np>[a-z][a-z0-9\-]+)"),
    re.compile(
        r"\bwhat(?:'s| is| are| was| were) (?:the |its |their |[\w\-]+'s )(?P<np>(?:[a-z0-9\-]+\s+){0,1}[a-z0-9\-]+) "
        r"(?:of|on|for|in|at|with|when|used|chosen|reported)\b"
    ),
    # Terse: "param count?"
    re.compile(r"\b(?P<np>[a-z][a-z0-9\-]+) (?P<q>count)\b"),
    # "how many images end up in ...", "on how many gpus tho?": the first plural is what is counted.
    re.compile(r"\b(?P<q>how many) (?P<np>(?:[a-z0-9\-]+\s+)??[a-z0-9\-]+s)\b"),
    # Terse, ending with a thing stated only by its value: "emu video resolution?" (not "does it
    # make high resolution videos?", which asks whether).
    re.compile(r"\b(?P<np>resolution)\W*$"),
    # Terse: "cutler limitations?", "any drawbacks of block caching".
    re.compile(r"\b(?P<np>limitations?|drawbacks?|weakness(?:es)?|shortcomings?|disadvantages?)\b"),
]
# Names typed into a question that identify a paper's setting: "ViT-L/14", "WMT14", "GPT-4", "MRR".
_EXACT_TERM = re.compile(
    r"(?<![\w\-/.])(?:(?=[\w\-/.]*\d)[A-Za-z][\w\-/.]*[A-Za-z0-9]|[A-Z]{2,}(?:-[A-Z]{2,})*[a-z]?)(?![\w\-/])"
)
# Verbs of a listing question's frame ("which papers study X"): they say nothing of the topic.
LISTING_FRAME = frozenset(
    stem(w)
    for w in """study studies use uses rely relies report reports introduce deal discuss address propose show evaluate
    tackle focus talk talks cover covers mention mentions explore explores investigate investigates
    look looks examine examines say says said relate related relevant pertain involve concern regard regarding
    conclude concludes find finds found claim claims argue argues treat treats handle handles""".split()
)
# Verbs of making: "which papers propose (release, build) a benchmark?" asks for papers that make one.
MAKING = frozenset(stem(w) for w in "propose introduce present build built release create construct collect curate develop".split())
# "which papers use or survey NAS?": a word joined by "or"/"and" to a frame verb is a verb of
# the frame too, not the topic.
_BESIDE_FRAME = re.compile(r"\b(\w+)\s+(?:or|and|and/or)\s+(\w+)\b", re.I)


def _beside_frame(text: str) -> set[str]:
    """The words joined to a frame verb by "or"/"and", stemmed ("survey" of "use or survey")."""
    beside = set()
    for m in _BESIDE_FRAME.finditer(text):
        pair = {stem(m.group(1).casefold()), stem(m.group(2).casefold())}
        if pair & LISTING_FRAME:
            beside |= pair - LISTING_FRAME
    return beside


# How the answer should read, not what it is about: "summarize cutler in one sentence", "what
# does SAMI stand for?", "explain I-JEPA in plain english".
_AS_COMPARISON = r"\b(?:as|for)\s+(?:a\s+)?(?:(?:point|basis|baseline)\s+(?:of|for)\s+)?comparison\b"
_INSTRUCTION = re.compile(
    r"^\W*(?:please\s+)?(?:summari[sz]e|explain|describe|tl;?dr|eli5)\b|"
    r"\b(?:give|write)\s+(?:me\s+)?(?:a|an)\s+(?:short\s+|brief\s+|quick\s+)?(?:summary|overview|gist|tl;?dr)\b|"
    r"\bin\s+(?:one|a|two|three|few|\d+)\s+(?:short\s+)?(?:sentences?|lines?|paragraphs?|words)\b|"
    r"\bin\s+(?:plain\s+english|simple\s+terms|layman'?s\s+terms)\b|\bstands?\s+for\b|"
    # a gloss restates what came before it: "benchmark papers, i.e. mainly about evaluating ..."
    r",?\s*\b(?:i\.\s?e\.|ie,|that is,|in other words)[^?]*|"
    # "cascades of models, whether using them or avoiding them": how the topic is met, either
    # way, is no topic of its own
    r",\s*whether\b[^?.]*\bor\b[^?.]*|"
    # hedges: "ensembling in some form", "some kind of distillation"
    r"\b(?:in|of)\s+(?:some|any|one)\s+(?:form|way|shape|kind|sort|fashion)s?(?:\s+or\s+another)?\b|"
    r"\b(?:some|any)\s+(?:kind|sort|form|type|version|variant)s?\s+of\b|"
    # a later sentence telling the assistant how to answer: "Please make sure to go through all
    # of them, not just the self-supervised ones."
    r"(?<=[.?!])\s+(?:please\s+)?(?:make sure|be sure|don'?t (?:forget|miss|skip)|remember|please)\b[^.?!]*[.?!]?|"
    # "I need every paper that ...", "we want the papers on ...": a request, not its topic
    r"\b(?:i|we)\s+(?:really\s+)?(?:need|want)\b|\b(?:i'?m|i am|we'?re|we are)\s+(?:looking|searching)\s+for\b|"
    # "which papers evaluate on COCO? list each w/ the number they report": how to answer
    r"(?<=[.?!])\s+(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?)?(?:list|name|give|say|tell me|include|add|cite|quote)\s+"
    r"(?:each|every|all|them|the|me|one|a|it|for|any)\b[^.?!]*[.?!]?|"
    r"\b(?:i think |maybe |probably )?there (?:might|may|could|should|must) be (?:more than one|several|a few|many|multiple)\b[^.?!]*|"
    # "which papers mention OpenCLIP as a point of comparison?": what they compare with is the topic
    + _AS_COMPARISON,
    re.I,
)
_AS_COMPARED = re.compile(_AS_COMPARISON, re.I)
# "image patches vs video patches": two kinds of one thing (one head noun), not two papers.
_VALUES_VS = re.compile(r"\b[\w\-]+\s+(?P<head>[a-z][\w\-]*)\s+(?:vs\.?|versus)\s+[\w\-]+\s+(?P=head)\b", re.I)
LISTING_WORDS = frozenset(
    stem(w)
    for w in """which list find papers abstracts works studies articles publications here collection index there
    anything any ones one several etc every corpus""".split()
)


@dataclass(frozen=True)
class Ask:
    """What a question asks for: a head noun ("gpu"), and whether it wants a quantity."""

    head: str
    quantity: bool
    phrase: str = ""  # as the question words it ("learning rate"), for saying what is missing

    def __str__(self) -> str:
        return self.phrase or self.head


@dataclass
class Query:
    """A question as the answer stage reads it."""

    text: str
    kind: Kind
    intent: QueryIntent
    record: frozenset[str] = frozenset()  # authors, first_author, last_author, nth_author, arxiv, date, url
    asks_number: bool = False
    asks_percent: bool = False  # the number wanted is a percentage
    asks_ratio: bool = False  # the number wanted is a speed-up or a "times" ratio ("2.5x")
    metric: str = ""  # "what is the fid of block caching?": the metric whose value is asked ("fid")
    ask: Ask | None = None
    exact: list[str] = field(default_factory=list)  # terms and numbers the answer must hold
    versions: list[str] = field(default_factory=list)  # "sam 2", "Llama 3": maybe a name and its version
    urls: list[str] = field(default_factory=list)
    topic: set[str] = field(default_factory=set)  # content stems a listed paper must match
    rare: dict[str, float] = field(default_factory=dict)  # topic stems few passages hold, by share ("audioset")
    unseen: list[str] = field(default_factory=list)  # words as typed that no passage holds ("Sora")
    shared_only: bool = False  # "what do A and B have in common?": what they share, not how they differ
    asks_membership: bool = False  # "did Metze write AV-SUPERB?": whether one paper's record lists the person
    asks_link: bool = False  # "how is A connected to B?": how they are linked
    author_count: str = ""  # "how many authors": "count"; "which has more (fewer) authors?": "more" ("fewer")
    date_order: str = ""  # "which came out first?": "first"; "which is newer?": "last"
    author_set: str = ""  # "who is on A but not B?": "difference"; "who wrote both A and B?": "common"
    author_position: int = 0  # "who is the second author?": 2 (first and last are record fields)
    # "who else did the first author of MetaCLIP write with?": ("the first author of MetaCLIP", "Hu Xu", its paper id)
    author_via: tuple[str, str, str] | tuple[()] = ()
    set_aside: set[str] = field(default_factory=set)  # "generate audio (not just classify it)": {"classifi"}

    @property
    def named(self) -> list[str]:
        return self.intent.named


# The words of a comparison's frame ("how do they differ", "what do they agree on").
COMPARING_STEMS = frozenset(
    stem(w)
    for w in """compare comparison compared diff differ differs difference differences different contrast
    contrasts versus vs common share shared sharing similar similarity similarities same relate related
    relation between both two other each apart set sets distinguish distinguishes unlike unique main key
    stand stands out agree agreement disagree distinct separate separates link links linked connect
    connected connection relationship tied thing""".split()
)
# "what do A and B share?", unless it also asks how they differ.
_ASKS_SHARED = re.compile(r"\b(?:in common|share[sd]?|sharing|alike|similar(?:ity|ities)?)\b", re.I)
_ASKS_DIFFERENCE = re.compile(r"\b(?:diff\w*|contrast\w*|distinguish\w*|unlike|versus|vs\.?|apart|separates?)(?!\w)", re.I)
# "how many authors", "which one has more (fewer) authors?"
_ASKS_AUTHOR_COUNT = re.compile(r"\b(how many|number of|more|fewer)\s+(?:co-?)?authors\b", re.I)
# "which author is on the DAL survey but not the NAS one?", "who is on both A and B?", "authors
# in common": a set made of two papers' author lists.
_ASKS_AN_AUTHOR = re.compile(r"\b(?:which|what|how many)\s+(?:co-?)?authors?\b|\bwho\b", re.I)
_AUTHOR_DIFFERENCE = re.compile(r"\bbut not\b|\bnot (?:on|in|of)\b|\bonly (?:on|in|of)\b", re.I)
_AUTHOR_COMMON = re.compile(r"\bboth\b|\bin common\b|\bshared\b|\bco-?authored (?:both|each)\b", re.I)


def author_set(text: str) -> str:
    """ "difference" or "common" where the asking sentence asks which authors are on one paper
    and not the other (or on both); "" otherwise, and for first or last authors."""
    asked = question_sentences(text)
    if not _ASKS_AN_AUTHOR.search(asked) or ASKS_FIRST_AUTHOR.search(asked) or ASKS_LAST_AUTHOR.search(asked):
        return ""
    if not re.search(r"\b(?:co-?)?authors?\b|\bwho\s+(?:wrote|is on|are on|appears?|is listed|are listed)\b", asked, re.I):
        return ""
    if _AUTHOR_DIFFERENCE.search(asked):
        return "difference"
    return "common" if _AUTHOR_COMMON.search(asked) else ""


# "which came out first?", "which is newer?": the order of the papers' dates.
_ASKS_LAST = re.compile(r"\b(?:last|later|latest|newer|newest|more recent|most recent|after)\b", re.I)
_ASKS_FIRST = re.compile(r"\b(?:first|earlier|earliest|older|oldest|before)\b", re.I)
# Words that grade or count rather than name a topic: never what makes a passage specific.
_VAGUE = frozenset(
    stem(w) for w in "better best good great new novel several many various different large small high low strong simple".split()
)
# A topic word held by at most this share of the collection's passages is specific enough
# that a passage holding it is about the topic ("audioset", "ego4d", "ensemble"; not "video").
RARE_SHARE = 0.10


def read_intent(
    text: str, names: CollectionNames, intent: QueryIntent | None = None
) -> tuple[QueryIntent, list[str]]:
    """What the lookup tables read in the question (`intent`, when retrieval read it already),
    with the papers its URLs point at, and those URLs."""
    urls = [u for u in URL.findall(text) if "/" in u or u.count(".") >= 2]
    if urls:
        # A name inside a URL ("github.com/.../MetaCLIP/tree/main/mode") names no paper by itself.
        intent = names.read(re.sub("|".join(map(re.escape, urls)), " ", text))
    intent = intent or names.read(text)
    url_papers = names.by_url(urls)
    if url_papers:
        intent.named = list(dict.fromkeys(url_papers + intent.named))
    if urls:  # "the paper with the project page tinglok.netlify.app" gives the link, not asks for papers with one
        intent.linked = ""
    return intent, urls


# "..., and what's the win rate?", "...? and how many ...": a second question, not a clause
# ("learns how far away things are and how the camera moved").
_NEXT_ASK = re.compile(
    r"\?\s+|,?\s+and\s+(?=(?:what's|(?:what|how|which|who|when|where)\s+(?:\S+\s+){0,2}?"
    r"(?:is|are|was|were|do|does|did|can|has|have|many|much)\b|(?:is|are|does|do|did)\s))",
    re.I,
)


def asks(text: str) -> list[str]:
    """The parts of a question that each ask something ("why does it work? and how many
    images ...?" asks two); the question sentences alone when it asks one thing."""
    return [p for p in _NEXT_ASK.split(question_sentences(text)) if p and p.strip()]


# "MetaCLIP zero-shot numbers please: vs CLIP on ViT-B, with 1B data, and the ViT-H result": after
# a colon, a list of short items, each its own ask.
_LISTED_ASKS = re.compile(r":\s*(?P<items>[^:?]+?)\s*\??\s*$")
_ITEM_SEP = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", re.I)


def listed_asks(text: str) -> list[str]:
    """The items of a list the question asks for after a colon (three or more, each short);
    none where it asks otherwise."""
    if not (m := _LISTED_ASKS.search(question_sentences(text))):
        return []
    items = [i for i in _ITEM_SEP.split(m.group("items")) if i.strip()]
    return items if len(items) >= 3 and all(len(i.split()) <= 6 for i in items) else []


def number_asks(text: str) -> list[str]:
    """The parts of a question that each ask for a number ("roughly how many images ..., and
    what's the win rate ...?" asks two)."""
    return [p for p in asks(text) if ASKS_NUMBER.search(p) or ASKS_PERCENT.search(p) or ASKS_RATIO.search(p)]


def one_ask(query: Query, part: str) -> Query:
    """`query` asking only `part` (one of its `number_asks`) of its paper."""
    percent = bool(ASKS_PERCENT.search(part))
    return replace(
        query,
        text=part,
        asks_percent=percent,
        asks_ratio=bool(ASKS_RATIO.search(part)) and not percent,
        ask=asked_for(part),
    )


_EACH_ASKED = re.compile(r"^\W*(?:what|how)\b[^?]*\beach\b", re.I | re.M)
_NOT_JUST = re.compile(r"\bnot\s+(?:just|only|merely|simply)\s+(?:the\s+)?([\w\-]+)", re.I)
_AND_DESCRIBED = re.compile(
    r"\b(?:do|did|are|were|have)\s+[^?.]{2,40}?\s+and\s+the\s+(?:[\w\-+]+\s+){0,4}?(?:paper|one|work|study)\s+"
    r"(?:that|which|where|who|about|on)\b|"
    # "Emu Video and the camera-control video generation paper both start from an image",
    # "Neither CutLER nor the multiplane-NeRF depth paper uses labels"
    r"^\W*(?:neither\s+)?[^?.,]{2,40}?\s+(?:and|nor)\s+the\s+(?:[\w\-+/']+\s+){1,5}?(?:paper|one|work|study)\s+(?:both|each|use|uses|need|needs)\b",
    re.I,
)
# "which models ...", "what approaches ...": plural things of the collection, asked at the start.
_WHICH_KINDS = re.compile(r"\W*(?:which|what)\s+(?:[\w\-]+\s+)?(?:models|methods|approaches|systems|techniques|frameworks)\b", re.I)
_KINDS = r"(?:models|methods|approaches|systems|techniques|frameworks)\b"
_MAKERS = re.compile(rf"\W*(?:(?:which|what)\s+(?:[\w\-]+\s+){{0,2}}{_KINDS}|(?:[\w\-]+\s+){{0,3}}{_KINDS}(?=\s+(?:that|which)\b))", re.I)
_ITS = re.compile(r"\b(?:it|its|they|them|their)\b|\b(?:this|that)\s+(?:paper|model|method|work|one|approach|study)\b", re.I)
_THE_TWO = re.compile(r"\b(?:the|these|those)\s+(?:two|2)\s+(?:[\w\-]+\s+){0,3}?(?:papers|works|studies|articles)\b", re.I)


def read_query(
    text: str,
    names: CollectionNames,
    intent: QueryIntent | None = None,
    chunk_share: Callable[[str], float] | None = None,
) -> Query:
    """The one reading of a question; `intent` is reused when retrieval already read it, and
    `chunk_share` (the retriever's) tells which topic words are rare in the collection."""
    intent, urls = read_intent(text, names, intent)
    record = _record_fields(text)
    if authors_set := author_set(text):  # "which author is on A but not B?": the author lists
        record |= {"authors"}
    if intent.superlative and not stated_superlative(intent.superlative):  # "which paper has the most authors?" is answered from the records
        record |= {"authors"} if intent.superlative.endswith("authors") else {"date"}
    if urls and not record:
        record = frozenset({"about"})
    if intent.recorded:  # "which papers have an arXiv id?": each one's; "... no author list?": what each is
        field = {"arxiv_id": "arxiv", "authors": "authors", "created": "date"}[intent.recorded.removeprefix("-")]
        # (of those without it, the field is no fact to give: "which papers have no author list?")
        record = record | {field} if intent.recorded[0] != "-" else (record - {field}) | {"about"}
    if intent.linked:  # "which papers have a github link?"
        record |= {"url"}
    if position := author_position(text):  # "who is the second author of VideoCLIP?": one name
        record |= {"nth_author"}
    if ASKS_FIRST_AUTHOR.search(text) or ASKS_LAST_AUTHOR.search(text) or position:
        record -= {"authors"}
    filtered = bool(intent.authors or intent.dates or intent.arxiv_ids or intent.strangers or intent.organisation)
    # "cutler or efficientsam better for ...?": two papers named as alternatives are compared.
    # "How do LaViLa and LEGO each use LLMs?": two papers named, asked of each; "is LaViLa similar
    # to VideoCLIP?" compares them.
    # "is MoDE connected to MetaCLIP?" asks how the two relate.
    alternatives = len(intent.named) >= 2 and re.search(
        r"\b(or|better|worse|each|respectively|similar|relate[sd]?|connected|linked|tied)\b", text, re.I
    )
    # "The two audio-visual papers from the Po-Yao Huang list ...: AV-SUPERB and the adversarial-noise
    # one. What is each trying to measure?": two papers told of, then asked of each.
    alternatives = alternatives or (_EACH_ASKED.search(question_sentences(text)) and _THE_TWO.search(text))
    # "What stance do I-JEPA and the paper that derives ... take on DA?": a named paper and a
    # described one, the subject of one plural verb.
    and_described = len(intent.named) == 1 and _AND_DESCRIBED.search(text)
    alternatives = alternatives or and_described
    # "VideoCLIP and MMPT point to the same repo - are they the same thing?": the question asks
    # whether two papers are one, whatever record it mentions on the way.
    if _ASKS_IDENTITY.search(text):
        record = frozenset()
    # "(ensembles vs. cascades)": an aside that names a paper's topic asks for no comparison.
    # "which papers use OpenCLIP as a point of comparison?": the comparison is the papers' own.
    framed = _AS_COMPARED.sub(" ", ASIDE.sub(" ", text))
    if len(intent.named) < 2:  # "what share of image patches vs video patches ...?": one paper's two values
        framed = _VALUES_VS.sub(" ", framed)
    comparison = (COMPARISON.search(framed) or alternatives) and not record
    # "I'm reading up on diffusion speedups and ... Which models and solvers did they
    # demonstrate it on?": the context says which paper; what is asked is the question sentence.
    asked = question_sentences(text)
    asks_percent = bool(ASKS_PERCENT.search(asked))
    asks_ratio = bool(ASKS_RATIO.search(asked))
    number = ASKS_NUMBER.search(asked)
    asks_value = asks_ratio or bool(number)
    # "By what factor do cascades cut cost compared to the full ensemble?": a number compared
    # within one paper, unless two papers are named or described ("the two ... papers").
    # "The paper that trains one ViT on images and videos - what % do they drop for images vs
    # videos?": the sides are inside the one paper described.
    within = re.search(r"\bcompared (?:to|with)\b", text, re.I) and len(intent.named) < 2
    described = described_paper(text) if len(intent.named) < 2 else None
    rest = text.replace(described, " ") if described else text
    if (within and asks_value or described) and not (re.search(r"\b(two|both|papers)\b", rest, re.I) or and_described):
        comparison = False
    # "papers by Oquab" is answered from the records; "in Oquab et al.'s paper, how many
    # images ...?" asks the paper they wrote for a number, "VideoCLIP vs the Patrick et al.
    # paper" compares it.
    # "how many papers are by Hu Xu?" counts papers: the records answer it.
    counts_papers = re.search(r"\bhow many (?:papers|abstracts|works|articles|publications)\b", text, re.I)
    # "which models actually generate or transform audio?": of no paper named, described or
    # pointed back at, the collection's models that do it ("which models did they test?" is a
    # paper's own).
    # "which video generation models also produce audio?", "video gen models that also make
    # audio?": models of a longer kind, asked for what they make.
    kinding = _MAKERS if made_media(text) else _WHICH_KINDS
    kinds = kinding.match(text) and not (intent.named or described or _ITS.search(_NOT_JUST.split(ASIDE.sub(" ", text))[0]))
    if record or intent.collection or filtered and (counts_papers or not (asks_value or asks_percent or comparison)):
        kind: Kind = "record"
    elif comparison:
        kind = "comparison"
    elif LISTING.search(text) and not WHICH_OF_COUNT.search(text):
        kind = "listing"
    elif kinds:
        kind = "listing"
    else:
        kind = "factoid"
    # "the DINOv2-like paper (1B ViT on curated data)": a paper described by what it resembles
    # need not write that name; what it is like is neither a topic nor a term the answer must hold.
    unlike = LIKENESS.sub(" ", text)
    # "models that also output sound, not just frames": what is set aside is no topic.
    about = _NOT_JUST.sub(" ", _INSTRUCTION.sub(" ", unlike))
    if kind == "listing" and kinds:  # "which systems create sound?": the kind of thing listed is no topic
        about = kinding.sub(" ", about, count=1)
    # "the two surveys by Pengzhen Ren": a person's name is in the records, not in the abstracts.
    people = content_words(" ".join(intent.authors + intent.strangers))
    topic = content_words(about) - GENERIC_STEMS - LISTING_WORDS - people
    if kind == "listing":  # (the frame's own verbs are set aside where the topic is matched)
        if not topic - LISTING_FRAME - MAKING:  # "which papers propose a benchmark?": the head is all there is
            topic = content_words(about) - LISTING_WORDS
        topic -= _beside_frame(text)
    unseen = _unseen(unlike, topic, chunk_share) if chunk_share else []
    exact = exact_terms(unlike, names, urls)
    # "results on the Pile?": a capitalised word inside a sentence that no passage holds is a
    # name (a dataset, a model) the collection lacks; an answer must hold it like any other name.
    capitalised = _capitalised_inside(unlike)
    exact += [w for w in unseen if w in capitalised and w not in exact and stem(w.casefold()) not in people]
    return Query(
        text=text,
        kind=kind,
        intent=intent,
        record=record,
        asks_number=asks_percent or asks_value,
        asks_percent=asks_percent,
        asks_ratio=asks_ratio and not asks_percent,
        metric=(number and (number.group("metric") or number.group("terse") or number.group("lead"))) or "",
        # "gismo mrr": the metric a terse question ends with is the thing asked
        ask=asked_for(text) or (Ask(stem(t.casefold()), False, metric_said(t)) if number and (t := number.group("terse")) else None),
        exact=exact,
        versions=[f"{m.group('name')} {m.group('v')}" for m in VERSIONED.finditer(text)],
        urls=urls,
        topic=topic,
        rare={w: share for w in topic - _VAGUE if chunk_share and 0 < (share := chunk_share(w)) <= RARE_SHARE},
        unseen=unseen,
        # "A and B both put modalities through one shared transformer. What does each add?": what
        # the telling sentence says they share is context; the asking sentence asks of each.
        shared_only=bool(_ASKS_SHARED.search(asked)) and not _ASKS_DIFFERENCE.search(text),
        asks_membership=asks_membership(text, intent.authors + intent.strangers),
        asks_link=bool(_ASKS_LINK.search(text)),
        author_count=(m.group(1).casefold() if (m := _ASKS_AUTHOR_COUNT.search(text)) else ""),
        date_order="last" if _ASKS_LAST.search(text) else "first" if _ASKS_FIRST.search(text) else "",
        author_set=authors_set,
        author_position=position,
        set_aside=content_words(" ".join(m.group(1) for m in _NOT_JUST.finditer(unlike))),
    )


_TYPED_WORD = re.compile(WORD.pattern, re.I)  # a word as typed, capitals and all ("Sora")


def _capitalised_inside(text: str) -> set[str]:
    """Words written with a capital that don't begin a sentence ("the Pile", not "Does"), and
    words in mixed case anywhere ("LLaVA", "iPhone")."""
    inside = {m.group(1) for m in re.finditer(r"(?<![.?!:;]\s)(?<!^)(?<=\s)([A-Z][a-z]+)\b", text)}
    return inside | set(re.findall(r"\b[A-Za-z]*(?:[a-z][A-Z]|[A-Z]{2}[a-z])[A-Za-z]*\b", text))


def _unseen(text: str, topic: set[str], chunk_share: Callable[[str], float]) -> list[str]:
    """The question's topic words, as typed, that no passage of the collection holds: in a
    comparison ("sora vs movie gen"), a model the collection has no paper on."""
    from bm25s.stopwords import STOPWORDS_EN  # words BM25 never counts ("but")

    asked = topic - COMPARING_STEMS

    def unseen(token: str) -> bool:  # "zero-shot" is seen where its parts are
        parts = [stem(p) for p in re.split(r"[.\-]", token.casefold()) if p]
        return (
            stem(token.casefold()) in asked
            and token.casefold() not in STOPWORDS_EN
            and all(chunk_share(p) == 0 for p in parts)
        )

    return list(dict.fromkeys(t for t in _TYPED_WORD.findall(text) if unseen(t)))


def _record_fields(text: str) -> frozenset[str]:
    fields = set()
    if ASKS_FIRST_AUTHOR.search(text):
        fields.add("first_author")
    if ASKS_LAST_AUTHOR.search(text):
        fields.add("last_author")
    if ASKS_AUTHORS.search(text):
        fields.add("authors")
    if ASKS_DATE.search(text):
        fields.add("date")
    # "when was it put on arXiv?" names arXiv as the place, and asks for the date only.
    mentions = len(ASKS_ARXIV.findall(text))
    if mentions and not ("date" in fields and len(_ARXIV_AS_PLACE.findall(text)) == mentions):
        fields.add("arxiv")
    if ASKS_URL.search(text):
        fields.add("url")
    return frozenset(fields)


# Capitals that are chat, not names: "why is it OK to cache ...", "FYI".
_CHAT_CAPITALS = frozenset("ok okay fyi btw imo imho asap pls thx tldr eli5 iirc afaik".split())
# "in USD": a currency is the unit of a money ask (a number with a currency answers it), no name.
_CURRENCIES = frozenset("usd eur gbp".split())


# "DINOv2-like", "OmniMAE-style": a name that says what a paper resembles, not what it writes.
LIKENESS = re.compile(r"(?<![\w\-])[\w.]+-(?:like|style|esque|inspired|flavou?red)\b", re.I)


def exact_terms(text: str, names: CollectionNames, urls: list[str]) -> list[str]:
    """Numbers and named terms in the question that a passage answering it must contain.

    Paper names, arXiv ids, dates and URLs identify the paper rather than the asked detail,
    so they are left out.
    """
    from abstractqa.names import ARXIV_ID, ISO_DATE

    clean = text
    for pattern in (ARXIV_ID, ISO_DATE):
        clean = pattern.sub(" ", clean)
    for url in urls:
        clean = clean.replace(url, " ")
    clean = re.sub(r"\b(19|20)\d\d\b", " ", clean)  # years
    clean = re.sub(r"(?<![\w\-])(\d[\d.,]*[kKmMbBtT]?)-(?=[a-zA-Z])", r"\1 ", clean)  # "10B-parameter": 10B
    found = [t for t in _EXACT_TERM.findall(clean) if not names.is_name(t) and t.casefold() not in _CHAT_CAPITALS | _CURRENCIES]
    # "ViT-H / ViT-Huge": a size variant is a name, one however it is spelled.
    sizes = {variant_key(t) for t in found}
    for variant in VARIANT.finditer(clean):
        if variant_key(variant.group(0)) not in sizes:
            sizes.add(variant_key(variant.group(0)))
            found.append(variant.group(0))
    scaled = scaled_numbers(clean)  # "5k labels" asks for 5000, written "5,000" or "5k"
    found += [scaled.get(n, n) for n in numbers_in(clean) if not any(n in t for t in found)]
    return list(dict.fromkeys(t.rstrip("?.,") for t in found if not re.fullmatch(r"top-[15]|1", t, re.I)))


# "sam 2", "Llama 3": a word and a bare version number. It is a name with its version where
# the word is written as a name (capitals) in the question or in a candidate abstract ("SAM").
VERSIONED = re.compile(
    r"(?<![\w\-/.])(?P<name>[A-Za-z][A-Za-z\-]*[A-Za-z]) (?P<v>\d{1,2}(?:\.\d)?)(?![\w.,%/]|\s*(?:x|k|m|b)\b)"
)


# Training settings, a closed vocabulary: an abstract that doesn't name one doesn't give it.
_SETTING = re.compile(
    r"\b(?:learning rates?|batch sizes?|weight decay|warm-?up (?:steps|schedule)|dropout rates?|optimi[sz]ers?|"
    r"momentum|random seeds?|gradient clipping)\b",
    re.I,
)


_A_NUMBER = frozenset(stem(w) for w in "number value figure amount".split())


COMPARATIVES = frozenset("faster slower quicker better worse larger smaller bigger higher lower more less fewer cheaper longer shorter".split())


def asked_for(question: str) -> Ask | None:
    """The thing a question asks for ("how many GPUs" -> gpu), when it names a specific one.

    Generic heads ("what dataset", "which method") are left out: an abstract can answer
    them in other words. A training setting ("learning rate used for RoB?") is asked as the
    whole name (its head is "learn rate", not the "rate" of a win rate).
    """
    if m := _SETTING.search(question):
        words = m.group(0).split()
        return Ask(" ".join(stem(w.casefold()) for w in words), False, " ".join(words))
    for pattern in _ASKS_THING:
        if m := pattern.search(question.casefold()):
            quantity = m.groupdict().get("q") in ("how many", "how much", "count", "number")
            np_start, np_end = m.span("np")
            if quantity and (of := re.search(r"\s+of\s+", m.group("np"))):
                np_end = np_start + of.start()  # "how many hours of training": hours are counted
            words = [w for w in question.casefold()[np_start:np_end].split() if w not in STOPWORDS]
            if not words or stem(words[-1]) in GENERIC_STEMS:
                return None
            written = question[np_start:np_end].split()  # casefold kept the positions
            if len(question) == len(question.casefold()):
                words = [w for w in written if w.casefold() not in STOPWORDS]
            if len(words) > 1 and words[-1].casefold() == "count":  # "the parameter count" counts parameters
                words, quantity = words[:-1], True
            head = SHORT_FORMS.get(words[-1].casefold(), words[-1])  # "param" asks for parameters
            if head.casefold() in STOPWORDS | COMPARATIVES or stem(head.casefold()) in GENERIC_STEMS | _A_NUMBER:
                # "what number did it hit", "how much faster is it" ask for a number (`asks_number`), not a thing
                return None
            return Ask(stem(head.casefold()), quantity, " ".join([*words[:-1], head]))
    return None


# "what preference rates?", "what share of patches?": asked, a rate or share is a percentage.
_SHARES = frozenset(map(stem, ("rate", "share", "fraction", "proportion", "percentage")))


VALUE_ONLY = frozenset({stem("resolution")})  # things an abstract states only by a value


def answers_ask(abstract: str, ask: Ask) -> bool:
    """True when the abstract mentions the asked-for thing; for a quantity, as what a number
    counts ("32 A100 GPUs", "32k images"; not "images" beside "1B parameters"). Some things
    count as mentioned by their values (`VALUE_FORMS`)."""
    form = VALUE_FORMS.get(ask.head) or (PERCENT if ask.head in _SHARES else None)
    for sentence in split_sentences(abstract):
        if form is not None and form.search(sentence):
            return True
        if ask.quantity:
            if ask.head in counted_words(sentence) or (ask.head in initials(sentence) and numbers_in(sentence)):
                return True
        elif ask.head in VALUE_ONLY:  # "high resolution videos" gives no resolution
            continue
        elif f" {ask.head} " in stem_run(sentence) or ask.head in initials(sentence):  # "gpu", "learn rate"
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Filters set beside the question


class FilterError(AbstractQAError, ValueError):
    """A filter (date range, authors) that can't be used; the message names the field."""


_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
FILTER_LABELS = {"date_from": "From", "date_to": "To"}  # the web app's Settings fields


def read_filters(
    date_from: str | None,
    date_to: str | None,
    authors: str | list[str] | None,
    labels: dict[str, str] = FILTER_LABELS,
) -> dict[str, str | list[str]]:
    """The keyword filters for `Assistant.ask`/`ask_stream` from what a person typed.

    Dates are YYYY-MM-DD (blank: no bound); authors are names separated by `;` or `,` (a list
    is read item by item). `labels` name the date fields in messages as the caller shows them.

    Raises:
        FilterError: a date that is not a real YYYY-MM-DD date (the message says which field),
            or a From date after the To date.

    Example:
        >>> read_filters("2023-01-01", "", "Yann LeCun; Piotr Bojanowski")
        {'date_from': '2023-01-01', 'authors': ['Yann LeCun', 'Piotr Bojanowski']}
    """
    filters: dict[str, str | list[str]] = {}
    for key, value in (("date_from", date_from), ("date_to", date_to)):
        value = (value or "").strip()
        if not value:
            continue
        field_name = f"the {labels.get(key, key)} date '{value}'"
        if not _DATE.match(value):
            raise FilterError(f"{field_name} is not a date: write it as YYYY-MM-DD")
        try:
            date.fromisoformat(value)
        except ValueError as err:  # "month must be in 1..12", "day is out of range for month"
            raise FilterError(f"{field_name} is not a date ({err})") from None
        filters[key] = value
    if "date_from" in filters and "date_to" in filters and filters["date_from"] > filters["date_to"]:
        # Every paper would be filtered out: say so rather than answer from nothing.
        raise FilterError(
            f"the {labels.get('date_from', 'date_from')} date {filters['date_from']} is after the "
            f"{labels.get('date_to', 'date_to')} date {filters['date_to']}"
        )
    typed = authors if isinstance(authors, list) else [authors or ""]
    names = [a.strip() for item in typed for a in re.split(r"[;,]", item) if a.strip()]
    if names:
        filters["authors"] = names
    return filters
