"""Hybrid retrieval: dense (Chroma) + BM25 (bm25s), fused by reciprocal rank, grouped per paper.

On top of the text search, the question is read with the collection's lookup tables
(`names.py`): named papers and arXiv ids are pinned to the top; authors and dates filter the
candidates; misspelled words are corrected first.

Questions are answered on Chroma and bm25s directly: llama-index writes the index (chunking,
`ChromaVectorStore`) but is not imported to read it, which keeps about 2 s of imports off every
fresh `abstractqa ask` on 2 cores (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from abstractqa.config import RetrieveSettings
from abstractqa.evidence import expand_short_forms, holds_term, scale_spellings, stem
from abstractqa.names import CollectionNames, QueryIntent, Speller, lists_author
from abstractqa.query import read_intent
from abstractqa.types import Chunk, Evidence, Paper

if TYPE_CHECKING:
    from pathlib import Path

    from chromadb.api.models.Collection import Collection

    from abstractqa.embedder import Embedder

COLLECTION_LISTED = 50  # "list all papers" in a larger collection: this many, by date


@dataclass(frozen=True)
class Hit:
    """One retrieved chunk: its fused score, and its dense similarity to the question
    (`exp(-cosine distance)`, as llama-index scores Chroma's results; 0 when only BM25 found it)."""

    chunk_id: str
    paper_id: str
    text: str
    score: float
    dense_score: float


class Bm25:
    """bm25s over the chunks' BM25 texts (`bm25_text`), English stop words removed and words
    stemmed (what llama-index's `BM25Retriever` does with the same library); results are
    chunk ids."""

    STOPWORDS = "english"

    def __init__(self, bm25, chunk_ids: list[str], top_k: int):
        self.bm25 = bm25
        self.chunk_ids = chunk_ids
        self.top_k = min(top_k, len(chunk_ids))

    @staticmethod
    def stemmer(words: list[str]) -> list[str]:
        """The answer stage's stemmer (Snowball, and "LLMs" as "LLM"): code, not data, so
        questions are stemmed as the chunks were, and a word's share is counted as it is matched."""
        return [stem(w) for w in words]

    @classmethod
    def build(cls, papers: list[Paper], chunks: list[Chunk], top_k: int) -> Bm25:
        """Index `chunks` (of `papers`), row i being chunks[i]."""
        import bm25s

        by_id = {p.paper_id: p for p in papers}
        index = cls(bm25s.BM25(), [c.chunk_id for c in chunks], top_k)
        texts = [bm25_text(by_id[c.paper_id], c) for c in chunks]
        index.bm25.index(index._tokens(texts), show_progress=False)
        return index

    def _tokens(self, texts: str | list[str]):
        import bm25s

        return bm25s.tokenize(texts, stopwords=self.STOPWORDS, stemmer=self.stemmer, show_progress=False)

    def retrieve(self, query: str) -> list[tuple[str, float]]:
        """(chunk id, score) of the best `top_k` chunks for `query`, best first, 0 scores left out."""
        if not self.top_k:
            return []
        indexes, scores = self.bm25.retrieve(self._tokens(query), k=self.top_k, show_progress=False)
        return [(self.chunk_ids[int(i)], float(v)) for i, v in zip(indexes[0], scores[0], strict=True) if v]


class HybridRetriever:
    """Dense + BM25 chunk retrieval fused with weighted reciprocal rank fusion.

    Returns chunks (as `Hit`), at most `passages_per_paper` per paper, so one paper's many
    chunks can't push other papers out of the candidates. Each carries its dense similarity to
    the question, per call, so concurrent questions never see each other's scores.
    """

    def __init__(
        self,
        collection: Collection,
        embed_model: Embedder,
        chunks: list[Chunk],
        papers: list[Paper],
        settings: RetrieveSettings,
        bm25_dir: Path | None = None,
    ):
        """`bm25_dir` keeps the BM25 index for the next start (None: built every time)."""
        from abstractqa.persisted import load_bm25, save_bm25

        self._collection = collection
        self._embed = embed_model
        self._settings = settings
        self._live = {c.chunk_id: c for c in chunks}
        # BM25 sees the words people search metadata by: the name, authors, id and date.
        top_k = min(settings.candidates, len(chunks))
        self._bm25 = load_bm25(bm25_dir, chunks, top_k) if bm25_dir else None
        if self._bm25 is None:
            self._bm25 = Bm25.build(papers, chunks, top_k)
            if bm25_dir:
                save_bm25(self._bm25, bm25_dir, chunks)

    def chunk_share(self, word: str) -> float:
        """The share of chunks whose BM25 tokens hold the stemmed `word` (0 when none do)."""
        bm25 = self._bm25.bm25
        i = bm25.vocab_dict.get(word)
        if i is None or not bm25.scores["num_docs"]:
            return 0.0
        indptr = bm25.scores["indptr"]
        return float(indptr[i + 1] - indptr[i]) / bm25.scores["num_docs"]

    def retrieve(self, query: str) -> list[Hit]:
        """The chunks for `query` by both searches, fused."""
        s = self._settings
        embedding = self._embed.get_query_embedding(query)
        # Ask for a few more than needed: vectors of an unfinished ingest are ignored.
        result = self._collection.query(
            query_embeddings=[embedding], n_results=s.candidates + 8, include=["distances"]
        )
        dense = [
            (i, math.exp(-d))
            for i, d in zip(result["ids"][0], result["distances"][0], strict=True)
            if i in self._live
        ]
        return self._fused(query, dense)

    def lexical(self, query: str) -> list[Hit]:
        """The chunks that hold the query's words, by BM25 alone (scored and grouped as
        `retrieve` does): a listing's topic words find every abstract that writes them."""
        return self._fused(query, [])

    def _fused(self, query: str, dense: list[tuple[str, float]]) -> list[Hit]:
        s = self._settings
        dense_score = dict(dense)
        sparse = self._bm25.retrieve(query)
        fused: dict[str, float] = defaultdict(float)
        for weight, ranking in ((s.dense_weight, dense), (s.bm25_weight, sparse)):
            for rank, (chunk_id, _) in enumerate(ranking[: s.candidates]):
                fused[chunk_id] += weight / (s.rrf_k + rank + 1)
        per_paper: dict[str, int] = defaultdict(int)
        out = []
        for chunk_id, score in sorted(fused.items(), key=lambda x: -x[1]):
            chunk = self._live[chunk_id]
            if per_paper[chunk.paper_id] >= s.passages_per_paper:
                continue
            per_paper[chunk.paper_id] += 1
            out.append(Hit(chunk_id, chunk.paper_id, chunk.text, score, dense_score.get(chunk_id, 0.0)))
        return out


def bm25_text(paper: Paper, chunk: Chunk) -> str:
    meta = " ".join(
        filter(None, [", ".join(paper.aliases), ", ".join(paper.authors), paper.arxiv_id, paper.created])
    )
    text = f"{meta}\n{chunk.text}" if meta else chunk.text
    # "10B" finds "dense 10 billion parameters"; "30 billion" finds "a 30B parameter transformer".
    return f"{text}\n{spelled}" if (spelled := scale_spellings(chunk.text)) else text


class PaperRetriever:
    """Ranks papers for a question: hybrid chunk search, grouped per paper, plus metadata intent.

    Example:
        >>> retriever = PaperRetriever(collection, embedder, manifest.papers, manifest.chunks, settings.retrieve)  # doctest: +SKIP
        >>> [e.paper.title for e in retriever.search("How does MSN differ from I-JEPA?")][:2]  # doctest: +SKIP
        ['MSN', 'I-JEPA']
    """

    def __init__(
        self,
        collection: Collection,
        embed_model: Embedder,
        papers: list[Paper],
        chunks: list[Chunk],
        settings: RetrieveSettings,
        bm25_dir: Path | None = None,
        tables_path: Path | None = None,
    ):
        """`bm25_dir` and `tables_path` keep the BM25 index and the name tables for the next
        start (`abstractqa.persisted`); None builds them every time."""
        from abstractqa.embedder import model_vocabulary
        from abstractqa.persisted import load_tables, save_tables

        self.settings = settings
        self.papers = {p.paper_id: p for p in papers}
        kept = load_tables(tables_path, papers, chunks) if tables_path else None
        try:
            self.names = CollectionNames(papers, kept["names"])
            self.speller = Speller([], [], vocabulary=kept["speller"])
        except (TypeError, KeyError, AttributeError, ValueError):  # none kept, or not of this shape
            self.names = CollectionNames(papers, common_words=model_vocabulary(embed_model))
            self.speller = Speller([p.abstract for p in papers], [a for p in papers for a in p.aliases])
            if tables_path:
                save_tables(tables_path, papers, chunks, self.names, self.speller)
        self.hybrid = HybridRetriever(collection, embed_model, chunks, papers, settings, bm25_dir)
        self._chunks_by_paper: dict[str, list[str]] = defaultdict(list)
        for c in chunks:
            self._chunks_by_paper[c.paper_id].append(c.text)

    def correct(self, question: str) -> str:
        """The question with misspelled words replaced by the collection's nearest words, and
        typed short forms ("recsys", "acc") by the words they stand for."""
        return expand_short_forms(self.speller.correct(question))

    def chunk_share(self, word: str) -> float:
        """How common a stemmed word is here: the share of chunks holding it (BM25's counts)."""
        return self.hybrid.chunk_share(word)

    def search(
        self,
        question: str,
        k: int | None = None,
        authors: list[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        intent: QueryIntent | None = None,
        lexical: bool = False,
    ) -> list[Evidence]:
        """The best `k` papers for `question`, each with its best passage (by BM25 alone
        where `lexical`).

        `authors`, `date_from` and `date_to` are explicit filters (from the UI or CLI); names,
        ids, authors and dates written in the question are read from it as well (or taken
        from `intent`, when the caller has read the question already). Words the collection
        doesn't know are first corrected to the nearest ones it does (`correct`).
        """
        if not question.strip():
            raise ValueError("empty question")
        k = k or self.settings.top_k
        if intent is None:  # a caller with an intent has read (and corrected) the question already
            question = self.correct(question)
            # Read as the answer stage reads it: a URL in it names its paper, and asks for no
            # papers with a link.
            intent, _ = read_intent(question, self.names)
        pinned, allowed = self.names.matching(intent)
        explicit = self._explicit_filter(authors, date_from, date_to)
        if explicit is not None:
            allowed = explicit if allowed is None else (allowed & explicit) or explicit
            pinned = [p for p in pinned if p in allowed]
        if allowed is not None and not allowed and explicit is None:
            allowed = None  # a date or name that matches nothing is not a filter

        hits = self.hybrid.lexical(question) if lexical else self.hybrid.retrieve(question)
        by_paper: dict[str, list[Hit]] = defaultdict(list)
        for hit in hits:
            by_paper[hit.paper_id].append(hit)
        ranked = sorted(by_paper, key=lambda pid: -max(h.score for h in by_paper[pid]))
        if allowed is not None:
            # Every paper that passes the filter stays a candidate, even without a text match.
            ranked = [pid for pid in ranked if pid in allowed] + sorted(
                allowed - set(ranked), key=self._order
            )
        order = list(dict.fromkeys(pinned + ranked))
        if allowed is not None and (intent.authors or intent.dates or intent.linked or intent.recorded):
            k = max(k, min(len(allowed), 20))  # "papers by X" lists all of them
        if intent.recorded and allowed is not None:  # "which papers have no date?": up to as many as "list all papers"
            k = max(k, min(len(allowed), COLLECTION_LISTED))
        if intent.collection:  # "list all papers": the collection itself, the earliest created first
            order = sorted(order, key=self._order)
            k = max(k, min(len(allowed), COLLECTION_LISTED))

        results = []
        top = max((h.score for h in hits), default=1.0) or 1.0
        for rank, pid in enumerate(order[:k]):
            paper_hits = by_paper.get(pid, [])
            passages = [h.text for h in paper_hits] or self._chunks_by_paper[pid][:1]
            fused = max((h.score for h in paper_hits), default=0.0)
            reason = self._reason(pid, intent, pinned, allowed)
            results.append(
                Evidence(
                    paper=self.papers[pid],
                    # Pinned and filtered papers outrank text matches; keep scores monotonic.
                    score=(1.0 + (k - rank) / k) if reason != "search" else fused / top,
                    dense_score=max((h.dense_score for h in paper_hits), default=0.0),
                    text=passages[0],
                    passages=passages,
                    reason=reason,
                )
            )
        return results

    def holding(self, terms: list[str]) -> list[Evidence]:
        """Every paper whose abstract writes all of `terms` ("72.4" as a number), each with its
        first passage holding the first of them: "which paper reports 72.4%?" is an exact lookup."""
        found = []
        for pid, paper in self.papers.items():
            if terms and all(holds_term(paper.abstract, t) for t in terms):
                chunks = self._chunks_by_paper[pid]
                text = next((c for c in chunks if holds_term(c, terms[0])), chunks[0] if chunks else paper.abstract)
                found.append(Evidence(paper=paper, score=1.0, text=text, passages=[text], reason="search"))
        return found

    def _order(self, pid: str) -> tuple:
        p = self.papers[pid]
        return (p.created or "", p.title)

    def _reason(self, pid: str, intent: QueryIntent, pinned: list[str], allowed: set[str] | None) -> str:
        paper = self.papers[pid]
        if paper.arxiv_id and paper.arxiv_id in intent.arxiv_ids:
            return "arxiv"
        if pid in pinned:
            return "name"
        if allowed is not None and intent.authors and pid in allowed:
            return "author"
        if allowed is not None and intent.dates and pid in allowed:
            return "date"
        if intent.collection:
            return "collection"
        if intent.linked and allowed is not None and pid in allowed:
            return "link"
        if intent.recorded and allowed is not None and pid in allowed:
            return "record"
        return "search"

    def _explicit_filter(
        self, authors: list[str] | None, date_from: str | None, date_to: str | None
    ) -> set[str] | None:
        if not authors and not date_from and not date_to:
            return None
        keep = set(self.papers)
        if authors:
            wanted = [a for a in authors if a.strip()]
            keep = {pid for pid in keep if any(lists_author(self.papers[pid], w) for w in wanted)}
        if date_from or date_to:
            lo, hi = date_from or "0000", (date_to or "9999") + "\uffff"
            keep = {pid for pid in keep if self.papers[pid].created and lo <= self.papers[pid].created <= hi}
        return keep
