"""What the browser chat shows, as text: chat replies, the sources panel, paper records, the
Markdown export and error messages. Pure functions of an `Answer` or `Paper`; no Gradio here.

Everything that comes from an abstract is escaped: the chat renders Markdown and the panels
render HTML, and an abstract may hold either.
"""

from __future__ import annotations

import html
import re
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlparse

from abstractqa.assistant import QuestionError
from abstractqa.errors import AbstractQAError
from abstractqa.evidence import MARKER, plain_math, split_sentences
from abstractqa.index import IndexUnavailable
from abstractqa.llm import GeneratorError
from abstractqa.query import FilterError
from abstractqa.types import Answer, Evidence, Paper

EMPTY_PANEL = (
    '<div class="aq-empty"><p><b>Sources</b> appear here.</p><p>Each cited paper is listed with '
    "its authors, date and links, and the sentences the answer relies on are "
    "<mark>highlighted</mark> in its abstract.</p></div>"
)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~<>])")
_NOT_UTF8 = re.compile("[\ud800-\udfff]")  # lone surrogates: what undecodable bytes become


# ---------------------------------------------------------------------------------------------
# Text: escaping, chat rendering, Markdown export


def printable(text: str, limit: int | None = None) -> str:
    """`text` safe to show and store: bytes that were not UTF-8 become U+FFFD (they can't be
    encoded, and a JSON response holding one fails), cut to `limit` characters."""
    text = _NOT_UTF8.sub("\ufffd", text)
    return text if limit is None or len(text) <= limit else text[:limit] + "…"


