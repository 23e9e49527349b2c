"""The collection's own lookup tables, for what a search engine can't guess from text.

`CollectionNames` reads a question for arXiv ids, dates, author names, URLs and the method
names the collection defines ("I-JEPA", "MSN"); `Speller` corrects words the collection
doesn't know to the nearest ones it does. Both are built from the papers and kept beside the
BM25 index (`persisted.py`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Set
from dataclasses import dataclass, field
from functools import cache

from abstractqa.evidence import SCALE, STOPWORDS, stem
from abstractqa.types import Paper

MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
ARXIV_ID = re.compile(r"\b(\d{4}\.\d{4,5})(?:v\d+)?\b")
ISO_DATE = re.compile(r"\b((?:19|20)\d\d-[01]\d(?:-[0-3]\d)?)\b")
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
MONTH_YEAR = re.compile(r"\b(" + _MONTH_NAMES + r")\.?,?\s+(?:of\s+)?((?:19|20)\d\d)\b", re.I)
YEAR = re.compile(r"\b(?:in|from|during|since|of|after|before|until|till|through|than)\s+((?:19|20)\d\d)\b", re.I)
# "after 2022", "since March 2023", "before 2023-01-20": a date range, not the date itself.
_RANGE_WORDS = {
    "after": "after", "later than": "after", "newer than": "after", "since": "since",
    "before": "before", "prior to": "before", "earlier than": "before", "older than": "before",
    "until": "until", "till": "until", "through": "until",
}  # fmt: skip
_RANGE_ENDS = {"since": "later", "until": "earlier"}
# A date as a question types it: ISO ("2023-01-20", "2023-01"), a month ("March 2023") or a year.
_A_DATE = r"(?:(?:19|20)\d\d-[01]\d(?:-[0-3]\d)?|(?:" + _MONTH_NAMES + r")\.?,?\s+(?:of\s+)?(?:19|20)\d\d|(?:19|20)\d\d)"
DATE_RANGE = re.compile(r"\b(" + "|".join(_RANGE_WORDS) + rf")\s+({_A_DATE})\b", re.I)
# "between 2022-06-01 and 2022-12-31", "from June 2022 to January 2023": both ends, each included.
DATE_BETWEEN = re.compile(rf"\b(?:between|from)\s+(?P<lo>{_A_DATE})\s+(?:and|to|until|till|through|-)\s+(?P<hi>{_A_DATE})\b", re.I)
# "papers Hu Xu is the first author of", "papers where Po-Yao Huang is last author", "as senior author"
_AUTHOR_PLACE = re.compile(r"\b(?:is|was|as|are|were)\s+(?:[\w'.\-]+\s+){0,3}?(?:the\s+)?(first|lead|last|senior)[\s-]+authors?\b", re.I)
DATE_CONTEXT = re.compile(
    r"\b(created|published|posted|released|submitted|dated|appeared|papers?|from|dates?)\b", re.I
)


def _month(name: str, year: str) -> str:
    """ "March", "2023" -> "2023-03"."""
    return f"{year}-{MONTHS[name.lower()]:02d}"


def _read_date(text: str) -> str:
    """ "2022", "March 2023" or "2023-01-20" as a date prefix ("2023-03")."""
    return _month(*m.groups()) if (m := MONTH_YEAR.fullmatch(text)) else text


def within_date(created: str, date: str) -> bool:
    """Whether a record's YYYY-MM-DD date is within a question's date: a prefix ("2023",
    "2023-01") or a range ("after 2022", "before 2023", "2023-03 or later", "2022 or earlier",
    "2022-06 to 2022-12")."""
    if " to " in date:  # "2022-06-01 to 2022-12-31": both ends included
        lo, hi = date.split(" to ")
        return created >= lo and (created <= hi or created.startswith(hi))
    if date.startswith("after "):
        prefix = date.removeprefix("after ")
        return created > prefix and not created.startswith(prefix)
    if date.startswith("before "):
        return created < date.removeprefix("before ")
    prefix, _, end = date.partition(" or ")
    if end == "later":
        return created >= prefix
    if end == "earlier":
        return created < prefix or created.startswith(prefix)
    return created.startswith(prefix)


def fold(text: str) -> str:
    """Case- and accent-insensitive form, for matching names typed without diacritics."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


