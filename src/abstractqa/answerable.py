"""Answerable? Decide from the evidence, before any text is written, what can be said.

Three outcomes (`Plan.status`):

* ``answer``: the papers to answer from (`Plan.focus`) hold what is asked (or some of the
  terms it asks about: then `Plan.missing` names the rest, and the answer says so);
* ``partial``: the paper the question is about is found, but the asked detail is not in
  it (a model size, dataset or metric the question names, a number, a record field);
  the answer says what is missing and quotes what the paper does give;
* ``not_covered``: no paper is close to the question, or none holds what it asks for;
  the answer says so and lists related papers.

Every check here is exact or measured: the asked terms and numbers must stand in the
passage, similarity to the closest sentence is calibrated (`answer.refuse_below`), and a
question after a number needs a sentence that holds one. A generator's own "not in the
sources", and its yes/no on whether the closest paper is about the question at all
(`answer.topic_check`), are more signals, weighed here and in `assistant.py`, never the only one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

import numpy as np

from abstractqa.evidence import (
    NUMBER_OF_WORD,
    NUMBER_TERM,
    NUMBER_WORDS,
    PERCENT,
    VALUE_FORMS,
    VARIANT,
    WORD,
    SentenceEmbedder,
    Source,
    asked_part,
    compact_scales,
    content_words,
    contribution_sentence,
    counted_words,
    described_paper,
    holds_term,
    initials,
    join_words,
    link_kind,
    mentions,
    numbers_in,
    paper_by_topic,
    question_sentences,
    rank_sentences,
    stem,
    stem_run,
    strip_markers,
    strip_names,
    terms_in,
    writes,
)
from abstractqa.media import any_of, made_media, makes
from abstractqa.names import is_english, stated_count
from abstractqa.query import (
    COMPARATIVES,
    COMPARING_STEMS,
    GENERIC_STEMS,
    LIKENESS,
    LISTING_FRAME,
    LISTING_WORDS,
    MAKING,
    VALUE_ONLY,
    WHICH_OF_COUNT,
    Query,
    answers_ask,
    looked_up_values,
    measure_asked,
    metric_said,
    number_asks,
    one_ask,
)
from abstractqa.types import Evidence

if TYPE_CHECKING:
    from abstractqa.config import AnswerSettings

Status = Literal["answer", "partial", "not_covered"]
NUMBER_WINDOW = 0.15  # how far below the best sentence a number may stand; chosen on the dev set
LIST_WINDOW = 0.08  # listed papers' best sentence within this of the best one; chosen on the dev set
# A paper found by meaning alone (it lacks some topic word) is listed only this close: on the dev
# set and its probes, topics no paper covers ("robot control", "protein folding") reach 0.37 at
# most, covered ones ("surveys", "picture generation", "cost-effective ensembles") 0.47 or more.
LIST_SIMILAR = 0.42
# A sentence holding a rare topic word lists its paper when at least this close to the question:
# on the dev sets, stray uses of such words ("graph" for molecules) stay under 0.37.
LIST_SPECIFIC = 0.38
# A comparison naming one paper is about that paper alone when its abstract holds this share of
# the question's topic words.
REPORTS_SHARE = 0.8
# A short topic ("which paper is about X") gets the listing's test even when one paper is asked for.
SHORT_TOPIC = 4
MAX_LISTED = 8
# A paper with every topic word in one sentence is listed (a topic of several words, when also
# this close to the question: "generate" and "video" stand in a video-captioning abstract, 0.40).
LIST_LEXICAL = 0.42
# Of an alternative's rare word written alone, the least similarity of its sentence to the question.
LIST_ALONE = 0.3
# Below this best-sentence similarity, an LLM's "not in the sources" (or its judgment "no") is
# believed; above it the evidence is strong enough that an answer is shown instead.
LLM_REFUSAL_BELOW = 0.45
# An LLM's "the closest paper is not about this" (`answer.topic_check`) is believed below this
# best-sentence similarity: above it the evidence itself says the paper is on topic. Topics no
# paper covers reach 0.47-0.49 on the dev probes; the dev sets' answerable questions got "yes".
TOPIC_TRUST_BELOW = 0.6
# Words of a record question's frame ("who wrote the first ..."): they say nothing of the paper.
RECORD_FRAME = frozenset(
    stem(w)
    for w in "who wrote written write authored author authors first last lead senior when published posted created released date year code github repo page link url arxiv id ids identifier".split()
)
# "the original SAM", "the previous version": words that point at a predecessor, not at a paper.
_PREDECESSOR = frozenset(stem(w) for w in "original previous prior earlier older baseline base vanilla standard".split())
# "vs prior video generators", "compared to existing methods": the other side is prior work
# in general (a plural, or "work"), not one paper.
_PRIOR_WORK = re.compile(
    r"\b(?:vs\.?|versus|compared? (?:to|with)|than|over|against)\s+(?:the\s+|all\s+)?"
    r"(?:prior|previous|existing|earlier|older|other|conventional|traditional|standard|baseline)\s+"
    r"(?:[\w\-]+\s+){0,2}?(?:[\w\-]+s|work|art|research|literature)\b",
    re.I,
)
RECORD_FIELDS = {
    "first_author": ("authors", "no author list"),
    "last_author": ("authors", "no author list"),
    "nth_author": ("authors", "no author list"),
    "authors": ("authors", "no author list"),
    "arxiv": ("arxiv_id", "no arXiv id"),
    "date": ("created", "no date"),
    "url": ("urls", "no code or project page"),
}


@dataclass
class Plan:
    """What an answer will say, decided before any text is written."""

    query: Query
    sources: list[Source]
    kind: str = ""  # the answer's shape: the query's kind, unless the evidence changes it
    focus: list[int] = field(default_factory=list)  # source numbers to answer from
    status: Status = "answer"
    reason: str = ""  # why the answer is partial or refused
    says: str = ""  # a refusal's first line, where its reason is one a person can read
    related: bool = True  # a refusal lists the closest papers (not when a record filter picked none)
    missing: list[str] = field(default_factory=list)  # what the focus papers don't give
    opposite: int | None = None  # the sentence that says the opposite of the question's premise
    best_similarity: float = 0.0
    picked_from: int = 0  # "papers by Hu Xu about video": how many papers the record picked (6)

    def __post_init__(self) -> None:
        self.kind = self.kind or self.query.kind

    def source(self, n: int) -> Source:
        return next(s for s in self.sources if s.n == n)

    def decline(self, status: Status, reason: str, missing: list[str] | None = None) -> Plan:
        self.status, self.reason, self.missing = status, reason, missing or []
        return self


def plan_answer(
    query: Query, evidence: list[Evidence], embed: SentenceEmbedder, settings: AnswerSettings
) -> Plan:
    """Choose the papers to answer from and the answer's shape, or why it can't be answered."""
    pinned = sum(e.reason != "search" for e in evidence)  # named, or by an asked author or date
    # A listing reads every candidate retrieved (the closest, and those holding the topic's
    # words); any paper may make a benchmark: each one retrieved is read.
    wanted = len(evidence) if query.kind == "listing" or made_thing(query) else settings.max_passages
    sources = [Source.from_evidence(i + 1, e) for i, e in enumerate(evidence[: max(wanted, pinned)])]
    if versions := _named_versions(query, sources):
        # "sam 2 ...": the answer must be about SAM 2, not about SAM.
        numbers = {v.split()[-1] for v in versions}
        query = replace(query, exact=[t for t in query.exact if t not in numbers] + versions)
    if (which := query.intent.superlative) and sources and sources[0].evidence.reason == "name":
        # "which paper evaluates on the most datasets?": the sentence stating the count leads.
        if said := stated_count(sources[0].paper, which):
            query = replace(query, exact=[*query.exact, said])
    plan = Plan(query, sources)
    if not sources:
        return plan.decline("not_covered", "no papers are indexed")
    named = [s.n for s in sources if s.evidence.reason in ("name", "arxiv")]
    filtered = [s.n for s in sources if s.evidence.reason in ("author", "date", "collection", "link", "record")]
    if query.kind == "record":
        if query.intent.dates and not (named or filtered):
            # "which papers were published in 2021?": a date no record carries picks none.
            dated = " or ".join(query.intent.dates)
            says = " ".join(["No indexed paper", *_by_authors(query), f"is dated {dated}."])
            return _unrecorded(plan, says, f"no paper's record is dated {dated}")
        if query.intent.author_place and query.intent.authors and not (named or filtered):
            # "which papers is Gargi Ghosh the first author of?": of their papers, none has them there.
            says = f"No indexed paper's record lists {join_words(query.intent.authors, 'or')} as its {query.intent.author_place} author."
            return _unrecorded(plan, says, f"no record lists the author asked for as its {query.intent.author_place} author")
        if query.intent.organisation:
            # "which papers are from meta?": records give names, not affiliations; an abstract
            # that mentions "Google's Imagen Video" is no paper from Google.
            if named:  # "is msn from meta?"
                plan.focus = named[:1]
                return plan.decline("partial", "records give no affiliations", ["no affiliation"])
            org = query.intent.organisation
            says = f"The indexed records give no affiliations, so they can't tell which papers are from {org}."
            return _unrecorded(plan, says, "records give no affiliations")
        if query.intent.strangers and not named:
            # "is there a paper by yann lecun?": no record lists the person (records without an
            # author list can't).
            says = f"No indexed paper's record lists {join_words(query.intent.strangers)} as an author."
            return _unrecorded(plan, says, "no record lists the author asked for")
        if not (named or filtered) and not (query.topic - RECORD_FRAME) & sources[0].words:
            # "Who wrote it?" with nothing to say which paper: a record can't be guessed.
            return plan.decline("not_covered", "the question names no paper and describes none")
        if filtered and not named and not query.intent.top_authors and (about := record_topic(query) or _linked_topic(query)):
            # "papers from 2023 about video": the date (or author) picks the papers, and of
            # those only the ones whose abstracts hold every word of the topic are listed.
            kept = [n for n in filtered if about[0] <= plan.source(n).words]
            if not kept:
                picked = _by_authors(query) + ([_dated(query.intent.dates)] if query.intent.dates else [])
                picked += ["with a link"] if query.intent.linked else []
                plan.says = " ".join([f"None of the {len(filtered)} papers", *picked, f"mentions {about[1]}."])
                return plan.decline("not_covered", f"none of the {len(filtered)} papers the record picks mentions {about[1]}")
            plan.picked_from, filtered = len(filtered), kept
        if query.asks_membership:  # "is Florian Metze on it?": the one paper meant, named or found
            return _record_plan(plan, (named or [sources[0].n])[:1], [])
        if query.author_set and (pair := _author_set_papers(query, sources, named, embed)):
            # "which author is on the DAL survey but not the NAS one?": both records, in the
            # order the question takes them.
            return _record_plan(plan, pair, [])
        if (
            len(named) == 1
            and not filtered
            and (described := other_described(query.text))
            and (other := _described_paper_n(described, [s for s in sources if s.n not in named], embed)) is not None
        ):
            # "Which was posted first: the MSN paper or the follow-up about uniform priors ...?":
            # the named paper's record and the described one's.
            return _record_plan(plan, named + [other], [])
        if not (named or filtered) and (sides := _described_sides(query.text, sources, embed, _AND_SIDES)):
            # "The NAS survey and the deep active learning survey ...: who is first author on
            # both?": each described paper's record.
            return _record_plan(plan, sides, [])
        return _record_plan(plan, named, filtered)

    # "which paper is about efficient video recognition?": the word "paper" is the frame, and
    # would draw the question to an abstract's own "All videos from this paper are at ...".
    q = embed.query(_PAPER_WORD.sub(" ", query.text) if _WHICH_PAPER.match(query.text) else query.text)
    sims = {s.n: embed(s.sentences) @ q if s.sentences else np.zeros(1) for s in sources}
    best_per_source = {n: float(v.max()) for n, v in sims.items()}
    plan.best_similarity = best = max(best_per_source.values())
    # "which paper reports 72.4%?": a number (or numbered name) asked for, that a candidate
    # writes, is found however little the rest of the question says
    numbered = [t for t in query.exact if any(c.isdigit() for c in t)]
    holds_numbered = bool(numbered) and any(not _missing_terms(query, s) for s in sources)
    if best < settings.refuse_below and not named and lexical_coverage(query, sources) < 0.75 and not holds_numbered:
        # Short keyword questions ("results on Kinetics?") embed poorly: a question whose own
        # words all stand in a candidate abstract is not refused on similarity alone.
        return plan.decline("not_covered", f"best sentence similarity {best:.2f} is below {settings.refuse_below:.2f}")

    if query.kind == "comparison" and len(named) == 1 and _reports_other_side(query, plan.source(named[0]), sources):
        # "How does MetaCLIP's accuracy compare with CLIP's?", "emu video pref vs make-a-video":
        # the other side is a model the named paper itself reports on, not another paper.
        plan.kind = "factoid"
    elif query.kind == "comparison" and len(named) == 1 and (absent := _absent_names(query, versions, sources)):
        # "How does Stable Diffusion 3 (GPT-4) compare with Emu?", "sora vs movie gen": a model
        # name no candidate abstract writes (a word no passage holds) is a model the collection
        # lacks; the named paper is answered for what it says.
        plan.focus = named[:1]
        return plan.decline("partial", f"no candidate paper mentions {', '.join(absent)}", absent)
    elif query.kind == "comparison" and named:
        # "VideoCLIP vs the caption-reconstruction approach": the other side is described, by
        # words beyond the named paper's name; "EfficientSAM vs the original SAM" describes no
        # other paper of the collection, and is answered from the named one.
        own = plan.source(named[0]).name_words
        describing = query.topic - LISTING_FRAME - _PREDECESSOR - own
        # "AV-SUPERB and the adversarial-noise one": the other side's own description, where a
        # candidate holds its words, rather than every word of the question.
        if (other := _OTHER_DESCRIBED.search(query.text)) and (words := content_words(other.group("d")) - own - LISTING_FRAME):
            if any(words & s.words for s in sources if s.n not in named):
                describing = words
        # The paper that holds the most of the describing words ("power-law clustering"), then
        # the closest: a paper with one of them ("clustering") is a weaker match.
        others = sorted(
            (s for s in sources if s.n not in named and describing & s.words),
            key=lambda s: (-len(describing & s.words), -best_per_source[s.n]),
        )
        if len(named) == 1 and _PRIOR_WORK.search(query.text):
            # "videopoet vs prior video generators": prior work in general, no one paper of the
            # collection; the named paper says how it compares.
            others = []
        if len(named) >= 2 or others:
            plan.focus = named[:4] if len(named) >= 2 else named + [others[0].n]
            # "how do msn and i-jepa differ in inference latency": what neither abstract says.
            names = set().union(*(plan.source(n).name_words for n in plan.focus))
            asked = replace(query, topic=query.topic - names)
            # "72.4% in both MetaCLIP and MSN - what does each measure?": a term every compared
            # abstract writes is what is asked about, whatever other words frame it.
            held = query.exact and not any(_missing_terms(query, plan.source(n)) for n in plan.focus)
            if not held and all(unsaid := [_unmentioned(asked, plan.source(n)) for n in plan.focus]):
                return plan.decline("partial", f"no compared paper mentions {unsaid[0]}", [unsaid[0]])
            if query.asks_number and query.ask and not any(_states_value(query.ask.head, plan.source(n)) for n in plan.focus):
                # "What FID does block caching reach on EMU compared with the baseline?": a
                # comparison of values that no compared abstract gives.
                thing = _number_asked(query)
                return plan.decline("partial", f"no compared paper gives a number for {thing}", [f"no number for {thing}"])
            return plan
        plan.kind = "factoid"
    if values := looked_up_values(query):
        # "which paper reports 72.4%?", "who got 75.7%?": the papers whose abstracts write the
        # value (MSN and MetaCLIP both report a 72.4%), each quoted where it stands.
        # Of a value with more words ("which paper trains a 1B-parameter ViT?"), the sentence
        # writing it writes them too (not MetaCLIP's "Scaling to 1B data").
        rest = query.topic - LISTING_FRAME - GENERIC_STEMS - _VALUE_VERBS - content_words(" ".join(values))
        rest = {w for w in rest if not any(c.isdigit() for c in w)}
        if holders := [
            s.n
            for s in sources
            if all(holds_term(s.paper.abstract, v) for v in values)
            and any(holds_term(t, values[0]) and rest <= bag for t, bag in zip(s.sentences, s.sentence_words, strict=False))
        ]:
            plan.kind, plan.focus = ("listing" if len(holders) > 1 else "factoid"), holders[:MAX_LISTED]
            plan.best_similarity = max(plan.best_similarity, settings.refuse_below)
            return plan
    if query.kind == "comparison" and not named and (
        sides := _described_sides(query.text, sources, embed)
        or _described_sides(query.text, sources, embed, ONE_OTHER)
        # "... in two settings: the LM 'quality score' paper and the Oquab et al. image SSL paper."
        or _described_sides(query.text, sources, embed, _AND_SIDES)
    ):
        # "the MAE pre-pretraining paper vs the single-ViT images+videos one - ...": each side
        # is the paper its own words describe best.
        plan.focus = sides
        return plan
    if plan.kind in ("listing", "comparison") and not named and _asked_count(query.text) == 2 and (
        sides := _described_sides(query.text, sources, embed, _AND_SIDES)
    ):
        # "Two papers lean on masked autoencoding: the MAE 'pre-pretraining' one and the one
        # training a single model on images plus videos.": each described paper, side by side.
        plan.focus, plan.kind = sides, "comparison"
        return plan
    if plan.kind == "listing" and not named and (term := _defined_term(query)) and not any(term[1] in stem_run(s.paper.abstract.replace("-", " ")) for s in sources):
        # "any papers on retrieval-augmented generation (RAG) for LLMs?": the question names its
        # topic, and no paper writes the name or what it stands for; papers met by the rest of
        # its words ("large language models") are about something else.
        plan.says = f"No indexed paper mentions {term[0]}."
        return plan.decline("not_covered", f"no candidate paper mentions {term[0]}", [term[0]])
    if plan.kind == "listing" and not named and (absent := _unmet_alternatives(query)):
        # "any paper that aligns text-to-image models with RLHF or a learned reward model?": a
        # name typed that no passage holds, and a word of each other alternative that none
        # holds either: papers met by the rest ("text-to-image models") are about something else.
        plan.says = f"No indexed paper mentions {join_words(absent, 'or')}."
        return plan.decline("not_covered", f"no candidate paper mentions {', '.join(absent)}", absent)
    if plan.kind in ("listing", "comparison"):
        # A comparison with no paper named ("the two quantization papers") lists the matches.
        plan.focus = _listed(query, sources, sims, embed)
        plan.kind = "listing"
        if not plan.focus:
            words = ", ".join(sorted(query.topic))
            return plan.decline("not_covered", f"no candidate paper mentions any of: {words}")
        if count := _asked_count(query.text) or (2 if query.kind == "comparison" else None):
            # A comparison of described papers compares the two described: the first two
            # listed (those holding every topic word come first).
            plan.focus = plan.focus[:count]
        one = plan.source(plan.focus[0])
        two = _asked_count(query.text) == 2
        if (query.kind == "comparison" or two) and len(plan.focus) == 1 and (two or not (query.exact and not _missing_terms(query, one))):
            # "How are the committee paper and the ensembles paper alike?": two sides are
            # described, so the next closest paper that shares a topic word is the other
            # (unless the one paper holds every name asked about: "MoViNet-A5 vs X3D-XL").
            others = [s for s in sources if s.n not in plan.focus and _shares_topic(query, s)]
            if others:
                plan.focus.append(max(others, key=lambda s: best_per_source[s.n]).n)
        if len(plan.focus) == 1:
            plan.kind = "factoid"
            if set(missing := _missing_terms(query, one)) & set(versions):
                # "sam vs sam 2": the one paper found doesn't write the versioned name asked about.
                return plan.decline("not_covered", f"the closest paper does not mention {', '.join(missing)}", missing)
            if query.asks_number and not _gives_number(query, one, embed, settings):
                # "does any paper say how much it cost to train movie gen?": the one paper
                # found is asked for a number it doesn't give.
                about = "the paper named" if one.n in named else "the closest paper"
                status: Status = "partial" if one.n in named else "not_covered"
                return plan.decline(status, f"{about} gives no number for what is asked", [f"no number for {_number_asked(query, one)}"])
        elif query.kind == "comparison" or two:
            plan.kind = "comparison"  # the two described papers, side by side
        return plan

    candidates = [s for s in sources if s.n in named] or sources
    closeness = best_per_source
    described = None if named else described_paper(query.text) or paper_by_topic(query.text)
    if described:
        # "that paper about general-purpose features from a curated dataset -- how big was the
        # ViT?": the paper is the one the description fits, whatever else is asked.
        d = embed.query(described)
        closeness = {s.n: float((embed(s.sentences) @ d).max()) if s.sentences else 0.0 for s in sources}
    # The retrieval order counts a little; papers the retriever scores the same (dense first for
    # one, BM25 first for the other) share a place and are told apart by the passages alone.
    place = {s.n: 1 + sum(t.evidence.score > s.evidence.score for t in sources) for s in sources}

    def fit(s: Source) -> float:
        return closeness[s.n] + settings.ranking.rank / place[s.n]

    chosen = max(candidates, key=fit)
    if query.exact and not described:
        # A paper that holds every asked term wins over a closer one that lacks some (not over
        # the one a question describes: "ImageNet top-1 of the paper that trains X?").
        holding = [s for s in candidates if not _missing_terms(query, s)]
        if holding and chosen not in holding:
            chosen = max(holding, key=fit)
    # "what does the text quality paper measure?": a paper whose words are all the description's
    # is the one meant; the rest of the question is what is asked of it, not a topic to cover.
    meant = bool(described) and content_words(described) <= chosen.words
    words = query.topic - LISTING_FRAME
    if not (named or meant) and len(words) <= SHORT_TOPIC:
        # "Which paper talks about protein structure prediction?": a short topic is met by its
        # words or closely by meaning, as a listing's topic is; a few shared words are not enough.
        # "what is the 1B vit distilled into": a sentence holding every asked word ("we train a
        # ViT model ... with 1B parameters and distill it into ...") finds its paper, however
        # far the question's wording is from that sentence.
        whole = [s for s in candidates if any(words <= bag for bag in s.sentence_words)] if len(words) >= 2 else []
        if not (listed := _listed(query, sources, sims, embed)) and not whole:
            return plan.decline("not_covered", f"no candidate paper covers the topic ({best:.2f})")
        # (each writing every word of the topic: "which paper should i read for efficient video
        # recognition" is MoViNets, not also a paper that writes "video recognition")
        fits = [n for n in listed if not _missing_terms(query, plan.source(n)) and words <= plan.source(n).words]
        if len(fits) > 1 and _WHICH_PAPER.match(query.text) and not (described or query.intent.superlative):
            # "which paper is a survey?", "which paper uses ego4d?": asked as if one does,
            # answered with every one that does.
            plan.kind, plan.focus = "listing", fits
            return plan
        if whole and chosen not in whole:
            chosen = max(whole, key=fit)
        elif not _shares_topic(query, chosen) and chosen.n not in listed:
            # "which paper uses a NeRF?": the closest paper in meaning lacks the word; the
            # paper that holds it ("a Multiplane NeRF representation") is the one meant.
            chosen = max((plan.source(n) for n in listed), key=fit)
    plan.focus = [chosen.n]
    if not named and not _shares_topic(query, chosen):
        # Close in meaning only through the question's frame ("how long does ... take"):
        # the paper shares no word of what is asked about.
        return plan.decline("not_covered", f"the closest paper shares no topic word with the question ({best:.2f})")
    about = "the paper named" if named else "the closest paper"
    if missing := _missing_terms(query, chosen):
        # The paper meant is the one holding some asked terms ("ssv2" of "ssv2 and in1k"), or
        # named; a versioned name it lacks ("SAM 2") is another model.
        found = len(missing) < len([t for t in query.exact if not NUMBER_TERM.fullmatch(t)])
        # A number asked of terms the paper lacks ("GLUE score" of a paper without GLUE) is not given.
        found = found and not query.asks_number
        # "The supernet paper reports three CTR benchmarks. Which are they (Criteo, Avazu, KDD)?":
        # the asking sentence's terms are what is asked; the telling one's only find the paper.
        if asked := [t for t in query.exact if holds_term(question_sentences(query.text), t)]:
            found = found and not set(asked) <= set(missing)
        # "which LLM does LaViLa use as the narrator - GPT-2?": a guess at what is asked, which the
        # paper does not write, is not confirmed: the question is not answered.
        found = found and not any(_guessed(query.text, t) for t in missing)
        said = [_compact(t) for t in missing]  # "10b" is matched as 10000000000, and said as 10B
        reason = f"{about} does not mention {', '.join(said)}"
        if found and not set(missing) & set(versions):
            plan.reason, plan.missing = reason, said  # answered, saying what it lacks
        else:
            status = "partial" if named or described or len(candidates) == 1 else "not_covered"
            return plan.decline(status, reason, said)
    # The checks below decline; the answer is partial where the question says which paper it means.
    # A number the question quotes from the paper ("the 86.5% ImageNet number", "Kinetics 600")
    # says which paper it means too, where it is the same thing ("the 1B-parameter ViT" is not
    # MetaCLIP's "1B data").
    quoted = [t for t in query.exact if NUMBER_TERM.fullmatch(t)]
    by_number = bool(quoted) and not set(quoted) & set(_missing_terms(query, chosen)) and _same_units(query.text, chosen.paper.abstract)
    absent: Status = "partial" if named or described or by_number else "not_covered"
    if query.asks_number and not _gives_number(query, chosen, embed, settings):
        return plan.decline(absent, f"{about} gives no number for what is asked", [f"no number for {_number_asked(query, chosen)}"])
    if (opposite := _premise_reversed(query.text, chosen)) is not None:
        # "why did the text quality-score method need more training data ...?": the abstract
        # says it used "40% lesser data"; the question's premise is the reverse of what it says.
        plan.opposite = opposite
        return plan.decline("partial", f"{about} says the opposite of the question's premise")
    if query.asks_number and query.ask and _ASKS_EXACT.search(query.text) and _vague_count(query.ask.head, chosen):
        # "exactly how many images were in Emu's quality-tuning set?": "a few thousand ... images"
        # is the abstract's only count of them; it gives no exact number.
        return plan.decline(absent, f"{about} gives no exact number for what is asked", [f"no exact number for {_number_asked(query, chosen)}"])
    if unreported := _unreported_variant(query.text, chosen):
        # "metaclip accuracy on vit-l" of an abstract writing ViT-B and ViT-H: another model.
        asked, family = unreported
        return plan.decline(absent, f"{about} reports {join_words(family)}, not {asked}", [f"no {asked} figure (it reports {join_words(family)})"])
    if _ASKS_MODEL_SIZE.search(query.text) and not _sized(chosen.paper.abstract):
        # "which ViT size is behind the 86.5% number?" of an abstract writing "a simple Vision
        # Transformer": no variant (ViT-B/L/H) and no parameter count.
        return plan.decline(absent, f"{about} gives no model size", ["no model size (no variant or parameter count)"])
    if query.asks_number and (protocol := _unreported_protocol(query.text, chosen)):
        # "imagenet linear probe accuracy of ..." of an abstract reporting zero-shot accuracy.
        asked, given = protocol
        return plan.decline(absent, f"{about} reports {join_words(given)} figures, not {asked}", [f"no {asked} figure (it reports {join_words(given)})"])
    if query.asks_number and (other := _other_modality_model(query.text, chosen)):
        # "how many parameters does Movie Gen's audio model have?" of an abstract sizing only
        # its video generation model.
        asked, given = other
        return plan.decline(absent, f"{about} gives figures for the {given}, not the {asked}", [f"no figure for the {asked}"])
    if opposite := _opposite_extreme(query.text, chosen):
        # "the smallest Movie Gen model" of an abstract that reports only its largest: another model.
        return plan.decline(absent, f"{about} reports the {opposite[1]}, not the {opposite[0]}", [f"the {opposite[0]}"])
    if _ASKS_DATASET.search(query.text) and not _names_other_terms(query, chosen):
        # "Which dataset did they train on?": a dataset is a name; an abstract naming none
        # (besides the paper's own name and the question's) does not say.
        return plan.decline(absent, f"{about} names no dataset", ["no named dataset"])
    if (which := WHICH_OF_COUNT.search(query.text)) and not _names_counted(which, query, chosen):
        # "AV-SUPERB evaluates 5 self-supervised models, which ones?": the sentence counting
        # them must also name them.
        return plan.decline(absent, f"{about} does not name them", [f"names of the {which.group('n')} {which.group('what')}"])
    # A count is checked in the paper chosen ("how many images": not met by another paper's
    # "32k images"); a thing asked for, in any candidate (other words may name it there).
    if query.ask and not (
        answers_ask(chosen.paper.abstract, query.ask)
        if query.ask.quantity
        else any(answers_ask(s.paper.abstract, query.ask) for s in candidates)
    ):
        what = f"the number of {_plural(str(query.ask))}" if query.ask.quantity else f"no {query.ask}" if query.ask.head in VALUE_ONLY else f"the {query.ask}"
        return plan.decline(absent, f"the question asks for {what}, which no candidate abstract gives", [what])
    if named and not query.asks_number and (unsaid := _unmentioned(query, chosen)) and not _said_otherwise(query, chosen, embed):
        if heir := _builds_on(query, chosen, sources):
            # "what does the class-imbalance MSN extension prefer?": the paper meant is the one
            # that names MSN and holds what is asked ("we develop an extension of the Masked
            # Siamese Networks (MSN) method").
            plan.focus = [heir.n]
            return plan
        # "is movie gen open source?": the abstract holds none of the words of what is asked.
        return plan.decline(absent, f"{about} does not mention {unsaid}", [unsaid])
    if device := _unreported_device(query.text, chosen):
        # "EfficientSAM latency on a phone?": the abstract gives no figure on that hardware.
        return plan.decline(absent, f"{about} gives no {device} figure", [f"no {device} figure"])
    return plan


def _plural(phrase: str) -> str:
    """ "parameter" -> "parameters", "labeled image" -> "labeled images": what a count counts."""
    head, last = phrase.rpartition(" ")[::2] if " " in phrase else ("", phrase)
    if not last.isalpha() or last.endswith("s") and not last.endswith("ss"):
        return phrase
    if last.endswith("y") and last[-2:-1] not in tuple("aeiou"):
        last = last[:-1] + "ies"
    else:
        last += "es" if last.endswith(("ss", "x", "ch", "sh")) else "s"
    return f"{head} {last}" if head else last


def _said_otherwise(query: Query, source: Source, embed: SentenceEmbedder) -> bool:
    """Whether a sentence of the paper is as close in meaning to what is asked as an on-topic
    sentence is (`TOPIC_TRUST_BELOW`): "how have people been trying to replicate CLIP's data?"
    is met by "works that aim to reproduce CLIP's data", in none of its words."""
    if not source.sentences:
        return False
    return float((embed(source.sentences) @ embed.query(question_sentences(query.text))).max()) >= TOPIC_TRUST_BELOW


def _builds_on(query: Query, named: Source, sources: list[Source]) -> Source | None:
    """Another candidate that writes the named paper's name and holds most words of what is
    asked (two at least), where the named paper holds none: the question means that paper."""
    asked = _asked_words(query, named)

    def held(s: Source) -> int:
        return len(asked & s.words)

    heirs = [
        s
        for s in sources
        if s is not named and held(s) >= 2 and 2 * held(s) > len(asked) and named.name_terms & terms_in(s.paper.abstract)
    ]
    return max(heirs, key=held, default=None)


def weigh_judgment(plan: Plan, question: str, verdict: str | None, missing: str) -> Plan:
    """What an LLM's yes/partly/no on the sources changes (`answer.judge`).

    "no" refuses only when the best sentence is weakly similar too; "partly" makes the answer
    partial only when what the model calls missing is a few words of the question that no
    sentence of the paper holds (an exact check of its claim).
    """
    missing = " ".join(missing.split())[:80]
    source = plan.source(plan.focus[0])
    if verdict == "no" and plan.best_similarity < LLM_REFUSAL_BELOW:
        return plan.decline(
            "not_covered",
            f"the LLM judged that the sources don't state it, and the best sentence similarity is "
            f"{plan.best_similarity:.2f}",
        )
    counted = _counted(question, plan.query)
    if verdict in ("partly", "no") and missing and _asked_and_absent(missing, question, source, counted):
        # Said as the abstract giving no such thing, without the paper's own name: "The MoViNets
        # abstract gives no mAP on Charades".
        lacked = " ".join(strip_names(missing, [source.paper.title, *source.paper.aliases]).split())
        lacked = re.sub(r"^(?:the|a|an|its|their)\s+", "", lacked, flags=re.I) or missing
        return plan.decline("partial", f"the LLM judged that {source.paper.title} does not state {missing}", [f"no {lacked}"])
    return plan


def wants_judgment(plan: Plan, question: str) -> bool:
    """A factoid the exact checks let through, answered from one paper, where the model's
    verdict could change something (`weigh_judgment`): the case where a related sentence can
    stand in for a detail the abstract does not give ("MoViNets mAP on Charades" of an abstract
    naming Charades and no mAP).

    Its verdict counts only below `LLM_REFUSAL_BELOW` or when it names a piece of the question
    the paper does not hold (`_asked_and_absent`), so where the evidence is strong and the
    paper holds every word of the question in some form, the model is not asked: it takes
    seconds and could change nothing.
    """
    # One that already says what its paper lacks ("ssv2 and k400": no Kinetics-400) is decided.
    if not (plan.status == "answer" and plan.kind == "factoid" and len(plan.focus) == 1 and not plan.missing):
        return False
    return plan.best_similarity < LLM_REFUSAL_BELOW or _may_lack(question, plan.source(plan.focus[0]), plan.query)


def _may_lack(question: str, source: Source, query: Query) -> bool:
    """Whether some piece of `question` could pass `_asked_and_absent`: a word or figure of it
    the abstract does not hold as written (the model may write any word as a name: "mAP"), or a
    word of a number's asking that no sentence holds in any form."""
    if not content_words(question) - GENERIC_STEMS - _HOW_MUCH - source.name_words:
        return False
    typed = _typed_words(question)
    for word, words in typed:
        if _named(word, typed) and not words <= source.name_words and not holds_term(source.paper.abstract, word):
            return True
    counted = content_words(_counted(question, query))
    return any(not _held(word, source) for word in counted - GENERIC_STEMS - _HOW_MUCH - source.name_words)


