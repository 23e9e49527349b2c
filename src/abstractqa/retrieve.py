"""Hybrid retrieval: dense (Chroma) + BM25 (bm25s), fused by reciprocal rank, grouped per paper.

On top of the text search, a question is read for what a search engine can't guess:
arXiv ids, dates, author names and method names the collection defines ("I-JEPA", "MSN").
Named papers and arXiv ids are pinned to the top; authors and dates filter the candidates.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from abstractqa.config import RetrieveSettings
from abstractqa.evidence import STOPWORDS, stem
from abstractqa.types import Chunk, Evidence, Paper

if TYPE_CHECKING:
    from pathlib import Path

    from llama_index.core.base.embeddings.base import BaseEmbedding
    from llama_index.vector_stores.chroma import ChromaVectorStore

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
MONTH_YEAR = re.compile(
    r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?,?\s+(?:of\s+)?((?:19|20)\d\d)\b", re.I
)
YEAR = re.compile(r"\b(?:in|from|during|since|of)\s+((?:19|20)\d\d)\b", re.I)
DATE_CONTEXT = re.compile(
    r"\b(created|published|posted|released|submitted|dated|appeared|papers?|from|dates?)\b", re.I
)


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


URL_IN_TEXT = re.compile(r"https?://[^\s,;)]+")


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

    def __init__(self, papers: list[Paper], tables: dict | None = None):
        """Build the tables from `papers`, or take them as `tables()` kept them for these papers."""
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
                }:
                    if sum(c.isupper() for c in variant) >= 2 and " " not in variant:
                        exact[variant].add(paper.paper_id)
                    else:
                        loose[variant.casefold()].add(paper.paper_id)
        urls: dict[str, str] = {}
        for paper in papers:
            for url in [*paper.urls, *URL_IN_TEXT.findall(paper.abstract)]:
                urls.setdefault(_url_key(url), paper.paper_id)
        self._set(
            {
                "by_arxiv": by_arxiv,
                "by_author": by_author,
                "display_author": display_author,
                "by_surname": by_surname,
                "exact": exact,
                "loose": loose,
                "urls": urls,
            }
        )

    def _set(self, t: dict) -> None:
        self.by_arxiv: dict[str, str] = t["by_arxiv"]
        self.by_author: dict[str, set[str]] = defaultdict(set, {k: set(v) for k, v in t["by_author"].items()})
        self.display_author: dict[str, str] = t["display_author"]
        self.by_surname: dict[str, set[str]] = defaultdict(set, {k: set(v) for k, v in t["by_surname"].items()})
        self._exact = {k: set(v) for k, v in t["exact"].items()}
        self._loose = {k: set(v) for k, v in t["loose"].items()}
        self._urls: dict[str, str] = t["urls"]
        self._exact_re = self._alternation(self._exact, 0)
        self._loose_re = self._alternation(self._loose, re.I)
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
            "urls": self._urls,
        }

    def is_name(self, term: str) -> bool:
        """Whether `term` is a name some paper of the collection goes by."""
        return term in self._exact or term.casefold() in self._loose

    def by_url(self, urls: list[str]) -> list[str]:
        """Papers whose record or abstract gives one of `urls` (or a page below it)."""
        found = []
        for url in map(_url_key, urls):
            exact = self._urls.get(url)
            # The most specific page: ".../MetaCLIP/tree/main/mode" is MoDE's, not MetaCLIP's.
            near = [(len(key), pid) for key, pid in self._urls.items() if url.startswith(key) or key.startswith(url)]
            if exact or near:
                found.append(exact or max(near)[1])
        return list(dict.fromkeys(found))

    @staticmethod
    def _alternation(names: dict[str, set[str]], flags: int) -> re.Pattern | None:
        if not names:
            return None
        # Longest first, so "Emu Video" wins over "Emu" where both start.
        body = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", flags)

    def read(self, question: str) -> QueryIntent:
        intent = QueryIntent()
        intent.arxiv_ids = ARXIV_ID.findall(question)
        intent.dates = ISO_DATE.findall(question)
        intent.dates += [f"{y}-{MONTHS[m.lower()]:02d}" for m, y in MONTH_YEAR.findall(question)]
        if not intent.dates and DATE_CONTEXT.search(question):
            intent.dates = [y for y in YEAR.findall(question) if not ARXIV_ID.search(y)]
        intent.authors = self._authors(question)
        intent.any_author = bool(re.search(r"\bor\b|\beither\b", question, re.I))
        spans: list[tuple[int, int, set[str]]] = []
        for pattern, table, key in (
            (self._exact_re, self._exact, str),
            (self._loose_re, self._loose, str.casefold),
        ):
            if pattern is not None:
                spans += [(m.start(), m.end(), table[key(m.group(0))]) for m in pattern.finditer(question)]
        named: list[str] = []
        taken_until = -1
        for start, end, pids in sorted(spans, key=lambda x: (x[0], -(x[1] - x[0]))):
            if start >= taken_until:  # overlapping shorter names are parts of a longer one
                taken_until = end
                if len(pids) <= self.MAX_PAPERS_PER_NAME:
                    named += sorted(pids)
        intent.named = list(dict.fromkeys(named))
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
            for surname in re.findall(r"\bby\s+(?:[A-Z]\.\s*)?([A-Z][\w'\-]+)", question):
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
        if intent.dates:
            dated = {
                p.paper_id
                for p in self.papers.values()
                if p.created and any(p.created.startswith(d) for d in intent.dates)
            }
            allowed = dated if allowed is None else allowed & dated
        return pinned, allowed


class Speller:
    """Corrects words the collection doesn't know to the nearest word it does ("quantizaton").

    Exact-token BM25 misses a misspelled word and a short question's vector may not bring the
    paper back, so the question is corrected before either sees it. Only words of five or
    more letters that appear nowhere in the collection are touched; a correction must be
    close (difflib ratio >= 0.88) and starts with the same letter. Names the collection
    defines ("sceentextgen") come back in their own spelling ("SceneTextGen").
    """

    CUTOFF = 0.88

    def __init__(self, texts: list[str], names: list[str], vocabulary: dict | None = None):
        """Learn the words of `texts` and `names`, or take them as `vocabulary()` kept them."""
        if vocabulary is not None:
            self.cased: dict[str, str] = vocabulary["cased"]
            self.known: set[str] = set(vocabulary["known"])
            self.stems: set[str] = set(vocabulary["stems"])
        else:
            words = {w for t in texts for w in re.findall(r"[a-z][a-z\-]{3,}", fold(t))}
            self.cased = {fold(n): n for n in names if len(n) >= 5 and re.fullmatch(r"[\w\-]+", n)}
            self.known = words | set(self.cased)
            self.stems = {stem(w) for w in self.known}
        self._by_letter: dict[str, list[str]] = defaultdict(list)
        for w in sorted(self.known):
            self._by_letter[w[0]].append(w)

    def vocabulary(self) -> dict:
        """What was learnt, as JSON-ready data, for `Speller(..., vocabulary=...)`."""
        return {"cased": self.cased, "known": sorted(self.known), "stems": sorted(self.stems)}

    def correct(self, text: str) -> str:
        return re.sub(r"[A-Za-z][A-Za-z\-]{3,}", self._fix, text)

    def _fix(self, match: re.Match) -> str:
        word = match.group(0)
        low = fold(word)
        if low in self.cased:
            return self.cased[low]
        if len(low) < 5 or low in self.known or low in STOPWORDS or stem(low) in self.stems:
            return word
        pool = [w for w in self._by_letter.get(low[0], ()) if abs(len(w) - len(low)) <= 2]
        close = difflib.get_close_matches(low, pool, n=1, cutoff=self.CUTOFF)
        return self.cased.get(close[0], close[0]) if close else word


class HybridRetriever(BaseRetriever):
    """Dense + BM25 chunk retrieval fused with weighted reciprocal rank fusion.

    Returns chunks (as `NodeWithScore`), at most `passages_per_paper` per paper, so one
    paper's many chunks can't push other papers out of the candidates. Each node carries its
    cosine similarity to the question as `metadata["dense_score"]` (0 when only BM25 found it):
    per call, so concurrent questions never see each other's scores.
    """

    def __init__(
        self,
        store: ChromaVectorStore,
        embed_model: BaseEmbedding,
        chunks: list[Chunk],
        papers: list[Paper],
        settings: RetrieveSettings,
        bm25_dir: Path | None = None,
    ):
        """`bm25_dir` keeps the BM25 index for the next start (None: built every time)."""
        super().__init__()
        import Stemmer
        from llama_index.retrievers.bm25 import BM25Retriever

        from abstractqa.persisted import load_bm25, save_bm25

        self._store = store
        self._embed = embed_model
        self._settings = settings
        self._live = {c.chunk_id: c for c in chunks}
        by_id = {p.paper_id: p for p in papers}
        # BM25 sees the words people search metadata by: the name, authors, id and date.
        top_k = min(settings.candidates, len(chunks))
        self._bm25 = load_bm25(bm25_dir, chunks, top_k) if bm25_dir else None
        if self._bm25 is None:
            nodes = [
                TextNode(id_=c.chunk_id, text=bm25_text(by_id[c.paper_id], c), metadata={"paper_id": c.paper_id})
                for c in chunks
            ]
            self._bm25 = BM25Retriever.from_defaults(
                nodes=nodes, similarity_top_k=top_k, stemmer=Stemmer.Stemmer("english"), language="english"
            )
            if bm25_dir:
                save_bm25(self._bm25, bm25_dir, chunks)

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        from llama_index.core.vector_stores import VectorStoreQuery

        s = self._settings
        embedding = self._embed.get_query_embedding(query_bundle.query_str)
        # Ask for a few more than needed: vectors of an unfinished ingest are ignored.
        result = self._store.query(
            VectorStoreQuery(query_embedding=embedding, similarity_top_k=s.candidates + 8)
        )
        dense = [
            (i, sim)
            for i, sim in zip(result.ids or [], result.similarities or [], strict=False)
            if i in self._live
        ]
        dense_score = dict(dense)
        sparse = [(n.node.node_id, n.score or 0.0) for n in self._bm25.retrieve(query_bundle.query_str)]
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
            out.append(
                NodeWithScore(
                    node=TextNode(
                        id_=chunk_id,
                        text=chunk.text,
                        metadata={"paper_id": chunk.paper_id, "dense_score": dense_score.get(chunk_id, 0.0)},
                    ),
                    score=score,
                )
            )
        return out


def bm25_text(paper: Paper, chunk: Chunk) -> str:
    meta = " ".join(
        filter(None, [", ".join(paper.aliases), ", ".join(paper.authors), paper.arxiv_id, paper.created])
    )
    return f"{meta}\n{chunk.text}" if meta else chunk.text


class PaperRetriever:
    """Ranks papers for a question: hybrid chunk search, grouped per paper, plus metadata intent.

    Example:
        >>> retriever = PaperRetriever(store, embedder, manifest.papers, manifest.chunks, settings.retrieve)  # doctest: +SKIP
        >>> [e.paper.title for e in retriever.search("How does MSN differ from I-JEPA?")][:2]  # doctest: +SKIP
        ['MSN', 'I-JEPA']
    """

    def __init__(
        self,
        store: ChromaVectorStore,
        embed_model: BaseEmbedding,
        papers: list[Paper],
        chunks: list[Chunk],
        settings: RetrieveSettings,
        bm25_dir: Path | None = None,
        tables_path: Path | None = None,
    ):
        """`bm25_dir` and `tables_path` keep the BM25 index and the name tables for the next
        start (`abstractqa.persisted`); None builds them every time."""
        from abstractqa.persisted import load_tables, save_tables

        self.settings = settings
        self.papers = {p.paper_id: p for p in papers}
        kept = load_tables(tables_path, papers, chunks) if tables_path else None
        try:
            self.names = CollectionNames(papers, kept["names"])
            self.speller = Speller([], [], vocabulary=kept["speller"])
        except (TypeError, KeyError, AttributeError, ValueError):  # none kept, or not of this shape
            self.names = CollectionNames(papers)
            self.speller = Speller([p.abstract for p in papers], [a for p in papers for a in p.aliases])
            if tables_path:
                save_tables(tables_path, papers, chunks, self.names, self.speller)
        self.hybrid = HybridRetriever(store, embed_model, chunks, papers, settings, bm25_dir)
        self._chunks_by_paper: dict[str, list[str]] = defaultdict(list)
        for c in chunks:
            self._chunks_by_paper[c.paper_id].append(c.text)

    def correct(self, question: str) -> str:
        """The question with misspelled words replaced by the collection's nearest words."""
        return self.speller.correct(question)

    def search(
        self,
        question: str,
        k: int | None = None,
        authors: list[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        intent: QueryIntent | None = None,
    ) -> list[Evidence]:
        """The best `k` papers for `question`, each with its best passage.

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
            intent = self.names.read(question)
        pinned, allowed = self.names.matching(intent)
        explicit = self._explicit_filter(authors, date_from, date_to)
        if explicit is not None:
            allowed = explicit if allowed is None else (allowed & explicit) or explicit
            pinned = [p for p in pinned if p in allowed]
        if allowed is not None and not allowed and explicit is None:
            allowed = None  # a date or name that matches nothing is not a filter

        hits = self.hybrid.retrieve(question)
        by_paper: dict[str, list[NodeWithScore]] = defaultdict(list)
        for hit in hits:
            by_paper[hit.node.metadata["paper_id"]].append(hit)
        ranked = sorted(by_paper, key=lambda pid: -max(h.score or 0 for h in by_paper[pid]))
        if allowed is not None:
            # Every paper that passes the filter stays a candidate, even without a text match.
            ranked = [pid for pid in ranked if pid in allowed] + sorted(
                allowed - set(ranked), key=self._order
            )
        order = list(dict.fromkeys(pinned + ranked))
        if allowed is not None and (intent.authors or intent.dates):
            k = max(k, min(len(allowed), 20))  # "papers by X" lists all of them

        results = []
        top = max((h.score or 0 for h in hits), default=1.0) or 1.0
        for rank, pid in enumerate(order[:k]):
            paper_hits = by_paper.get(pid, [])
            passages = [h.node.get_content() for h in paper_hits] or self._chunks_by_paper[pid][:1]
            fused = max((h.score or 0 for h in paper_hits), default=0.0)
            reason = self._reason(pid, intent, pinned, allowed)
            results.append(
                Evidence(
                    paper=self.papers[pid],
                    # Pinned and filtered papers outrank text matches; keep scores monotonic.
                    score=(1.0 + (k - rank) / k) if reason != "search" else fused / top,
                    dense_score=max((h.node.metadata["dense_score"] for h in paper_hits), default=0.0),
                    text=passages[0],
                    passages=passages,
                    reason=reason,
                )
            )
        return results

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
        return "search"

    def _explicit_filter(
        self, authors: list[str] | None, date_from: str | None, date_to: str | None
    ) -> set[str] | None:
        if not authors and not date_from and not date_to:
            return None
        keep = set(self.papers)
        if authors:
            wanted = [fold(a).strip() for a in authors if a.strip()]
            keep = {
                pid for pid in keep if any(w in fold(", ".join(self.papers[pid].authors)) for w in wanted)
            }
        if date_from or date_to:
            lo, hi = date_from or "0000", (date_to or "9999") + "\uffff"
            keep = {pid for pid in keep if self.papers[pid].created and lo <= self.papers[pid].created <= hi}
        return keep