@dataclass
class QueryIntent:
    """What a question says beyond its words: ids, dates, people and method names."""

    arxiv_ids: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)  # "YYYY", "YYYY-MM" or "YYYY-MM-DD" prefixes
    authors: list[str] = field(default_factory=list)
    named: list[str] = field(default_factory=list)  # paper ids, in the order they are named
    any_author: bool = False  # "by X or Y": papers by either, not by both
    author_place: str = ""  # "papers Hu Xu is the first author of": "first" (or "last"), of the papers by them
    superlative: str = ""  # "most_authors", "fewest_authors", "latest", "earliest": one paper by its record
    collection: int = 0  # "how many papers are indexed?", "list all papers": the number indexed
    joined: bool = False  # two papers named side by side ("A and B"): asked of each
    linked: str = ""  # "which papers have a github link?": "github" (or "any" URL) picks papers by their record
    recorded: str = ""  # "how many papers have an arXiv id?": "arxiv_id" ("authors", "created"); "-arxiv_id": those without
    recorded_total: int = 0  # how many papers that picks (more than an answer may list)
    # "who is on the most papers?": `authors` are those on the most; (their count, papers listing
    # authors, the next person, their count), from the records
    top_authors: tuple = ()
    strangers: list[str] = field(default_factory=list)  # "a paper by Yann LeCun": a person no record lists
    organisation: str = ""  # "which papers are from Meta?": an affiliation, which no record gives


# Words of a superlative question that name no topic ("which paper here has the most authors?").
_FRAME = frozenset(
    "paper papers collection here indexed index one ones work works abstract abstracts posted published "
    "submitted created written list has have by among all arxiv date dated".split()
)
# "which paper has the most authors?", "the newest paper by X": one paper picked by its record.
SUPERLATIVE = {
    "most_authors": re.compile(r"\b(?:most|largest number of|biggest list of)\s+(?:co-?)?authors\b", re.I),
    "fewest_authors": re.compile(r"\b(?:fewest|least|smallest number of)\s+(?:co-?)?authors\b", re.I),
    "latest": re.compile(
        r"\b(?:latest|newest|most recent(?:ly)?)\s+(?:paper|one|work|abstract|posted|published|submitted)\b"
        r"|\b(?:paper|one|work|abstract)\s+(?:is|was)\s+(?:the\s+)?(?:latest|newest|most recent)\b",  # "which paper is the newest?"
        re.I,
    ),
    "earliest": re.compile(
        r"\b(?:earliest|oldest)\s+(?:paper|one|work|abstract|posted|published|submitted)\b"
        r"|\b(?:paper|one|work|abstract)\s+(?:is|was)\s+(?:the\s+)?(?:earliest|oldest)\b",
        re.I,
    ),
    # Two picked by what abstracts state, not by a record field: "which paper trains the largest
    # model?" (the parameter counts written), "which paper evaluates on the most benchmarks?".
    "largest_model": re.compile(
        r"\b(?:largest|biggest)\s+(?:[\w\-]+\s+)?(?:model|network|transformer|vit|net)s?\b|\bmost\s+param(?:eter)?s\b", re.I
    ),
    "most_benchmarks": re.compile(r"\bmost\s+(?:[\w\-]+\s+)?(?:benchmarks|datasets|tasks)\b", re.I),
}
# Words besides a stated superlative's own that still ask it of the whole collection.
_STATED_FRAME = {
    "largest_model": frozenset("train trains trained params parameters parameter size sized big large has have its how many".split()),
    "most_benchmarks": frozenset("evaluate evaluates evaluated evaluating test tests tested on across report reports".split()),
}
# A count written in an abstract: "a 30B parameter transformer", "dense 10 billion parameters";
# "over 50 benchmarks", "7 datasets".
_PARAMETERS = re.compile(r"(?<![\w.,-])(\d+(?:\.\d+)?)\s?(?:([kMBT])\b|(thousand|million|billion|trillion)\b)\s*(?:[\w\-]+\s+){0,2}?param", re.I)
_BENCHMARKS = re.compile(r"(?<![\w.,-])(\d+)\s+(?:[\w\-]+\s+){0,2}?(?:benchmarks|datasets|tasks)\b", re.I)


# "which paper has a github link?", "papers with code": the papers whose record gives a URL.
WITH_LINKS = re.compile(
    r"\b(?:which|what|any|list|papers?|ones?|abstracts?)\b[^?]*?\b(?:has|have|with|give|gives|provide|provides|"
    r"share|shares|release|releases|link|links)\b[^?]*?\b(?:github|code|repo(?:sitory)?|project page|website|url|"
    r"link|homepage)s?\b|\b(?:which|what|any|list)\b[^?]*?\bopen[- ]?sourced?\b",
    re.I,
)
# "who appears on the most papers?", "which author has the most papers?", "most prolific author"
_TOP_AUTHOR = re.compile(
    r"^\W*(?:who|which\s+(?:author|person|researcher)s?)\b[^?]*?\b(?:most|largest number of)\s+(?:\w+\s+)?(?:papers|works|publications|abstracts)\b"
    r"|\bmost\s+(?:prolific|frequent)\s+(?:co-?)?(?:author|researcher|writer)s?\b",
    re.I,
)
# "papers from the same month as I-JEPA": the named paper's date, as a filter
_SAME_PERIOD = re.compile(r"\b(?:same|that)\s+(?P<unit>day|date|month|year)\s+(?:as|that)\b", re.I)
_PERIOD_LENGTH = {"day": 10, "date": 10, "month": 7, "year": 4}


