"""Follow-ups: "How many GPUs did it use?" rewritten as its own question, then answered as one.

The pronoun is replaced by the name of the paper the previous answer cited, which is exact
for one paper. For several ("how do they differ?"), an LLM may reword the question; its
wording is kept only when it names them and still asks the same kind of thing (a date
question stays a date question, checked by reading both with `query.read_query`).
"""

from __future__ import annotations

import re
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING

from abstractqa import prompts
from abstractqa.answerable import RECORD_FRAME
from abstractqa.evidence import content_words, join_words
from abstractqa.llm import ChatLLM, GeneratorError
from abstractqa.query import LISTING, ORDINALS, read_query

if TYPE_CHECKING:
    from abstractqa.names import CollectionNames
    from abstractqa.types import Answer

ANAPHORA = re.compile(
    r"\b(it|its|it's|they|them|their|(this|that|the same) (one|paper|method|model|work|approach|study|article)|"
    r"the (paper|method|model|approach)|both|these|those|the (first|second|former|latter))\b(?!\s+(?:co-?)?authors?\b)",
    re.I,
)


# "what about k600 and k700?", "and on COCO?", "and how many images?", "and datasets?", "how about ViT-H?",
# "on how many gpus tho?": the question before it, about something else, or continued; with no
# paper named, it is about the same papers. Read with `match`: each form opens the question.
ELLIPSIS = re.compile(
    r"\s*(?:and\s+)?(?:what|how)\s+about\b|\s*and\s+\w|\s*same\s+(?:for|on)\b|"
    r"\s*(?:on|in|with|for|at|by|from|using)\s+(?:how|what|which)\b",
    re.I,
)


# "what about Emu Video?": the last question, asked of another paper.
# ("and MSN?" after "when was I-JEPA published?": the same, if it names a paper and nothing else)
SWITCH = re.compile(r"\s*(?:(?:and\s+)?(?:what|how)\s+about|and|or)\s+(?P<other>[^?]+?)\s*\??\s*", re.I)
# "which of them use CLIP?": a listing among the papers of the last answer.
# ("how many of them have an author list?" counts among them)
AMONG = re.compile(r"\b(?:which|how many)\s+(?:ones\s+)?of\s+(?:them|these|those)(?:\s+papers)?\b|\bwhich\s+ones\b", re.I)


# "which one is faster?", "which of the two needs fewer labels?": one of the last answer's papers
# picked, asked as a comparison of them ("Which is faster, MoViNets or VideoPoet?").
PICK = re.compile(r"\bwhich\s+(?:one|of\s+(?:the\s+)?(?:two|both|pair))\b(?!\s+(?:of|papers?)\b)", re.I)

# "what do they find?", "do both use transformers?": a follow-up asked of each of the last papers.
_PLURAL = re.compile(r"\b(they|them|their|both|these|those|each)\b", re.I)


_DUMMY_IT = re.compile(r"\b(?:did|does|do|would|will|can)\s+it\s+(?:cost|take)\b|\bit\s+(?:costs?|takes?|took)\b", re.I)


def asks_of_each(question: str) -> bool:
    """Whether a follow-up asks something of each of the last answer's papers (not which of them)."""
    return _PLURAL.search(question) is not None and not asks_among(question)


def asks_among(question: str) -> bool:
    """Whether a follow-up asks which of the last answer's papers match ("which of them ...?")."""
    return AMONG.search(question) is not None


# "Which paper gives one, and how many images does it have?": the pronoun after a clause that
# asks for a paper is the paper asked for, not the last answer's ("which paper does it build
# on, and ...?" is still a follow-up: a pronoun stands inside the asking clause).
SEEKS_PAPER = re.compile(
    r"\b(?:which|what|any|is there an?)\s+(?:paper|work|study)\b"
    r"(?:(?!\b(?:it|its|it's|they|them|their|this|that|these|those)\b)[^?])*?"
    r"(?:,\s*and|,|\band)\s+[^?]*\b(?:it|its|it's|they|them|their)\b",
    re.I,
)