def _counted(question: str, query: Query) -> str:
    """The parts of the question asking for a number, as one text ("" when none do)."""
    return " ".join(number_asks(question)) if query.asks_number else ""


# Words that ask for an amount, or frame the asking, rather than name what is asked: "the
# number of epochs", "what share of patches gets dropped", "how much better than MoCo-v2" (a
# margin the number itself answers).
_HOW_MUCH = content_words(
    "number amount value count exact specific share fraction proportion percentage percent get "
    "improvement improve gain margin " + " ".join(COMPARATIVES)
)
# The most words a piece the model calls missing may have (a longer one restates the question).
_ABSENT_PHRASE_MAX = 5


def wants_topic_check(plan: Plan) -> bool:
    """A factoid answered from the one closest paper, or a listing led by it, found by search
    alone (no name, no follow-up): the case where a related paper can stand in for one the
    collection lacks ("does any abstract cover text-to-3D generation?" lists text-to-image papers)."""
    if not (
        plan.status == "answer"
        and plan.kind in ("factoid", "listing")
        and not plan.query.named
        and all(plan.source(n).evidence.reason == "search" for n in plan.focus)
    ):
        return False
    # A listing is asked about only where its lead paper lacks some word of the topic: "which
    # papers are surveys?" is met by the surveys' own words, and a small model may say no.
    return plan.kind == "factoid" or not (plan.query.topic - LISTING_FRAME - LISTING_WORDS) <= plan.source(plan.focus[0]).words