# "how many papers have an arXiv id?", "which papers have no author list?", "papers without a date":
# papers picked by whether their record has the field (the question ends with it).
WITH_FIELD = re.compile(
    r"\b(?:which|what|how many|any|list|papers?|ones?|abstracts?)\b[^?]*?\b(?P<verb>has|have|having|with|without|lacks?|lacking|missing|gives?|carry|carries)\s+"
    r"(?:(?P<no>no|not)\s+)?(?:an?\s+|any\s+|their\s+|its\s+)?(?P<field>arxiv\s+(?:ids?|numbers?)|ids?|author\s+lists?|authors|(?:creation\s+|submission\s+)?dates?)"
    r"\s*(?:in\s+(?:the|their|its)\s+records?|listed|given|recorded)?\s*[?.!]*\s*$",
    re.I,
)
_FIELD_OF = {"arxiv": "arxiv_id", "id": "arxiv_id", "ids": "arxiv_id", "author": "authors", "authors": "authors"}


# "how many papers are there?", "list all the papers", "what papers do you have?": the
# collection itself, when nothing else is asked (a topic makes it a listing).
COLLECTION = re.compile(
    r"\bhow many (?:papers|abstracts|documents|articles)\b"
    r"|\b(?:list|show|name|give)\s+(?:me\s+)?(?:all|every)\s+(?:of\s+)?(?:the\s+)?(?:papers?|abstracts?)\b"
    r"|\bwhat\s+(?:papers|abstracts)\s+(?:do you have|are (?:there|indexed|in))\b"
    r"|\b(?:all|every)\s+(?:the\s+)?(?:papers|abstracts)\s+(?:you have|here|indexed|in)\b",
    re.I,
)
_COLLECTION_FRAME = _FRAME | set(
    "how many all every list show name give me what do you are there in the of total corpus database library "
    "documents articles".split()
)


URL_IN_TEXT = re.compile(r"https?://[^\s,;)]+")
# "which papers are from meta?", "anything by google?": an organisation (records give none).
_ORGANISATIONS = {
    o.casefold(): o
    for o in "Meta FAIR Facebook Google DeepMind OpenAI Microsoft NVIDIA Apple Amazon IBM Baidu Alibaba Tencent "
    "ByteDance Stanford MIT Berkeley CMU Oxford Cambridge".split()
}
# The organisation ends the phrase ("from meta?", "by google brain"): "data from Google AudioSet" names a dataset.
_FROM_ORGANISATION = re.compile(
    rf"\b(?:from|by|at)\s+(?P<org>{'|'.join(_ORGANISATIONS)})"
    r"(?=\s*(?:$|[?.!,;)]|\s(?:and|or|research|researchers|team|brain|ai|labs?|people)\b))",
    re.I,
)
# "papers by Yann LeCun", "anything written by geoffrey hinton?": a person's name ends the question.
_PERSON = r"(?P<name>[A-Za-z][\w'\-]+(?:\s+(?!(?:an?|the|one)\b)[A-Za-z][\w'\-]+){1,2})"
_BY_PERSON = (
    re.compile(rf"\b(?:papers?|works?|anything|something|articles?|abstracts?|ones?)\s+(?:written\s+|authored\s+)?by\s+{_PERSON}\s*[?.!]*\s*$", re.I),
    # "is Yann LeCun an author of any paper here?", "is geoffrey hinton a co-author on any of
    # these?", "is yann lecun an author of metaclip?"
    re.compile(rf"^\W*(?:is|was)\s+{_PERSON}\s+(?:an?|the|one\s+of\s+the)\s+(?:(?:first|lead|last|senior)\s+)?(?:co-?)?authors?\b", re.I),
    # "did Kaiming He write any of these?", "what has geoffrey hinton published?", "what did
    # yann lecun work on here?"
    re.compile(
        rf"^\W*(?:what\s+)?(?:did|has|have|does)\s+{_PERSON}\s+(?:ever\s+)?"
        r"(?:(?:co-?)?(?:write|written|author(?:ed)?)|publish(?:ed)?|work(?:ed)?\s+on)\b",
        re.I,
    ),
)


def _url_key(url: str) -> str:
    """A URL without scheme, "www." and trailing punctuation, for matching typed URLs."""
    return re.sub(r"^(?:https?://)?(?:www\.)?", "", url.strip().rstrip("/.").casefold())


def _name_key(text: str) -> str:
    """Folded words only: "Brij B. Gupta" and "brij b gupta" are the same key."""
    return " ".join(re.findall(r"\w+", fold(text)))


