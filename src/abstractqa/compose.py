"""Compose: the direct answer first, then the quotes that support it.

`ExtractiveComposer` needs no LLM: it leads with the sentence that holds the asked fact,
and writes record answers, listings, partial answers and what compared papers share from
exact rules (as `verify.Exact` pieces). `llm_messages` builds the prompt for an LLM to
compose factoid and comparison answers from the same ranked sentences; everything it
writes goes through `verify.checked_sentences` before it is shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from abstractqa import prompts
from abstractqa.answerable import ONE_OTHER, RECORD_FRAME, media_asked, named_papers_names, record_topic
from abstractqa.evidence import (
    CODE_WORD,
    PERCENT,
    STOPWORDS,
    VALUE_FORMS,
    SentenceEmbedder,
    Source,
    asked_after,
    asked_part,
    content_words,
    contribution_sentence,
    holds_term,
    join_words,
    mentions,
    numbers_in,
    question_sentences,
    rank_sentences,
    record_sentences,
    stem,
    strip_markers,
    strip_names,
    terms_in,
    without_names,
)
from abstractqa.media import made_media, makes
from abstractqa.names import URL_IN_TEXT, fold, is_english, lists_author, superlative_value
from abstractqa.query import (
    ASKS_URL,
    COMPARING_STEMS,
    GENERIC_STEMS,
    LISTING_FRAME,
    LISTING_WORDS,
    ORDINALS,
    asks,
    listed_asks,
)
from abstractqa.verify import UNNAMED_SUBJECTS, Exact, cite

if TYPE_CHECKING:
    from abstractqa.answerable import Plan
    from abstractqa.config import AnswerSettings
    from abstractqa.query import Query
    from abstractqa.types import Paper


class ExtractiveComposer:
    """No LLM: the abstracts' own sentences that answer the question, cited, answer first."""

    name = "extractive"

    def __init__(self, settings: AnswerSettings, embed: SentenceEmbedder):
        self.settings = settings
        self.embed = embed

    def generate(self, question: str, plan: Plan) -> Iterator[str | Exact]:
        if plan.status == "partial":
            yield from self._partial(question, plan)
        elif plan.kind == "record":
            yield from self._record(question, plan)
        elif plan.kind == "listing":
            yield from self._listing(question, plan)
        elif plan.kind == "comparison":
            yield from self._comparison(question, plan)
        else:
            source = plan.source(plan.focus[0])
            yield f"**{source.paper.title}**: "
            count, asked = self.settings.sentences_per_paper + 1, asked_part(question)
            # A name that only finds the paper ("... with processing-in-memory (PIM), what
            # efficiency gains did the co-design give?") says nothing of which sentence answers.
            exact = [t for t in plan.query.exact if asked == question or holds_term(asked, t)]
            lead, extras = None, []
            # "..., and how many ...?" asks two things; "numbers please: vs CLIP on ViT-B, with 1B
            # data, and the ViT-H result" asks one per item.
            if len(parts := asks(question)) < 2:
                parts = listed_asks(question)
            if len(parts) > 1 and (lead := self._best(question, source, exact, question)) is not None:
                # "why is it OK to reuse outputs, and what models was it tried on?": after the
                # sentence that best answers the whole question, each ask's own best one.
                # (each ask read alone: the whole question's meaning would draw it back to the lead's)
                extras = [self._best(part, source, exact, part) for part in parts]
                extras = [i for i in dict.fromkeys(extras) if i is not None and i != lead][: count - 1]
            # (each ask's sentence comes on top of the usual quotes on the whole question, which a
            # vague ask read alone, "where else do they plug it in?", may need)
            quotes = list(self._quotes(asked, source, count - len(extras) + bool(extras), lead, set(extras), exact, question, True))
            quotes[1:1] = [cite(source.sentences[i], source.n) + " " for i in extras]
            if quotes and (said := yes_or_no(asked_part(question), source, quotes[0])):
                # One first sentence that answers and is cited: "No — this paper ... without
                # relying on hand-crafted data augmentations [1]." (a bare "No." cites nothing).
                quotes[0] = f"{said} — {_lower_first(quotes[0], source)}"
            yield from quotes
            if plan.missing:  # it holds some asked terms, not all ("ssv2", not "in1k")
                yield _lacking(plan)

    def supporting(self, question: str, plan: Plan) -> Iterator[str]:
        """The quotes under an LLM-written answer: each focus paper's best sentences."""
        alone = plan.kind == "factoid"
        asked = asked_part(question) if alone else question
        for source in (plan.source(n) for n in plan.focus):
            yield f"\n\n**{source.paper.title}**: "
            yield from self._quotes(
                asked, source, self.settings.sentences_per_paper, exact=plan.query.exact, context=question, alone=alone
            )
        if plan.missing and plan.status == "answer":
            yield _lacking(plan)

    def _best(self, question: str, source: Source, exact: list[str], context: str) -> int | None:
        """The index of the sentence that best answers `question` (one ask of `context`)."""
        ranked = rank_sentences(asked_part(question), source, self.embed, self.settings.ranking, exact, context, True)
        return ranked[0][1] if ranked else None

    def _quotes(
        self,
        question: str,
        source: Source,
        count: int,
        lead: int | None = None,
        skip: set[int] = frozenset(),
        exact: list[str] = (),
        context: str | None = None,
        alone: bool = False,
    ) -> Iterator[str]:
        """The best sentence first (or `lead`), then the next best in the abstract's order;
        sentences in `skip` (already shown) are left out."""
        ranked = rank_sentences(question, source, self.embed, self.settings.ranking, exact, context, alone)
        ranked = [r for r in ranked if r[1] not in skip]
        if not ranked:
            return
        if lead is None:
            lead = ranked[0][1]
        rest = sorted([i for _, i, _ in ranked if i != lead][: count - 1])  # the best others, in the abstract's order
        for i in [lead, *rest]:
            yield cite(source.sentences[i], source.n) + " "

    def _partial(self, question: str, plan: Plan) -> Iterator[str | Exact]:
        source = plan.source(plan.focus[0])
        if plan.opposite is not None:  # "why did it need more data?" of "using 40% lesser data"
            yield Exact(
                f"The {source.paper.title} abstract says the opposite of what the question assumes:",
                note="premise (exact)",
            )
            yield "\n\n"
            yield cite(source.sentences[plan.opposite], source.n)
            return
        missing = " or ".join(plan.missing)
        if plan.kind == "record" and len(plan.focus) > 1:  # "MetaCLIP and MoDE: which came first?", neither dated
            sides = [plan.source(n) for n in plan.focus]
            yield Exact(
                f"The records of {join_words([f'{s.paper.title} [{s.n}]' for s in sides])} give {missing}.",
                [s.n for s in sides],
                {s.n: (s.record_lines or s.sentences)[:1] for s in sides},
                note="absence (record)",
            )
            return
        if plan.kind == "record":
            shown = (source.record_lines or source.sentences)[:1]
            yield Exact(
                f"The record of {source.paper.title} gives {missing}.", [source.n], {source.n: shown}, note="absence (record)"
            )
            for fact in record_facts(source, plan.query.record, position=plan.query.author_position):  # "who wrote it and when?": the date it has
                yield " "
                yield fact
            if "url" in plan.query.record and (said := _says_code(source)) is not None:
                # "is AV-SUPERB open-source?": no link, but the abstract says what it releases.
                yield cite(said, source.n)
            return
        if plan.kind == "comparison" and len(plan.focus) > 1:  # what neither compared abstract says
            sides = [plan.source(n) for n in plan.focus]
            titles = [s.paper.title for s in sides]
            verb = ("gives", "give") if missing.startswith("no ") else ("mentions", "mention")
            if verb[0] == "gives":  # "no number for FID": neither gives a number for it
                missing = "a " + missing.removeprefix("no ")
            says = (
                f"Neither the {' nor the '.join(titles)} abstract {verb[0]}"
                if len(sides) == 2
                else f"None of the {join_words(titles)} abstracts {verb[1]}"
            )
            yield Exact(f"{says} {missing}, so they don't answer this; what each says:", note="absence (exact)")
            for source in sides:
                yield f"\n\n**{source.paper.title}**: "
                yield from self._quotes(question, source, 2, exact=plan.query.exact)
            return
        if plan.kind == "comparison":  # "sora vs movie gen": the other side is no paper here
            yield Exact(
                f"No indexed paper mentions {missing}, so there is nothing to compare {source.paper.title} with; "
                f"the {source.paper.title} abstract says:",
                note="absence (exact)",
            )
            yield "\n\n"
            yield from self._quotes(question, source, 2, exact=plan.query.exact)
            return
        verb = "gives" if missing.startswith("no ") else "does not mention"
        yield Exact(
            f"The {source.paper.title} abstract {verb} {missing}, so it doesn't answer this; the closest it says:",
            note="absence (exact)",
        )
        yield "\n\n"
        yield from self._quotes(question, source, 1, exact=plan.query.exact)

    def _comparison(self, question: str, plan: Plan) -> Iterator[str | Exact]:
        sides = [plan.source(n) for n in plan.focus]
        # First, one sentence that says what each paper is, each clause in the paper's own
        # words and checked against its own abstract ("A is ... [1], while B ... [2].").
        # "... differ in what it predicts" asks about one aspect: there the quotes lead.
        # A paper with a derived title, no name of its own, is "the first/second paper".
        subjects = list(UNNAMED_SUBJECTS) if len(sides) == 2 else [None] * len(sides)
        clauses = [contribution_clause(s, subject) for s, subject in zip(sides, subjects, strict=True)]
        aspect, asked = self._aspect(question, sides, plan.query, compared_part(question))
        if not aspect and not all(clauses):
            # "Both ... say ensembles beat one big model. What does each add beyond that?": the
            # asking sentence names nothing the abstracts say, and not every paper says what it
            # is: what the whole question says is the aspect.
            aspect, asked = self._aspect(question, sides, plan.query, question)
        # "What do A and B have in common?": what both abstracts mention comes first, and each
        # paper is quoted on the question.
        shared, shared_only = shared_terms(sides), plan.query.shared_only
        if shared_only and not shared:  # "what do VideoPoet and Movie Gen have in common?"
            shared = shared_words(sides)
        if shared_only and shared:
            yield self._shared(shared, sides)
        if (picked := _picks_one(question, sides)) is not None:
            yield picked
            yield "\n\n"
        elif which := self._which_says(question, sides):
            yield from which
            yield "\n\n"
        led = all(clauses) and not aspect
        said = [aspect & set().union(*s.sentence_words) for s in sides]  # the aspect's words each abstract uses
        # A number every side writes ("72.4% in both: what does each measure?") is what is asked
        # about: the lead and the quotes show it where it stands (a "10B" naming one side is not).
        numbers = [t for t in plan.query.exact if any(c.isdigit() for c in t) and all(holds_term(x.paper.abstract, t) for x in sides)]
        if aspect and not shared_only and not ASKS_URL.search(question):  # "is the code in the same place?": the links answer
            # One clause per paper on the asked aspect: each paper's best sentence on the
            # question, said of the paper ("lavila vs videoclip - how do they get their text
            # supervision": "LaViLa repurposes pre-trained LLMs ..."), else what it proposes on
            # the aspect ("how do their quantization strategies differ?"), else that sentence
            # quoted. A paper that never uses the aspect's words while another does is said
            # for what it is; asked for numbers ("... and the headline numbers?"), each gives its own.
            figures = plan.query.asks_number
            on = [
                self._on_aspect(question, s, aspect, asked, subject, plan.query, numbers) if here or figures or not any(said) else clause
                for s, subject, here, clause in zip(sides, subjects, said, clauses, strict=True)
            ]
            if all(on):
                clauses, led = on, True
        # "is there a link between Emu and block caching?": an abstract that names the other
        # paper says how they are linked, in its own words; that answers a question about the
        # link first, and follows the lead of any other comparison.
        named = [m for s in sides if (m := names_other(s, [o for o in sides if o is not s]))]
        if named and plan.query.asks_link:
            for mention in named:
                yield mention
                yield "\n\n"
            named = []
        if led:
            joint = ", while " if len(sides) == 2 and not any(c.quoted for c in clauses) else "; "
            text = joint.join(f"{c.text} [{s.n}]" for s, c in zip(sides, clauses, strict=True))
            yield text[0].upper() + text[1:] + "."
            # How they differ, then what they share, before the quotes that show each side.
            if shared and not shared_only:
                yield " "
                yield self._shared(shared, sides)
            yield "\n\n"
            for mention in named:
                yield mention
                yield "\n\n"
        parts = asks(question)
        for part, source in enumerate(sides):
            yield ("\n\n" if part else "") + f"**{source.paper.title}**: "
            count = self.settings.sentences_per_paper + 1
            said_whole = {clauses[part].index} if led and clauses[part].whole else set()
            # "how do they differ in approach, and what's each one's headline result?": each ask's
            # own best sentence of this paper (read alone) is shown too, after the first quote.
            extras = [] if len(parts) < 2 else [i for i in dict.fromkeys(self._best(p, source, [], p) for p in parts) if i is not None]
            extras = [i for i in extras if i not in said_whole][: count - 1]
            # The sentences on the asked aspect, best first; a paper that never uses the aspect's
            # words while another does is quoted on what it contributes ("We propose Masked
            # Siamese Networks ..."), not on sentences that only share the names ("72.4% top-1").
            if (aspect or shared_only) and (said[part] or not any(said)):
                quotes = list(self._quotes(question, source, count, skip=said_whole, exact=numbers))
            else:
                # Side by side, each part leads with what the paper itself contributes (quoted in
                # full unless the first sentence said all of it). "How does A differ from B?" asks
                # how each works: then come the sentences that say more of that contribution
                # ("CutLER first uses our proposed MaskCut ..."), not those that repeat its name.
                gist = contribution_sentence(source.sentences)
                lead, skip = (None, said_whole) if said_whole else (gist, set())
                about = source.sentences[gist] if gist is not None else question
                quotes = list(self._quotes(about, source, count, lead, skip))
            shown = {strip_markers(q).strip() for q in quotes}
            quotes[1:1] = [cite(source.sentences[i], source.n) + " " for i in extras if strip_markers(source.sentences[i]).strip() not in shown]
            yield from quotes
        if shared and not shared_only and not led:
            yield "\n\n"
            yield self._shared(shared, sides)

    def _which_says(self, question: str, sides: list[Source]) -> list[Exact]:
        """"Emu Video vs Movie Gen: which one also makes sound?": where one abstract says the
        thing asked (a sentence with every asked word, or all but the asked verb: "synchronized
        audio") and the other never writes its words, the first sentence says which, quoting its
        best such sentence; one that says it in the negative ("without any human labels") says
        no. Nothing where both say it, or neither, or the pick is by a comparative ("which is
        faster": `_picks_one`)."""
        if len(sides) != 2 or not (m := _WHICH_ONE.search(question)):
            return []
        what = strip_names(m.group("what"), [n for s in sides for n in (s.paper.title, *s.paper.aliases)])
        asked = content_words(what) - GENERIC_STEMS - COMPARING_STEMS - LISTING_FRAME
        if not asked or _COMPARATIVES & {w.casefold() for w in re.findall(r"[A-Za-z]+", what)}:
            return []
        things = asked - _DOING - content_words(m.group("verb"))  # "makes sound": "audio" is what is said
        if not things:
            return []
        # "which one states its model size?": a size is said by a value ("30B parameter"), not the word
        valued = {t: VALUE_FORMS[t] for t in things if t in VALUE_FORMS}

        def holds(side: Source, i: int, need: set[str]) -> bool:
            return all(valued[t].search(side.sentences[i]) if t in valued else t in side.sentence_words[i] for t in need)

        says, lacks = [], []
        for side in sides:
            every = range(len(side.sentences))
            held = {i for i in every if holds(side, i, asked)} or {i for i in every if holds(side, i, things)}
            if held:  # the held sentence closest to what is asked
                ranked = rank_sentences(what, side, self.embed, self.settings.ranking)
                says.append((side, next(i for _, i, _ in ranked if i in held)))
            elif not any(holds(side, i, {t}) for t in things for i in every):
                lacks.append(side)
        if len(says) != 1 or len(lacks) != 1:
            return []
        (side, i), other = says[0], lacks[0]
        sentence = strip_markers(side.sentences[i]).rstrip(" .")
        tokens = re.findall(r"[\w'-]+", sentence)
        hits = [k for k, t in enumerate(tokens) if content_words(t) & things]
        negated = any(0 <= hits[0] - k <= 4 and _NEGATED.search(tokens[k]) for k in range(len(tokens))) if hits else False
        # what it lacks, as typed: from the first asked thing on ("a single sampling step": "single sampling step")
        typed = re.findall(r"[\w'-]+", what)
        first = next((k for k, t in enumerate(typed) if content_words(t) & things), 0)
        last = max((k for k, t in enumerate(typed) if t.casefold() not in STOPWORDS), default=len(typed) - 1)
        lacked = " ".join(typed[first : last + 1])
        return [
            Exact(
                f"The {side.paper.title} abstract {'says it does not' if negated else 'says so'}: \u201c{sentence}\u201d.",
                [side.n],
                {side.n: [side.sentences[i]]},
                note="which one says it (exact)",
            ),
            " ",
            Exact(
                f"The {other.paper.title} abstract {'gives no' if valued else 'does not mention'} {lacked}.",
                note="which one says it (exact)",
            ),
        ]

    @staticmethod
    def _aspect(question: str, sides: list[Source], query: Query, part: str) -> tuple[set[str], set[str]]:
        """The words a comparison asks about (read from `part`) that the compared abstracts use,
        and all those asked."""
        aspect = asked = compared_aspect(question, sides, part)
        if not query.named:  # "the two quantization papers": words every side holds describe them
            common = set.intersection(*(s.words for s in sides)) | GENERIC_STEMS
            aspect = {w for w in aspect if not all(stem(p) in common for p in w.split("-"))}
        # Words of a description ("the LEGO egocentric action frame paper", "the power-law
        # clustering paper") name a side, not what is asked of both.
        aspect -= content_words(" ".join(m.group(1) for m in _PAPER_PHRASE.finditer(question)))
        if not query.named and (one := ONE_OTHER.search(question)):  # "One trains a 10B model, the other a 1B ViT."
            aspect -= content_words(f"{one.group('a')} {one.group('b')}")
        # "cutler vs efficientsam - what task does each one target?": words neither abstract
        # uses ask what each paper is for, which is what the lead says; "videopoet vs movie gen
        # architecture wise?" still asks about the architecture both abstracts describe.
        aspect &= set().union(*(s.words for s in sides))
        if not aspect:
            aspect = content_words(part) & _ASPECT_HEADS & set.intersection(*(s.words for s in sides))
        return aspect, asked

    def _on_aspect(
        self,
        question: str,
        source: Source,
        aspect: set[str],
        asked: set[str],
        subject: str | None,
        query: Query,
        numbers: list[str],
    ) -> Clause | None:
        """The paper's clause on a compared aspect: its best sentence on the question said of the
        paper (of a question after a number, the best that gives one), else what it proposes on
        the aspect (unless the best sentence holds a name asked about and the proposal does not),
        else its next best said of it, else the best quoted where it holds a word of the aspect
        (or an asked name), else what the paper is."""
        exact = query.exact
        # "Movie Gen and VideoPoet both generate video with audio. How do they differ
        # architecturally?": what they share only frames the aspect asked ("What does each add
        # beyond that?" names none: there the whole question is what to rank by).
        # "cutler vs the single image+video MAE model: which needs labels?": a side's description
        # before the colon would rank the sentences that describe it; what is asked comes after.
        # "cutler vs efficientsam - does either need human labels?": a yes/no asked after the
        # names asks of one property, and the names would rank the sentences that name the paper
        # ("CutLER is simpler"); there the asked part ranks, read beside the whole question.
        after = asked_after(question)
        checks = bool(after and len(query.named) >= 2 and _YES_NO.match(after))
        asking = (after if len(query.named) < 2 or checks else None) or question_sentences(question)
        ranked_by = asking if aspect & content_words(asking) else question
        context = question if checks and ranked_by != question else None
        if not (ranked := rank_sentences(ranked_by, source, self.embed, self.settings.ranking, numbers, context)):
            return None
        valued = []
        if query.asks_number:
            # "what headline preference number does each report?": each side's figure leads.
            valued = [r for r in ranked if (query.asks_percent and PERCENT.search(r[2])) or (not query.asks_percent and numbers_in(r[2]))]
            ranked = valued + [r for r in ranked if r not in valued]
        best = ranked[0][1]
        if said := said_clause(source, best, subject):
            return said
        if valued:  # the figure, quoted, rather than a proposal without it
            return quoted_clause(source, best, subject)
        names = [t for t in exact if holds_term(source.sentences[best], t)]

        def holds_names(clause: Clause | None) -> bool:
            return clause is not None and all(holds_term(source.sentences[clause.index], t) for t in names)

        if holds_names(proposed := aspect_clause(source, aspect, asked, subject)):
            return proposed
        if len(ranked) > 1 and holds_names(said := said_clause(source, ranked[1][1], subject)):
            return said  # the next best, said of the paper
        if not (names or aspect & source.sentence_words[best]) and (what := contribution_clause(source, subject)):
            return what  # a best sentence without the aspect's words ("72.4% top-1"): what the paper is
        return quoted_clause(source, best, subject)

    @staticmethod
    def _shared(shared: list[str], sides: list[Source]) -> Exact:
        return Exact(
            f"Both abstracts mention {join_words(shared)}.",
            [s.n for s in sides],
            {s.n: [_sentence_with(s, shared[0])] for s in sides},
            note="shared terms (exact)",
        )

    def _listing(self, question: str, plan: Plan) -> Iterator[str | Exact]:
        listed = [plan.source(n) for n in plan.focus]
        count = len(listed)
        # "anything evaluated on kinetics?": a name every listed abstract writes is what they
        # match on, said in the first sentence ("2 papers mention Kinetics: ...").
        held = _names_typed(question, listed, plan.query.exact)
        # "which paper reports 72.4%?": the value as typed
        held = [f"{h}%" if re.fullmatch(r"[\d.]+", h) and re.search(rf"(?<![\d.]){re.escape(h)}\s?%", question) else h for h in held]
        verb = ("mentions", "mention") if held else ("matches", "match")
        yield Exact(
            f"{count} paper{'s' if count > 1 else ''} {verb[count > 1]}{' ' + join_words(held) if held else ''}: "
            + join_words([f"{s.paper.title} [{s.n}]" for s in listed])
            + ".",
            [s.n for s in listed],
            {},
            note="listing",
        )
        # "which papers build on MSN?": each paper's sentence naming MSN says why it is listed.
        names = named_papers_names(plan.query, plan.sources) + held
        for source in listed:
            yield f"\n- **{source.paper.title}**: "
            gist = contribution_sentence(source.sentences)
            match = _matching_sentence(plan.query, source)
            if match is not None and gist is not None and match != gist:
                # What the paper is, then the sentence it is listed for ("RoB is widely applicable
                # to ... small ResNets, MobileNets and ViT"), however the whole question ranks it.
                for i in (gist, match):
                    yield cite(source.sentences[i], source.n) + " "
                continue
            yield from self._quotes(question, source, 2, gist if gist is not None else match, exact=names)

    def _record(self, question: str, plan: Plan) -> Iterator[str | Exact]:
        """Answers from the records: authors, first/last author, id, date, pages; filtered lists."""
        fields = plan.query.record
        listed = [plan.source(n) for n in plan.focus]
        many = len(listed) > 1
        which = plan.query.intent.superlative
        # The papers a record superlative picks among those listed: all of them where they tie
        # ("which is the oldest paper?": two were created that day); fewer of a follow-up asked
        # among the last answer's papers ("which of them has the most authors?").
        picked = _picked(listed, which) if many and which in _SUPERLATIVE_SAYS else []
        if which and len(listed) == 1:
            yield superlative_fact(listed[0], which)
            yield " "
        people = plan.query.intent.authors
        if via := plan.query.author_via:  # "who else did the first author of MetaCLIP write with?"
            phrase, person, pid = via
            if paper := next((s for s in listed if s.paper.paper_id == pid), None):
                lines = _record_quotes([paper], "authors")
                # "what else did the last author of AV-SUPERB write?": nothing else, said at once
                other = bool(_ASKS_OTHER.search(question)) and not _ASKS_COAUTHORS.search(question)
                rest = f"; no other indexed paper lists {person} as an author" if other and len(listed) == 1 else ""
                yield Exact(f"{phrase[0].upper()}{phrase[1:]} is {person}{rest}.", list(lines), lines, note="record (author)")
                if rest:
                    return
                yield " "
                if other:  # "what other papers did the 2nd author of VideoCLIP write?": not VideoCLIP
                    listed = [s for s in listed if s is not paper]
                    many = len(listed) > 1
        if plan.query.intent.top_authors:  # "who appears on the most papers?"
            yield top_authors_fact(listed, people, plan.query.intent.top_authors)
            yield " "
        elif len(people) == 1 and _ASKS_COAUTHORS.search(question):  # "list the co-authors of Saining Xie"
            yield coauthors_fact(listed, people[0])
            yield " "
        elif len(people) >= 2 and _COUNTS_PAPERS.search(question):  # "who is on more papers, X or Y?"
            yield papers_per_author(listed, people)
            yield " "
        if picked:
            yield picked_fact(picked, which, len(listed))
        elif total := plan.query.intent.collection:  # "how many papers are there?", "list all papers"
            # The count from the index, then each paper on its own line with what it contributes.
            shown = "" if total == len(listed) else f"; the first {len(listed)} by date"
            yield Exact(f"{total} paper{'s are' if total != 1 else ' is'} indexed{shown}.", note="record (collection)")
        elif many and (order := _date_order(listed, fields, plan.query.date_order)):  # "which came out first?"
            yield order
        elif many and (order := _author_order(listed, plan.query.author_count)):  # "which one has more authors?"
            yield order
        elif len(listed) == 2 and plan.query.author_set and all(s.paper.authors for s in listed):
            yield author_set_fact(listed, plan.query.author_set, counted=bool(plan.query.author_count))
        elif many:
            total = plan.query.intent.recorded_total
            yield Exact(
                # "which papers came out on 13 Oct 2022?": an id tells derived titles apart.
                (f"{total} papers match; the first {len(listed)}: " if total > len(listed) else _listing_lead(plan, listed, other=bool(plan.query.author_via) and len(listed) < len(plan.focus)))
                + join_words([f"{s.paper.title}{f' (arXiv:{s.paper.arxiv_id})' if s.paper.arxiv_id else ''} [{s.n}]" for s in listed])
                + ".",
                [s.n for s in listed],
                note="record filter",
            )
            if which and all(superlative_value(s.paper, which) is None for s in listed):  # "the newest paper by X", none dated
                field = "an author list" if which.endswith("authors") else "a date"
                yield " "
                yield Exact(f"None of them has {field} in its record, so none can be picked.", note="record")
        for s in listed:
            if many:
                yield f"\n- **{s.paper.title}**: "
            if plan.query.author_count and s.paper.authors:  # "how many authors does MetaCLIP have?"
                line = record_sentences(s.paper)["authors"]
                count = len(s.paper.authors)
                said = f"The record of {s.paper.title} lists {count} author{'s' if count > 1 else ''}."
                yield Exact(said, [s.n], {s.n: [line]}, note="record (count)")
                yield " "
            if plan.query.asks_membership:
                yield membership(s.paper, plan.query.intent.authors + plan.query.intent.strangers, s.n, plan.query.intent.author_place)
                yield " "
            elif (authors := plan.query.intent.authors) and not (many or fields or _asks_of_papers(question, authors)):
                line = record_sentences(s.paper)["authors"]
                said = f"{join_words(authors)} {'is an author' if len(authors) == 1 else 'are authors'} of {s.paper.title}."
                yield Exact(said, [s.n], {s.n: [line]}, note="record (author)")
                yield " "
            facts = list(record_facts(s, fields, both_authors=bool(plan.query.intent.authors) and many, position=plan.query.author_position))
            yield from facts
            if not facts or fields <= {"about"} or s.evidence.reason in ("author", "date", "arxiv"):
                gist = contribution_sentence(s.sentences, loose=True)
                picks = [gist if gist is not None else 0]
                if not many and picks != [0]:  # what it contributes first, then how the abstract opens
                    picks.append(0)
                for i in picks:
                    yield cite(s.sentences[i], s.n) + " "