def weigh_topic(plan: Plan, about: str | None) -> Plan:
    """What an LLM's yes/no on "is the closest paper about what is asked" changes."""
    if about == "no" and plan.best_similarity < TOPIC_TRUST_BELOW:
        title = plan.source(plan.focus[0]).paper.title
        return plan.decline(
            "not_covered",
            f"the LLM judged that the closest paper ({title}) is not about what is asked, and the best "
            f"sentence similarity is {plan.best_similarity:.2f}",
        )
    return plan


def _asked_and_absent(phrase: str, question: str, source: Source, counted: str) -> bool:
    """Whether `phrase` is a short piece of the question that the paper does not hold: a name
    or figure of it (`_term_like`: "mAP", "top-1", "k400") the paper never writes in any form
    ("MoViNets mAP on Charades", "linear probe top-1 on imagenet"), or up to three words of the
    parts asking for a number (`counted`) that the paper never writes (the model's "the number
    of epochs" of an abstract that counts GPUs and hours; not "pixels" of "does it predict
    pixels? ... how big are the target blocks"). Other ordinary words are no evidence: the model
    calls a paraphrase ("mask sizes" of "sufficiently large scale"), a framing word ("surprising
    stuff", "in plain english") or a restated question missing too."""
    if len(phrase.split()) > _ABSENT_PHRASE_MAX:
        return False  # a restated question, not a piece of it
    # The paper's own name is no part of what it lacks ("MoViNets mAP on Charades").
    words = content_words(phrase) - GENERIC_STEMS - _HOW_MUCH - source.name_words
    if not words or not words <= content_words(question):
        return False  # not something the question asks ("what is asked but not stated")
    # A figure the question doesn't hold is the model's, not something asked ("10% labels" of "5%").
    typed = _typed_words(question)
    terms = [t for t, ws in _typed_words(phrase) if _term_like(t) and _named(t, typed) and not ws <= source.name_words]
    if terms:
        return any(not holds_term(source.paper.abstract, t) for t in terms)
    if len(words) > 3 or not words <= content_words(counted):
        return False
    return not any(_held(word, source) for word in words)