class CollectionNames:
    """Lookup tables from the papers' own names, ids and author lists to paper ids.

    Built once per index; reading a question is a few dictionary lookups and two regex
    scans, whatever the size of the collection.
    """

    # A name shared by more papers than this is a topic, not a name (it pins nothing).
    MAX_PAPERS_PER_NAME = 3

    def __init__(self, papers: list[Paper], tables: dict | None = None, common_words: Set[str] = frozenset()):
        """Build the tables from `papers`, or take them as `tables()` kept them for these papers.

        `common_words` are ordinary words ("mode", "rob"): a paper named by one in capitals
        ("MoDE", "RoB") is recognised only in its own capitals."""
        self.papers = {p.paper_id: p for p in papers}
        if tables is not None:
            self._set(tables)
            return
        by_arxiv = {p.arxiv_id: p.paper_id for p in papers if p.arxiv_id}
        by_author: dict[str, set[str]] = defaultdict(set)
        display_author: dict[str, str] = {}
        by_surname: dict[str, set[str]] = defaultdict(set)
        exact: dict[str, set[str]] = defaultdict(set)  # acronyms: "MSN", not "msn"
        loose: dict[str, set[str]] = defaultdict(set)  # prose names: any case
        for paper in papers:
            for author in paper.authors:
                key = _name_key(author)
                by_author[key].add(paper.paper_id)
                display_author[key] = author
                by_surname[key.split()[-1]].add(key)
            for alias in paper.aliases:
                for variant in {
                    alias,
                    alias + "s",
                    alias[:-1] if alias.endswith("s") and len(alias) > 3 else alias,
                    re.sub(r"[\s\-]", "", alias),  # typed run together: "ijepa", "moviegen"
                }:
                    if sum(c.isupper() for c in variant) >= 2 and " " not in variant:
                        exact[variant].add(paper.paper_id)
                    else:
                        loose[variant.casefold()].add(paper.paper_id)
        # An acronym that is no ordinary word, and that no abstract writes in lower case as a
        # word ("msn", "videopoet"; not "mode") is read in any case: people type in lower case.
        # A word of the model's vocabulary is ordinary when a dictionary has it too ("lego" is a
        # name, "mode" and "rob" are words).
        lower = {v.casefold() for v in exact}
        lower -= {w for w in lower & common_words if is_english(w)}
        prose: set[str] = set()
        for paper in papers:  # words as written, in lower case (a URL stays one token and matches none)
            prose |= lower & {t.strip(".,;:!?()[]{}\"'") for t in paper.abstract.split()}
        typed_any_case = lower - prose
        folded: dict[str, set[str]] = defaultdict(set)
        for variant, pids in exact.items():  # two variants that fold alike keep both their papers
            if (key := variant.casefold()) in typed_any_case:
                folded[key] |= pids
        urls: dict[str, list[str]] = defaultdict(list)  # a page two papers give (one code base) is both's
        for paper in papers:
            for url in [*paper.urls, *URL_IN_TEXT.findall(paper.abstract)]:
                if paper.paper_id not in (pids := urls[_url_key(url)]):
                    pids.append(paper.paper_id)
        self._set(
            {
                "by_arxiv": by_arxiv,
                "by_author": by_author,
                "display_author": display_author,
                "by_surname": by_surname,
                "exact": exact,
                "loose": loose,
                "folded": folded,
                "urls": urls,
            }
        )

    def _set(self, t: dict) -> None:
        self.by_arxiv: dict[str, str] = t["by_arxiv"]
        self.by_author: dict[str, set[str]] = defaultdict(set, {k: set(v) for k, v in t["by_author"].items()})
        self.display_author: dict[str, str] = t["display_author"]
        self.by_surname: dict[str, set[str]] = defaultdict(set, {k: set(v) for k, v in t["by_surname"].items()})
        self._exact = {k: set(v) for k, v in t["exact"].items()}
        self._exact_folded = {k.casefold(): pids for k, pids in self._exact.items()}  # "mode" -> MoDE's id
        self._loose = {k: set(v) for k, v in t["loose"].items()}
        self._folded = {k: set(v) for k, v in t["folded"].items()}
        self._urls: dict[str, list[str]] = {k: list(v) for k, v in t["urls"].items()}
        self._exact_re = self._alternation(self._exact, 0)
        self._loose_re = self._alternation(self._loose, re.I)
        self._folded_re = self._alternation(self._folded, re.I)
        self._longest_author = max((len(k.split()) for k in self.by_author), default=0)

    def tables(self) -> dict:
        """The lookup tables as JSON-ready data, for `CollectionNames(papers, tables)`."""
        def lists(d: dict[str, set[str]]) -> dict[str, list[str]]:
            return {k: sorted(v) for k, v in d.items()}

        return {
            "by_arxiv": self.by_arxiv,
            "by_author": lists(self.by_author),
            "display_author": self.display_author,
            "by_surname": lists(self.by_surname),
            "exact": lists(self._exact),
            "loose": lists(self._loose),
            "folded": lists(self._folded),
            "urls": self._urls,
        }

    def is_name(self, term: str) -> bool:
        """Whether `term` is a name some paper of the collection goes by."""
        return term in self._exact or term.casefold() in self._loose or term.casefold() in self._folded

    def by_url(self, urls: list[str]) -> list[str]:
        """Papers whose record or abstract gives one of `urls` (or a page below it)."""
        found = []
        for url in map(_url_key, urls):
            exact = self._urls.get(url, [])
            # The most specific page: ".../MetaCLIP/tree/main/mode" is MoDE's, not MetaCLIP's.
            near = [(len(key), pids) for key, pids in self._urls.items() if url.startswith(key) or key.startswith(url)]
            # "github.com/facebookresearch": a place above several papers' pages holds them all.
            below = list(dict.fromkeys(pid for key, pids in self._urls.items() if key.startswith(url + "/") for pid in pids))
            if exact:
                found += exact
            elif len(below) > 1:
                found += below
            elif near:
                found += max(near, key=lambda n: n[0])[1]
        return list(dict.fromkeys(found))

    @staticmethod
    def _alternation(names: dict[str, set[str]], flags: int) -> re.Pattern | None:
        if not names:
            return None
        # Longest first, so "Emu Video" wins over "Emu" where both start.
        body = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        return re.compile(rf"(?<![\w-])(?:{body})(?![\w-]|\.\w)", flags)  # not "msn.com"

    def read(self, question: str) -> QueryIntent:
        intent = QueryIntent()
        intent.arxiv_ids = ARXIV_ID.findall(question)
        intent.dates = ISO_DATE.findall(question)
        intent.dates += [_month(m, y) for m, y in MONTH_YEAR.findall(question)]
        if not intent.dates and DATE_CONTEXT.search(question):
            intent.dates = [y for y in YEAR.findall(question) if not ARXIV_ID.search(y)]
        for m in DATE_RANGE.finditer(question):  # "after 2022": the date becomes a range
            date = _read_date(m.group(2))
            if date in intent.dates:
                word = _RANGE_WORDS[m.group(1).casefold()]
                ranged = f"{word} {date}" if word in ("after", "before") else f"{date} or {_RANGE_ENDS[word]}"
                intent.dates[intent.dates.index(date)] = ranged
        for m in DATE_BETWEEN.finditer(question):  # "between June 2022 and 2023-01-20": one range
            lo, hi = _read_date(m.group("lo")), _read_date(m.group("hi"))
            intent.dates = [d for d in intent.dates if d not in (lo, hi)] + [f"{lo} to {hi}"]
        intent.authors = self._authors(question)
        if m := _FROM_ORGANISATION.search(question):
            intent.organisation = _ORGANISATIONS[m.group("org").casefold()]
        elif not intent.authors and (m := next(filter(None, (p.search(question) for p in _BY_PERSON)), None)):
            # "is there a paper by yann lecun?": a first and last name no record lists
            name = m.group("name")
            words = name.casefold().split()
            # "Kaiming He": a surname typed in capitals is no pronoun ("by the authors" names none)
            pronoun = words[0] in STOPWORDS or any(w in STOPWORDS for w in name.split()[1:])
            if not pronoun and not all(is_english(w) for w in words):
                intent.strangers = [name if name != name.casefold() else name.title()]
        intent.any_author = bool(re.search(r"\bor\b|\beither\b|\beach\b", question, re.I))  # "X and Y each": everyone's papers
        for m in _AUTHOR_PLACE.finditer(question) if intent.authors else ():
            # "which papers is Hu Xu the first author of?", "papers where Luke Zettlemoyer is last
            # author": the person is the subject (not "who is first author of the Oquab et al. paper?")
            said = _name_key(question[max(0, m.start() - 40) : m.end()])
            if any(re.search(rf"\b{re.escape(_name_key(a))}\s+(?:(?:is|was|are|were|as)\b|\w+\s+(?:the\s+)?(?:first|lead|last|senior)\b)", said) for a in intent.authors):
                intent.author_place = "first" if m.group(1).casefold() in ("first", "lead") else "last"
        spans: list[tuple[int, int, set[str]]] = []
        for pattern, table, key in (
            (self._exact_re, self._exact, str),
            (self._loose_re, self._loose, str.casefold),
            (self._folded_re, self._folded, str.casefold),
        ):
            if pattern is not None:
                spans += [(m.start(), m.end(), table[key(m.group(0))]) for m in pattern.finditer(question)]
        # "metaclip vs mode", "metaclip or mode": an acronym that is also a word ("MoDE", "RoB") is a name where
        # it is a side of a comparison.
        for m in _COMPARED_PAIR.finditer(question):
            for side, other in (("a", "b"), ("b", "a"), ("a2", "b2"), ("b2", "a2")):
                word, against = m.group(side), m.group(other)
                pids = self._exact_folded.get(word.casefold()) if word else None
                if pids is not None and (against.casefold() in self._exact_folded or self.is_name(against)):
                    spans.append((m.start(side), m.end(side), pids))  # both sides are names
        # "rob's vit-tiny": a possessive makes such a word a name too.
        for m in re.finditer(r"\b([A-Za-z]+)['’]s\b", question):
            if (pids := self._exact_folded.get(m.group(1).casefold())) is not None:
                spans.append((m.start(1), m.end(1), pids))
        named: list[str] = []
        taken_until = -1
        kept: list[tuple[int, int]] = []
        for start, end, pids in sorted(spans, key=lambda x: (x[0], -(x[1] - x[0]))):
            if start >= taken_until:  # overlapping shorter names are parts of a longer one
                taken_until = end
                if len(pids) <= self.MAX_PAPERS_PER_NAME:
                    named += sorted(pids)
                    kept.append((start, end))
        intent.named = list(dict.fromkeys(named))
        if len(intent.named) == 1 and not intent.dates and (m := _SAME_PERIOD.search(question)):
            # "what papers came out in the same month as I-JEPA?": the papers of its month
            if created := self.papers[intent.named[0]].created:
                intent.dates, intent.named = [created[: _PERIOD_LENGTH[m.group("unit").casefold()]]], []
        if not (intent.authors or intent.named) and _TOP_AUTHOR.search(question):
            # "who appears on the most papers?": counted over the author lists
            counts = {key: len(pids) for key, pids in self.by_author.items()}
            if counts:
                most = max(counts.values())
                top = [k for k in sorted(counts) if counts[k] == most]
                rest = sorted((k for k in counts if k not in top), key=lambda k: (-counts[k], k))
                runner = (self.display_author[rest[0]], counts[rest[0]]) if rest else ("", 0)
                listing = sum(1 for p in self.papers.values() if p.authors)
                intent.authors = [self.display_author[k] for k in top]
                intent.any_author, intent.top_authors = True, (most, listing, *runner)
        # "what do AV-SUPERB and LaViLa find?": two names joined as one subject.
        gaps = [question[a[1] : b[0]] for a, b in zip(kept, kept[1:], strict=False)]
        intent.joined = any(re.fullmatch(r"\s*(?:,|&|and|,\s*and)\s*", gap, re.I) for gap in gaps)
        intent.superlative = next((k for k, pattern in SUPERLATIVE.items() if pattern.search(question)), "")
        if intent.superlative:
            # "the newest paper on video generation" asks within a topic: not a record question.
            rest = _name_key(SUPERLATIVE[intent.superlative].sub(" ", question))
            for author in intent.authors:
                rest = rest.replace(_name_key(author), " ")
            frame = _FRAME | _STATED_FRAME.get(intent.superlative, frozenset())
            # (a single letter is none: the "s" of "what's")
            if any(w not in STOPWORDS and w not in frame and not w.isdigit() and len(w) > 1 for w in rest.split()):
                intent.superlative = ""
        unnamed = not (intent.named or intent.authors or intent.dates or intent.arxiv_ids)
        if unnamed and (m := WITH_LINKS.search(question)):
            # "which papers are open source?": those with code on GitHub.
            intent.linked = "github" if re.search(r"\bgithub|open[- ]?source", m.group(0), re.I) else "any"
        if unnamed and (m := WITH_FIELD.search(question)):
            field = _FIELD_OF.get(m.group("field").split()[0].casefold(), "created")
            negated = m.group("no") or m.group("verb").casefold() in ("without", "lack", "lacks", "lacking", "missing")
            intent.recorded = f"-{field}" if negated else field
            intent.recorded_total = sum(has_recorded(p, intent.recorded) for p in self.papers.values())
        if unnamed and COLLECTION.search(question):
            rest = _name_key(COLLECTION.sub(" ", question)).split()
            if all(w in STOPWORDS or w in _COLLECTION_FRAME for w in rest):
                intent.collection = len(self.papers)
        return intent

    def _authors(self, question: str) -> list[str]:
        words = _name_key(question).split()
        found = []
        for n in range(self._longest_author, 1, -1):
            for i in range(len(words) - n + 1):
                key = " ".join(words[i : i + n])
                if key in self.by_author:
                    found.append(self.display_author[key])
        if not found:
            # "papers by Metze": a surname after "by".
            # "Ren et al wrote ...", "oquab et al.'s paper": a surname before "et al".
            surnames = re.findall(r"\bby\s+(?:[A-Z]\.\s*)?([A-Z][\w'\-]+)", question)
            surnames += re.findall(r"\b([\w'\-]+)\s+et\.?\s+al\b", question, re.I)
            # "which papers did assran write?": a surname in any case, when it is no English word.
            surnames += [w for w in words if len(w) >= 4 and w in self.by_surname and not is_english(w)]
            for surname in dict.fromkeys(surnames):
                found += [self.display_author[k] for k in sorted(self.by_surname.get(_name_key(surname), ()))]
        return list(dict.fromkeys(found))

    def matching(self, intent: QueryIntent) -> tuple[list[str], set[str] | None]:
        """(pinned paper ids, filter set or None) for an intent."""
        pinned = [self.by_arxiv[a] for a in intent.arxiv_ids if a in self.by_arxiv]
        pinned += [pid for pid in intent.named if pid not in pinned]
        allowed: set[str] | None = None
        if intent.authors:
            sets = [self.by_author[_name_key(a)] for a in intent.authors]
            # "papers by both X and Y" (or "X and Y") means all of them; "X or Y", any.
            allowed = set.union(*sets) if intent.any_author else set.intersection(*sets)
        if intent.author_place and not intent.named:
            # "which papers is Hu Xu the first author of?": of their papers, those they lead (or close)
            at = 0 if intent.author_place == "first" else -1
            wanted = {_name_key(a) for a in intent.authors}
            placed = {pid for pid, p in self.papers.items() if p.authors and _name_key(p.authors[at]) in wanted}
            allowed = placed if allowed is None else allowed & placed
        if intent.dates:
            dated = {
                p.paper_id
                for p in self.papers.values()
                if p.created and any(within_date(p.created, d) for d in intent.dates)
            }
            allowed = dated if allowed is None else allowed & dated
        if intent.collection:
            allowed = set(self.papers)
        if intent.linked:  # "a github link" is one on github
            host = "github.com" if intent.linked == "github" else ""
            allowed = {pid for pid, p in self.papers.items() if any(host in u.casefold() for u in p.urls)}
        if intent.recorded:  # "which papers have no author list?"
            allowed = {pid for pid, p in self.papers.items() if has_recorded(p, intent.recorded)}
        if intent.superlative and (picks := self._superlative(intent.superlative, allowed)):
            pinned, allowed = picks, (set(picks) if allowed is not None else None)
        return pinned, allowed

    def _superlative(self, which: str, allowed: set[str] | None) -> list[str]:
        """The paper with the most or fewest authors, or posted last or first (among `allowed`),
        of those whose record has the field; every one tied on a record's value ("which is the
        oldest?": two were posted that day); [] when none has it."""
        valued = [
            (value, pid)
            for pid, p in self.papers.items()
            if (allowed is None or pid in allowed) and (value := superlative_value(p, which)) is not None
        ]
        if not valued:
            return []
        pick = max if which in ("most_authors", "latest") or stated_superlative(which) else min
        best = pick(v for v, _ in valued)
        tied = sorted(pid for v, pid in valued if v == best)
        return tied[:1] if stated_superlative(which) else tied


