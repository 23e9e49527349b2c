"""The one `Assistant` object that the CLI, the web app and the evaluation all drive."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from pathlib import Path

from abstractqa import prompts
from abstractqa.answer import (
    NOT_COVERED,
    Citer,
    GeneratorError,
    SentenceEmbedder,
    build_generator,
    checked_sentences,
    plan_answer,
)
from abstractqa.config import Settings
from abstractqa.corpus import Corpus, load_corpus
from abstractqa.index import (
    IndexUnavailable,
    IngestReport,
    ingest,
    is_current,
    load_embedder,
    manifest_store,
    open_vector_store,
    plan_ingest,
)
from abstractqa.types import Answer, Evidence, Paper, SentenceCheck, Timings

log = logging.getLogger(__name__)

ANAPHORA = re.compile(
    r"\b(it|its|it's|they|them|their|this (paper|method|model|work|approach)|that (paper|method|model)|the (paper|method|model|approach)|both|these|those|the (first|second|former|latter))\b",
    re.I,
)


class QuestionError(ValueError):
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

    def __init__(self, settings: Settings, embed_model=None):
        prompts.check_prompts()
        self.settings = settings
        self._embed_model = embed_model
        self._sentence_embedder: SentenceEmbedder | None = None
        self._retriever = None
        self._manifests = None  # where the manifest lives (file or Chroma), opened on first use
        self._manifest_version: object = None
        self._checked_at = 0.0
        self._generators: dict[str, object] = {}
        self._lock = threading.Lock()
        self._generate_lock = threading.Lock()  # one in-process LLM can't run two prompts at once

    # -- parts, built on first use -------------------------------------------------------------

    @property
    def embed_model(self):
        if self._embed_model is None:
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

    def _load_retriever(self, version: object) -> None:
        from abstractqa.retrieve import PaperRetriever

        manifest = self._manifests.read()
        if manifest is None:
            raise IndexUnavailable("no index yet for these settings: run `abstractqa ingest` first")
        store = open_vector_store(self.settings, create=False)
        self._retriever = PaperRetriever(
            store, self.embed_model, manifest.papers, manifest.chunks, self.settings.retrieve
        )
        self._manifest_version = version

    def generator(self, mode: str | None = None):
        mode = mode or self.settings.answer.mode
        with self._lock:
            if mode not in self._generators:
                answer_settings = self.settings.answer.model_copy(update={"mode": mode})
                self._generators[mode] = build_generator(answer_settings, self.sentence_embedder)
            return self._generators[mode]

    # -- corpus and index ----------------------------------------------------------------------

    def read_corpus(self, paths: list[Path] | None = None) -> Corpus:
        corpus = self.settings.corpus
        return load_corpus(paths or corpus.paths, min_words=corpus.min_words, max_chars=corpus.max_abstract_chars)

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
        self, progress: bool = True, on_remove: Callable[[list[Paper]], None] | None = None
    ) -> tuple[Corpus, IngestReport | None]:
        """Ingest when the index is missing, older than the seed files or missing vectors."""
        plan = plan_ingest(self.settings)
        if is_current(plan, self.settings):
            return plan.corpus, None
        return self.ingest(progress=progress, on_remove=on_remove)

    def papers(self) -> list[Paper]:
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
    ) -> Iterator[str | Answer]:
        """Yield answer text as it is checked, sentence by sentence, then the final `Answer`."""
        answer_settings = self.settings.answer
        if passages:
            answer_settings = answer_settings.model_copy(update={"max_passages": int(passages)})
        question = self._validate(question)
        mode = mode or self.settings.answer.mode
        generator = self.generator(mode)  # loading a model is not part of an answer's latency
        t0 = time.perf_counter()
        standalone, focus = self.rewrite(question, history or [], generator)
        evidence = self.retriever.search(
            standalone, k=max(answer_settings.max_passages, self.settings.retrieve.top_k), **filters
        )
        if focus:
            # Papers of the previous turn come first for "it"/"they" follow-ups.
            pinned = [e for pid in focus for e in evidence if e.paper.paper_id == pid]
            missing = [pid for pid in focus if pid not in {e.paper.paper_id for e in evidence}]
            extra = [
                Evidence(
                    paper=self.retriever.papers[pid],
                    score=1.0,
                    text=self.retriever.papers[pid].abstract,
                    reason="name",
                )
                for pid in missing
                if pid in self.retriever.papers
            ]
            for e in pinned:
                e.reason = "name"
            evidence = pinned + extra + [e for e in evidence if e.paper.paper_id not in focus]
        t1 = time.perf_counter()
        plan = plan_answer(standalone, evidence, self.sentence_embedder, answer_settings)
        citer = Citer(plan.sources, self.sentence_embedder, self.settings.answer.support_threshold)
        checks: list[SentenceCheck] = []
        text = ""
        refused = bool(plan.refuse)
        if not refused:
            raw: list[str] = []
            with self._generate_lock if mode != "extractive" else nullcontext():
                for shown, check in checked_sentences(
                    _tee(generator.generate(standalone, plan), raw), citer, self.settings.answer.unsupported
                ):
                    checks.append(check) if check is not None else None
                    if shown:
                        text += shown
                        yield shown
            if not any(c.supported for c in checks):
                if NOT_COVERED.search("".join(raw)):
                    refused = True  # the generator itself says the sources don't cover it
                elif mode != "extractive":
                    # Nothing the model wrote held up against the sources: answer with the
                    # sources' own sentences instead of showing nothing or something unchecked.
                    extractive = self.generator("extractive")
                    for shown, check in checked_sentences(
                        extractive.generate(standalone, plan), citer, "remove"
                    ):
                        if check is not None:
                            check.note = (check.note + "; " if check.note else "") + "extractive fallback"
                            checks.append(check)
                        if shown:
                            text += shown
                            yield shown
                refused = refused or not any(c.supported for c in checks)
        if refused:
            text = self._refusal(plan)
            yield text
        t2 = time.perf_counter()
        yield Answer(
            question=question,
            standalone_question=standalone,
            answer=text.strip(),
            refused=refused,
            citations=[] if refused else citer.citations(),
            evidence=evidence,
            sentences=checks,
            mode=mode,
            timings=Timings(
                retrieve_s=round(t1 - t0, 4), generate_s=round(t2 - t1, 4), total_s=round(t2 - t0, 4)
            ),
            config_hash=self.settings.config_hash(),
        )

    def rewrite(self, question: str, history: list[Answer], generator) -> tuple[str, list[str]]:
        """A follow-up as a standalone question, plus the papers the conversation was about."""
        if not history:
            return question, []
        last = next((h for h in reversed(history) if not h.refused and h.citations), None)
        if last is None or not ANAPHORA.search(question):
            return question, []
        focus = list(dict.fromkeys(c.paper_id for c in last.citations))
        titles = [c.title for c in last.citations if c.paper_id in focus]
        titles = list(dict.fromkeys(titles))
        name = " and ".join(titles)
        if getattr(generator, "name", "") in ("llamacpp", "openai"):
            try:
                history_text = f"Q: {last.standalone_question}\nA: {last.answer[:400]}"
                rewritten = (
                    generator.complete(
                        [
                            {"role": "system", "content": prompts.REWRITE_SYSTEM},
                            {
                                "role": "user",
                                "content": prompts.REWRITE_USER.format(
                                    history=history_text, question=question
                                ),
                            },
                        ]
                    )
                    .strip()
                    .splitlines()
                )
                if rewritten and any(t.casefold() in rewritten[0].casefold() for t in titles):
                    return rewritten[0].strip(), focus
            except GeneratorError:
                pass
        standalone = ANAPHORA.sub(lambda m: _replace_pronoun(m.group(0), name), question, count=1)
        standalone = re.sub(r"^(and|so|also|but)\s+", "", standalone, flags=re.I)
        return standalone[:1].upper() + standalone[1:], focus

    def _refusal(self, plan) -> str:
        lines = [prompts.REFUSAL]
        related = plan.sources[:3]
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


def _replace_pronoun(pronoun: str, name: str) -> str:
    lower = pronoun.lower()
    if lower in ("its", "their"):
        return f"{name}'s"
    return name


def _tee(pieces: Iterator[str], into: list[str]) -> Iterator[str]:
    for piece in pieces:
        into.append(piece)
        yield piece