def _held(word: str, source: Source) -> bool:
    """Whether the paper writes `word` in any form: "sdxl" by "SDXLv1.0" (a word it writes
    starting with it)."""
    return any(w.startswith(word) or len(w) >= 4 and word.startswith(w) for w in source.checkable_words)


# A word, name or figure as typed; "5,000" is one.
_PHRASE_TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?%?|[\w\-./]+")
# The longest word written without capitals that may still be an acronym ("gpus", "tflops").
_ACRONYM_MAX = 6


def _typed_words(text: str) -> list[tuple[str, set[str]]]:
    """Each word, name or figure of `text` as typed (edge punctuation dropped), with its content words."""
    return [(t, content_words(t)) for t in (x.strip("-./") for x in _PHRASE_TOKEN.findall(text))]


def _named(term: str, typed: list[tuple[str, set[str]]]) -> bool:
    """Whether the question (its `_typed_words`) asks for `term` as a name or figure: typed as
    one ("mAP", "top-1", "k400"), or a short word no dictionary holds ("gpus", "bleu"; not
    "reconstructing"), which a model may write as one.
    Not an ordinary word the model capitalises ("Map"), nor a figure of its own ("10%" of "5%")."""
    words = content_words(term)
    same = [t for t, ws in typed if t.casefold() == term.casefold() or ws == words]
    return any(_term_like(t) or t.isalpha() and len(t) <= _ACRONYM_MAX and not is_english(t.casefold()) for t in same)


def _term_like(token: str) -> bool:
    """A name or figure as typed, rather than an ordinary word: with a digit ("top-1", "k400")
    or a capital after its first letter ("mAP", "SDXL"). Not a word missing from a dictionary:
    "speedup" is ordinary, and "42% faster" gives it."""
    word = token.strip("-./")
    return len(word) >= 2 and (any(c.isdigit() for c in word) or any(c.isupper() for c in word[1:]))


# "... about video", "... on self-supervised learning": the topic a record listing asks for.
# A dash ends it: "created on 2022-02-16 — what are their arxiv ids" names no topic.
_RECORD_ABOUT = re.compile(r"\b(?:about|on|regarding|concerning|related to|dealing with)\s+(?P<topic>[^?.,;:()—–]+)", re.I)
_DATE_WORDS = content_words(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec day days date same week month year time"
)  # "... on the same day, 13 Oct 2022" names a date, no topic


_HERE = content_words("here collection corpus index")


def _unrecorded(plan: Plan, says: str, reason: str) -> Plan:
    """Refuse a record question the records can't answer, saying why. No papers are offered as
    related: those close to "published in 2021" or "from meta" in words say nothing of it."""
    plan.says, plan.related = says, False
    return plan.decline("not_covered", reason)


def _dated(dates: list[str]) -> str:
    """ "from 2023" (a date), "dated after 2022" (a range)."""
    if any(" " in d for d in dates):
        return f"dated {' or '.join(dates)}"
    return f"from {' and '.join(dates)}"


def _by_authors(query: Query) -> list[str]:
    """["by Hu Xu"] for a question naming an author; [] for none."""
    return [f"by {' and '.join(query.intent.authors)}"] if query.intent.authors else []


_LINK_WORDS = content_words("code github repo repository project page website homepage url link links available release public open source")


def _linked_topic(query: Query) -> tuple[set[str], str] | None:
    """What "which video papers have a project page?" is about: ({"video"}, "video"); None for
    "which papers have code?"."""
    if not query.intent.linked:
        return None
    words = query.topic - RECORD_FRAME - LISTING_FRAME - _LINK_WORDS
    phrase = " ".join(dict.fromkeys(t for t in WORD.findall(query.text) if stem(t.casefold()) in words))
    return (words, phrase) if words else None


def record_topic(query: Query) -> tuple[set[str], str] | None:
    """What a date or author listing is about, as content words and as written ("papers from
    2023 about protein folding" -> ({"protein", "fold"}, "protein folding")); no date, month,
    author or frame word; None when it names no topic."""
    phrase = " ".join(m.group("topic").strip() for m in _RECORD_ABOUT.finditer(query.text))
    # ("what did Hu Xu work on here?": the collection, no topic)
    words = content_words(phrase) - (RECORD_FRAME | LISTING_FRAME | _DATE_WORDS | _HERE | content_words(" ".join(query.intent.authors)))
    words = {w for w in words if not any(c.isdigit() for c in w)}
    return (words, phrase) if words else None


def _record_plan(plan: Plan, named: list[int], filtered: list[int]) -> Plan:
    """Record questions: who wrote it, its id, date or pages; papers by an author or date."""
    plan.best_similarity = 1.0
    plan.focus = filtered or named or [plan.sources[0].n]
    asked = plan.query.record & set(RECORD_FIELDS) | ({"authors"} if plan.query.asks_membership else set())
    lacks = {n: {f for f in asked if not getattr(plan.source(n).paper, RECORD_FIELDS[f][0])} for n in plan.focus}
    lacking = sorted({RECORD_FIELDS[f][1] for n in plan.focus for f in lacks[n]})
    if len(plan.focus) == 1 and lacking:
        return plan.decline("partial", f"the record has {' and '.join(lacking)}", lacking)
    if len(plan.focus) == 1 and "url" in asked and _ASKS_CODE.search(plan.query.text):
        # "where is the Movie Gen code?": its one link is its videos, and says so.
        paper = plan.source(plan.focus[0]).paper
        if "code" not in {link_kind(u, paper.abstract) for u in paper.urls}:
            return plan.decline("partial", "the record has no code link", ["no code link"])
    # "MetaCLIP and MoDE: which came first?", neither dated (a superlative says why it picks none)
    if lacking and all(lacks[n] == asked for n in plan.focus) and not plan.query.intent.superlative:
        return plan.decline("partial", f"no record of the {len(plan.focus)} papers has {' or '.join(x.removeprefix('no ') for x in lacking)}", lacking)
    return plan


_ASKS_CODE = re.compile(r"\b(?:code|github|repo\w*|source)\b", re.I)
_WHICH_PAPER = re.compile(r"\W*(?:which|what)\s+(?:\w+\s+)?(?:paper|work|study|article)\b", re.I)
_PAPER_WORD = re.compile(r"\b(?:this|that|the|a)?\s*(?:papers?|abstracts?|articles?)\b", re.I)


def topic_words(query: Query) -> str:
    """The words of a listing's topic as the question types them ("ensembles" of "which papers
    use ensembles?"), without its frame."""
    topic = query.topic - LISTING_FRAME
    return " ".join(t for t in WORD.findall(query.text.casefold()) if content_words(t) & topic)


def made_thing(query: Query) -> set[str]:
    """The generic head of a listing that asks which papers make one ("which papers propose a
    benchmark?", "... introduce a new dataset?"): the head's stems; empty for other questions."""
    words = query.topic - LISTING_FRAME - MAKING
    text = _THE_COLLECTION.sub(" ", query.text)  # "works in this collection use ...": no making
    making = set(stem_run(text).split()) & MAKING or _PAPER_KIND.search(text)
    if query.kind == "listing" and words and words <= GENERIC_STEMS and making:
        return words
    # "which papers build a new benchmark for the community to evaluate models on (public eval
    # set / ...)": a thing made, right after the making verb, is the head whatever follows it.
    if query.kind == "listing" and (made := {t for t in _ARTEFACTS if _makes(asked_part(text), {t})}):
        return made
    return set()


_THE_COLLECTION = re.compile(r"\b(?:this|the|our|your)\s+(?:collection|corpus|index)\b", re.I)

# What a paper may make for others to use: a listing of the papers making one reads every paper.
_ARTEFACTS = frozenset(stem(w) for w in "benchmark dataset corpus leaderboard testbed".split())


# "which papers are benchmark papers?": a paper of a kind is one that makes the thing.
_PAPER_KIND = re.compile(r"\b(?:benchmark|dataset)s?\s+(?:papers?|works?|abstracts?)\b", re.I)


def _makes(sentence: str, head: set[str]) -> bool:
    """Whether `sentence` has the paper make the `head`: a making verb with the head a few
    words after it, words like "a" and "of" not counted ("we build a benchmark", "propose the
    AV-SUPERB benchmark", "build a benchmark, composed of a dataset"; not "propose a method
    ... on 7 datasets")."""
    stems = [t for t in stem_run(sentence).split() if t not in _FILLER]
    verbs = [i for i, t in enumerate(stems) if t in MAKING]
    return any(t in head and any(0 < i - v <= 3 for v in verbs) for i, t in enumerate(stems))


_FILLER = frozenset("a an the of to for with in on and its their our this that these those".split())


def media_asked(query: Query) -> list[str]:
    """The media a listing asks the papers to make ("video generation models that also produce
    audio": video and audio), read in the asking sentence, or in the sentence before it where
    the asking one says nothing of its own ("I'm looking for video generation models that also
    produce audio. Which ones in the collection do that?")."""
    asking = question_sentences(query.text)
    if media := made_media(asking):
        return media
    return [] if content_words(asking) - LISTING_FRAME - GENERIC_STEMS - LISTING_WORDS else made_media(query.text)


def _listed(query: Query, sources: list[Source], sims: dict[int, np.ndarray], embed: SentenceEmbedder) -> list[int]:
    """Every candidate paper that matches a listing: all its topic words, close in meaning, or
    a passage that holds one of the topic's rare words ("AudioSet", "ensemble") and is about
    the question; of alternatives ("efficiency / faster inference"), those that match any."""
    listed = _listed_once(query, sources, sims, embed)
    for asked in _alternative_questions(query):
        # each alternative asked alone, in the question's frame ("papers about faster inference")
        alone = replace(query, text=asked, topic=query.topic & content_words(asked))
        q = embed.query(asked)
        more = _listed_once(alone, sources, {s.n: embed(s.sentences) @ q if s.sentences else np.zeros(1) for s in sources}, embed)
        listed += [n for n in more if n not in listed]
    return listed[:MAX_LISTED]


def _alternative_questions(query: Query) -> list[str]:
    """A listing's alternatives, each asked alone in the question's frame ("papers about
    efficiency / faster inference": "papers about efficiency", "papers about faster inference");
    [] where it offers none, or an alternative is no topic of its own ("build on or apply MSN":
    "build" is a frame verb; "ego4d or epic kitchens" is met as it is)."""
    if query.kind != "listing" or "(" in query.text:  # (bracketed examples are asked each alone below)
        return []
    m = re.match(r"(?P<head>.*?\b(?:about|on|regarding|concerning|with|use|using|study|studying|cover|covering)\s+)(?P<rest>[^?]+)", query.text, re.I)
    if not m or not re.search(r"\s/\s|\bor\b", m.group("rest")):
        return []
    parts = [p.strip(" ,.") for p in re.split(r"\s/\s|\bor\b", m.group("rest"))]
    words = [content_words(p) & query.topic - LISTING_FRAME - GENERIC_STEMS for p in parts]
    if len(parts) < 2 or not all(words) or all(len(w) == 1 and w <= set(query.rare) for w in words):
        return []  # (one rare word each: met as single-word alternatives)
    return [m.group("head") + p for p in parts]