def has_recorded(paper: Paper, recorded: str) -> bool:
    """Whether the paper's record has the field ("arxiv_id"), or for "-arxiv_id", lacks it."""
    return bool(getattr(paper, recorded.removeprefix("-"))) != recorded.startswith("-")


def lists_author(paper: Paper, name: str) -> bool:
    """Whether the paper's record lists `name` among its authors (accents and case folded; a
    part of a name, such as a surname, counts)."""
    return fold(name).strip() in fold(", ".join(paper.authors))


def superlative_value(paper: Paper, which: str) -> int | float | str | None:
    """What a superlative compares: the number of authors or the creation date (the record),
    or the largest parameter count or number of benchmarks the abstract writes; None when it
    gives none."""
    if stated_superlative(which):
        return max((value for value, _ in _stated_counts(paper, which)), default=None)
    if which.endswith("authors"):
        return len(paper.authors) or None
    return paper.created or None


def stated_count(paper: Paper, which: str) -> str:
    """The words that state the count a stated superlative picked `paper` by ("30B", "50
    benchmarks"); "" when none does."""
    return max(_stated_counts(paper, which), key=lambda count: count[0], default=(None, ""))[1]


def _stated_counts(paper: Paper, which: str) -> Iterator[tuple[float, str]]:
    """Each count the abstract writes for a stated superlative: (its value, as written)."""
    if which == "largest_model":
        for m in _PARAMETERS.finditer(paper.abstract):
            yield float(m.group(1)) * SCALE[(m.group(2) or m.group(3)).casefold()], m.group(1) + (m.group(2) or f" {m.group(3)}")
    elif which == "most_benchmarks":
        for m in _BENCHMARKS.finditer(paper.abstract):
            yield int(m.group(1)), m.group(0)