_ASKS_OTHER = re.compile(r"\b(?:else|other|another)\b", re.I)


def _listing_lead(plan: Plan, listed: list[Source], other: bool = False) -> str:
    """How a record listing starts: "6 indexed papers list Hu Xu as an author: " where the
    author list alone picks them, "2 of the 6 indexed papers listing Hu Xu as an author mention
    video: " where a topic narrows them (a question that filters by anything else: "6 papers match: ")."""
    query = plan.query
    i = query.intent
    topic = record_topic(query)
    narrowed = topic is not None and plan.picked_from > len(listed)
    if not i.authors or i.dates or i.linked or i.recorded or (topic and not narrowed) or any(s.evidence.reason != "author" for s in listed):
        return f"{len(listed)} papers match: "
    # in the order the question names them (by surname: "hu xu and christoph feichtenhofer")
    said = query.text.casefold()
    authors = sorted(i.authors, key=lambda a: (said.find(a.split()[-1].casefold()) % (len(said) + 1)))
    if len(authors) == 1 or i.any_author:
        people, role = join_words(authors, "or"), "an author"
    else:
        people, role = ("both " if len(authors) == 2 else "all of ") + join_words(authors), "authors"
    if i.author_place:
        role = f"their {i.author_place} author"
    if narrowed:
        return f"{len(listed)} of the {plan.picked_from} indexed papers listing {people} as {role} mention {topic[1]}: "
    return f"{len(listed)} {'other ' if other else ''}indexed papers list {people} as {role}: "