def _listed_once(query: Query, sources: list[Source], sims: dict[int, np.ndarray], embed: SentenceEmbedder) -> list[int]:
    """`_listed` of the question as one topic."""
    best_per_source = {n: float(v.max()) for n, v in sims.items()}
    best = max(best_per_source.values())
    # "the two ensemble-efficiency papers: what do they agree on?": the frame is no topic.
    count = _asked_count(query.text)
    frame = LISTING_FRAME | (COMPARING_STEMS if query.kind == "comparison" or count else frozenset())
    words = query.topic - frame
    # "recommender-system papers": a compound no candidate writes is the words it joins
    # ("recommender systems").
    # (Not of papers counted: "the two ensemble-efficiency papers" are ranked as described.)
    unwritten = _unwritten_compounds(words, sources) if query.kind == "listing" and not count else set()
    words -= unwritten
    # Close in meaning is not enough: a listed paper shares a topic word with the question; of
    # a short topic, one of its rare words where it has some ("quantize vision transformers":
    # "quantize", not "vision"). A long question's rare words may be its phrasing ("groups").
    if made := made_thing(query):  # where a sentence says the paper makes one, not where one is used
        return [s.n for s in sources if any(_makes(t, made) for t in s.sentences)][:MAX_LISTED]
    if query.kind == "listing" and (media := media_asked(query)):
        # "which video generation models also produce audio?": the papers a sentence of which
        # makes each medium asked ("synthesizing high-quality video, with matching audio"), not
        # those that use it ("create automatic video narrators", "audio event classification").
        # A name the question types picks among them where some write it ("... on Kinetics").
        each = any if any_of(query.text) else all  # "images or videos": either
        making = [s for s in sources if each(any(makes(t, m) for t in s.sentences) for m in media)]
        terms = [t for t in query.exact if re.search(r"[A-Za-z]", t)]
        writing = [s for s in making if all(writes(s.paper.abstract, t) for t in terms)]
        return [s.n for s in writing or making][:MAX_LISTED]
    needed = (len(words) <= SHORT_TOPIC and set(query.rare) & words) or words
    # Of three rare words or more, two ("distill a large teacher into smaller models": not
    # "smaller" alone, which an ensembles paper writes); two of them in one sentence list a
    # paper however its wording is ("we ... distill it into a series of smaller models").
    pair = 2 if needed is not words and len(needed) >= 3 else 1
    close = [
        s.n
        for s in sources
        if best_per_source[s.n] >= max(best - LIST_WINDOW, LIST_SIMILAR) and (not needed or len(needed & s.words) >= pair)
    ]
    paired = [s.n for s in sources if pair == 2 and any(len(needed & bag) >= 2 for bag in s.sentence_words)]
    # "which papers use knowledge distillation?": the topic as one phrase, standing as a phrase
    # in a sentence ("we ... apply knowledge distillation"), however long that sentence is.
    typed = re.sub(r"\w+(?:-\w+)+", lambda m: m.group(0).replace("-", " ") if content_words(m.group(0)) & unwritten else m.group(0), query.text) if unwritten else query.text
    phrase = _topic_phrase(typed, words)
    # "generate video (txt2video etc)": a word no passage holds and no dictionary has is no word
    # a sentence must hold ("dog breeds" are words: a topic the collection lacks; "RLHF",
    # typed in capitals, is a name).
    coined = {stem(w.casefold()) for w in query.unseen if w.islower() and not is_english(w)}
    held = words - coined or words
    # "ensemble models (or experts)": each alternative's rare word, written alone, is a topic of
    # its own ("we propose a simple ensembling technique"), in a sentence not far from the question
    # (not FACET's "expert reviewers").
    alternatives = re.split(r"\bor\b|/", query.text)
    parts = [part for p in alternatives if (part := content_words(p) & held)]
    # Only where every alternative is one such word: "build on or apply MSN" offers two verbs for
    # one topic, and "build" is none. ("with audio/sound": "sound" reads as "audio", the other
    # alternative's word, so it is no topic of its own.)
    single = len(parts) >= 2 and all(len(part) == 1 for part in parts)
    alone = [
        part
        for i, part in enumerate(parts)
        if single and part <= set(query.rare) and not part & set().union(*parts[:i], *parts[i + 1 :])
    ]
    lexical = [
        s.n
        for s in sources
        if held
        and any(held <= bag for bag in s.sentence_words)
        # a compound typed with hyphens ("mixture-of-experts") is a phrase of its own
        and (len(held) == 1 or best_per_source[s.n] >= LIST_LEXICAL or any("-" in w for w in held) or phrase and any(phrase in stem_run(t) for t in s.sentences))
        # (or in the sentence that says what the paper is: "As audio/visual classification models
        # are widely deployed ..." is about audio, however far from "speech or audio")
        or any((sim >= LIST_ALONE or i in _stating(s)) and part <= bag for part in alone for i, (sim, bag) in enumerate(zip(sims[s.n], s.sentence_words, strict=False)))
    ]
    # "ego4d or epic kitchens", "fairness / demographic bias": the rarest word of one of the
    # alternatives, in a sentence close to the question.
    unseen = {w.casefold() for w in query.unseen}
    rarest = set()
    for part in alternatives:
        if held := (content_words(part) & set(query.rare)) - frame:
            word = min(held, key=lambda w: (query.rare[w], w))
            # "speech translation": a word no passage holds, beside it, makes a compound the
            # collection lacks.
            tokens = [t.casefold() for t in WORD.findall(part)]
            at = [i for i, t in enumerate(tokens) if word in content_words(t)]
            if not any(tokens[j] in unseen for i in at for j in (i - 1, i + 1) if 0 <= j < len(tokens)):
                rarest.add(word)
    specific = [
        s.n
        for s in sources
        if query.kind == "listing"
        and any(sim >= LIST_SPECIFIC and rarest & words for sim, words in zip(sims[s.n], s.sentence_words, strict=False))
    ]
    # "cheaper diffusion (quantization, caching, etc.)": each example in brackets is asked as
    # its own question, met by a sentence holding its rarest word close to that question.
    bracketed, example_words = _bracketed_examples(query.text), []
    for example, asked in bracketed:
        if held := (content_words(example) & set(query.rare)) - frame:
            word, q = min(held, key=lambda w: (query.rare[w], w)), embed.query(asked)
            example_words.append(word)
            specific += [
                s.n
                for s in sources
                if query.kind == "listing"
                and any(sim >= LIST_SPECIFIC and word in words for sim, words in zip(embed(s.sentences) @ q, s.sentence_words, strict=False))
            ]
    # "convnet papers (resnets, mobilenets, 3D CNNs)": a sentence naming two of the examples
    # ("applicable to ... small ResNets, MobileNets and ViT") is on the topic, however close.
    specific += [
        s.n
        for s in sources
        if query.kind == "listing" and any(sum(w in bag for w in set(example_words)) >= 2 for bag in s.sentence_words)
    ]
    # "which papers build on masked siamese networks?": the paper named, and those naming it
    # ("When applied to MSN, RoB ...").
    names = named_papers_names(query, sources)
    naming = [s.n for s in sources if names and any(mentions(s.paper.abstract, n) for n in names)]
    listed = list(dict.fromkeys(lexical + naming + close + paired + specific))
    # "which papers use ego4d, whether for training or validation?": a listed abstract writes the
    # one name the question types (the topic's other words find papers, the name picks among
    # them; it adds none: "4-bit quantization of LLMs" lists no paper that merely writes "LLMs").
    terms = [t for t in query.exact if re.search(r"[A-Za-z]", t)]
    # "neural architecture search (or a NAS-style supernet)": a short form of the question's own
    # words names the topic again, and picks none.
    # "convnet papers (resnets, mobilenets, 3D CNNs)": a name that is one example of several is
    # no name every listed paper must write.
    examples = " ".join(example for example, _ in bracketed)
    if (
        query.kind == "listing"
        and len(terms) == 1
        and not count
        and terms[0].casefold() not in initials(query.text)
        and not mentions(examples, terms[0])
    ):
        # "CIFAR" is written as "CIFAR-10" too: a version of the name
        writing = {s.n for s in sources if writes(s.paper.abstract, terms[0], versioned=True)}
        if VARIANT.fullmatch(terms[0]):  # "which papers train a ViT-H?": a model that exact is the topic
            listed += [s.n for s in sources if s.n in writing and s.n not in listed]
        listed = [n for n in listed if n in writing] or listed
    if query.set_aside and (asked := words - set(query.rare) - query.set_aside):
        # "which models generate or transform audio (not just classify it)?": a paper met by the
        # rare word alone ("audio") that writes what is set aside ("audio classification models")
        # is listed for that, not for what is asked.
        by_n = {s.n: s for s in sources}
        listed = [n for n in listed if asked & by_n[n].words or not _writes_stem(by_n[n], query.set_aside)]
    if names and _EXCLUDING.search(query.text):  # "... other than MSN itself"
        named = {s.n for s in sources if s.paper.paper_id in query.named}
        listed = [n for n in listed if n not in named]
    if query.kind == "listing" and (valued := _valued(query, sources, words)):
        # "which abstracts give masking ratios as percentages?", "every paper that reports an
        # actual zero-shot accuracy number": the papers that give a value on the topic.
        listed = valued
    if count and len(listed) < count:
        # "the two PTQ-for-diffusion papers": where too few are found, and just that many
        # abstracts write every word that describes them (not in one sentence: "PTQ ... of
        # LDMs"), they are the papers asked of ("... differ in how they handle calibration":
        # what is asked of them need not describe them).
        described = _COUNTED_PAPERS.search(query.text)
        about = content_words(described.group("what")) - frame if described else set()
        about = (about - _unwritten_compounds(about, sources)) or words
        holding = sorted((s.n for s in sources if about and about <= s.words), key=lambda n: -best_per_source[n])
        if len(holding) == count:
            listed = holding
    return listed[:MAX_LISTED]


# "... as percentages", "an actual accuracy number", "what values ...": a listing of the papers
# giving values ("numbers of GPUs" counts a thing).
_VALUES_ASKED = re.compile(r"\b(?:percentages?|percents?|numbers?(?!\s+of\b)|values?(?!\s+of\b))\b", re.I)
_VALUE_FRAME = content_words("percentage percent number value concrete actual exact specific reported report give")


_VALUE_VERBS = content_words("get got gets reach reaches reached achieve achieves achieved report reports reported score scores scored obtain obtains attain attains hit hits has have")


def _stating(source: Source) -> set[int]:
    """The sentences that say what a paper is: its first, and the one stating its contribution."""
    return {0} | ({i} if (i := contribution_sentence(source.sentences)) is not None else set())


def _valued(query: Query, sources: list[Source], words: set[str]) -> list[int]:
    """Of a listing asking for values, the candidates with a sentence that gives one (a
    percentage where one is asked) beside the topic's rarest word that any such sentence holds
    ("masking ... 15%-20% of the image": "mask", where none writes "ratio"); [] where the
    listing asks for no value, or no candidate gives one."""
    if not _VALUES_ASKED.search(query.text):
        return []
    thing = words - _VALUE_FRAME - GENERIC_STEMS
    value = PERCENT.search if query.asks_percent else numbers_in
    giving = {s.n: [bag for t, bag in zip(s.sentences, s.sentence_words, strict=False) if value(t)] for s in sources}
    for word in sorted(thing, key=lambda w: (query.rare.get(w, 1.0), w)):
        if found := [n for n, bags in giving.items() if any(word in bag for bag in bags)]:
            return found
    return []


def _unwritten_compounds(words: set[str], sources: list[Source]) -> set[str]:
    """The hyphenated compounds of `words` that no candidate writes ("recommender-system"),
    with their joined forms ("recommendersystem"): what is left are the words they join."""
    unwritten = {w for w in words if "-" in w and not any(w in s.words for s in sources)}
    return unwritten | {w.replace("-", "") for w in unwritten}


def _unmet_alternatives(query: Query) -> list[str]:
    """Of a listing that types a name no passage of the collection holds ("RLHF"), that name and
    a word no passage holds of each other alternative ("... or a learned reward model"), as
    typed; [] where some alternative has none."""
    unseen = {w.casefold(): w for w in query.unseen}
    # typed as a name (not "txt2video", coined in lower case), outside brackets ("(txt2video etc)"
    # gives an example)
    text = re.sub(r"\([^()]*\)", " ", query.text)
    if not any(t.casefold() in unseen and t != t.casefold() and t in text for t in query.exact):
        return []
    absent = []
    for part in re.split(r"\bor\b|/", text):
        tokens = WORD.findall(part.casefold())
        at = [i for i, t in enumerate(tokens) if t in unseen]
        if not at:
            return []
        name = unseen[tokens[at[0]]]
        # "... or a learned reward model": the word and what it names ("reward model")
        absent.append(name if name in query.exact else " ".join([name, *tokens[at[0] + 1 : at[0] + 3]]))
    return absent


