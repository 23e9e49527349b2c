"""The browser chat: a thin Gradio shell around one `Assistant`.

`build_app(assistant)` makes the Blocks, `launch(app, ...)` serves it with the app's theme and
styles, and `serve(settings)` is what `abstractqa serve` runs. A conversation lives in a
`gr.State`, one per browser session; nothing about a conversation is kept in module globals.

Example:
    >>> from abstractqa.config import load_settings
    >>> serve(load_settings())  # doctest: +SKIP
    Running on http://127.0.0.1:7860
"""

from __future__ import annotations

import argparse
import html
import ipaddress
import logging
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import gradio as gr

from abstractqa.assistant import Assistant, QuestionError
from abstractqa.evidence import split_sentences
from abstractqa.feedback import record_feedback
from abstractqa.index import IndexUnavailable
from abstractqa.llm import GeneratorError
from abstractqa.types import Answer, Evidence, Paper

if TYPE_CHECKING:
    from abstractqa.config import Settings

log = logging.getLogger(__name__)

EXAMPLES = [
    "How does MSN differ from I-JEPA?",
    "How many GPUs were used to train I-JEPA?",
    "Which papers use masked image modeling?",
    "Who wrote MetaCLIP?",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
UPLOAD_LIMIT = 0  # bytes: the app takes no file uploads, so Gradio's /gradio_api/upload takes none
PASSAGES = (1, 10)  # the range of the "Papers given to the answer" slider
CONCURRENCY = 4  # sessions answered at once; an in-process LLM still runs one prompt at a time
WORKING = "*Searching the abstracts…*"
EMPTY_PANEL = (
    '<div class="aq-empty"><p><b>Sources</b> appear here.</p><p>Each cited paper is listed with '
    "its authors, date and links, and the sentences the answer relies on are "
    "<mark>highlighted</mark> in its abstract.</p></div>"
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MARKER = re.compile(r"\[(\d+)\]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~<>])")
_NOT_UTF8 = re.compile("[\ud800-\udfff]")  # lone surrogates: what undecodable bytes become


# ---------------------------------------------------------------------------------------------
# One session's conversation


@dataclass
class Conversation:
    """One browser session's chat: the messages shown and the `Answer` behind each reply."""

    messages: list[dict[str, str]] = field(default_factory=list)
    replies: list[Answer | None] = field(default_factory=list)  # one per assistant message
    mode: str | None = None  # the answer mode that last started in this session
    shown: int | None = None  # the reply whose sources the panel shows

    def history(self) -> list[Answer]:
        """Earlier answers, oldest first, for follow-up questions."""
        return [a for a in self.replies if a is not None]

    def say(self, text: str) -> None:
        """Add an assistant notice (errors, mode changes) that is not an answer."""
        self.messages.append({"role": "assistant", "content": text})
        self.replies.append(None)

    def chat(self) -> list[dict[str, str]]:
        """A copy of the messages for the Chatbot, so streamed updates are seen as changes."""
        return [dict(m) for m in self.messages]

    def reply_at(self, message_index: int) -> int | None:
        """The reply number of the assistant message at `message_index`, if it is one."""
        if not 0 <= message_index < len(self.messages):
            return None
        if self.messages[message_index]["role"] != "assistant":
            return None
        return sum(m["role"] == "assistant" for m in self.messages[:message_index])


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
    safe = html.escape(text, quote=False)
    safe = safe.replace("![", "!\\[").replace("](", "\\](")
    return _MARKER.sub(lambda m: f"[[{m.group(1)}]](#src-{turn}-{m.group(1)})", safe)


def render_reply(answer: Answer, turn: int) -> str:
    """A finished answer in the chat, with a one-line list of its sources."""
    body = render_answer(answer.answer, turn)
    if answer.refused or not answer.citations:
        return body
    refs = " · ".join(
        f"[\\[{c.n}\\] {escape_md(c.title)}](#src-{turn}-{c.n})" for c in answer.citations
    )
    return f"{body}\n\n<small>Sources: {refs}</small>"


def paper_of(answer: Answer, paper_id: str) -> Paper | None:
    return next((e.paper for e in answer.evidence if e.paper.paper_id == paper_id), None)


def answer_markdown(answer: Answer) -> str:
    """The answer as a Markdown document with a reference list, for copying or download."""
    lines = [f"# {answer.question}", "", answer.answer, ""]
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


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _link(url: str, label: str) -> str:
    if urlparse(url).scheme not in ("http", "https"):
        return _e(label)
    return f'<a href="{_e(url)}" target="_blank" rel="noopener noreferrer">{_e(label)}</a>'


def _authors(authors: list[str], limit: int = 6) -> str:
    if not authors:
        return "authors not listed"
    shown = ", ".join(authors[:limit])
    more = len(authors) - limit
    if more > 0:
        return f'<span title="{_e(", ".join(authors))}">{_e(shown)} +{more} more</span>'
    return _e(shown)


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
        out.append(_e(abstract[pos:start]) + f"<mark>{_e(abstract[start:end])}</mark>")
        pos = end
    out.append(_e(abstract[pos:]))
    rest = " ".join(rest.split())
    return "".join(out), rest if re.search(r"[A-Za-z]", rest) else ""


def _meta(paper: Paper, always_authors: bool = True) -> str:
    bits = [_authors(paper.authors)] if paper.authors or always_authors else []
    if paper.created:
        bits.append(_e(paper.created))
    return " · ".join(bits)


def _cited_card(answer: Answer, turn: int, n: int, paper_id: str, quote: str) -> str:
    paper = paper_of(answer, paper_id)
    if paper is None:  # a citation always comes from the evidence; keep going if not
        return ""
    abstract, extra = highlight(paper.abstract, quote)
    extra_html = f'<p class="aq-record"><mark>{_e(extra)}</mark></p>' if extra else ""
    links = _links(paper)
    return (
        f'<article class="aq-card" id="src-{turn}-{n}">'
        f'<header><span class="aq-n">{n}</span><h3>{_e(paper.title)}</h3></header>'
        f'<div class="aq-meta">{_meta(paper)}</div>'
        + (f'<div class="aq-links">{links}</div>' if links else "")
        + f'{extra_html}<p class="aq-abstract">{abstract}</p>'
        f'<div class="aq-seed" title="where the abstract was read">'
        f"{_e(' · '.join(paper.sources))}</div></article>"
    )


def _paper_item(evidence: Evidence) -> str:
    p = evidence.paper
    meta = " · ".join(filter(None, [_meta(p, always_authors=False), _links(p)]))
    passage = evidence.text if len(evidence.text) <= 260 else evidence.text[:259] + "…"
    return (
        f'<li><div class="aq-item-title">{_e(p.title)}</div>'
        f'<div class="aq-meta">{meta}</div>'
        f'<div class="aq-passage">{_e(passage)}</div></li>'
    )


def sources_html(answer: Answer | None, turn: int | None) -> str:
    """The sources panel for one answer: cited papers first, other retrieved ones below."""
    if answer is None or turn is None:
        return EMPTY_PANEL
    head = f'<div class="aq-asked">Sources for <q>{_e(answer.question)}</q></div>'
    if answer.refused:
        refusal = _e(answer.answer.splitlines()[0])
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
        ("Authors", _e(", ".join(paper.authors)) or "unknown"),
        ("Date", _e(paper.created or "unknown")),
        ("arXiv", _link(paper.arxiv_url, paper.arxiv_id) if paper.arxiv_url else "none"),
        ("Links", " · ".join(_link(u, u) for u in paper.urls) or "none"),
        ("Also called", _e(", ".join(paper.aliases)) or "none"),
        ("Read from", _e(" · ".join(paper.sources))),
        ("Paper id", f"<code>{_e(paper.paper_id)}</code>"),
    ]
    table = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return (
        f'<article class="aq-card aq-record-card"><h3>{_e(paper.title)}</h3>'
        f'<table class="aq-fields">{table}</table>'
        f'<p class="aq-abstract">{_e(paper.abstract)}</p></article>'
    )


def papers_table(papers: list[Paper]) -> list[list[str]]:
    """Rows of the Papers tab, newest first: title, authors, date, arXiv id."""
    rows = []
    for p in sorted(papers, key=lambda p: (p.created or "", p.title), reverse=True):
        authors = ", ".join(p.authors[:3]) + (" et al." if len(p.authors) > 3 else "")
        rows.append([p.title, authors, p.created or "", p.arxiv_id or ""])
    return rows


# ---------------------------------------------------------------------------------------------
# Settings from the accordion


class FilterError(ValueError):
    """A settings field (date range, authors) that can't be used; the message names it."""


def read_filters(date_from: str | None, date_to: str | None, authors: str | None) -> dict:
    """Filters for `Assistant.ask_stream`; raises FilterError naming the bad field."""
    filters: dict[str, Any] = {}
    for key, label, value in (("date_from", "From", date_from), ("date_to", "To", date_to)):
        value = (value or "").strip()
        if not value:
            continue
        try:
            if not _DATE.match(value):
                raise ValueError
            datetime.strptime(value, "%Y-%m-%d")
        except ValueError:
            raise FilterError(
                f"the {label} date '{value}' is not a date: write it as YYYY-MM-DD"
            ) from None
        filters[key] = value
    names = [a.strip() for a in re.split(r"[;,]", authors or "") if a.strip()]
    if names:
        filters["authors"] = names
    return filters


def check_controls(mode: str, passages: float | None, modes: list[str]) -> None:
    """What the Settings controls allow, checked again on the server: any handler, even one the
    page marks private, can be called through `/gradio_api/queue/join` with any values."""
    if mode not in modes:
        raise FilterError(f"the answer mode {mode!r} is not offered here (offered: {', '.join(modes)})")
    if passages and not PASSAGES[0] <= float(passages) <= PASSAGES[1]:
        raise FilterError(f"papers given to the answer must be {PASSAGES[0]} to {PASSAGES[1]}, not {passages}")


def start_backend(assistant: Assistant, mode: str) -> None:
    """Build the LLM backend for `mode` now, so a backend that can't start says so at once."""
    llm = assistant.llm(mode)
    if mode == "openai":  # building the client does not reach the endpoint; one token does
        llm.complete([{"role": "user", "content": "Reply with OK."}], max_tokens=1)


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
    return f"**Something went wrong while answering** ({type(err).__name__}: {text}). Try again."


# ---------------------------------------------------------------------------------------------
# The app


def build_app(assistant: Assistant) -> gr.Blocks:
    """The chat, the sources panel, the Papers tab and settings, for one `Assistant`."""
    settings = assistant.settings
    modes = list(settings.ui.answer_modes)
    default_mode = settings.answer.mode if settings.answer.mode in modes else modes[0]
    question_limit = settings.answer.max_question_chars
    comment_limit = settings.ui.max_comment_chars
    feedback_path = Path(settings.index.data_dir) / "feedback.jsonl"
    downloads = Path(tempfile.mkdtemp(prefix="abstractqa-ui-"))
    try:
        papers = {p.paper_id: p for p in assistant.papers()}
        index_note = ""
    except IndexUnavailable as err:
        papers, index_note = {}, f" The index is not available yet: {err}."
    by_row = {(p.title, p.arxiv_id or ""): p for p in papers.values()}  # a table row's paper
    def panel(conv: Conversation) -> tuple[str, Any, str]:
        """Sources HTML, download button and Markdown for the reply the panel shows."""
        answer = conv.replies[conv.shown] if conv.shown is not None else None
        if answer is None:
            return EMPTY_PANEL, gr.DownloadButton(value=None, interactive=False), ""
        path = write_markdown(answer, downloads)
        return (
            sources_html(answer, conv.shown),
            gr.DownloadButton(value=path, interactive=True),
            answer_markdown(answer),
        )

    def respond(
        question: str,
        conv: Conversation,
        mode: str,
        passages: float,
        date_from: str,
        date_to: str,
        authors: str,
    ) -> Iterator[tuple]:
        """Stream one answer into the chat, then fill the sources panel."""
        skip = gr.skip()
        question = (question or "").strip()
        if question:
            # Shown as far as the limit; the question check below says what is wrong with it.
            shown_question = printable(question, question_limit)
            conv.messages.append({"role": "user", "content": html.escape(shown_question, quote=False)})
        conv.say(WORKING)
        turn = len(conv.replies) - 1
        yield conv.chat(), conv, skip, "", skip, skip
        answer, text = None, ""
        try:
            # The API can send what the page's controls can't: check it as they would.
            check_controls(mode, passages, modes)
            filters = read_filters(date_from, date_to, authors)
            for item in assistant.ask_stream(
                question, history=conv.history(), mode=mode, passages=int(passages or 0) or None, **filters
            ):
                if isinstance(item, Answer):
                    answer = item
                else:
                    text += item
                    conv.messages[-1]["content"] = render_answer(text, turn) + " ▍"
                    yield conv.chat(), conv, skip, skip, skip, skip
        except Exception as err:  # noqa: BLE001 - every failure becomes a chat message
            if not isinstance(err, (QuestionError, FilterError, GeneratorError, IndexUnavailable)):
                log.exception("answering %r failed", printable(question, 200))
            shown = render_answer(text, turn) + "\n\n" if text else ""  # keep what was streamed
            conv.messages[-1]["content"] = shown + error_message(err, mode)
        if answer is not None:
            conv.replies[turn] = answer
            conv.shown = turn
            conv.messages[-1]["content"] = render_reply(answer, turn)
        html_, download, markdown = panel(conv)
        yield conv.chat(), conv, html_, "", download, markdown

    def show_reply(conv: Conversation, evt: gr.SelectData) -> tuple:
        """Clicking an earlier answer shows its sources."""
        index = evt.index if isinstance(evt.index, int) else evt.index[0]
        turn = conv.reply_at(index)
        if turn is None or conv.replies[turn] is None or turn == conv.shown:
            return conv, gr.skip(), gr.skip(), gr.skip()
        conv.shown = turn
        return conv, *panel(conv)

    def rate(conv: Conversation, comment: str, rating: str, turn: int | None) -> tuple[str, Any]:
        answer = conv.replies[turn] if turn is not None and turn < len(conv.replies) else None
        if answer is None:
            return "Only answers can be rated.", gr.skip()
        if rating not in ("up", "down"):
            return "A rating is 'up' or 'down'.", gr.skip()
        comment = comment or ""
        if len(comment) > comment_limit:
            return (
                f"The comment is {len(comment):,} characters long; the limit is {comment_limit:,}. "
                "Nothing was saved.",
                gr.skip(),
            )
        record_feedback(feedback_path, answer, rating, printable(comment))
        thumb = "Thumbs up" if rating == "up" else "Thumbs down"
        return f"{thumb} saved to `{feedback_path.name}`, thank you.", ""

    def on_like(conv: Conversation, comment: str, evt: gr.LikeData) -> tuple[str, Any]:
        index = evt.index if isinstance(evt.index, int) else evt.index[0]
        if evt.liked in (True, "Like"):
            rating = "up"
        elif evt.liked in (False, "Dislike"):
            rating = "down"
        else:  # a rating clicked off again; what was saved stays saved
            return "Rating cleared (lines already saved are kept).", gr.skip()
        return rate(conv, comment, rating, conv.reply_at(index))

    def api_feedback(rating: str, comment: str, conv: Conversation) -> tuple[str, Any]:
        """Rate the latest answer of this session ('up' or 'down'), with an optional comment."""
        latest = next((i for i in range(len(conv.replies) - 1, -1, -1) if conv.replies[i]), None)
        return rate(conv, comment, rating, latest)

    def change_mode(mode: str, conv: Conversation) -> tuple:
        previous = conv.mode or default_mode
        try:
            check_controls(mode, None, modes)
            start_backend(assistant, mode)
        except Exception as err:  # noqa: BLE001 - a backend that can't start is a chat message
            conv.say(
                f"**{escape_md(str(mode))} mode can't start:** {escape_md(str(err))}\n\n"
                f"Answers stay in **{previous}** mode."
            )
            return conv.chat(), conv, gr.Radio(value=previous)
        conv.mode = mode
        conv.say(f"Answer mode is now **{mode}**.")
        return conv.chat(), conv, gr.skip()

    def new_chat() -> tuple:
        conv = Conversation()
        return [], conv, EMPTY_PANEL, gr.DownloadButton(value=None, interactive=False), "", ""

    def example_text(evt: gr.SelectData) -> str:
        # Event data comes from the client like any input: take only an example's text.
        return printable(str(evt.value.get("text", "")), question_limit) if isinstance(evt.value, dict) else ""

    def show_paper(evt: gr.SelectData) -> str:
        row = evt.row_value or []
        return paper_html(by_row.get(tuple(row[:1] + row[3:4])) if row else None)

    with gr.Blocks(title="abstractqa", analytics_enabled=False) as app:
        conv = gr.State(Conversation())
        with gr.Row(elem_id="aq-header"):
            gr.HTML(
                "<h1>abstractqa</h1><p>Ask about the "
                f"{len(papers)} indexed research-paper abstracts. Every sentence of an answer "
                f"cites the abstract it comes from.{_e(index_note)}</p>"
            )
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=480, elem_id="chat-column"):
                        chatbot = gr.Chatbot(
                            elem_id="chat",
                            show_label=False,
                            height="calc(100vh - 340px)",
                            min_height=420,
                            buttons=["copy", "copy_all"],
                            feedback_options=("Like", "Dislike"),
                            group_consecutive_messages=False,  # one bubble, one rating each
                            latex_delimiters=[],
                            layout="panel",
                            placeholder=(
                                "**Ask a question about the papers.** Follow-ups such as "
                                "*“And how many GPUs did it use?”* work too."
                            ),
                            examples=[{"text": q} for q in EXAMPLES],
                        )
                        with gr.Row(elem_id="ask-row"):
                            question = gr.Textbox(
                                elem_id="question",
                                show_label=False,
                                container=False,
                                placeholder="Ask about the indexed papers…",
                                lines=1,
                                max_lines=6,
                                max_length=question_limit,
                                scale=8,
                                autofocus=True,
                            )
                            send = gr.Button("Ask", variant="primary", scale=1, min_width=90)
                        with gr.Row(elem_id="tools-row"):
                            copy_md = gr.Button(
                                "Copy as Markdown",
                                size="sm",
                                scale=0,
                                min_width=140,
                                elem_id="copy-md",
                            )
                            download = gr.DownloadButton(
                                "Download .md",
                                size="sm",
                                scale=0,
                                min_width=120,
                                interactive=False,
                                elem_id="download-md",
                            )
                            clear = gr.Button(
                                "New conversation",
                                size="sm",
                                scale=0,
                                min_width=140,
                                elem_id="new-chat",
                            )
                            comment = gr.Textbox(
                                elem_id="feedback-comment",
                                show_label=False,
                                container=False,
                                placeholder="Comment on a rating (optional)",
                                lines=1,
                                max_length=comment_limit,
                                scale=3,
                            )
                        feedback_note = gr.Markdown(elem_id="feedback-note")
                        with gr.Accordion("Settings", open=False, elem_id="settings"):
                            with gr.Row():
                                mode = gr.Radio(
                                    modes,
                                    value=default_mode,
                                    label="Answer mode",
                                    info="extractive quotes the abstracts; the others ask an LLM",
                                )
                                passages = gr.Slider(
                                    *PASSAGES,
                                    value=settings.answer.max_passages,
                                    step=1,
                                    label="Papers given to the answer",
                                    info=f"retrieval returns at least {settings.retrieve.top_k}",
                                )
                            with gr.Row():
                                date_from = gr.Textbox(label="From", placeholder="YYYY-MM-DD")
                                date_to = gr.Textbox(label="To", placeholder="YYYY-MM-DD")
                                authors = gr.Textbox(
                                    label="Authors", placeholder="e.g. Yann LeCun; Piotr Bojanowski"
                                )
                    with gr.Column(scale=2, min_width=360, elem_id="sources-column"):
                        sources = gr.HTML(EMPTY_PANEL, elem_id="sources-panel")
                answer_md = gr.Textbox(visible=False)
                rating = gr.Radio(["up", "down"], value="up", visible=False)
            with gr.Tab(f"Papers ({len(papers)})", id="papers"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        table = gr.Dataframe(
                            value=papers_table(list(papers.values())),
                            headers=["Title", "Authors", "Date", "arXiv"],
                            datatype="str",
                            interactive=False,
                            show_search="search",
                            wrap=True,
                            max_height=720,
                            column_widths=["38%", "30%", "15%", "17%"],
                            elem_id="papers-table",
                        )
                    with gr.Column(scale=2):
                        record = gr.HTML(paper_html(None), elem_id="paper-record")

        ask_inputs = [question, conv, mode, passages, date_from, date_to, authors]
        ask_outputs = [chatbot, conv, sources, question, download, answer_md]
        gr.on([question.submit, send.click], respond, ask_inputs, ask_outputs, api_name="chat")
        chatbot.example_select(example_text, None, question, api_visibility="private").then(
            respond, ask_inputs, ask_outputs, api_visibility="private"
        )
        chatbot.select(
            show_reply, [conv], [conv, sources, download, answer_md], api_visibility="private"
        )
        chatbot.like(on_like, [conv, comment], [feedback_note, comment], api_visibility="private")
        gr.on(
            [], api_feedback, [rating, comment, conv], [feedback_note, comment], api_name="feedback"
        )
        mode.input(change_mode, [mode, conv], [chatbot, conv, mode], api_visibility="private")
        for trigger in (clear.click, chatbot.clear):
            trigger(
                new_chat,
                None,
                [chatbot, conv, sources, download, answer_md, feedback_note],
                api_visibility="private",
            )
        table.select(show_paper, None, record, api_visibility="private")
        copy_md.click(None, [answer_md], None, js=COPY_JS)
    app.queue(default_concurrency_limit=CONCURRENCY)
    return app


# ---------------------------------------------------------------------------------------------
# Look and serving

COPY_JS = """async (text) => {
  if (!text) return;
  try { await navigator.clipboard.writeText(text); }
  catch (err) {
    const area = document.createElement("textarea");
    area.value = text; document.body.appendChild(area); area.select();
    document.execCommand("copy"); area.remove();
  }
}"""

# A click on an inline [n] scrolls its source card into view (it may render a moment later
# when an earlier answer was clicked) instead of following the link.
HEAD = """<script>
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest('a[href^="#src-"]');
  if (!link) return;
  event.preventDefault();
  const id = link.getAttribute("href").slice(1);
  let tries = 0;
  const show = () => {
    const card = document.getElementById(id);
    if (!card) { if (tries++ < 20) setTimeout(show, 100); return; }
    card.scrollIntoView({behavior: "smooth", block: "nearest"});
    card.classList.remove("aq-flash"); void card.offsetWidth; card.classList.add("aq-flash");
  };
  show();
}, true);
</script>"""

CSS = """
.gradio-container { max-width: 1500px !important; }
#aq-header { margin-bottom: -6px; }
#aq-header h1 { font-size: 1.45rem; margin: 0; letter-spacing: -0.01em; }
#aq-header p { margin: 2px 0 0; color: var(--body-text-color-subdued); }
#chat a[href^="#src-"] {
  text-decoration: none; font-weight: 600; font-size: 0.78em; vertical-align: super;
  color: var(--color-accent); padding: 0 1px;
}
#chat small a[href^="#src-"] { vertical-align: baseline; font-size: 1em; font-weight: 500; }
#chat small { color: var(--body-text-color-subdued); }
#ask-row { align-items: stretch; }
#tools-row { gap: 8px; align-items: center; }
#tools-row button { flex: 0 0 auto; }
#feedback-note { font-size: 0.85em; color: var(--body-text-color-subdued); }
#sources-panel {
  max-height: calc(100vh - 170px); overflow-y: auto !important; padding-right: 6px;
}
#sources-column { position: sticky; top: 8px; align-self: flex-start; }
#ask-row { gap: 8px; }
#feedback-note p { margin: 0; }
#papers-table [role=gridcell] span, #papers-table th span { font-family: var(--font); }
.aq-sources h4 {
  margin: 18px 0 8px; font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.06em;
  color: var(--body-text-color-subdued);
}
.aq-asked { font-size: 0.85rem; color: var(--body-text-color-subdued); margin: 2px 0 10px; }
.aq-card {
  border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 12px 14px;
  margin-bottom: 12px; background: var(--background-fill-primary);
  box-shadow: 0 1px 2px rgba(0, 0, 0, 0.04);
}
.aq-card.aq-flash { animation: aq-flash 1.8s ease-out; }
@keyframes aq-flash { from { box-shadow: 0 0 0 3px var(--color-accent); } to { box-shadow: none; } }
.aq-card header { display: flex; gap: 8px; align-items: center; }
.aq-card h3 { margin: 0; font-size: 1.02rem; line-height: 1.3; }
.aq-n {
  flex: 0 0 auto; display: inline-flex; align-items: center; justify-content: center;
  min-width: 1.55em; height: 1.55em; border-radius: 999px; font-size: 0.78rem; font-weight: 700;
  background: var(--color-accent); color: white;
}
.aq-meta { color: var(--body-text-color-subdued); font-size: 0.84rem; margin-top: 4px; }
.aq-links { font-size: 0.84rem; margin-top: 2px; }
.aq-sources a, .aq-fields a { color: var(--color-accent); padding: 0 !important; }
.aq-abstract {
  font-size: 0.9rem; line-height: 1.55; margin: 8px 0 6px; color: var(--body-text-color-subdued);
}
.aq-record-card .aq-abstract { color: var(--body-text-color); }
.aq-sources mark {
  background: rgba(250, 204, 21, 0.38); color: var(--body-text-color); padding: 1px 2px;
  border-radius: 3px;
}
.aq-record { font-size: 0.88rem; margin: 8px 0 0; }
.aq-seed {
  font-family: var(--font-mono); font-size: 0.72rem; color: var(--body-text-color-subdued);
  word-break: break-all;
}
.aq-list { list-style: none; padding: 0; margin: 0; }
.aq-list li { padding: 8px 2px; border-top: 1px solid var(--border-color-primary); }
.aq-item-title { font-weight: 600; font-size: 0.92rem; }
.aq-passage { font-size: 0.84rem; margin-top: 3px; line-height: 1.45; }
.aq-refused {
  border-left: 4px solid #d97706; background: rgba(217, 119, 6, 0.08); padding: 10px 12px;
  border-radius: 6px; font-weight: 600;
}
.aq-empty {
  border: 1px dashed var(--border-color-primary); border-radius: 10px; padding: 18px;
  color: var(--body-text-color-subdued); font-size: 0.92rem;
}
.aq-fields {
  border-collapse: collapse; border: none !important; font-size: 0.86rem; margin: 8px 0;
  width: 100%;
}
.aq-fields tr, .aq-fields th, .aq-fields td {
  border: none !important; border-bottom: 1px solid var(--border-color-primary) !important;
  padding: 4px 12px 4px 0 !important; text-align: left; vertical-align: top;
}
.aq-fields th { white-space: nowrap; color: var(--body-text-color-subdued); font-weight: 500; }
.aq-fields td { word-break: break-word; }
"""


def theme() -> gr.themes.Base:
    """A quiet theme with system fonts (nothing fetched from the network)."""
    return gr.themes.Default(
        primary_hue="indigo",
        neutral_hue="slate",
        radius_size="md",
        font=["Inter", "ui-sans-serif", "system-ui", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
    )


def launch(
    app: gr.Blocks,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: tuple[str, str] | None = None,
    prevent_thread_lock: bool = False,
) -> str:
    """Serve `app` with the app's theme, styles and script; return its local URL."""
    app.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        prevent_thread_lock=prevent_thread_lock,
        quiet=True,
        ssr_mode=False,
        max_file_size=UPLOAD_LIMIT,
        theme=theme(),
        css=CSS,
        head=HEAD,
    )
    return f"http://{host}:{app.server_port}"


class ServeRefused(ValueError):
    """A bind the app won't serve (a non-loopback address without a login); the message says why."""


def is_loopback(host: str) -> bool:
    if host in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def auth_from_env(settings: Settings, host: str, allow_anonymous: bool = False) -> tuple[str, str] | None:
    """Login from the env vars named in `settings.ui`, required on a non-loopback `host`.

    Raises:
        ServeRefused: a non-loopback bind without both env vars, unless `allow_anonymous`.
    """
    if is_loopback(host):
        return None
    user = os.environ.get(settings.ui.auth_user_env, "")
    password = os.environ.get(settings.ui.auth_password_env, "")
    if user and password:
        return user, password
    missing = " and ".join(
        name for name, value in ((settings.ui.auth_user_env, user), (settings.ui.auth_password_env, password)) if not value
    )
    if not allow_anonymous:
        raise ServeRefused(
            f"refusing to serve on {host} without a login: set {missing}, bind 127.0.0.1, or pass "
            "--allow-anonymous to serve anyone who can reach it"
        )
    print(
        f"abstractqa: warning: serving on {host} without a login (--allow-anonymous); anyone who can "
        f"reach it can ask, rate and switch answer modes",
        file=sys.stderr,
    )
    return None


def serving_threads(settings: Settings, embed_model=None) -> None:
    """Limit the embedder to `ui.torch_threads` threads for answering (0: leave it). With the
    torch backend on 2 cores, two threads per query embedding fight with every other
    process (one busy process beside it: p95 132 ms on two threads, 31 ms on one); the onnx
    backend was not slowed that way and is faster on its own threads (benchmarks/RESULTS.md)."""
    if settings.ui.torch_threads:
        import torch

        torch.set_num_threads(settings.ui.torch_threads)
        if hasattr(embed_model, "set_threads"):
            embed_model.set_threads(settings.ui.torch_threads)


def serve(
    settings: Settings, host: str | None = None, port: int | None = None, allow_anonymous: bool = False
) -> int:
    """Index if needed, then serve the chat until interrupted (`abstractqa serve`)."""
    host = host or settings.ui.host
    port = port or settings.ui.port
    try:
        auth = auth_from_env(settings, host, allow_anonymous)  # before anything slow
    except ServeRefused as err:
        print(f"abstractqa: error: {err}", file=sys.stderr)
        return 2
    assistant = Assistant(settings)
    assistant.ensure_index()  # may ingest, which wants every core
    serving_threads(settings, assistant.embed_model)
    app = build_app(assistant)
    try:
        url = launch(app, host, port, auth=auth, prevent_thread_lock=True)
    except OSError as err:
        print(f"abstractqa: error: cannot serve on {host}:{port}: {err}", file=sys.stderr)
        return 2
    print(f"Running on {url}", flush=True)
    app.block_thread()
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m ui.app [--config FILE] [--host HOST] [--port PORT]`."""
    parser = argparse.ArgumentParser(prog="python -m ui.app", description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=None, help="YAML config file")
    parser.add_argument("--host", default=None, help="bind address (default: ui.host)")
    parser.add_argument("--port", type=int, default=None, help="port (default: ui.port)")
    parser.add_argument(
        "--allow-anonymous", action="store_true", help="serve a non-loopback address without a login"
    )
    args = parser.parse_args(argv)

    from abstractqa.config import ConfigError, load_settings

    try:
        return serve(
            load_settings(args.config), host=args.host, port=args.port, allow_anonymous=args.allow_anonymous
        )
    except (ConfigError, IndexUnavailable) as err:
        print(f"abstractqa: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