def rewrite_follow_up(
    question: str,
    history: list[Answer],
    llm: ChatLLM | None,
    names: CollectionNames,
    lock: AbstractContextManager | None = None,
) -> tuple[str, list[str]]:
    """The standalone question and the ids of the papers the conversation was about.

    `lock` is held while the LLM runs (one in-process model answers one prompt at a time).
    """
    if not history:
        return question, []
    last = _last_answered(history)
    if last is not None and (switched := _switched(question, last.standalone_question, names)):
        return switched
    if last is not None and (authors := _author_set_follow_up(question, last, names)):
        return authors
    if last is not None and (placed := _author_list_follow_up(question, last, names)):
        return placed
    if last is not None and (placed := _place_of_last_paper(question, last, names)):
        return placed
    if last is not None and (switched := _switched_variant(question, last.standalone_question)):
        return switched, list(dict.fromkeys(c.paper_id for c in last.citations))
    # "what about papers on speech?" is a new listing, not the same papers asked again.
    named = bool(names.read(question).named)
    elliptic = ELLIPSIS.match(question) is not None and not named and not LISTING.search(question)
    elliptic = elliptic or (last is not None and not named and _terse(question, last, names))
    # "how much did it cost to train MetaCLIP?": an "it" that only stands for the cost or time
    # of what the question names points at nothing before.
    said = _DUMMY_IT.sub(" ", question) if named else question
    pronoun = ANAPHORA.search(said) is not None and not SEEKS_PAPER.search(question) or asks_among(question)
    bare_record = last is not None and _bare_record(question, names)
    picks = PICK.search(question) is not None
    if last is None or not (pronoun or elliptic or bare_record or picks):
        return question, []
    focus, titles = _papers(last)
    if picks and not bare_record and len(titles) > 1 and not named:
        picked = PICK.sub("which", question, count=1).strip().rstrip("?").strip()
        return f"{picked[:1].upper()}{picked[1:]}, {join_words(titles, 'or')}?", focus
    name = " and ".join(titles)
    if asks_among(question) and len(titles) > 3:  # "which of them" of a long list: kept as the focus
        return AMONG.sub(lambda m: "how many papers" if m.group(0)[:3].casefold() == "how" else "which papers", question, count=1), focus
    if not pronoun:  # "what about k600?": the same papers, asked again
        return continued(question, history)
    standalone = ANAPHORA.sub(lambda m: _replace_pronoun(m.group(0), name), question, count=1)
    standalone = re.sub(r"^(and|so|also|but)\s+", "", standalone, flags=re.I)
    standalone = standalone[:1].upper() + standalone[1:]
    if llm is None or len(titles) == 1:
        return standalone, focus  # "it" is the one paper: replacing the pronoun is exact
    history_text = f"Q: {last.standalone_question}\nA: {last.answer[:400]}"
    messages = [
        {"role": "system", "content": prompts.REWRITE_SYSTEM},
        {"role": "user", "content": prompts.REWRITE_USER.format(history=history_text, question=question)},
    ]
    try:
        with lock or nullcontext():
            reply = llm.complete(messages)
    except GeneratorError:
        return standalone, focus
    rewritten = (reply.strip().splitlines() or [""])[0].strip()
    ours, theirs = read_query(standalone, names), read_query(rewritten, names)
    if any(t.casefold() in rewritten.casefold() for t in titles) and (ours.kind, ours.record) == (
        theirs.kind,
        theirs.record,
    ):
        return rewritten, focus
    return standalone, focus


def continued(question: str, history: list[Answer]) -> tuple[str, list[str]]:
    """`question` asked of the last answer's papers ("IMP: what about k600?"), and their ids;
    the question as it is, and none, when no answer before it cited any."""
    if (last := _last_answered(history)) is None:
        return question, []
    focus, titles = _papers(last)
    return " and ".join(titles) + ": " + re.sub(r"^(and|so|also)\s+", "", question, flags=re.I), focus


# "how many images?", "what loss?": a short question for a thing, naming no paper.
_TERSE = re.compile(r"\s*(?:how\s+(?:many|much|long|big|large|fast)|what|which|who|where|when)\b", re.I)


def _terse(question: str, last: Answer, names: CollectionNames) -> bool:
    """"how many images?" after an answer on Emu: a short question for a thing (the caller
    checks that it names no paper), whose words the last answer's papers all use, asks it of them. "what is lora?"
    (a word none of them uses) is a new question."""
    if not _TERSE.match(question) or len(question.split()) > 5 or LISTING.search(question):
        return False
    if re.search(r"\bpapers?\b", question, re.I):
        return False
    abstracts = [names.papers[c.paper_id].abstract for c in last.citations if c.paper_id in names.papers]
    words = content_words(question)
    return bool(abstracts) and all(words <= content_words(a) for a in abstracts)