def _defined_term(query: Query) -> tuple[str, str] | None:
    """A name the question defines and no passage of the collection holds, as typed and as the
    stemmed run of what it stands for: "retrieval-augmented generation (RAG)" gives
    ("retrieval-augmented generation (RAG)", " retriev augment generat "). The words before the
    brackets whose initials spell the name are what it stands for."""
    for m in re.finditer(r"\(([A-Z][A-Za-z0-9]{1,7})\)", query.text):
        if m.group(1) not in query.unseen:
            continue
        letters = [c for c in m.group(1).casefold() if c.isalpha()]
        parts = [p for w in WORD.findall(query.text[: m.start()].casefold()) for p in re.split(r"[.\-]", w) if p]
        if len(parts) >= len(letters) and [p[0].casefold() for p in parts[-len(letters) :]] == letters:
            typed = re.search(r"\W+".join(map(re.escape, parts[-len(letters) :])) + r"\W*\(", query.text, re.I)
            start = typed.start() if typed else m.start()
            return query.text[start : m.end()], stem_run(" ".join(parts[-len(letters) :]))
    return None


def _writes_stem(source: Source, stems: set[str]) -> bool:
    """Whether the abstract writes a word of one of the stems, in any of its forms: "classify"
    (stem "classifi") is written as "classification" (stem "classif")."""
    return any(len(t) >= 5 and w.startswith(t[:-1]) for t in stems for w in source.words)


def _bracketed_examples(text: str) -> list[tuple[str, str]]:
    """Each example of a bracketed list ("(quantization, caching, etc.)") with the question
    it stands for: the question outside the brackets, asked of that example."""
    if not (m := re.search(r"\(([^()]*,[^()]*)\)", text)):
        return []
    outside = text[: m.start()] + text[m.end() :]
    return [(part, f"{outside.rstrip(' ?')} {part.strip()}") for part in m.group(1).split(",") if part.strip()]


# "AV-SUPERB and the adversarial-noise one", "VideoCLIP vs the caption-reconstruction approach":
# the paper compared with the named one, described.
_OTHER_DESCRIBED = re.compile(
    r"\b(?:and|nor|vs\.?|versus|with|to|from)\s+the\s+(?P<d>(?:[\w\-+/']+\s+){1,5}?)(?:paper|one|work|study|method|model|approach)\b",
    re.I,
)


# "A vs B - how do they ...?": the two sides, each up to where the asked part starts.
_SIDES = re.compile(r"(?P<a>[^?:;]+?)\s+(?:vs\.?|versus)\s+(?P<b>[^?:;]+?)(?:\s+-+\s|[?:,;.\u2013\u2014](?!\d)|$)", re.I)
_A_PAPER = re.compile(r"\b(?:paper|work|study|survey|article|abstract|one)\b", re.I)
SIDE_SIMILAR = LIST_SIMILAR  # a side's best sentence at least this close, or it describes no paper here


# "the NAS survey and the deep active learning survey": two papers described, side by side.
_AND_SIDES = re.compile(
    # ("the Oquab et al. image SSL paper": a paper by its authors)
    r"\b(?P<a>the\s+(?:(?:[\w\-+'\u2019\"\u201c\u201d]+|al\.)\s+){0,5}?(?:paper|survey|work|study|article|one))\s+and\s+"
    r"(?P<b>the\s+(?:(?:[\w\-+'\u2019\"\u201c\u201d]+|al\.)\s+){0,5}?(?:paper|survey|work|study|article|one)\b"
    # "... and the one training a single model on images plus videos": what follows describes it
    r"(?:\s+(?:that|which|on|about|with|where|\w+ing)\b[^.?;:]{3,100})?)",
    re.I,
)


# "Two papers ... One trains a dense 10B-parameter model, the other a 1B ViT.": each side as described.
ONE_OTHER = re.compile(
    r"\bone\s+(?P<a>[^,.;?]{8,}?)\s*[,;]\s*(?:and\s+|while\s+|whereas\s+)?the other\s+(?:one\s+)?(?P<b>[^.;?]{4,}?)\s*(?:[.;?]|$)",
    re.I,
)
# "on the active learning survey but not the NAS one": the paper whose authors are kept, then the other.
_BUT_NOT = re.compile(
    r"\b(?:on|in|of)\s+(?P<a>(?:the\s+)?[^?,]+?)\s*,?\s+but\s+not\s+(?:on\s+|in\s+|of\s+)?(?P<b>(?:the\s+)?[^?,.]+?)\s*(?:[?,.]|$)",
    re.I,
)


def _author_set_papers(query: Query, sources: list[Source], named: list[int], embed: SentenceEmbedder) -> list[int] | None:
    """The two papers of an author set question, in the question's order: named, or described."""
    if len(named) >= 2:
        papers = {s.n: s.paper for s in sources}
        text = query.text.casefold()
        at = {n: min((i for name in (papers[n].title, *papers[n].aliases) if (i := text.find(name.casefold())) >= 0), default=len(text)) for n in named}
        return sorted(named, key=at.get)[:2]
    if named:
        return None
    return _described_sides(query.text, sources, embed, _BUT_NOT if query.author_set == "difference" else _AND_SIDES)


def side_descriptions(question: str) -> list[str]:
    """The words that describe each side of a comparison of papers described, not named ("the
    10B-param model trained on random images vs the one that distills a 1B ViT"): each is
    searched on its own, as one side's words may find nothing in a search of the whole."""
    for sides in (_SIDES, ONE_OTHER, _AND_SIDES):
        if m := sides.search(question):
            # "the DINOv2-like paper (1B ViT on curated data)": searched by what it is, not by
            # what it resembles
            return [" ".join(LIKENESS.sub(" ", m.group(g)).split()) for g in "ab"]
    return []


def _described_sides(
    question: str, sources: list[Source], embed: SentenceEmbedder, sides: re.Pattern = _SIDES
) -> list[int] | None:
    """The two papers a "A vs B" comparison describes (no names), one per side; None unless
    each side has its own closest paper, close enough to be the one it describes."""
    m = sides.search(question)
    # A side is a described paper: two words at least, or one beside "paper" ("the committee
    # models paper"); "cnns vs transformers" compares two kinds of model, not two papers.
    if not m or not all(len(content_words(m.group(g))) >= 2 or _A_PAPER.search(m.group(g)) for g in "ab"):
        return None
    picks = [_described_paper_n(m.group(g), sources, embed) for g in "ab"]
    return picks if None not in picks and picks[0] != picks[1] else None


def _described_paper_n(side: str, sources: list[Source], embed: SentenceEmbedder) -> int | None:
    """The candidate one side's description fits best, by meaning and by the side's own words
    ("images+videos", "single"), as a listing weighs them; a number the side gives ("a 1B ViT")
    is the paper's when its abstract writes it. None where none is close enough."""
    d, words, numbers = embed.query(side), content_words(side) - GENERIC_STEMS, numbers_in(side)
    close = {s.n: float((embed(s.sentences) @ d).max()) for s in sources if s.sentences}
    if not close:
        return None
    held = {s.n: bool(numbers) and numbers <= numbers_in(s.paper.abstract) for s in sources if s.n in close}
    fit = {s.n: close[s.n] + (len(words & s.words) / len(words) if words else 0.0) + held[s.n] for s in sources if s.n in close}
    n = max(fit, key=fit.get)
    return n if close[n] >= SIDE_SIMILAR or held[n] else None


# "the MSN paper or the follow-up about uniform priors ...", "cutler and the paper on ...":
# the other paper of a record question naming one.
_OR_DESCRIBED = re.compile(r"\b(?:or|and|vs\.?|versus)\s+(?P<d>the\s+[^?,:;]{8,140}?)\s*(?:[?,:;]|$)", re.I)


def other_described(question: str) -> str | None:
    """The description of the paper a record question sets beside the one it names."""
    m = _OR_DESCRIBED.search(question)
    return m.group("d") if m and len(content_words(m.group("d")) - RECORD_FRAME) >= 2 else None


def named_papers_names(query: Query, sources: list[Source]) -> list[str]:
    """Every name (title and aliases) of the papers the question names."""
    return [n for s in sources if s.paper.paper_id in query.named for n in (s.paper.title, *s.paper.aliases)]


_EXCLUDING = re.compile(r"\b(other than|besides|apart from|except|excluding|without being|not counting|aside from)\b", re.I)


def _reports_other_side(query: Query, source: Source, sources: list[Source]) -> bool:
    """Whether the one named paper holds every name the question asks about ("CLIP", "ViT-B"),
    or nearly all its words ("human", "preference", "make-a-video"): then the other side of
    the comparison is something that paper reports on. Not where another candidate holds more of
    the other side's words, nearly all ("MoViNets vs the NAS survey": MoViNets does neural
    architecture search, the survey is the other side)."""
    # The other side's own description where the question gives one ("I-JEPA and the paper that
    # derives closed-form expectations ...": I-JEPA writes "data-augmentations", DA, too).
    described = described_paper(query.text)
    described_words = content_words(described) if described else query.topic
    other = described_words - LISTING_FRAME - COMPARING_STEMS - source.name_words - {stem(w.casefold()) for w in query.unseen}
    if other - source.words and any(
        len(other & s.words) > len(other & source.words) and len(other & s.words) >= REPORTS_SHARE * len(other)
        for s in sources
        if s is not source
    ):
        return False
    if query.exact:
        return not _missing_terms(query, source)
    words = query.topic - LISTING_FRAME
    return bool(words) and len(words & source.words) >= REPORTS_SHARE * len(words)


def _shares_topic(query: Query, source: Source) -> bool:
    words = query.topic - LISTING_FRAME
    return not words or bool(words & source.words)


_PREPOSITIONS = frozenset("against with to from than over among between toward towards across".split())


def _absent_names(query: Query, versions: list[str], sources: list[Source]) -> list[str]:
    """The question's model names ("SAM 2", "GPT-4"; not numbers) that no candidate abstract writes."""
    names = [t for t in query.exact if not NUMBER_TERM.fullmatch(t) and t not in versions]
    absent = [_in_full(v, query.text) if v in versions else v for v in versions + names if not _holds(sources, v)]
    # "sora vs movie gen", "how does emu video compare to lumiere": besides the named paper and
    # the comparison's frame, the question holds only words no passage has: the other side's name.
    own = set().union(*(s.name_words for s in sources if s.paper.paper_id in query.named))
    rest = query.topic - own - COMPARING_STEMS - LISTING_FRAME - _PREDECESSOR
    # ("what does EfficientSAM compare against?": a preposition no passage holds is no name)
    unseen = [w for w in query.unseen if w.casefold() not in _PREPOSITIONS]
    if rest and rest <= {stem(w.casefold()) for w in unseen}:
        absent += [w for w in unseen if not any(w.casefold() in a.casefold() for a in absent)]
    return absent


def _in_full(version: str, text: str) -> str:
    """A version as the question writes it, with a capitalised word before it inside the
    question ("Stable Diffusion 3", not "Diffusion 3")."""
    m = re.search(r"(?<=\w\s)[A-Z][a-z]+\s+" + re.escape(version), text)
    return m.group(0) if m else version


# Extremes a question may ask of a paper's models or settings, each with its opposite.
_EXTREMES = {"smallest": "largest biggest", "largest": "smallest", "biggest": "smallest", "shortest": "longest",
             "longest": "shortest", "slowest": "fastest", "fastest": "slowest", "cheapest": "costliest"}
_EXTREME = re.compile(rf"\b(?P<x>{'|'.join(_EXTREMES)})\s+(?:(?:[\w\-]+\s+){{0,2}}?)(?P<what>model|variant|version|network|setting|configuration)s?\b", re.I)


