"""The one `Assistant` object that the CLI, the web app and the evaluation all drive."""

from __future__ import annotations

import dataclasses
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from abstractqa import prompts
from abstractqa.answerable import (
    LLM_REFUSAL_BELOW,
    MAX_LISTED,
    made_thing,
    media_asked,
    plan_answer,
    side_descriptions,
    topic_words,
    wants_judgment,
    wants_topic_check,
    weigh_judgment,
    weigh_topic,
)
from abstractqa.compose import ExtractiveComposer, llm_messages, topic_messages
from abstractqa.config import Settings
from abstractqa.corpus import Corpus, load_corpus
from abstractqa.errors import AbstractQAError
from abstractqa.evidence import SentenceEmbedder
from abstractqa.followup import asks_among, asks_of_each, continued, rewrite_follow_up
from abstractqa.index import IngestReport, ingest, is_current
from abstractqa.llm import ChatLLM, GeneratorError, build_llm
from abstractqa.manifest import Manifest, manifest_store, plan_ingest
from abstractqa.prompts import says_cannot_answer
from abstractqa.query import author_via, looked_up_values, read_query
from abstractqa.titles import apply_titles, read_titles, titles_path, write_titles
from abstractqa.types import Answer, Evidence, Paper, Reading, SentenceCheck, Timings
from abstractqa.vector_store import IndexUnavailable, bm25_dir, open_collection, tables_path
from abstractqa.verify import Citer, checked_sentences

log = logging.getLogger(__name__)


class QuestionError(AbstractQAError, ValueError):
    """A question that can't be asked as it is (empty, too long, not text); the message says why."""


# Lone surrogates: what Python makes of bytes that are not UTF-8 (argv, a surrogateescape stdin)
# or what a JSON client sends as "\ud800"; nothing downstream can encode them.
_NOT_UTF8 = re.compile("[\ud800-\udfff]")