# "papers by Mahmoud Assran", "what has oquab published?": words that ask which papers, nothing of them.
_WHICH_PAPERS = RECORD_FRAME | LISTING_FRAME | LISTING_WORDS | content_words("paper work show et al")


def _matching_sentence(query: Query, source: Source) -> int | None:
    """The sentence of a listed paper that holds the most of the listing's topic words (its rare
    ones counting double, and a value where values are asked); None where none holds one."""
    if query.kind == "listing" and (media := media_asked(query)):
        # "which papers generate audio?": the sentence that makes it ("we manipulate input speech")
        making = [i for i, t in enumerate(source.sentences) if all(makes(t, m) for m in media)]
        if making:
            return making[0]
    topic = query.topic - LISTING_FRAME - LISTING_WORDS - GENERIC_STEMS
    value = PERCENT.search if query.asks_percent else numbers_in if query.asks_number else None

    def held(i: int) -> tuple[bool, int]:
        words = topic & source.sentence_words[i]
        valued = bool(words) and value is not None and bool(value(source.sentences[i]))
        return valued, len(words) + sum(w in query.rare for w in words)

    scores = [held(i) for i in range(len(source.sentences))]
    return max(range(len(scores)), key=lambda i: (scores[i], -i)) if scores and max(scores)[1] > 0 else None