def _unreported_variant(question: str, source: Source) -> tuple[str, list[str]] | None:
    """("vit-l", ["ViT-B", "ViT-H"]) for a question typing a variant of a model family whose
    other variants the abstract writes but not this one; None otherwise."""
    typed = [w for w in WORD.findall(question.casefold()) if re.fullmatch(r"[a-z][a-z0-9]*-[a-z0-9]+", w)]
    if not typed:
        return None
    terms = {t for x in source.sentences for t in terms_in(x) if "-" in t}
    for word in typed:
        head, size = word.rsplit("-", 1)
        family = sorted(t for t in terms if t.rsplit("-", 1)[0] == head)
        # "vit-h" is "ViT-Huge" shortened, "vit-huge" is "ViT-H" spelled out
        if family and not any(t.rsplit("-", 1)[1].startswith(size) or size.startswith(t.rsplit("-", 1)[1]) for t in family):
            text = source.paper.abstract
            return word, [m.group(0) if (m := re.search(re.escape(t), text, re.I)) else t for t in family]
    return None


_MODEL = r"(?:vit|model|backbone|encoder|network|transformer)s?"
# "which ViT size ...", "the size of its backbone", "how big is the model": the model's size asked
_ASKS_MODEL_SIZE = re.compile(
    rf"\b(?:which|what)\s+(?:{_MODEL}\s+)(?:size|variant)\b|\bsize of (?:the|its|their) {_MODEL}\b|"
    rf"\bhow (?:big|large) (?:is|was|are|were) (?:the|its|their) {_MODEL}\b",
    re.I,
)
# A model's size as an abstract writes it: a variant ("ViT-H/14"), a parameter count ("30B parameters").
_PARAMETERS = re.compile(r"\bparam(?:eter)?s?\b", re.I)


def _sized(text: str) -> bool:
    return bool(VARIANT.search(text) or _PARAMETERS.search(text))


# Evaluation protocols, a closed vocabulary: a figure under one is no figure under another.
PROTOCOLS = {
    "zero-shot": re.compile(r"\bzero[- ]?shot\b", re.I),
    "linear probe": re.compile(r"\blinear[- ](?:prob\w*|eval\w*|classification)\b", re.I),
    "fine-tuning": re.compile(r"\bfine[- ]?tun\w*", re.I),
    "few-shot": re.compile(r"\b(?:few|low|\d+)[- ]?shot\b", re.I),
    "k-NN": re.compile(r"\bk[- ]?nn\b", re.I),
}


def _unreported_protocol(question: str, source: Source) -> tuple[str, list[str]] | None:
    """("linear probe", ["zero-shot"]) for a question asking a figure under one evaluation
    protocol of an abstract that reports others but not this one; None otherwise."""
    asked = [p for p, pattern in PROTOCOLS.items() if pattern.search(question)]
    text = source.paper.abstract
    if len(asked) != 1 or PROTOCOLS[asked[0]].search(text):
        return None
    given = [p for p, pattern in PROTOCOLS.items() if pattern.search(text)]
    return (asked[0], given) if given else None


# What a model makes or reads, a closed vocabulary: "the audio model" is not "the video model".
_MODALITY_MODEL = re.compile(
    r"\b(audio|video|image|text|speech|music)[- ](?:(?:generation|generative|foundation|diffusion)[- ])?(?:model|generator)s?\b", re.I
)


def _other_modality_model(question: str, source: Source) -> tuple[str, str] | None:
    """("audio generation model", "video generation model") for a number asked of one modality's
    model where the abstract's sentences with numbers speak of another modality's model only."""
    if not (asked := _MODALITY_MODEL.search(question)):
        return None
    said = [m for x in source.sentences if numbers_in(x) for m in _MODALITY_MODEL.finditer(x)]
    if not said or any(m.group(1).casefold() == asked.group(1).casefold() for m in said):
        return None
    return asked.group(0), said[0].group(0)


# Hardware a figure is measured on, a closed vocabulary: a speed on a GPU is no speed on a
# phone. Not a bare "mobile" ("Mobile Video Networks" is a name).
DEVICES = {
    "phone": re.compile(r"\b(?:(?:smart|cell|mobile)[- ]?phones?|phones?|iphones?|android|mobile devices?)\b", re.I),
    "CPU": re.compile(r"\bcpus?\b", re.I),
    "GPU": re.compile(r"\bgpus?\b|\b[avh]100s?\b", re.I),
    "TPU": re.compile(r"\btpus?\b", re.I),
    "edge-device": re.compile(r"\bedge[- ]devices?\b|\braspberry pi\b|\bjetson\b|\bmicrocontrollers?\b", re.I),
    "laptop": re.compile(r"\blaptops?\b", re.I),
}


# What is measured or done on a device: a speed, or running there.
_ON_DEVICE = re.compile(
    r"\b(?:latency|latencies|speeds?|fast|faster|slow|ms|milliseconds?|fps|throughput|real[- ]?time|runs?|running|"
    r"deploy\w*|inference|time|how long)\b",
    re.I,
)


def _unreported_device(question: str, source: Source) -> str | None:
    """"phone" for a question asking about devices ("on a phone CPU") when no sentence of the
    abstract gives a number beside any of them ("difficult to work on mobile devices" gives no
    speed on a phone)."""
    if not _ON_DEVICE.search(question):  # "the LDM edge-device quantization work": a description
        return None
    asked = [d for d, pattern in DEVICES.items() if pattern.search(question)]
    if not asked or any(DEVICES[d].search(t) and numbers_in(t) for d in asked for t in source.sentences):
        return None
    return " or ".join(asked)


def _opposite_extreme(question: str, source: Source) -> tuple[str, str] | None:
    """("smallest model", "largest model") when the question asks for one extreme that the
    abstract never writes while it writes the opposite one: the asked model is not reported."""
    if not (m := _EXTREME.search(question)):
        return None
    asked, what = m.group("x").lower(), m.group("what").lower()
    text = source.paper.abstract.lower()
    if re.search(rf"\b{asked}\b", text):
        return None
    said = next((o for o in _EXTREMES[asked].split() if re.search(rf"\b{o}\b", text)), None)
    return (f"{asked} {what}", f"{said} {what}") if said else None


def _holds(sources: list[Source], term: str) -> bool:
    """Whether any source's abstract writes `term` (case and spacing aside)."""
    pattern = re.compile(r"(?<![\w\-])" + r"[\s\-]?".join(map(re.escape, term.split())) + r"(?![\w\-])", re.I)
    return any(pattern.search(s.paper.abstract) for s in sources)


def _named_versions(query: Query, sources: list[Source]) -> list[str]:
    """The question's "name version" pairs whose word is written as a name (two capitals, or a
    capital inside the question) in the question or a candidate abstract: "sam 2" when an
    abstract writes "SAM"; not "use 2"."""
    kept = []
    for version in query.versions:
        word = re.compile(rf"(?<![\w\-]){re.escape(version.split()[0])}(?![\w\-])", re.I)
        typed = list(word.finditer(query.text))
        written = [m.group(0) for s in sources for m in word.finditer(s.paper.abstract)]
        if any(sum(c.isupper() for c in w) >= 2 for w in [m.group(0) for m in typed] + written) or any(
            m.start() > 0 and m.group(0)[0].isupper() for m in typed
        ):
            kept.append(version)
    return kept


_RATIO = re.compile(r"\d(?:[\d.,]*)\s?(?:x|×|\\times)(?!\w)|\d[\d.,]*\s+times\b|\b(?:two|three|four|five|ten)(?:-fold|\s+times)\b|\d+-fold", re.I)
# "80% fewer FLOPs", "65% less memory": a saving, which answers "how much faster" too.
_SAVINGS = r"fewer|less|lower|faster|smaller|cheaper|reduction"
_REDUCTION = re.compile(rf"\d[\d.,]*\s?\\?%\s+(?:{_SAVINGS})\b", re.I)
# A percentage that is a change of some quantity ("80% fewer FLOPs", "5% higher", "by 5%"),
# and a question asking for one ("how much less memory", "by what %").
_CHANGES = _SAVINGS + "|slower|more|higher|larger|better|improvement|gain|increase|decrease"
_RELATIVE = re.compile(rf"(?:\bby\s+|[+\u2212])\d[\d.,]*\s?\\?%|\d[\d.,]*\s?\\?%\s+(?:{_CHANGES})\b", re.I)
_ASKS_CHANGE = re.compile(
    rf"\b(?:{_CHANGES}|reduc\w*|sav(?:e|es|ed|ings?)|cut|improv\w*|gain\w*|increas\w*|decreas\w*|boost\w*)\b|\bby (?:what|how much)\b",
    re.I,
)


_ASKS_DATASET = re.compile(r"\b(?:which|what)\s+(?:\w+\s+)?(?:datasets?|benchmarks?)\b", re.I)


# "Click-Through Rates (CTR)": a term spelt out, not another name.
_SPELT_OUT = re.compile(r"(?:\b[A-Z][\w\-]*\s+){1,4}\([A-Z][A-Za-z]{1,6}\)")


_ORDINAL_OPENING = re.compile(r"\s*(?:first|second|third|fourth|fifth|finally|lastly)\b\s*,", re.I)


def _names_counted(which: re.Match, query: Query, source: Source) -> bool:
    """Whether a sentence of the paper that counts the asked things also names (two of) them."""
    n = which.group("n")
    count = int(n) if n.isdigit() else NUMBER_OF_WORD[n.casefold()]
    need = min(count, 2)
    what = stem(which.group("what").casefold())
    asked = terms_in(query.text)
    # "First, we design a search space ... Second, we introduce the Stream Buffer ... Finally, we
    # create an ensembling technique": MoViNets' "three progressive techniques", one per sentence.
    if sum(bool(_ORDINAL_OPENING.match(x)) for x in source.sentences) >= count:
        return True
    counting = [
        x
        for x in source.sentences
        if what in counted_words(x) or (f" {what} " in stem_run(x) and holds_term(x, str(count)))  # "5 recent ... models"
    ]
    # "what two tricks ...?" of an abstract whose "two novel techniques" count other words: no
    # sentence counts the asked things, so none is to be checked
    return not counting or any(len(terms_in(_SPELT_OUT.sub(" ", strip_markers(x))) - source.name_terms - asked) >= need for x in counting)


def _names_other_terms(query: Query, source: Source) -> bool:
    return bool(terms_in(source.paper.abstract) - source.name_terms - terms_in(query.text))


# "the two diffusion PTQ papers": the words that describe the papers counted.
_COUNTED_PAPERS = re.compile(
    r"\b(?:the|both|these|those)\s+(?:two|three|four|2|3|4)\s+(?P<what>(?:[\w\-]+\s+){1,4}?)(?:papers|works|studies|articles|abstracts|surveys)\b",
    re.I,
)


def _asked_count(question: str) -> int | None:
    """A listing of a stated number of papers ("the two quantization papers")."""
    m = re.search(
        r"\b(?:the|both|these|those)\s+(two|three|four|2|3|4)\b|"
        r"^\W*(two|three|four|2|3|4)\s+(?:[\w\-]+\s+){0,3}(?:papers|works|studies|articles|abstracts)\b",
        question,
        re.I,
    )
    if m is None:
        return None
    word = (m.group(1) or m.group(2)).lower()
    return NUMBER_OF_WORD.get(word) or int(word)


def _compact(term: str) -> str:
    """A number of a million or more as a reader writes it: 10000000000 -> 10B."""
    if term.isdigit():
        for scale, unit in ((10**12, "T"), (10**9, "B"), (10**6, "M")):
            if int(term) >= scale:
                return f"{int(term) / scale:g}{unit}"
    return term


_BEATING = content_words("beat beats outperform outperforms surpass surpasses exceed exceeds better worse")


def _asked_words(query: Query, source: Source) -> set[str]:
    """The topic words of what is asked of `source`: not its names, nor the question's frame."""
    return query.topic - source.name_words - LISTING_FRAME - COMPARING_STEMS - RECORD_FRAME


# "does X say anything about (mention, discuss) Y?": a question of whether a paper covers a topic.
_COVERAGE = re.compile(r"\b(?:say|says|mention|mentions|discuss|discusses|talk|talks|cover|covers)\b", re.I)