def _last_answered(history: list[Answer]) -> Answer | None:
    """The last turn that answered, citing papers (not a refusal)."""
    return next((h for h in reversed(history) if not h.refused and h.citations), None)


def _papers(answer: Answer) -> tuple[list[str], list[str]]:
    """The ids and titles of the papers an answer cites, in citation order."""
    return list(dict.fromkeys(c.paper_id for c in answer.citations)), list(dict.fromkeys(c.title for c in answer.citations))


# Words of a record question that point at no paper ("who are the authors?", "which one came first?").
_RECORD_ONLY = RECORD_FRAME | content_words(
    "came come out one ones earlier later newer older newest oldest latest earliest recent id number arxiv more fewer many"
)


def _bare_record(question: str, names: CollectionNames) -> bool:
    """"who are the authors?", "which one came out first?": a record question that names no
    paper, person or date and says nothing else, so it asks about the papers of the last answer."""
    q = read_query(question, names)
    intent = q.intent
    # "which paper has a github link?", "which paper is the oldest?" ask the collection's records
    picks = intent.named or intent.authors or intent.dates or intent.arxiv_ids or q.urls or intent.linked or intent.superlative
    return bool(q.record) and not (picks or intent.collection) and q.topic <= _RECORD_ONLY


def _switched(question: str, before: str, names: CollectionNames) -> tuple[str, list[str]] | None:
    """"what about Emu Video?" after "how long are Movie Gen's videos?": the question before,
    with the one paper it named replaced by the one named now (and nothing else asked)."""
    if not (m := SWITCH.fullmatch(question)):
        return None
    new, old = names.read(m.group("other")).named, names.read(before).named
    if len(new) != 1 or len(old) != 1 or new == old:
        return None
    paper, other = names.papers[old[0]], names.papers[new[0]]
    if content_words(m.group("other")) - content_words(" ".join([other.title, *other.aliases])):
        return None  # "what about Emu Video's resolution?" asks something new
    spelled = "|".join(re.escape(a) for a in sorted({paper.title, *paper.aliases}, key=len, reverse=True))
    switched, count = re.subn(rf"(?<![\w-])(?:{spelled})(?![\w-])", other.title, before, flags=re.I)
    return (switched, [new[0]]) if count else None


# "and who is only on MoDE?" after "which authors are on both MetaCLIP and MoDE?": the other
# set of the same two author lists. "only on X" keeps X's authors; "not on X" the other's.
_ONLY_ON = re.compile(r"\b(?:only|just|solely|exclusively)\b", re.I)
_NOT_ON = re.compile(r"\b(?:not|isn't|aren't|missing)\b", re.I)
_BOTH = re.compile(r"\bboth\b|\bin common\b|\bshared?\b|\boverlap", re.I)
_AUTHOR_SET_FRAME = content_words(
    "who which what authors author names name people person only just solely exclusively not isn't aren't missing on in of "
    "both common shared share overlap list lists listed appear appears one ones paper papers other then else"
)


def _author_set_follow_up(question: str, last: Answer, names: CollectionNames) -> tuple[str, list[str]] | None:
    """The author set a follow-up asks of the two papers of an author set answer, as its own question."""
    if not read_query(last.standalone_question, names).author_set:
        return None
    focus, titles = _papers(last)
    named = names.read(question).named
    if len(focus) != 2 or not set(named) <= set(focus) or len(named) > 1:
        return None
    own = content_words(" ".join(n for p in focus for n in (names.papers[p].title, *names.papers[p].aliases)))
    if content_words(question) - _AUTHOR_SET_FRAME - own:
        return None  # "and who is the first author of MoDE?" asks something else
    other = {focus[0]: focus[1], focus[1]: focus[0]}
    only = _ONLY_ON.search(question) is not None
    if named and (only or _NOT_ON.search(question)):
        kept = named[0] if only else other[named[0]]
        pair = [kept, other[kept]]
        return f"Who is on the {names.papers[kept].title} author list but not on the {names.papers[other[kept]].title} one?", pair
    if not named and _BOTH.search(question):
        return f"Which authors are on both {titles[0]} and {titles[1]}?", focus
    return None