def escape_md(text: str) -> str:
    """Plain text made safe inside Markdown: HTML and Markdown syntax are shown, not run."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def render_answer(text: str, turn: int) -> str:
    """Answer text for the chat: markup from abstracts escaped, `[n]` linked to its source.

    The assistant's own `**Title**:` sections and `- ` items stay Markdown; `<`/`>` are
    escaped and Markdown links/images that came from an abstract are neutralised.
    """
    safe = html.escape(plain_math(text), quote=False)
    safe = safe.replace("![", "!\\[").replace("](", "\\](")
    # The space before a marker stays; the marker becomes a link to its source in the panel.
    return MARKER.sub(lambda m: m.group(0).split("[")[0] + f"[[{m.group(1)}]](#src-{turn}-{m.group(1)})", safe)


def render_reply(answer: Answer, turn: int) -> str:
    """A finished answer in the chat, with a one-line list of its sources."""
    body = render_answer(answer.answer, turn)
    if answer.refused or not answer.citations:
        return body
    refs = " · ".join(
        f"[\\[{c.n}\\] {escape_md(c.title)}](#src-{turn}-{c.n})" for c in answer.citations
    )
    return f"{body}\n\n<small>Sources: {refs}</small>"


def error_message(err: Exception, mode: str | None) -> str:
    """A readable chat message for anything that stopped an answer."""
    text = escape_md(str(err))
    if isinstance(err, QuestionError):
        return f"**Can't ask that:** {text}. Type a question about the indexed papers."
    if isinstance(err, FilterError):
        return f"**Check the filters under Settings:** {text}."
    if isinstance(err, GeneratorError):
        return (
            f"**The {mode} answer backend failed:** {text}\n\n"
            "Pick another answer mode under *Settings*, or try again."
        )
    if isinstance(err, IndexUnavailable):
        return f"**The paper index is not available:** {text}"
    if isinstance(err, AbstractQAError):
        return f"**Can't answer:** {text}"
    return f"**Something went wrong while answering** ({type(err).__name__}: {text}). Try again."


def paper_of(answer: Answer, paper_id: str) -> Paper | None:
    return next((e.paper for e in answer.evidence if e.paper.paper_id == paper_id), None)


def answer_markdown(answer: Answer) -> str:
    """The answer as a Markdown document with a reference list, for copying or download."""
    lines = [f"# {answer.question}", "", plain_math(answer.answer), ""]
    if answer.citations:
        lines += ["## References", ""]
        for c in answer.citations:
            paper = paper_of(answer, c.paper_id)
            parts = [f"- **[{c.n}] {c.title}**."]
            if paper and paper.authors:
                parts.append(", ".join(paper.authors) + ".")
            if paper and paper.created:
                parts.append(f"{paper.created}.")
            if c.arxiv_id:
                parts.append(f"arXiv:{c.arxiv_id} <https://arxiv.org/abs/{c.arxiv_id}>.")
            parts.append(f"Seed: `{c.source}`.")
            lines.append(" ".join(parts))
            if c.quote:
                lines.append(f"  > {c.quote}")
        lines.append("")
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    lines.append(f"*abstractqa, {answer.mode} answer, {stamp}*")
    return "\n".join(lines) + "\n"


def write_markdown(answer: Answer, folder: Path) -> str:
    """Write `answer_markdown` to a fresh file under `folder`; return its path."""
    slug = re.sub(r"[^a-z0-9]+", "-", answer.question.lower()).strip("-")[:48] or "answer"
    target = Path(tempfile.mkdtemp(dir=folder)) / f"abstractqa-{slug}.md"
    target.write_text(answer_markdown(answer), encoding="utf-8")
    return str(target)


# ---------------------------------------------------------------------------------------------
# HTML: the sources panel and paper records


def escape(text: object) -> str:
    """`text` as HTML text or attribute value."""
    return html.escape(str(text), quote=True)



def _link(url: str, label: str) -> str:
    if urlparse(url).scheme not in ("http", "https"):
        return escape(label)
    return f'<a href="{escape(url)}" target="_blank" rel="noopener noreferrer">{escape(label)}</a>'


def _authors(authors: list[str], limit: int = 6) -> str:
    if not authors:
        return "authors not listed"
    shown = ", ".join(authors[:limit])
    more = len(authors) - limit
    if more > 0:
        return f'<span title="{escape(", ".join(authors))}">{escape(shown)} +{more} more</span>'
    return escape(shown)


def _links(paper: Paper) -> str:
    links = []
    if paper.arxiv_url:
        links.append(_link(paper.arxiv_url, f"arXiv:{paper.arxiv_id}"))
    for url in paper.urls:
        parsed = urlparse(url)
        label = (parsed.netloc + parsed.path).rstrip("/")
        links.append(_link(url, label if len(label) <= 48 else label[:47] + "…"))
    return " · ".join(links)


def highlight(abstract: str, quote: str) -> tuple[str, str]:
    """The abstract as HTML with the quoted sentences in `<mark>`, and any quote left over.

    A quote can also be a record line ("X was written by ..."), which is not in the abstract;
    that part is returned separately so it is still shown.
    """
    spans: list[tuple[int, int]] = []
    rest = quote
    for sentence in split_sentences(abstract):
        if sentence and sentence in quote:
            start = abstract.find(sentence)
            if start >= 0:
                spans.append((start, start + len(sentence)))
                rest = rest.replace(sentence, " ")
    out, pos = [], 0
    for start, end in sorted(spans):
        if start < pos:
            continue
        out.append(escape(abstract[pos:start]) + f"<mark>{escape(abstract[start:end])}</mark>")
        pos = end
    out.append(escape(abstract[pos:]))
    rest = " ".join(rest.split())
    return "".join(out), rest if re.search(r"[A-Za-z]", rest) else ""


def _meta(paper: Paper, always_authors: bool = True) -> str:
    bits = [_authors(paper.authors)] if paper.authors or always_authors else []
    if paper.created:
        bits.append(escape(paper.created))
    return " · ".join(bits)


def _cited_card(answer: Answer, turn: int, n: int, paper_id: str, quote: str) -> str:
    paper = paper_of(answer, paper_id)
    if paper is None:  # a citation always comes from the evidence; keep going if not
        return ""
    abstract, extra = highlight(paper.abstract, quote)
    extra_html = f'<p class="aq-record"><mark>{escape(extra)}</mark></p>' if extra else ""
    links = _links(paper)
    return (
        f'<article class="aq-card" id="src-{turn}-{n}">'
        f'<header><span class="aq-n">{n}</span><h3>{escape(paper.title)}</h3></header>'
        f'<div class="aq-meta">{_meta(paper)}</div>'
        + (f'<div class="aq-links">{links}</div>' if links else "")
        + f'{extra_html}<p class="aq-abstract">{abstract}</p>'
        f'<div class="aq-seed" title="where the abstract was read">'
        f"{escape(' · '.join(paper.sources))}</div></article>"
    )


def _paper_item(evidence: Evidence) -> str:
    p = evidence.paper
    meta = " · ".join(filter(None, [_meta(p, always_authors=False), _links(p)]))
    passage = evidence.text if len(evidence.text) <= 260 else evidence.text[:259] + "…"
    return (
        f'<li><div class="aq-item-title">{escape(p.title)}</div>'
        f'<div class="aq-meta">{meta}</div>'
        f'<div class="aq-passage">{escape(passage)}</div></li>'
    )


def sources_html(answer: Answer | None, turn: int | None) -> str:
    """The sources panel for one answer: cited papers first, other retrieved ones below."""
    if answer is None or turn is None:
        return EMPTY_PANEL
    head = f'<div class="aq-asked">Sources for <q>{escape(answer.question)}</q></div>'
    if answer.refused:
        refusal = escape(answer.answer.splitlines()[0])
        related = "".join(_paper_item(e) for e in answer.evidence)
        return (
            f'<div class="aq-sources">{head}<div class="aq-refused">{refusal}</div>'
            + (f'<h4>Related reading</h4><ul class="aq-list">{related}</ul>' if related else "")
            + "</div>"
        )
    cards = "".join(_cited_card(answer, turn, c.n, c.paper_id, c.quote) for c in answer.citations)
    cited = {c.paper_id for c in answer.citations}
    also = "".join(_paper_item(e) for e in answer.evidence if e.paper.paper_id not in cited)
    return (
        f'<div class="aq-sources">{head}{cards}'
        + (f'<h4>Also retrieved</h4><ul class="aq-list">{also}</ul>' if also else "")
        + "</div>"
    )


def paper_html(paper: Paper | None) -> str:
    """A paper's full record for the Papers tab."""
    if paper is None:
        return '<div class="aq-empty"><p>Select a paper to see its full record.</p></div>'
    rows = [
        ("Authors", escape(", ".join(paper.authors)) or "unknown"),
        ("Date", escape(paper.created or "unknown")),
        ("arXiv", _link(paper.arxiv_url, paper.arxiv_id) if paper.arxiv_url else "none"),
        ("Links", " · ".join(_link(u, u) for u in paper.urls) or "none"),
        ("Also called", escape(", ".join(paper.aliases)) or "none"),
        ("Read from", escape(" · ".join(paper.sources))),
        ("Paper id", f"<code>{escape(paper.paper_id)}</code>"),
    ]
    table = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return (
        f'<article class="aq-card aq-record-card"><h3>{escape(paper.title)}</h3>'
        f'<table class="aq-fields">{table}</table>'
        f'<p class="aq-abstract">{escape(paper.abstract)}</p></article>'
    )


def papers_table(papers: list[Paper]) -> list[list[str]]:
    """Rows of the Papers tab, newest first: title, authors, date, arXiv id."""
    rows = []
    for p in sorted(papers, key=lambda p: (p.created or "", p.title), reverse=True):
        authors = ", ".join(p.authors[:3]) + (" et al." if len(p.authors) > 3 else "")
        rows.append([p.title, authors, p.created or "", p.arxiv_id or ""])
    return rows