class Assistant:
    """Answers questions about the indexed abstracts, citing the papers that support each sentence.

    Example:
        >>> from abstractqa.config import load_settings
        >>> assistant = Assistant(load_settings())  # doctest: +SKIP
        >>> assistant.ensure_index()  # doctest: +SKIP
        >>> answer = assistant.ask("How many GPUs were used to train I-JEPA?")  # doctest: +SKIP
        >>> answer.answer  # doctest: +SKIP
        'For instance, we train a ViT-Huge/16 on ImageNet using 32 A100 GPUs in under 38 hours ... [1].'
        >>> answer.citations[0].title  # doctest: +SKIP
        'I-JEPA'
    """

    def __init__(self, settings: Settings, embed_model=None, llm: ChatLLM | None = None):
        """`embed_model` and `llm` are built from the settings unless given (any `ChatLLM`
        backend, used for the configured `answer.mode`)."""
        prompts.check_prompts()
        self.settings = settings
        self._embed_model = embed_model
        self._sentence_embedder: SentenceEmbedder | None = None
        self._retriever = None
        self._llms: dict[str, ChatLLM | None] = {} if llm is None else {settings.answer.mode: llm}
        self._manifests = None  # where the manifest lives (file or Chroma), opened on first use
        self._manifest_version: object = None
        self._checked_at = 0.0
        self._lock = threading.RLock()  # reentrant: `load` ingests (which takes it) while holding it
        self._embed_lock = threading.Lock()  # the web app loads it while a question may need it
        self._generate_lock = threading.Lock()  # one in-process LLM can't run two prompts at once

    # -- parts, built on first use -------------------------------------------------------------

    @property
    def embed_model(self):
        with self._embed_lock:
            if self._embed_model is None:
                from abstractqa.embedder import load_embedder

                self._embed_model = load_embedder(self.settings.embedding)
            return self._embed_model

    @property
    def sentence_embedder(self) -> SentenceEmbedder:
        if self._sentence_embedder is None:
            self._sentence_embedder = SentenceEmbedder(self.embed_model)
        return self._sentence_embedder

    # Another process (an ingest, or an app server on another machine sharing the Chroma server)
    # can change the index; its manifest is looked at again at most this often.
    MANIFEST_CHECK_S = 1.0

    @property
    def retriever(self):
        with self._lock:
            now = time.monotonic()
            if self._retriever is not None and now - self._checked_at < self.MANIFEST_CHECK_S:
                return self._retriever
            try:
                if self._manifests is None:
                    self._manifests = manifest_store(self.settings)
                version = self._manifests.version()
                if self._retriever is None or version != self._manifest_version:
                    self._load_retriever(version)
            except IndexUnavailable as err:
                if self._retriever is None:
                    raise
                # Keep answering from the index already loaded; say why it was not reloaded.
                log.warning("index not reloaded: %s", err)
            self._checked_at = now
            return self._retriever

    def _read_manifest(self) -> Manifest:
        if self._manifests is None:
            self._manifests = manifest_store(self.settings)
        manifest = self._manifests.read()
        if manifest is None:
            raise IndexUnavailable("no index yet for these settings: run `abstractqa ingest` first")
        return manifest

    def _load_retriever(self, version: object) -> None:
        from abstractqa.retrieve import PaperRetriever

        manifest = self._read_manifest()
        self._retriever = PaperRetriever(
            open_collection(self.settings, create=False),
            self.embed_model,
            manifest.papers,
            manifest.chunks,
            self.settings.retrieve,
            bm25_dir=bm25_dir(self.settings),
            tables_path=tables_path(self.settings),
        )
        self._manifest_version = version

    def llm(self, mode: str | None = None) -> ChatLLM | None:
        """The LLM backend for `mode` (None for extractive), built once."""
        mode = mode or self.settings.answer.mode
        with self._lock:
            if mode not in self._llms:
                self._llms[mode] = build_llm(self.settings.answer.model_copy(update={"mode": mode}))
            return self._llms[mode]

    def topic_llm(self, llm: ChatLLM | None) -> ChatLLM | None:
        """The model for `answer.topic_check` and `answer.judge`: the mode's LLM, else the bundled
        llamacpp one, loaded on first need; None (warned once) where none can load."""
        if llm is not None:
            return llm
        with self._lock:
            if "topic" not in self._llms:
                try:
                    self._llms["topic"] = build_llm(self.settings.answer.model_copy(update={"mode": "llamacpp"}))
                except GeneratorError as err:
                    log.warning("answer.topic_check or answer.judge is on but no LLM can load, so it is skipped: %s", err)
                    self._llms["topic"] = None
            return self._llms["topic"]

    @property
    def composer(self) -> ExtractiveComposer:
        return ExtractiveComposer(self.settings.answer, self.sentence_embedder)

    # -- corpus and index ----------------------------------------------------------------------

    def read_corpus(self, paths: list[Path] | None = None) -> Corpus:
        """The corpus, with the LLM titles cached by `write_titles` applied."""
        corpus = self.settings.corpus
        read = load_corpus(paths or corpus.paths, min_words=corpus.min_words, max_chars=corpus.max_abstract_chars)
        read.papers = apply_titles(read.papers, read_titles(titles_path(self.settings)))
        return read

    def write_titles(self, paths: list[Path] | None = None, progress: bool = True) -> dict[str, int]:
        """Have the LLM write a checked title for each unnamed paper (once; cached by abstract)."""
        mode = self.settings.answer.mode if self.settings.answer.mode != "extractive" else "llamacpp"
        papers = self.read_corpus(paths).papers  # cached titles change titles only, never abstracts
        with self._generate_lock:  # the model is loaded only when a paper has no title yet
            return write_titles(papers, lambda: self.llm(mode), titles_path(self.settings), progress=progress)

    def ingest(
        self,
        paths: list[Path] | None = None,
        progress: bool = True,
        replace: bool = False,
        on_remove: Callable[[list[Paper]], None] | None = None,
    ) -> tuple[Corpus, IngestReport]:
        """Add `paths` (default `corpus.paths`) to the index, re-reading what earlier ingests read.

        `replace` makes the index exactly `paths`; `on_remove` hears which papers are dropped
        before anything is written.
        """
        try:
            return ingest(
                self.settings, self.embed_model, paths, replace=replace, progress=progress, on_remove=on_remove
            )
        finally:
            with self._lock:
                self._retriever = None

    def ensure_index(
        self,
        progress: bool = True,
        on_remove: Callable[[list[Paper]], None] | None = None,
        vectors: bool = True,
    ) -> tuple[Corpus, IngestReport | None]:
        """Ingest when the index is missing, older than the seed files or (unless `vectors` is
        False, which leaves Chroma unopened) missing vectors."""
        plan = plan_ingest(self.settings)
        if is_current(plan, self.settings, vectors=vectors):
            return plan.corpus, None
        return self.ingest(progress=progress, on_remove=on_remove)

    def load(self) -> None:
        """Restore vectors the collection lost, then load the retriever (and the embedder).
        A question asked meanwhile waits: `retriever` takes the same lock."""
        with self._lock:
            self.ensure_index(progress=False)
            self.retriever  # noqa: B018 - loading is the point

    def papers(self) -> list[Paper]:
        """Every indexed paper. Before the first question this reads the index's manifest
        alone, so listing papers (`abstractqa papers`, the web app's first page) loads no model."""
        with self._lock:
            if self._retriever is None:
                return list(self._read_manifest().papers)
        return list(self.retriever.papers.values())

    # -- questions -----------------------------------------------------------------------------

    def search(self, question: str, k: int | None = None, **filters) -> list[Evidence]:
        return self.retriever.search(self._validate(question), k=k, **filters)

    def ask(
        self,
        question: str,
        history: list[Answer] | None = None,
        mode: str | None = None,
        passages: int | None = None,
        **filters,
    ) -> Answer:
        """Answer `question` (a follow-up when `history` holds the earlier turns).

        `mode` overrides `answer.mode`, `passages` overrides `answer.max_passages`, and
        `filters` (authors, date_from, date_to) restrict the papers searched.
        """
        answer = None
        for item in self.ask_stream(question, history=history, mode=mode, passages=passages, **filters):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None
        return answer

    def ask_stream(
        self,
        question: str,
        history: list[Answer] | None = None,
        mode: str | None = None,
        passages: int | None = None,
        **filters,
    ) -> Iterator[str | Reading | Answer]:
        """Yield answer text as it is checked, sentence by sentence, then the final `Answer`.

        Before an LLM writes, a `Reading` names the papers it reads (shown until text comes).

        The steps, one module each: read the question (`query`), retrieve evidence
        (`retrieve`), decide what can be said (`answerable`), compose (`compose`, or an LLM
        for factoid and comparison answers), verify every sentence (`verify`).
        """
        answer_settings = self.settings.answer
        if passages:
            answer_settings = answer_settings.model_copy(update={"max_passages": int(passages)})
        question = self._validate(question)
        mode = mode or self.settings.answer.mode
        llm = self.llm(mode)  # loading a model is not part of an answer's latency
        t0 = time.perf_counter()
        standalone, focus = self.rewrite(question, history or [], llm)
        standalone, evidence, plan = self._plan(question, standalone, focus, answer_settings, filters)
        if history and not focus and plan.status == "not_covered" and plan.query.kind == "factoid" and not plan.query.named:
            # "how long did training take?" after a question on I-JEPA: a question that names no
            # paper and that no paper answers on its own is asked of the last answer's papers.
            again, focus = continued(question, history)
            if focus:
                asked, found, tried = self._plan(question, again, focus, answer_settings, filters)
                # Kept when it answers a question in the collection's own words, or says what the
                # paper lacks of one (not "I-JEPA does not mention GPT-4", nor MSN's quotes for
                # "what is lora?": a word no passage holds makes it a new question).
                known = not (plan.query.unseen or plan.query.exact)
                if tried.status == "answer" and not plan.query.unseen or tried.status == "partial" and known:
                    standalone, evidence, plan = asked, found, tried
        t1 = time.perf_counter()
        check = answer_settings.topic_check == "always" or (answer_settings.topic_check == "llm" and llm)
        read: Reading | None = None  # the Reading already shown

        def reading() -> Reading:
            return Reading(sources=[(n, plan.source(n).paper.title) for n in plan.focus])

        if check and wants_topic_check(plan):
            # The model takes seconds: say at once which paper is being read.
            yield (read := reading())
            self._check_topic(llm, standalone, plan, answer_settings)  # may refuse it
        judging = answer_settings.judge == "always" or (answer_settings.judge == "llm" and llm)
        if judging and wants_judgment(plan, standalone):
            if read != (now := reading()):
                yield (read := now)
            self._judge(llm, standalone, plan, answer_settings)  # may make it partial or refused
        citer = Citer(plan.sources, self.sentence_embedder, self.settings.answer.support_threshold, standalone)
        checks: list[SentenceCheck] = []
        text = ""

        def shown(pieces, unsupported: str, note: str = "") -> Iterator[str]:
            nonlocal text
            for part, check in checked_sentences(pieces, citer, unsupported):
                if check is not None:
                    if note:
                        check.note = (check.note + "; " if check.note else "") + note
                    checks.append(check)
                if part:
                    text += part
                    yield part

        if plan.status != "not_covered":
            extractive = self.composer
            unsupported = self.settings.answer.unsupported
            composed = llm is not None and plan.status == "answer" and plan.kind in ("factoid", "comparison")
            raw: list[str] = []
            if composed:
                # The model takes seconds to read its prompt: say at once what it is reading.
                if read != (now := reading()):
                    yield now
                with self._generate_lock:
                    messages = llm_messages(standalone, plan, self.sentence_embedder, answer_settings)
                    yield from shown(_tee(llm.stream(messages), raw), unsupported)
            if not composed or plan.status == "partial":
                yield from shown(extractive.generate(standalone, plan), unsupported)
            elif plan.status == "answer":
                if any(c.supported for c in checks):
                    # Under the answer, the passages it rests on, quoted.
                    yield from shown(extractive.supporting(standalone, plan), "remove", "supporting quote")
                elif says_cannot_answer("".join(raw)) and plan.best_similarity < LLM_REFUSAL_BELOW:
                    # The model says the sources don't cover it, and the evidence is weak too.
                    plan.decline("not_covered", f"the LLM says the sources don't answer it, and the best "
                                 f"sentence similarity is {plan.best_similarity:.2f}")
                else:
                    # Nothing the model wrote held up against the sources: answer with the
                    # sources' own sentences instead of showing nothing or something unchecked.
                    yield from shown(extractive.generate(standalone, plan), "remove", "extractive fallback")
            if plan.status != "not_covered" and not any(c.supported and c.cited for c in checks):
                plan.decline("not_covered", "no sentence of the answer held up against its sources")
        if plan.status == "not_covered":
            text = self._refusal(plan)
            yield text
        t2 = time.perf_counter()
        yield Answer(
            question=question,
            standalone_question=standalone,
            answer=text.strip(),
            refused=plan.status == "not_covered",
            status={"answer": "answered"}.get(plan.status, plan.status),
            reason=plan.reason,
            kind=plan.kind,
            citations=[] if plan.status == "not_covered" else citer.citations(),
            evidence=evidence,
            sentences=checks,
            mode=mode,
            timings=Timings(
                retrieve_s=round(t1 - t0, 4), generate_s=round(t2 - t1, 4), total_s=round(t2 - t0, 4)
            ),
            config_hash=self.settings.config_hash(),
        )

    def _plan(self, question: str, standalone: str, focus: list[str], answer_settings, filters: dict):
        """Read the (rewritten) question, retrieve, and plan: the standalone question as
        corrected, the evidence and the `Plan`. `focus` are the papers of the conversation."""
        rewritten = standalone != question
        standalone = self.retriever.correct(standalone)
        query = read_query(standalone, self.retriever.names, chunk_share=self.retriever.chunk_share)
        if len(query.named) == 1 and (paper := self.retriever.papers.get(query.named[0])):
            # "who else did the first author of MetaCLIP write with?" is asked of Hu Xu
            if via := author_via(standalone, paper.aliases, paper.authors):
                standalone, person, phrase = via
                query = read_query(standalone, self.retriever.names, chunk_share=self.retriever.chunk_share)
                query = dataclasses.replace(query, author_via=(phrase, person, paper.paper_id))
        # "what do LaViLa and LEGO do?", and the follow-up "what do they find?": asked of each
        # paper, answered side by side (not "how many GPUs did it use?" of a comparison's two).
        each = query.intent.joined and not rewritten or len(focus) > 1 and asks_of_each(question)
        if query.kind == "factoid" and each:
            query = dataclasses.replace(query, kind="comparison")
        k = max(answer_settings.max_passages, self.settings.retrieve.top_k)
        if query.kind == "listing":
            k = max(k, MAX_LISTED + 4)  # every plausible paper is checked, not a fixed few
        # "did Metze write the AV-SUPERB paper?": the person is checked against that paper's record,
        # not a filter that would leave only the papers they wrote.
        intent = dataclasses.replace(query.intent, authors=[]) if query.asks_membership else query.intent
        evidence = self.retriever.search(standalone, k=k, intent=intent, **filters)

        def unseen(more: list[Evidence]) -> list[Evidence]:  # candidates not found yet
            have = {e.paper.paper_id for e in evidence}
            return [e for e in more if e.paper.paper_id not in have]

        if values := looked_up_values(query):
            # "which paper reports 72.4%?": every abstract that writes the value is a candidate
            # (a number embeds poorly, and BM25 may not rank its passage)
            evidence = unseen(self.retriever.holding(values)) + evidence

        if query.kind == "listing" and query.named:
            # "which papers build on masked siamese networks?": those that write "MSN" are
            # candidates too, found by the paper's names alone.
            names = " ".join(a for p in query.named for a in self.retriever.papers[p].aliases)
            extra = unseen(self.retriever.search(names, k=MAX_LISTED, **filters) if names else [])
            cut = max(0, MAX_LISTED + 4 - len(extra))  # ahead of the weakest text matches
            evidence = evidence[:cut] + extra + evidence[cut:]
        if query.kind == "listing" and (words := topic_words(query)) and words != standalone:
            # "which papers use ensembles?": "use" and "papers" are in many abstracts, and BM25
            # counts them; the topic's own words alone find MoViNets' "a simple ensembling technique".
            # Each one is a candidate too, read as the others are.
            evidence += unseen(self.retriever.search(words, k=MAX_LISTED, lexical=True, **filters))
        if query.kind == "comparison" and len(query.named) < 2:
            # "the 10B model on random images vs the one that distills a 1B ViT": each described
            # side's closest paper is a candidate, ahead of the whole question's weakest matches.
            extra = unseen([e for side in side_descriptions(standalone) for e in self.retriever.search(side, k=1, **filters)])
            extra = list({e.paper.paper_id: e for e in extra}.values())
            cut = max(0, answer_settings.max_passages - len(extra))
            evidence = evidence[:cut] + extra + evidence[cut:]
        if made := made_thing(query):
            # "which papers propose a benchmark?": any paper may make one; those that write the
            # word are candidates too, each read for whether it makes one.
            evidence += unseen(self.retriever.search(" ".join(sorted(made)), k=3 * MAX_LISTED, **filters))
        if query.kind == "listing" and (media := media_asked(query)):
            # "which papers generate audio?": a paper that makes it says so in words like
            # "synthesizing ... with matching audio", which the question's verb may not find.
            evidence += unseen(self.retriever.search(" ".join(f"{m} generation" for m in media), k=MAX_LISTED, **filters))
        # "which of them use CLIP?": only the last answer's papers are candidates, as found
        # (pinned, they would count as named); "how many GPUs did it use?": those papers first.
        if among := bool(focus) and asks_among(question):
            evidence = [e for e in evidence if e.paper.paper_id in focus]
            query.intent.recorded_total = 0  # a count over the collection is not one among them
            i = query.intent
            if query.kind == "record" and not (i.recorded or i.linked or i.dates or i.authors):
                # "which of them came out first?": a record of each of them answers, every one read
                # (not "how many of them have a github link?": that filter picks among them)
                evidence = self._pin([], focus)
        elif focus:
            evidence = self._pin(evidence, focus)
        plan = plan_answer(query, evidence, self.sentence_embedder, answer_settings)
        if among and plan.status == "not_covered":
            plan.says = f"None of the {len(focus)} papers of the last answer matches this question."
            if not evidence:
                plan.reason = f"none of the {len(focus)} papers of the last answer matches"
        return standalone, evidence, plan

    def _judge(self, llm: ChatLLM | None, question: str, plan, settings) -> None:
        """An LLM's constrained yes/partly/no on whether the sources state what is asked (the
        mode's LLM, else the bundled one, as for the topic check).

        One signal beside the evidence, never the only one: `answerable.weigh_judgment`
        decides what it changes.
        """
        if (judge := self.topic_llm(llm)) is None:
            return
        messages = llm_messages(question, plan, self.sentence_embedder, settings, judge=True)
        try:
            with self._generate_lock:
                reply = judge.judge(messages, prompts.JUDGE_SCHEMA) or {}
        except GeneratorError as err:
            log.warning("the LLM's judgment failed, answering without it: %s", err)
            return
        weigh_judgment(plan, question, reply.get("verdict"), str(reply.get("missing") or ""))

    def _check_topic(self, llm: ChatLLM | None, question: str, plan, settings) -> None:
        """An LLM's constrained yes/no on whether the closest paper is about what is asked; one
        signal beside the evidence (`answerable.weigh_topic` decides what it changes)."""
        if (judge := self.topic_llm(llm)) is None:
            return
        messages = topic_messages(question, plan.source(plan.focus[0]), self.sentence_embedder, settings)
        try:
            with self._generate_lock:
                reply = judge.judge(messages, prompts.TOPIC_SCHEMA) or {}
        except GeneratorError as err:
            log.warning("the LLM's topic check failed, answering without it: %s", err)
            return
        weigh_topic(plan, reply.get("about"))

    def _pin(self, evidence: list[Evidence], focus: list[str]) -> list[Evidence]:
        """Papers of the previous turn first, for "it"/"they" follow-ups."""
        have = {e.paper.paper_id: e for e in evidence}
        pinned = []
        for pid in focus:
            if pid in have:
                pinned.append(have[pid].model_copy(update={"reason": "name"}))
            elif pid in self.retriever.papers:
                paper = self.retriever.papers[pid]
                pinned.append(Evidence(paper=paper, score=1.0, text=paper.abstract, reason="name"))
        return pinned + [e for e in evidence if e.paper.paper_id not in focus]

    def rewrite(self, question: str, history: list[Answer], llm: ChatLLM | None) -> tuple[str, list[str]]:
        """A follow-up as a standalone question, plus the papers the conversation was about."""
        return rewrite_follow_up(question, history, llm, self.retriever.names, self._generate_lock)

    def _refusal(self, plan) -> str:
        lines = [plan.says or prompts.REFUSAL]
        related = plan.sources[:3] if plan.related else []
        if related:
            lines.append("")
            lines.append(prompts.REFUSAL_RELATED)
            for s in related:
                arxiv = f" (arXiv:{s.paper.arxiv_id})" if s.paper.arxiv_id else ""
                lines.append(f"- {s.paper.title}{arxiv}")
        return "\n".join(lines)

    def _validate(self, question: str) -> str:
        if question is None or not str(question).strip():
            raise QuestionError("the question is empty")
        question = str(question).strip()
        limit = self.settings.answer.max_question_chars
        if len(question) > limit:
            raise QuestionError(f"the question is {len(question)} characters long; the limit is {limit}")
        if bad := _NOT_UTF8.search(question):
            raise QuestionError(
                f"the question holds bytes that are not valid UTF-8 (at character {bad.start() + 1})"
            )
        return question


def _tee(pieces: Iterator[str], into: list[str]) -> Iterator[str]:
    for piece in pieces:
        into.append(piece)
        yield piece