def _asks_of_papers(question: str, authors: list[str]) -> bool:
    """Whether a question naming authors asks something of their papers ("the main
    contribution of the paper by Tingle Li") rather than which papers they wrote."""
    return bool(content_words(question) - _WHICH_PAPERS - content_words(" ".join(authors)))


# "who is on more papers, Hu Xu or Gargi Ghosh?", "how many papers do X and Y each have?"
_COUNTS_PAPERS = re.compile(r"\b(?:more|fewer|most|fewest|how many)\s+(?:\w+\s+)?(?:papers|works|publications|abstracts)\b", re.I)


_ASKS_COAUTHORS = re.compile(
    r"\bco-?authors?\s+(?:of|for)\b|\b(?:work(?:s|ed)?|write|wrote|written|collaborat\w*|publish(?:ed)?|co-?authored|team(?:ed)?\s+up)\s+with\b", re.I
)


def coauthors_fact(listed: list[Source], person: str) -> Exact:
    """"Saining Xie's co-authors on the 2 indexed papers: Hu Xu (2), Po-Yao Huang (2), ...",
    from the author lists of the person's papers, most shared first."""
    shared: dict[str, int] = {}
    for s in listed:
        for a in s.paper.authors:
            if fold(a).strip() != fold(person).strip():
                shared[a] = shared.get(a, 0) + 1
    ranked = sorted(shared, key=lambda a: -shared[a])  # stable: in list order within a count
    lines = _record_quotes(listed, "authors")
    papers = f"{len(listed)} indexed paper{'s' if len(listed) > 1 else ''}"
    named = ", ".join(f"{a} ({shared[a]})" if len(listed) > 1 else a for a in ranked)
    return Exact(f"{person}'s co-authors on the {papers}: {named}.", list(lines), lines, note="record (co-authors)")


def top_authors_fact(listed: list[Source], people: list[str], counted: tuple) -> Exact:
    """"Po-Yao Huang is on the most indexed papers: 12 of the 12 whose records list authors;
    next is Hu Xu with 6.", counted over every author list of the collection (`counted`: the
    top count, the papers listing authors, the next person and their count)."""
    most, listing, runner, k = counted
    said = f"{join_words(people)} {'is' if len(people) == 1 else 'are each'} on the most indexed papers: {most} of the {listing} whose records list authors"
    if runner:
        said += f"; next is {runner} with {k}"
    lines = _record_quotes(listed, "authors")
    return Exact(said + ".", list(lines), lines, note="record (most papers)")


def papers_per_author(listed: list[Source], people: list[str]) -> Exact:
    """"Hu Xu is an author of 6 of the indexed papers, Gargi Ghosh of 4." from the author lists
    of the papers listed (every paper any of them wrote), each paper quoted by its list."""
    counts = {a: sum(lists_author(s.paper, a) for s in listed) for a in people}
    first, *rest = people
    said = f"{first} is an author of {counts[first]} of the indexed papers" + "".join(f", {a} of {counts[a]}" for a in rest) + "."
    if len(set(counts.values())) == len(counts):
        most = max(people, key=counts.get)
        said += f" {most} is on the most." if len(people) > 2 else f" {most} is on more."
    lines = _record_quotes(listed, "authors")
    return Exact(said, list(lines), lines, note="record (papers per author)")


def membership(paper: Paper, people: list[str], n: int, place: str = "") -> Exact:
    """"Yes: Florian Metze is an author of X [1]." or "No: the record of AV-SUPERB does not list
    Florian Metze among its authors [1].", from the paper's author list; asked of a `place`
    ("is Hu Xu the first author of MetaCLIP?"), whether the list has them there."""
    line = record_sentences(paper).get("authors")
    if line is None:
        return Exact(f"The record of {paper.title} lists no authors, so it can't say whether {join_words(people)} wrote it.", note="record (author)")
    if place:
        held = paper.authors[0 if place == "first" else -1]
        there = [a for a in people if fold(a).strip() == fold(held).strip()]
        said = f"Yes: {join_words(there)} is the {place} author of {paper.title}." if there else f"No: the {place} author of {paper.title} is {held}."
        for a in people:
            if a not in there and lists_author(paper, a):  # "... Po-Yao Huang is its fourth."
                k = next(i for i, x in enumerate(paper.authors, 1) if fold(a).strip() in fold(x))
                said += f" {a} is its {ordinal(k)} author."
        return Exact(said, [n], {n: [line]}, note="record (author place)")
    on = [a for a in people if lists_author(paper, a)]
    off = [a for a in people if a not in on]
    said = []
    if on:
        said.append(f"{'Yes: ' if not off else ''}{join_words(on)} {'is an author' if len(on) == 1 else 'are authors'} of {paper.title}.")
    if off:
        said.append(f"{'No: t' if not on else 'T'}he record of {paper.title} does not list {join_words(off)} among its authors.")
    return Exact(" ".join(said), [n], {n: [line]}, note="record (author)")


