"""The typed domain chain: Paper -> Chunk -> Evidence -> Citation -> Answer.

Every object carries stable ids so that a citation always points back to the exact
text it came from (paper-qa's `Doc -> Text -> Context` chain is the model).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Paper(BaseModel):
    """One research paper, merged from every place its abstract was read."""

    model_config = ConfigDict(frozen=True)

    paper_id: str = Field(description="arXiv id when known, else a short hash of the abstract.")
    title: str = Field(description="Short display title, the method's own name when it has one.")
    authors: list[str] = Field(default_factory=list)
    arxiv_id: str | None = None
    created: str | None = Field(default=None, description="ISO date, YYYY-MM-DD.")
    urls: list[str] = Field(default_factory=list, description="Project and code pages.")
    abstract: str
    sources: list[str] = Field(description="Every place it was read, as `file:line` (1-based).")
    aliases: list[str] = Field(
        default_factory=list, description="Names the paper introduces (short and long forms)."
    )

    @property
    def content_hash(self) -> str:
        """Hash of everything that is indexed, so a changed record is re-embedded."""
        from hashlib import sha1

        return sha1(self.model_dump_json().encode()).hexdigest()[:16]

    @property
    def arxiv_url(self) -> str | None:
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else None


class Chunk(BaseModel):
    """A run of whole sentences from one paper's abstract."""

    model_config = ConfigDict(frozen=True)

    chunk_id: str
    paper_id: str
    text: str


class Evidence(BaseModel):
    """One retrieved paper with its best-matching passage, ranked for a question."""

    paper: Paper
    score: float = Field(description="Fused retrieval score; higher is better.")
    dense_score: float = Field(
        default=0.0, description="Best cosine similarity of any of its chunks to the question."
    )
    text: str = Field(description="The best matching passage.")
    passages: list[str] = Field(default_factory=list, description="Matching chunks, best first.")
    reason: str = Field(default="search", description="search, name, author, date, arxiv, collection, link (a record with a URL) or record (one with or without an asked field).")

    def to_json_dict(self) -> dict:
        """The stable public JSON shape of a source (`search --json`, `ask --json`, evaluation traces)."""
        return {
            "paper_id": self.paper.paper_id,
            "title": self.paper.title,
            "score": round(self.score, 6),
            "text": self.text,
        }


class Citation(BaseModel):
    """What an inline `[n]` marker points at: a paper and the sentences supporting the claim."""

    n: int
    paper_id: str
    title: str
    arxiv_id: str | None = None
    source: str = Field(description="First `file:line` the paper was read from.")
    quote: str = Field(description="The supporting sentence(s) from the abstract.")


class SentenceCheck(BaseModel):
    """The support verdict for one sentence of a generated answer."""

    text: str
    cited: list[int]
    supported: bool
    score: float
    note: str = ""


class Timings(BaseModel):
    retrieve_s: float = 0.0
    generate_s: float = 0.0
    total_s: float = 0.0


class Reading(BaseModel):
    """Streamed before an LLM reads (to write, or to check the topic): the papers it is reading,
    so something is shown at once."""

    sources: list[tuple[int, str]]  # (source number, title)

    def text(self) -> str:
        # No [n]: the answer numbers its sources by first use, so a plan's [6] may become [1].
        return "Reading " + ", ".join(title for _, title in self.sources) + " …"


class Answer(BaseModel):
    """A finished answer: text with `[n]` markers, the citations they map to, and provenance."""

    question: str
    standalone_question: str
    answer: str
    refused: bool = Field(description="True when the papers don't cover the question (status not_covered).")
    status: str = Field(
        default="answered",
        description="answered; partial (the paper is found but not the asked detail); not_covered.",
    )
    reason: str = Field(default="", description="Why the answer is partial or refused.")
    kind: str = Field(default="factoid", description="factoid, comparison, listing or record.")
    citations: list[Citation] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    sentences: list[SentenceCheck] = Field(default_factory=list)
    mode: str
    timings: Timings = Field(default_factory=Timings)
    config_hash: str

    def to_json_dict(self) -> dict:
        """The stable public JSON shape (CLI `--json`, evaluation traces)."""
        return {
            "question": self.question,
            "standalone_question": self.standalone_question,
            "answer": self.answer,
            "refused": self.refused,
            "status": self.status,
            "reason": self.reason,
            "kind": self.kind,
            "citations": [c.model_dump() for c in self.citations],
            "evidence": [e.to_json_dict() for e in self.evidence],
            "sentences": [s.model_dump() for s in self.sentences],
            "mode": self.mode,
            "timings": self.timings.model_dump(),
            "config_hash": self.config_hash,
        }