def _unmentioned(query: Query, source: Source) -> str:
    """The words of what is asked (two or more, besides the paper's names and the question's
    frame) when the paper's abstract holds none of them, as typed ("open source"); else ""."""
    asked = _asked_words(query, source)
    asked -= content_words(" ".join(query.exact))  # "k600": checked as a term ("Kinetics-600")
    # "GISMo and FACET both put out new benchmarks. what does each benchmark contain?": what the
    # telling sentence says of them is context; what is asked is in the asking one.
    if (asking := question_sentences(query.text)) != query.text:
        asked &= content_words(asking)
    # "does gismo say anything about vegan recipes?": asked whether the paper covers a topic,
    # a dictionary word of it that no passage holds ("vegan") is a topic the paper lacks, though
    # it writes the rest ("recipes").
    lacking = bool(_COVERAGE.search(query.text) and {stem(w) for w in query.unseen if w.islower() and is_english(w)} & asked)
    if asked & source.words and not lacking:  # "what does cutler use to make its initial masks": "masks"
        return ""
    # "what baselines did UGPIG beat?": stated by value ("outperforms ... like KGCN"), not by name.
    asked = {w for w in asked if not (form := VALUE_FORMS.get(w)) or not form.search(source.paper.abstract)}
    # Words common in the collection ("over") say little; one of them at least is specific to
    # it ("mobile"), so that two typos ("dose" for "does") are not taken for a topic.
    unseen = content_words(" ".join(query.unseen))
    asked = {w for w in asked if w in query.rare or w in unseen}
    if not lacking and (len(asked) < 2 or not asked & set(query.rare)):
        return ""
    tokens = WORD.findall(query.text.casefold())
    # "does i-jepa beat mae": what is not mentioned is "mae"; "beat" says how it is asked.
    shown = asked - _BEATING or asked
    at = [i for i, t in enumerate(tokens) if content_words(t) & shown]
    if not at:
        return ""
    if at[-1] - at[0] < 4:  # "run on mobile": the words with what stands between them
        return " ".join(tokens[at[0] : at[-1] + 1])
    return join_words([tokens[i] for i in at])


def _topic_phrase(question: str, words: set[str]) -> str:
    """The topic's words (two or more) as the question writes them, side by side, stemmed
    (" knowledg distil "); "" where other words stand between them."""
    tokens = WORD.findall(question.casefold())
    held = [content_words(t) & words for t in tokens]
    at = [i for i, h in enumerate(held) if h]
    if len(at) < 2 or at[-1] - at[0] + 1 != len(at) or set().union(*held) != words:
        return ""
    return " " + " ".join(stem(t) for t in tokens[at[0] : at[-1] + 1]) + " "


def _guessed(question: str, term: str) -> bool:
    """Whether `term` is offered as a guess at the answer: after a dash, colon or comma that
    follows a "which/what" clause, and closed by a question mark ("... - GPT-2?", ", LLaVA or
    something else?")."""
    return re.search(
        rf"\b(?:which|what)\b[^?]*?(?:\s[-\u2013\u2014]+\s*|[:,]\s*)(?:maybe\s+|perhaps\s+|like\s+|is it\s+)?{re.escape(term)}"
        r"(?:\s+or\s+(?:something|some\s*thing|anything|another|other|a\s+different)\b[^?]*)?\s*\?",
        question,
        re.I,
    ) is not None


# A number joined to its unit: "1B-parameter", "10B-param", "5k-image".
_UNIT_JOINED = re.compile(r"(?<![\w.])(\d[\d.,]*[KMBTkmbt]?)-([A-Za-z]{3,})\b")


def _same_units(question: str, abstract: str) -> bool:
    """Whether the abstract writes each number the question joins to a unit with that unit:
    "the 1B-parameter ViT" against "1B parameters" (yes) or "Scaling to 1B data" (no)."""
    text = compact_scales(abstract)
    for m in _UNIT_JOINED.finditer(compact_scales(question)):
        after = re.findall(rf"(?<![\w.]){re.escape(m.group(1))}[\s\-]?([A-Za-z]+)", text, re.I)
        if not any(w[:4].casefold() == m.group(2)[:4].casefold() for w in after):
            return False
    return True


def _missing_terms(query: Query, source: Source) -> list[str]:
    text = " ".join([source.paper.abstract, source.paper.title, *source.paper.aliases, *source.record_lines])
    return [t for t in query.exact if not holds_term(text, t)]


_HOW_LONG = re.compile(r"\bhow long\b", re.I)
_LENGTH = re.compile(
    r"\d[\d.,]*[kKmM]?(?:\s|-)?(?:seconds?|secs?|s|minutes?|mins?|hours?|hrs?|h|days?|weeks?|months?|"
    r"frames?|tokens?|words?|steps?|epochs?|iterations?|characters?)\b"
)

_TRAINING_TIME = re.compile(r"\d[\d.,]*[kKmM]?(?:\s|-)?(?:(?:GPU|TPU)[\s-]?)?(?:hours?|hrs?|days?|weeks?|months?|epochs?|steps?|iterations?)\b")


# "how much did it cost in dollars?": money, not the parameter count a sentence beside it gives.
# "how much less training cost ...?" asks a ratio: "cost" the verb, after "how much", asks money.
_ASKS_MONEY = re.compile(
    r"\b(?:dollars?|usd|euros?)\b|\$|\bhow much (?:did|does|do|would|will|it|they|that)\b[^?]*\bcost\b|\b(?:price|money)\b",
    re.I,
)
_MONEY = re.compile(r"(?<![<>=])[$€£]\s?\d|\d[\d.,]*\s?(?:[kKmMbB]\s?)?(?:dollars|USD|EUR|euros)\b|\b(?:USD|EUR)\s?\d")


def _asked_unit(question: str) -> tuple[re.Pattern, str] | None:
    """The number-with-unit a question asks for, which a sentence must hold, and its name: a
    training time ("38 hours", "100 epochs") for "how long did it train?", not a video's 16
    seconds; an amount of money ("$2M") for "how much did it cost?"."""
    if _ASKS_MONEY.search(question):
        return _MONEY, "the cost in dollars" if re.search(r"dollar|usd|\$", question, re.I) else "the cost in money"
    if not _HOW_LONG.search(question):
        return None
    return (_TRAINING_TIME, "the training time") if re.search(r"\btrain", question, re.I) else (_LENGTH, "the length")


def _number_asked(query: Query, source: Source | None = None) -> str:
    """What a question after a number asks for, in its words ("FID", "the speed-up"); not the
    name of the paper (`source`) it is asked of ("EfficientSAM imagenet top-1": "imagenet top-1")."""
    ratio = "the speed-up" if re.search(r"speed|faster", query.text, re.I) else "the factor"
    unit = _asked_unit(query.text)
    unnamed = ratio if query.asks_ratio else unit[1] if unit else "this"
    if unit and unit[0] is _MONEY:
        return unit[1]  # "how much did training cost": the money, not the "training" asked of
    # "... of the 10B-parameter model": a number of the question names the paper, not what is asked
    named = [t for t in query.exact if not NUMBER_TERM.fullmatch(t)]
    text = strip_names(query.text, [source.paper.title, *source.paper.aliases]) if source else query.text
    return str(query.ask) if query.ask else " or ".join(named) or metric_said(query.metric) or measure_asked(text) or unnamed


# Comparatives on one scale, each with its opposite: "more data" against "40% lesser data".
_SCALES = {
    "more": 1, "greater": 1, "less": -1, "lesser": -1, "fewer": -1,
    "larger": 2, "bigger": 2, "smaller": -2,
    "higher": 3, "lower": -3,
    "faster": 4, "slower": -4,
    "longer": 5, "shorter": -5,
    "better": 6, "worse": -6,
    # amounts: "a handful of augmented samples" against "tens of thousands of samples"
    "a handful of": -7, "a few": -7, "thousands of": 7, "tens of thousands of": 7,
    "hundreds of thousands of": 7, "millions of": 7,
}  # fmt: skip
_COMPARATIVE = re.compile(
    rf"\b(?P<c>{'|'.join(sorted(_SCALES, key=len, reverse=True))})\s+(?P<what>(?:[\w\-]+\s+){{0,2}}[\w\-]+)", re.I
)
# "why ...?", also after a sentence that states the premise ("X concludes a handful is enough. why so few?")
_PRESUPPOSES = re.compile(r"(?:^|[.!?]\s+)\W*(?:why|how come)\b", re.I)


def _comparatives(text: str) -> list[tuple[int, set[str]]]:
    """Each comparative with the words it compares: "need more training data" -> (1, {"train", "data"})."""
    return [(_SCALES[" ".join(m.group("c").casefold().split())], content_words(m.group("what")) - GENERIC_STEMS) for m in _COMPARATIVE.finditer(text)]


def _premise_reversed(question: str, source: Source) -> int | None:
    """The sentence of a "why ...?" question's paper that says the reverse of its premise ("why
    did it need more data?" of "while using 40% lesser data"), when no sentence says it as the
    question does; else None."""
    if not _PRESUPPOSES.search(question) or not (claims := [c for c in _comparatives(question) if c[1]]):
        return None
    reversed_at = None
    for i, sentence in enumerate(source.sentences):
        for scale, words in _comparatives(strip_markers(sentence)):
            for claimed, about in claims:
                if words & about and scale == claimed:
                    return None  # the paper says it as the question does
                if words & about and scale == -claimed and reversed_at is None:
                    reversed_at = i
    return reversed_at


_ASKS_EXACT = re.compile(r"\b(?:exact(?:ly)?|precise(?:ly)?)\b", re.I)
# An amount in words that is no count: "a few thousand", "several hundred", "thousands of", "many".
_VAGUE_AMOUNT = re.compile(
    r"\b(?:a\s+few|few|several|many|some|a\s+handful\s+of|dozens|tens|hundreds|thousands|millions|billions)"
    r"(?:\s+(?:of\s+)?(?:hundred|thousand|million|billion)s?)?\b",
    re.I,
)
_CLAUSE_BREAK = re.compile(r"[,;:()]|\b(?:and|or)\b")


def _vague_count(head: str, source: Source) -> bool:
    """Whether the paper counts the asked thing ("imag") only in vague words ("a few thousand
    carefully selected high-quality images"): no sentence writes a number before it, and one
    writes an amount in words. "1.1 billion image-text pairs" counts pairs, not images."""
    vague = False
    for sentence in source.sentences:
        text = strip_markers(sentence)
        for word in re.finditer(r"(?<![\w\-])[A-Za-z]+(?![\w\-])", text):
            if stem(word.group(0).casefold()) != head:
                continue
            # the words that count it: back to a clause break, at most five
            before = " ".join(_CLAUSE_BREAK.split(text[: word.start()])[-1].split()[-5:])
            if numbers_in(before):
                return False
            vague = vague or bool(_VAGUE_AMOUNT.search(before))
    return vague


def _states_value(head: str, source: Source) -> bool:
    """Whether a sentence of the paper holds the asked thing (a stem: "fid", "gpu") and a number."""
    return any(
        head in words and (numbers_in(x) or NUMBER_WORDS.search(x))
        for x, words in zip(source.sentences, source.sentence_words, strict=True)
    )


def _gives_number(query: Query, source: Source, embed: SentenceEmbedder, settings: AnswerSettings) -> bool:
    """A question after a number is answered by a sentence near the top that holds one; a
    question after several numbers, when one of them is given."""
    asks = number_asks(query.text)
    if len(asks) > 1 or asks and asks[0] != query.text:
        # "why does it work? like how many images ...": each part that asks a number, alone
        return any(_gives_number(one_ask(query, part), source, embed, settings) for part in asks)
    ranked = rank_sentences(asked_part(query.text), source, embed, settings.ranking, query.exact, query.text, alone=True)
    if not ranked:
        return False
    near = [x for score, _, x in ranked if score >= ranked[0][0] - NUMBER_WINDOW]
    if query.asks_ratio:  # "speedup?": a ratio ("2.5x", "3 times faster"), not any number
        return any(_RATIO.search(strip_markers(x)) or _REDUCTION.search(strip_markers(x)) for x in near)
    if unit := _asked_unit(query.text):  # "how long are its videos?": a number with its unit ("16 seconds")
        return any(unit[0].search(strip_markers(x)) for x in near)
    if query.asks_percent:  # "top-1 %?": a percentage, not any number
        # "its exact top-1 accuracy?" is not given by "80% fewer FLOPs", a change of another
        # quantity; "by what % does it cut FLOPs?" asks for one.
        relative = _ASKS_CHANGE.search(query.text)
        return any(PERCENT.search(x if relative else _RELATIVE.sub(" ", x)) for x in near)
    return any(numbers_in(x) or NUMBER_WORDS.search(x) for x in near)


def lexical_coverage(query: Query, sources: list[Source]) -> float:
    """Largest share of the question's content words that one candidate abstract contains."""
    words = content_words(query.text) - GENERIC_STEMS
    if not words:
        return 0.0
    return max(len(words & content_words(s.paper.abstract)) / len(words) for s in sources)