def _date_order(listed: list[Source], fields: frozenset[str], asked: str) -> Exact | None:
    """"MSN (2022-04-14) came before I-JEPA (2023-01-19)." for a question asking which of the
    papers came first (or last); None unless it asks that and one of them is dated."""
    dated = sorted((s for s in listed if s.paper.created), key=lambda s: s.paper.created)
    last = asked == "last"
    if "date" not in fields or not dated or not asked:
        return None
    if len(dated) == 1:  # "which one is newer?" of CutLER (dated) and EfficientSAMs (not)
        one, undated = dated[0], join_words([s.paper.title for s in listed if not s.paper.created])
        return Exact(
            f"Only the record of {one.paper.title} gives a date ({one.paper.created}) [{one.n}]; the record of "
            f"{undated} gives none, so the records don't say which came {'later' if last else 'first'}.",
            [one.n],
            note="record (date order)",
        )
    order = [f"{s.paper.title} ({s.paper.created}) [{s.n}]" for s in dated]
    if last:  # "which is newer?": the answer first
        said = f"{order[-1]} came {'after' if len(order) == 2 else 'last, after'} {join_words(order[:-1])}."
    else:
        said = f"{order[0]} came {'before' if len(order) == 2 else 'first, before'} {join_words(order[1:])}."
    if undated := [s.paper.title for s in listed if not s.paper.created]:
        said += f" The record of {join_words(undated)} gives no date."
    return Exact(said, [s.n for s in dated], note="record (date order)")


def _author_order(listed: list[Source], asked: str) -> Exact | None:
    """"MetaCLIP lists more authors (10) than MoDE (8)." for "which has more (fewer) authors?"."""
    if asked not in ("more", "fewer") or not all(s.paper.authors for s in listed):
        return None
    fewer = asked == "fewer"
    ranked = sorted(listed, key=lambda s: len(s.paper.authors), reverse=not fewer)
    top, rest = ranked[0], ranked[1:]
    if len(top.paper.authors) == len(rest[0].paper.authors):
        return None  # a tie: each record's count says it
    others = join_words([f"{s.paper.title} ({len(s.paper.authors)})" for s in rest])
    said = f"{top.paper.title} lists {asked} authors ({len(top.paper.authors)}) than {others}."
    lines = _record_quotes(listed, "authors")
    return Exact(said, [s.n for s in listed], lines, note="record (author count)")


# What a record superlative says of one paper, of several tied, and over which papers.
_SUPERLATIVE_SAYS = {
    "most_authors": ("has the most authors", "share the most authors", "of the indexed papers"),
    "fewest_authors": ("has the fewest authors", "share the fewest authors", "of the indexed papers that list them"),
    "latest": ("is the most recently created", "share the most recent creation date", "of the indexed papers"),
    "earliest": ("is the earliest created", "share the earliest creation date", "of the indexed papers"),
}


def superlative_fact(source: Source, which: str) -> Exact:
    """"MetaCLIP has the most authors of the indexed papers (12)." from the records (the
    retriever picked the paper by the same field)."""
    paper = source.paper
    value = superlative_value(paper, which)
    line = next((x for x in source.record_lines if ("author" in x.casefold()) == which.endswith("authors")), "")
    one, _, over = _SUPERLATIVE_SAYS[which]
    return Exact(f"{paper.title} {one} {over} ({value}).", [source.n], {source.n: [line] if line else []}, note="record")


def _record_quotes(sources: list[Source], field: str) -> dict[int, list[str]]:
    """Each source's record sentence for `field` ("authors", "date"), as an `Exact`'s quotes;
    a source whose record lacks the field quotes nothing."""
    return {s.n: [line] for s in sources if (line := record_sentences(s.paper).get(field))}


def _picked(listed: list[Source], which: str) -> list[Source]:
    """Of the listed papers, those with the best value of a record superlative ([] where none
    has the field)."""
    valued = [(v, s) for s in listed if (v := superlative_value(s.paper, which)) is not None]
    if not valued:
        return []
    best = (max if which in ("most_authors", "latest") else min)(v for v, _ in valued)
    return [s for v, s in valued if v == best]


def picked_fact(picked: list[Source], which: str, count: int) -> Exact:
    """Of the `count` papers listed, the ones a record superlative picks, each quoting its record
    line: all of them, tied ("A (arXiv:…) [1] and B [2] share the earliest creation date of the
    indexed papers (2022-02-16)."), or some, of a follow-up among the last answer's papers ("C [3]
    has the most authors of these 6 papers (26).")."""
    value = superlative_value(picked[0].paper, which)
    one, several, over = _SUPERLATIVE_SAYS[which]
    tied = len(picked) == count
    # an id tells derived titles apart ("Method to theoretically analyze the effect of DA…")
    names = join_words([f"{s.paper.title}{f' (arXiv:{s.paper.arxiv_id})' if tied and s.paper.arxiv_id else ''} [{s.n}]" for s in picked])
    said = f"{names} {several} {over}" if tied else f"{names} {several if len(picked) > 1 else one} of these {count} papers"
    lines = _record_quotes(picked, "authors" if which.endswith("authors") else "date")
    return Exact(f"{said} ({value}).", [s.n for s in picked], lines, note="record (tie)" if tied else "record (among)")


def author_position_fact(source: Source, k: int) -> Exact:
    """"The second author of VideoCLIP is Gargi Ghosh.", quoting the record's author list; a list
    too short for the place asked says how many it holds."""
    paper, line = source.paper, record_sentences(source.paper)["authors"]
    count = len(paper.authors)
    if k > count:
        said = f"The record of {paper.title} lists only {count} author{'s' if count > 1 else ''}, so it has no {ordinal(k)} author."
    else:
        said = f"The {ordinal(k)} author of {paper.title} is {paper.authors[k - 1]}."
    return Exact(said, [source.n], {source.n: [line]}, note="record (author position)")


def ordinal(k: int) -> str:
    """2 -> "second", 12 -> "12th"."""
    if k <= len(ORDINALS):
        return ORDINALS[k - 1]
    return f"{k}{'th' if 10 <= k % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(k % 10, 'th')}"


def author_set_fact(pair: list[Source], kind: str, counted: bool = False) -> Exact:
    """Who is on the first paper's author list and not the second's ("difference"), or on both
    ("common"), checked against both records; `counted` ("how many authors do A and B have in
    common?"), how many first."""
    one, other = pair
    theirs = {a.casefold() for a in other.paper.authors}
    if kind == "difference":
        found = [a for a in one.paper.authors if a.casefold() not in theirs]
        said = (
            f"{join_words(found)} {'is' if len(found) == 1 else 'are'} on the author list of {one.paper.title} [{one.n}] "
            f"but not on that of {other.paper.title} [{other.n}]."
            if found
            else f"Every author of {one.paper.title} [{one.n}] is also an author of {other.paper.title} [{other.n}]."
        )
    else:
        found = [a for a in one.paper.authors if a.casefold() in theirs]
        said = (
            f"{join_words(found)} {'is' if len(found) == 1 else 'are'} on the author lists of both {one.paper.title} [{one.n}] "
            f"and {other.paper.title} [{other.n}]."
            if found
            else f"No author is on both {one.paper.title} [{one.n}] and {other.paper.title} [{other.n}]."
        )
    if counted and found:
        said = f"{len(found)} author{'s' if len(found) > 1 else ''}: {said}"
    quotes = _record_quotes(pair, "authors")
    return Exact(said, [one.n, other.n], quotes, note="record (author set)")


def record_facts(source: Source, fields: frozenset[str], both_authors: bool = False, position: int = 0) -> Iterator[Exact]:
    """One exact sentence per asked record field the paper has (in the record's own wording);
    the author at `position` where a place on the list is asked ("nth_author")."""
    n, reason = source.n, source.evidence.reason
    if position and "nth_author" in fields and source.paper.authors:  # "who is the second author?"
        yield author_position_fact(source, position)
    wanted = set(fields) | ({"authors"} if both_authors else set())
    wanted |= {"arxiv"} if reason == "arxiv" else set()
    wanted |= {"date"} if reason == "date" else set()
    for field, line in record_sentences(source.paper).items():
        if field in wanted:
            yield Exact(line, [n], {n: [line]}, note="record")


def _names_typed(question: str, listed: list[Source], exact: list[str]) -> list[str]:
    """Names of the question that every listed abstract writes, as the first one writes them: an
    asked term ("ego4d" -> "Ego4D"; typed with capitals, "CLIP", only in those capitals, not a
    video "clip"), or a word it writes capitalised inside a sentence ("kinetics" -> "Kinetics" of
    "Kinetics-400"; not "Epic" of "Epic-Kitchens")."""
    names: dict[str, str] = {}
    words = [(t, True) for t in exact] + [(w, False) for w in re.findall(r"[A-Za-z][\w\-]+", question)]
    for word, asked in words:
        cased = asked and any(c.isupper() for c in word)
        pattern = re.compile(rf"(?<![\w\-]){re.escape(word)}(?![\w]|-[A-Za-z])", 0 if cased else re.I)
        spelled = [
            [
                m.group(0)
                for m in pattern.finditer(s.paper.abstract)
                if asked or m.group(0)[0].isupper() and not re.search(r"(?:^|[.!?:]\s+)$", s.paper.abstract[: m.start()])
            ]
            for s in listed
        ]
        if all(spelled):
            names.setdefault(spelled[0][0].casefold(), spelled[0][0])
    return list(names.values())