# "and who is the last one?", "the second?", "how many are there?" after "who wrote MetaCLIP?":
# a place on the author list the last answer gave, or its length.
_LIST_PLACE = re.compile(
    rf"\W*(?:and|so|ok|okay)?\W*(?:who(?:'s|\s+is|\s+was|\s+are)?\s+)?(?:the\s+)?"
    rf"(?P<place>first|lead|last|final|{'|'.join(ORDINALS[1:])}|\d{{1,2}}(?:st|nd|rd|th))"
    r"(?:\s+(?:one|name|person|author|listed|on\s+(?:the|that)\s+list))?\W*",
    re.I,
)
_LIST_LENGTH = re.compile(
    r"\W*(?:and\s+)?how\s+many(?:\s+(?:of\s+them|authors|names|people))?"
    r"(?:\s+(?:are\s+there|is\s+that|in\s+total|total|are\s+they|did\s+it\s+have))?\W*",
    re.I,
)


def _author_list_follow_up(question: str, last: Answer, names: CollectionNames) -> tuple[str, list[str]] | None:
    """"Who is the last author of MetaCLIP?" for "and who is the last one?" after the last
    answer gave MetaCLIP's author list ("how many are there?": its length); None otherwise."""
    focus, titles = _papers(last)
    if len(focus) != 1 or not {"authors", "first_author", "last_author"} & read_query(last.standalone_question, names).record:
        return None
    if m := _LIST_PLACE.fullmatch(question):
        place = m.group("place").casefold()
        place = {"lead": "first", "final": "last"}.get(place, place)
        return f"Who is the {place} author of {titles[0]}?", focus
    if _LIST_LENGTH.fullmatch(question):
        return f"How many authors does {titles[0]} have?", focus
    return None


# "what else did the last author write?": a place on an author list, of no paper named.
_PLACE_PHRASE = re.compile(
    rf"\bthe\s+(?:first|lead|last|senior|{'|'.join(ORDINALS[1:])}|\d{{1,2}}(?:st|nd|rd|th))[\s-]+(?:listed\s+)?author\b(?!\s+(?:of|on|for|in)\b)",
    re.I,
)


def _place_of_last_paper(question: str, last: Answer, names: CollectionNames) -> tuple[str, list[str]] | None:
    """"what else did the last author of AV-SUPERB write?" for "what else did the last author
    write?" after an answer about AV-SUPERB alone; None where the question names a paper, or the
    last answer was about several."""
    focus, titles = _papers(last)
    if len(focus) != 1 or names.read(question).named or not (m := _PLACE_PHRASE.search(question)):
        return None
    rewritten = f"{question[: m.end()]} of {titles[0]}{question[m.end() :]}"
    # (no paper pinned where the question now names it: "what else did <the last author> write"
    # asks about the person, whose other papers are not the one named)
    return rewritten, [] if names.read(rewritten).named == focus else focus


# A variant written as a head and its version: "ViT-H", "ViT-L/14", "Kinetics-600".
VARIANT = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z0-9]*-[\w./]*\w")
_CONTINUES = re.compile(r"\s*(?:and|(?:what|how)\s+about)\b", re.I)
_VARIANT_FRAME = content_words("one model version variant size smaller larger bigger biggest smallest same")


def _switched_variant(question: str, before: str) -> str | None:
    """"and the smaller ViT-B one?" after "what accuracy do they get with ViT-H?": the question
    before, asked of the other variant of the same head ("... with ViT-B?"), when the
    follow-up asks nothing else."""
    if not _CONTINUES.match(question):
        return None
    asked = {m.group(0) for m in VARIANT.finditer(question)}
    if len(asked) != 1:
        return None
    new = asked.pop()
    if content_words(question.replace(new, " ")) - content_words(before) - _VARIANT_FRAME:
        return None  # "and what if they scale to 1B pairs, or use ViT-H?" asks more than the variant
    head = new.split("-")[0].casefold()
    old = {m.group(0) for m in VARIANT.finditer(before) if m.group(0).split("-")[0].casefold() == head}
    folded = {o.casefold() for o in old}
    if len(folded) != 1 or new.casefold() in folded:
        return None
    return re.sub(rf"(?<![\w-]){re.escape(old.pop())}(?![\w-])", new, before)


def _replace_pronoun(pronoun: str, name: str) -> str:
    return f"{name}'s" if pronoun.lower() in ("its", "their") else name