def stated_superlative(which: str) -> bool:
    """Whether the superlative is picked by what abstracts state (not by a record field)."""
    return which in _STATED_FRAME


_COMPARED_PAIR = re.compile(
    r"(?<![\w-])(?P<a>[\w-]+)\s+(?:vs\.?|versus|or)\s+(?P<b>[\w-]+)|\bbetween\s+(?P<a2>[\w-]+)\s+and\s+(?P<b2>[\w-]+)", re.I
)


# A name with a number ("iNaturalist-18", "Kinetics-400", "ImageNet-1k"), and one typed short
# ("inat18", "k400").
_NUMBERED = re.compile(r"(?<![\w\-/.])[A-Za-z]{2,}-\d+[A-Za-z]?(?![\w\-/])")
_TYPED_NUMBERED = re.compile(r"(?<![\w\-/.])(?P<letters>[A-Za-z]+)-?(?P<number>\d+[A-Za-z]?)(?![\w\-/])")


class Speller:
    """Corrects words the collection doesn't know to the nearest word it does ("quantizaton").

    Exact-token BM25 misses a misspelled word and a short question's vector may not bring the
    paper back, so the question is corrected before either sees it. Only words of five or
    more letters that appear nowhere in the collection are touched; a correction must be
    close (difflib ratio >= 0.88) and starts with the same letter. A real English word is no
    typo, even where the collection lacks it: "samplers" stays (not "samples"), "raters" stays
    (not "rates"). Names the collection defines ("sceentextgen") come back in their own
    spelling ("SceneTextGen").
    """

    CUTOFF = 0.88

    def __init__(self, texts: list[str], names: list[str], vocabulary: dict | None = None):
        """Learn the words of `texts` and `names`, or take them as `vocabulary()` kept them."""
        if vocabulary is not None:
            self.cased: dict[str, str] = vocabulary["cased"]
            self.known: set[str] = set(vocabulary["known"])
            self.stems: set[str] = set(vocabulary["stems"])
            self.numbered: dict[str, str] = vocabulary["numbered"]
        else:
            words = {w for t in texts for w in re.findall(r"[a-z][a-z\-]{3,}", fold(t))}
            self.cased = {fold(n): n for n in names if len(n) >= 5 and re.fullmatch(r"[\w\-]+", n)}
            self.known = words | set(self.cased)
            self.stems = {stem(w) for w in self.known}
            self.numbered = {fold(m): m for t in texts for m in _NUMBERED.findall(t)}
        self._by_letter: dict[str, list[str]] = defaultdict(list)
        for w in sorted(self.known):
            self._by_letter[w[0]].append(w)

    def vocabulary(self) -> dict:
        """What was learnt, as JSON-ready data, for `Speller(..., vocabulary=...)`."""
        return {"cased": self.cased, "known": sorted(self.known), "stems": sorted(self.stems), "numbered": self.numbered}

    def correct(self, text: str) -> str:
        return _TYPED_NUMBERED.sub(self._numbered, re.sub(r"[A-Za-z][A-Za-z\-]{3,}", self._fix, text))

    def _numbered(self, match: re.Match) -> str:
        """"inat18" -> "iNaturalist-18": a numbered name typed short, where one name of the
        collection has that number and begins with the letters typed."""
        letters, number = fold(match.group("letters")), fold(match.group("number"))
        if f"{letters}-{number}" in self.numbered or (len(letters) < 2 and len(number) < 3):
            return match.group(0)  # a name as written ("top1" is "top-1" typed, no short form)
        found = {n for low, n in self.numbered.items() if low.endswith(f"-{number}") and low.startswith(letters)}
        return found.pop() if len(found) == 1 else match.group(0)

    def _fix(self, match: re.Match) -> str:
        word = match.group(0)
        low = fold(word)
        if low in self.cased:
            return self.cased[low]
        if len(low) < 5 or low in self.known or low in STOPWORDS or stem(low) in self.stems:
            return word
        pool = [w for w in self._by_letter.get(low[0], ()) if abs(len(w) - len(low)) <= 2]
        close = difflib.get_close_matches(low, pool, n=1, cutoff=self.CUTOFF)
        if not close or is_english(low):
            return word
        return self.cased.get(close[0], close[0])


@cache
def _english() -> frozenset[str]:
    """An English dictionary's headwords (Webster's 2nd and GCIDE, from `english-words`):
    loaded (0.3 s) only when a word the collection lacks has a close correction."""
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["web2", "gcide"], lower=True, alpha=True))


def is_english(word: str) -> bool:
    """Whether a lower-case `word`, or the singular of a plural, is an English headword."""
    lexicon = _english()
    singulars = [word[: -len(end)] + base for end, base in (("ies", "y"), ("es", ""), ("s", "")) if word.endswith(end)]
    return word in lexicon or any(s in lexicon for s in singulars if len(s) >= 3)