def _says_code(source: Source) -> str | None:
    """The abstract's sentence on its code ("We release our benchmark with evaluation code
    ..."), if one speaks of it."""
    return next((x for x in source.sentences if CODE_WORD.search(x)), None)


# "In this paper, we propose X, a ..." / "This work introduces X ...": who contributes what.
_WE_CONTRIBUTE = re.compile(
    # "Leveraging this, we introduce block caching, ...": a lead-in that says what it builds on.
    r"^(?:(?:In this (?:paper|work)|Here),?\s+|(?:To [^,]{2,80}|By [^,]{5,100}|[A-Z][a-z]+(?:ing|ed) [^,]{2,80}),\s*)?"
    r"(?:we|this (?:paper|work))\s+(?:further\s+)?(?P<verb>propose|present|introduce|develop)s?\s+(?P<rest>.+)$"
    # A survey's: "Therefore, in this survey, we provide ...", "This article is to fill this gap, we provide ...".
    r"|^(?:\w+,\s+)?(?:in\s+)?this (?:survey|review|article)\b[^.;]{0,40}?,\s*we\s+(?P<verb2>provide)\s+(?P<rest2>.+)$",
    re.I,
)
# Where a clause is cut when the sentence runs long: the next clause or aside.
_CLAUSE_END = re.compile(r",\s+(?:which|where|while|whereas|and|but|as|to)\b|;\s|\s+--?\s|:\s")
_CLAUSE_BREAK = re.compile(r",\s+(?:while|whereas)\b|;\s")
CLAUSE_WORDS = 28
_LEADS_ON = re.compile(r"\b(?:such as|including|like|namely|e\.g\.|i\.e\.)$", re.I)


class Clause(NamedTuple):
    """What a paper contributes, as a clause with the paper as its subject."""

    text: str
    whole: bool  # it says all its sentence says (nothing was cut)
    index: int  # the sentence it comes from
    quoted: bool = False  # the sentence quoted whole ("the X abstract says: "..."")


def contribution_clause(source: Source, subject: str | None = None) -> Clause | None:
    """The abstract's "we propose/present/introduce/develop" sentence with the paper as
    subject: "We present Movie Gen, a cast of foundation models ..." -> "Movie Gen is a cast
    of foundation models ...", in the abstract's own words; None when there is none. A paper
    without a name of its own is written about as `subject` ("the first paper"), if given."""
    i = contribution_sentence(source.sentences)
    if not (source.paper.aliases or subject):  # a derived title is no name to write about
        return None
    return _proposed_clause(source, i, subject) or _does_clause(source)


def aspect_clause(source: Source, aspect: set[str], asked: set[str], subject: str | None = None) -> Clause | None:
    """The "we propose ..." sentence that holds the most of the asked aspect's words (then of
    all the words asked, those every side shares too), with the paper as subject ("how do their
    quantization strategies differ?": "... proposes an efficient quantization approach
    encompassing both global and local strategies"); None when no such sentence holds any."""
    if not (source.paper.aliases or subject):
        return None
    held = [
        (len(aspect & words), len(asked & words), -i)
        for i, t in enumerate(source.sentences)
        if _WE_CONTRIBUTE.match(strip_markers(t)) and (aspect | asked) & (words := source.sentence_words[i])
    ]
    return _proposed_clause(source, -max(held)[2], subject) if held else None


# "We repurpose pre-trained LLMs ...", "Our models set ...": a sentence the paper says of itself.
_WE_DO = re.compile(r"^(?:we\s+(?:(?:also|further|then|first|instead|thus|additionally|finally|empirically|extensively|experimentally|systematically|specifically|similarly)\s+)?(?P<verb>[a-z]+)|our)\s+(?P<rest>.+)$", re.I)
# "we are", "we have": verbs that change form with "it"; a verb already past ("we found") does not.
_THIRD_PERSON = {"are": "is", "have": "has", "do": "does", "can": "can", "could": "could", "will": "will", "may": "may"}
_NO_VERBS = frozenset("even across over only not just then thus hence also".split())
_PAST = frozenset("found made built showed shown set put ran led began chose took gave kept saw wrote".split())


def said_clause(source: Source, i: int, subject: str | None = None) -> Clause | None:
    """Sentence `i` with the paper as its subject, where the abstract says it of itself: "We
    repurpose pre-trained LLMs ..." -> "LaViLa repurposes pre-trained LLMs ...", "Our models
    set ..." -> "Movie Gen's models set ..."; None for any other sentence, and for one that
    says "we" again (its verbs can't all be turned; "us" and "our" can: "it", "its")."""
    if not (source.paper.aliases or subject):
        return None
    if proposed := _proposed_clause(source, i, subject):  # "We introduce LaViLa, a new approach ..."
        return proposed
    sentence = _CONNECTIVE.sub("", strip_markers(source.sentences[i]).rstrip(" ."))
    name = source.paper.title if source.paper.aliases else subject
    if any(re.match(rf"{re.escape(n)}\s+[a-z]+s\b", sentence) for n in (source.paper.title, *source.paper.aliases)):
        return _cut(sentence, i)  # "MetaCLIP takes a raw data pool ..."
    if source.paper.aliases and any(mentions(URL_IN_TEXT.sub(" ", sentence), n) for n in (source.paper.title, *source.paper.aliases)):
        # "Compared to the state-of-the-art SDXLv1.0, Emu is preferred 68.4% ... and our Open
        # User Input benchmark": it names the paper (not inside a link); "our" is the paper's.
        if not re.search(r"\b(?:we|us)\b", sentence, re.I):
            own = "|".join(re.escape(n) for n in sorted({source.paper.title, *source.paper.aliases}, key=len, reverse=True))
            sentence = re.sub(rf"\b[Oo]ur\s+(?=(?:{own})\b)", "", sentence)  # "our EfficientSAMs": the paper itself
            return _cut(_lower_first(re.sub(r"\b[Oo]ur\b", "its", sentence), source), i)
    m = _WE_DO.match(sentence)
    if not m or re.search(r"\bwe\b", m.group("rest"), re.I):
        return None
    rest = re.sub(r"\bus\b", "it", re.sub(r"\b[Oo]ur\b", "its", m.group("rest")))
    if m.group("verb") is None:  # "Our experiments on ... reveal ...": cut short, it would lose its verb
        return clause if (clause := _cut(f"{name}'s {rest}", i)).whole else None
    # "We repurpose LLMs ..., and finetune them to ...": the verb after "and" that takes an
    # object as the first one does is the same subject's.
    rest = re.sub(r"\b(and\s+)([a-z]+)(?=\s+(?:it|them|the|a|an|its|this|these|those)\b)", lambda v: v.group(0) if v.group(2) in STOPWORDS | _NO_VERBS else v.group(1) + _third_person(v.group(2)), rest)
    return _cut(f"{name} {_third_person(m.group('verb'))} {rest}", i)


def quoted_clause(source: Source, i: int, subject: str | None = None) -> Clause | None:
    """Sentence `i` quoted as what the paper's abstract says: 'the Emu Video abstract says:
    "In human evaluations, our generated videos ..."'; None for a paper with no name of its own
    and no `subject`."""
    if not (source.paper.aliases or subject):
        return None
    owner = f"the {source.paper.title} abstract" if source.paper.aliases else f"{subject}'s abstract"
    return Clause(f"{owner} says: \u201c{strip_markers(source.sentences[i]).rstrip(' .')}\u201d", True, i, quoted=True)


def _third_person(verb: str) -> str:
    """The verb of "we ..." as said of "it": "repurpose" -> "repurposes", "are" -> "is"; a past
    form ("found", "trained") as it is."""
    verb = verb.lower()
    if verb in _THIRD_PERSON or verb.endswith("ed") or verb in _PAST:
        return _THIRD_PERSON.get(verb, verb)
    if re.search(r"(?:s|sh|ch|x|z|o)$", verb):
        return verb + "es"
    if re.search(r"[^aeiou]y$", verb):
        return verb[:-1] + "ies"
    return verb + "s"


def _proposed_clause(source: Source, i: int | None, subject: str | None) -> Clause | None:
    m = _WE_CONTRIBUTE.match(strip_markers(source.sentences[i]).rstrip(" .")) if i is not None else None
    if not m:
        return None
    title, rest = source.paper.title if source.paper.aliases else subject, m.group("rest") or m.group("rest2")
    verb = m.group("verb") or m.group("verb2")
    # "Cut-and-LEaRn (CutLER), a simple approach" / "a new benchmark named FACET (...), a large
    # ...": the paper's name, then what it is.
    own = re.match(r"(?P<head>[^,]{1,90}?),\s+(?P<what>.+)$", rest)
    if own and any(mentions(own.group("head").casefold(), n.casefold()) for n in (title, *source.paper.aliases)):
        what = own.group("what")
        if doing := re.match(r"in which we (?P<verb>[a-z]+) (?P<rest>.+)$", what):
            # "we introduce block caching, in which we reuse outputs ...": "Block caching reuses outputs ..."
            clause = f"{title} {_third_person(doing.group('verb'))} {doing.group('rest')}"
        else:
            verb = "is" if re.match(r"(?:a|an|the|one)\b", what, re.I) else "are"
            clause = f"{title} {verb} {what}"
    elif (named := re.match(r"(?P<head>[^,]{1,90}?)\s+and\s+(?P<verb>[a-z]+)\s+(?P<what>.+)$", rest)) and any(
        mentions(named.group("head"), n) for n in (title, *source.paper.aliases)
    ):
        # "We present Mixture of Data Experts (MoDE) and learn a system of ...": "MoDE learns a system of ..."
        clause = f"{title} {_third_person(named.group('verb'))} {named.group('what')}"
    else:
        clause = f"{title} {verb.lower()}s {rest}"
    # A long clause ends where the next one starts; "while" and ";" always end it, since they
    # join the papers' clauses in the answer.
    return _cut(clause, i)


def _cut(clause: str, index: int) -> Clause:
    for c in _CLAUSE_END.finditer(clause):
        head = clause[: c.start()]
        if lead_on := _LEADS_ON.search(head):  # "study questions such as: ...": what follows is the head's own
            if "?" in clause[c.start() :]:  # "... such as: how many samples are needed ...?" asks, it tells nothing
                return Clause(head[: lead_on.start()].rstrip(" ,;:"), False, index)
            continue
        if len(head.split()) >= 8 and (len(clause.split()) > CLAUSE_WORDS or _CLAUSE_BREAK.match(c.group(0))):
            return Clause(head.rstrip(" ,;:"), False, index)
    return Clause(clause.rstrip(" ,;:"), True, index)


# Verbs of a result, not of what a method does ("MetaCLIP achieves 70.8%").
_RESULT_VERBS = frozenset(
    """achieves outperforms surpasses improves obtains reaches attains sets beats performs shows demonstrates
    yields is was has can also""".split()
)


def _does_clause(source: Source) -> Clause | None:
    """Where the abstract never says "we propose X", its first sentence with the paper's own
    name as subject, doing something: "MetaCLIP takes a raw data pool and metadata ..."."""
    if not source.paper.aliases:
        return None
    names = "|".join(re.escape(n) for n in sorted({source.paper.title, *source.paper.aliases}, key=len, reverse=True))
    for i, sentence in enumerate(source.sentences):
        m = re.match(rf"(?:{names})\s+(?:first\s+)?([a-z]+s)\b", strip_markers(sentence))
        if m and m.group(1) not in _RESULT_VERBS:
            return _cut(strip_markers(sentence).rstrip(" ."), i)
    return None


# "does I-JEPA rely on hand-crafted augmentations?": a question answered yes or no.
_YES_NO = re.compile(r"^\s*(?:does|do|did|is|are|was|were|can|could|has|have)\s", re.I)
# Words that turn what follows them into its opposite ("without relying on ...", "non-generative").
_NEGATED = re.compile(r"\b(?:not|no|never|without|neither|nor|instead|rather|cannot|free)\b|n't|^non-", re.I)
# The verb of "does X use/need Y?": an abstract may say it in another one ("without requiring Y").
_DOING = content_words("use uses using need needs require requires rely relies employ employs utilize leverage apply depend")
# Words of a yes/no question that ask nothing of the abstract ("is X able to ...").
_YES_NO_FRAME = content_words("able possible capable any anything support really actually also still")


def yes_or_no(question: str, source: Source, quote: str) -> str | None:
    """"Yes" or "No" for a yes/no question about one paper when the quote that leads the answer
    states every asked word: "No" where a negation ("without", "not") comes right before the
    first of them, "Yes" where the sentence negates nothing; None otherwise. Where it states
    all but the question's verb ("use", "need": `_DOING`), only a "No" is given."""
    if not _YES_NO.match(question) or " or " in question.casefold() or _NEGATED.search(question):
        return None  # "... A or B?" is no yes/no; "does it work without labels?" turns the answer
    unnamed = without_names(question, source)  # "does gismo use a graph?": "graph" is asked, though a name holds it
    asked = (content_words(unnamed) if unnamed != question else content_words(question) - source.name_words) - _YES_NO_FRAME
    sentence = strip_markers(quote)
    if media := made_media(question):
        # "does videopoet generate audio?": "capable of synthesizing high-quality video, with
        # matching audio" makes it, in another verb; LaViLa's "auto-generated narrations ... of
        # long videos" makes none (a "Yes" needs the medium made, not two words in a sentence).
        return "Yes" if all(makes(sentence, m) for m in media) and not _NEGATED.search(sentence) else None
    said = content_words(sentence)
    full = True  # every asked word stands in the sentence: it may say "Yes"
    if not asked or not asked <= said:
        # "does emu video need a cascade of models?": "without requiring a deep cascade of
        # models" says no in another verb; only a negated thing answers, never a "Yes".
        things = asked - _DOING
        if things == asked or not things or not things <= said:
            return None
        asked, full = things, False
    tokens = re.findall(r"[\w'-]+", sentence)
    hits = [i for i, t in enumerate(tokens) if content_words(t) & asked]
    negated = [i for i, t in enumerate(tokens) if _NEGATED.search(t)]
    if not negated:
        return "Yes" if full else None
    # "without relying on hand-crafted data-augmentations" (up to four words before the first
    # asked one), "a non-generative approach" (the asked word's own token)
    if hits and any(0 <= hits[0] - i <= 4 for i in negated) and all(i <= hits[0] for i in negated):
        return "No"
    return None


# "Furthermore, LaViLa trained with ...": a word that links a sentence to the one before it.
_CONNECTIVE = re.compile(
    r"^(?:Furthermore|Moreover|Additionally|In addition|Also|Further|Finally|Thus|Therefore|Hence|Notably|"
    r"Importantly|Specifically|Consequently|As a result|In particular|Besides|However|Meanwhile),\s+(?=\S)"
)


def _lower_first(sentence: str, source: Source) -> str:
    """The sentence to follow "Yes —": without a linking word that opens it ("Furthermore,"),
    its first word in lower case when it is a plain word ("We", "This", "A"), as written when
    it is a name or a term ("I-JEPA", "CutLER", "LLMs")."""
    sentence = _CONNECTIVE.sub("", sentence)
    first = sentence.split(" ", 1)[0]
    plain = first.isalpha() and first[:1].isupper() and first[1:] == first[1:].lower() and first != "I"
    return first.lower() + sentence[len(first) :] if plain and stem(first.lower()) not in source.name_words else sentence


# "which is faster, A or B?", "which approach needs fewer labels": a comparison that asks for
# one of the papers by a comparative.
_WHICH_CLAUSE = re.compile(r"\bwhich\b[^,;?]*", re.I)
_COMPARATIVES = frozenset(
    "more less fewer better worse faster slower larger smaller bigger higher lower cheaper stronger "
    "weaker simpler longer shorter easier harder lighter heavier deeper best worst most least fastest "
    "largest smallest highest lowest cheapest".split()
)


def names_other(side: Source, others: list[Source]) -> Exact | None:
    """The sentence of `side`'s abstract that names one of `others` most often ("an extension of
    the Masked Siamese Networks (MSN) method", not "(e.g., SimCLR, SwAV, MSN)"), quoted; None
    where it names none. Names are read as written (an ordinary word like "mode" only in the
    name's own capitals or in capitals, "EMU"), never inside a URL or inside the side's own name
    ("Emu Video" does not name Emu; a title derived from the abstract is no name of its own)."""
    own = [side.paper.title, *side.paper.aliases] if side.paper.aliases else []  # a derived title is no name
    texts = [strip_names(URL_IN_TEXT.sub(" ", sentence), own) for sentence in side.sentences]
    best, most = None, 0
    for other in others:
        names = sorted({other.paper.title, *other.paper.aliases}, key=len, reverse=True)
        written = [
            re.compile(rf"(?<![\w-])(?:{re.escape(n)}|{re.escape(n.upper())})s?(?![\w-])", 0 if is_english(n.casefold()) else re.I)
            for n in names
        ]
        for sentence, text in zip(side.sentences, texts, strict=True):
            count = 0
            for pattern in written:  # longest first, each mention counted once
                count += len(pattern.findall(text))
                text = pattern.sub(" ", text)
            if count > most:
                best, most = (other, sentence), count
    if best is None:
        return None
    other, sentence = best
    return Exact(
        f"The {side.paper.title} abstract names {other.paper.title}: \u201c{sentence.rstrip().rstrip('.')}\u201d.",
        [side.n],
        {side.n: [sentence]},
        note="names the other paper (exact)",
    )


def _picks_one(question: str, sides: list[Source]) -> Exact | None:
    """"Which is faster, MoViNets or VideoPoet?" where no abstract names another of the
    papers: none measures one against another, so the first sentence says they don't tell."""
    m = _WHICH_CLAUSE.search(question)
    if m is None or not _COMPARATIVES & {w.casefold() for w in re.findall(r"[A-Za-z]+", m.group(0))}:
        return None
    names = [[s.paper.title, *s.paper.aliases] for s in sides]
    for side in sides:
        others = [n for s, ns in zip(sides, names, strict=True) if s is not side for n in ns]
        if strip_names(side.paper.abstract, others) != side.paper.abstract:
            return None  # one abstract names another paper: it may compare them
    clause = " ".join(m.group(0).split())
    unnamed = strip_names(clause, [n for ns in names for n in ns])
    if unnamed != clause:  # "which of MSN and I-JEPA is better": "which is better"
        unnamed = re.sub(r"\b(?:of|between)\s+(?:(?:and|or|,)\s+)*", "", " ".join(unnamed.split()))
        clause = unnamed if not re.search(r"\b(?:and|or|of|between)\b", unnamed) else "which one it is"
    return Exact(
        f"None of the abstracts of {join_words([s.paper.title for s in sides])} measures one against another, so they don't say "
        f"{clause[:1].lower()}{clause[1:]}; what each reports:",
        note="no comparison between them (exact)",
    )


# "which one also makes sound?", "which of the two needs labels": a thing asked of each paper.
_WHICH_ONE = re.compile(
    r"\bwhich\s+(?:one|of\s+(?:the\s+)?(?:two|them|these|those|both)(?:\s+papers)?)\s+(?:(?:also|actually|really|still)\s+)?"
    r"(?P<what>(?P<verb>[a-z]+)\b[^?;:.,]*)",
    re.I,
)


# Heads a comparison may ask about though any abstract may use them ("architecture wise?").
_ASPECT_HEADS = content_words("architecture backbone data dataset input output modality metric objective loss")


def compared_part(question: str) -> str:
    """The part of a comparison that asks: after a colon or dash that follows the papers ("cutler
    vs the single image+video MAE model: which needs labels?"), or the asking sentence after
    those that tell which papers ("Both do data curation: the text 'quality score' paper vs
    MetaCLIP. How does each decide what to keep?"); else the whole question."""
    for part in (asked_after(question), question_sentences(question)):
        if part and part != question and content_words(part) - GENERIC_STEMS - COMPARING_STEMS:
            return part
    return question


def compared_aspect(question: str, sides: list[Source], part: str | None = None) -> set[str]:
    """The words a comparison asks about beyond the papers' names ("predicts", "data"), read
    from `part` of it (default: `compared_part`); empty for "Compare A and B" / "How does A
    differ from B?"."""
    spelled = [n for s in sides for n in (s.paper.title, *s.paper.aliases)]

    def bare(text: str) -> str:
        return re.sub(r"\bet\s+al\b\.?", " ", strip_names(text, spelled))  # "the two Ren et al. surveys": who wrote them

    whole, part = bare(question), bare(part if part is not None else compared_part(question))
    # a number the telling part writes is asked about ("72.4% in both ... - what does each measure?"),
    # as is a name every compared abstract writes ("COCO gains, CutLER vs EfficientSAMs - what
    # does each report?")
    numbers = {w for w in content_words(whole) if any(c.isdigit() for c in w)}
    held = set.intersection(*(s.words for s in sides)) if sides else set()
    names = {w for t in _TYPED_NAME.findall(whole) for w in content_words(t)} & held
    return content_words(part) - GENERIC_STEMS - COMPARING_STEMS | numbers | names


_TYPED_NAME = re.compile(r"\b[A-Z][\w\-]*[A-Z0-9][\w\-]*\b")  # "COCO", "ViT-B", "ImageNet"


# "the LEGO egocentric action frame paper": words that describe a paper.
# Not "the data used in the two papers": a description holds no article or preposition.
_PAPER_PHRASE = re.compile(
    r"\b(?:the|that|this)\s+((?:(?!(?:the|that|this|of|in|on|by|for|from|with)\s)[\w\-]+\s+){1,6}?)(?:paper|work|study|one)s?\b", re.I
)

# Compounds any abstract may use of itself: they say nothing about what two papers share.
_BOILERPLATE = frozenset(
    "state-of-the-art high-quality large-scale real-world end-to-end well-known so-called up-to-date "
    "off-the-shelf easy-to-use".split()
)


def shared_terms(sources: list[Source], most: int = 4) -> list[str]:
    """Named terms and compound words every one of the abstracts uses ("ImageNet", "self-supervised")."""
    own = {t for s in sources for t in s.name_terms}
    common = set.intersection(*(terms_in(s.paper.abstract) for s in sources)) - own
    words = [
        {w.casefold() for w in re.findall(r"\b[a-z]+(?:-[a-z]+)+\b", s.paper.abstract, re.I)}
        for s in sources
    ]
    stems = [{stem(w) for w in ws} for ws in words]
    rare, seen = [], set()
    for w in sorted(words[0], key=lambda w: ("-" not in w, w)):
        if w not in STOPWORDS and w not in _BOILERPLATE and stem(w) not in seen and all(stem(w) in st for st in stems[1:]):
            if "-" in w:  # compounds say what a method is ("self-supervised", "joint-embedding")
                rare.append(w)
                seen.add(stem(w))  # "generating", "generation", "generative": one of them
    spelled = {t.casefold(): t for s in sources for t in re.findall(r"[\w\-]+", s.paper.abstract)}
    # "ViT-B" is a term and a compound ("vit-b"): said once, as the abstracts spell it
    return [spelled.get(t, t) for t in dict.fromkeys(t.casefold() for t in sorted(common) + rare)][:most]


# Words any abstract writes of itself: what two papers share is never these.
_SELF_WORDS = content_words(
    "present propose introduce show new novel large variety capable different based using use work paper "
    "simple effective efficient strong multiple range wide various including achieve state art foundation"
)


def shared_words(sources: list[Source], most: int = 3) -> list[str]:
    """Of papers that share no named term, the content words every abstract writes that the
    first one's contribution (or opening) sentence holds, as it writes them ("video", "audio"
    of VideoPoet and Movie Gen); none of the papers' own names, nor words every abstract uses."""
    first = sources[0]
    lead = first.sentences[i if (i := contribution_sentence(first.sentences)) is not None else 0]
    # a name's coined words ("UGPIG", "Gen"), not its dictionary ones ("User Graph ...": "graph")
    names = {w for w in content_words(" ".join(n for s in sources for n in (*s.paper.aliases, *s.name_terms))) if not is_english(w)}
    dull = STOPWORDS | GENERIC_STEMS | COMPARING_STEMS | LISTING_FRAME | _SELF_WORDS | names
    found: dict[str, str] = {}
    for token in re.findall(r"[A-Za-z][\w\-]*", without_names(strip_markers(lead), first)):
        boring = token.casefold() in _BOILERPLATE or token.casefold().endswith("ly")  # "high-quality", "highly"
        if not boring and (w := stem(token.casefold())) not in dull and w not in found and all(w in s.words for s in sources[1:]):
            found[w] = token.casefold()
    return list(found.values())[:most]


def _sentence_with(source: Source, term: str) -> str:
    return next((x for x in source.sentences if term.casefold() in x.casefold()), source.sentences[0])


def _lacking(plan: Plan) -> Exact:
    """The closing line of an answer whose paper holds some asked terms, not all."""
    return Exact(f"The abstract does not mention {join_words(plan.missing)}.", note="absence (exact)")


def _best_text(
    question: str, source: Source, embed: SentenceEmbedder, settings: AnswerSettings, k: int, exact: list[str] = ()
) -> str:
    """A source's `k` best sentences for the question, in the abstract's order: what an LLM reads."""
    top = sorted(rank_sentences(question, source, embed, settings.ranking, exact)[:k], key=lambda t: t[1])
    return " ".join(t[2] for t in top)


def topic_messages(question: str, source: Source, embed: SentenceEmbedder, settings: AnswerSettings) -> list[dict]:
    """The prompt asking whether `source` is about what `question` asks (`answer.topic_check`):
    the paper's three best sentences for the question, in the abstract's order."""
    text = _best_text(question, source, embed, settings, 3)
    return [
        {"role": "system", "content": prompts.TOPIC_SYSTEM},
        {"role": "user", "content": prompts.TOPIC_USER.format(text=text, question=question)},
    ]


def llm_messages(
    question: str, plan: Plan, embed: SentenceEmbedder, settings: AnswerSettings, judge: bool = False
) -> list[dict[str, str]]:
    """The chat prompt for an LLM composer: the focus papers' best sentences, numbered.

    With `judge`, the same prompt asks whether the sources state what is asked
    (`prompts.JUDGE_USER`); only the text after the question differs from the answer's.
    """
    lines = []
    for n in plan.focus:
        s = plan.source(n)
        text = _best_text(question, s, embed, settings, 4, plan.query.exact)
        lines.append(prompts.SOURCE_LINE.format(n=s.n, title=s.paper.title, text=text))
    fields = {"sources": "\n".join(lines), "question": question}
    if judge:
        template = prompts.JUDGE_USER
    elif plan.kind == "comparison":
        a, b = (plan.source(n) for n in plan.focus[:2])
        template = prompts.COMPARE_USER
        fields.update(a=a.paper.title, na=a.n, b=b.paper.title, nb=b.n)
    else:
        template = prompts.ANSWER_USER
    return [
        {"role": "system", "content": prompts.ANSWER_SYSTEM},
        {"role": "user", "content": template.format(**fields)},
    ]
