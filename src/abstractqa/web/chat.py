"""The browser chat's callbacks: one `ChatHandlers` per app, one `Conversation` per session.

`ChatHandlers` holds what every session shares (the `Assistant`, the offered modes, limits,
where feedback and downloads go) and has one method per Gradio event, as smolagents'
`GradioUI` does; `build_app` wires them to the page. A conversation lives in a `gr.State`,
never in the handlers or in module globals.
"""

from __future__ import annotations

import html
import logging
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr

from abstractqa.assistant import Assistant
from abstractqa.errors import AbstractQAError
from abstractqa.feedback import record_feedback
from abstractqa.index import IndexUnavailable
from abstractqa.query import FilterError, read_filters
from abstractqa.types import Answer, Paper, Reading
from abstractqa.web.render import (
    EMPTY_PANEL,
    answer_markdown,
    error_message,
    escape_md,
    paper_html,
    printable,
    render_answer,
    render_reply,
    sources_html,
    write_markdown,
)

log = logging.getLogger(__name__)

PASSAGES = (1, 10)  # the range of the "Papers given to the answer" slider
WORKING = "*Searching the abstracts…*"


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
# Settings from the accordion


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


# ---------------------------------------------------------------------------------------------
# The callbacks


class ChatHandlers:
    """The page's event handlers for one `Assistant`; each method is one Gradio callback.

    Example:
        >>> handlers = ChatHandlers(Assistant(load_settings()))  # doctest: +SKIP
        >>> conv = Conversation()
        >>> *_, done = handlers.respond("Who wrote MetaCLIP?", conv, "extractive", 5, "", "", "")  # doctest: +SKIP
        >>> conv.replies[-1].citations[0].title  # doctest: +SKIP
        'MetaCLIP'
    """

    def __init__(self, assistant: Assistant):
        settings = assistant.settings
        self.assistant = assistant
        self.modes = list(settings.ui.answer_modes)
        self.default_mode = settings.answer.mode if settings.answer.mode in self.modes else self.modes[0]
        self.question_limit = settings.answer.max_question_chars
        self.comment_limit = settings.ui.max_comment_chars
        self.feedback_path = Path(settings.index.data_dir) / "feedback.jsonl"
        self.downloads = Path(tempfile.mkdtemp(prefix="abstractqa-ui-"))
        try:
            papers = assistant.papers()
            self.index_note = ""
        except IndexUnavailable as err:
            papers, self.index_note = [], f" The index is not available yet: {err}."
        self.papers: dict[str, Paper] = {p.paper_id: p for p in papers}
        self._by_row = {(p.title, p.arxiv_id or ""): p for p in papers}  # a table row's paper

    def panel(self, conv: Conversation) -> tuple[str, Any, str]:
        """Sources HTML, download button and Markdown for the reply the panel shows."""
        answer = conv.replies[conv.shown] if conv.shown is not None else None
        if answer is None:
            return EMPTY_PANEL, gr.DownloadButton(value=None, interactive=False), ""
        path = write_markdown(answer, self.downloads)
        return (
            sources_html(answer, conv.shown),
            gr.DownloadButton(value=path, interactive=True),
            answer_markdown(answer),
        )

    def respond(
        self,
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
            shown_question = printable(question, self.question_limit)
            conv.messages.append({"role": "user", "content": html.escape(shown_question, quote=False)})
        conv.say(WORKING)
        turn = len(conv.replies) - 1
        yield conv.chat(), conv, skip, "", skip, skip
        answer, text = None, ""
        try:
            # The API can send what the page's controls can't: check it as they would.
            check_controls(mode, passages, self.modes)
            filters = read_filters(date_from, date_to, authors)
            for item in self.assistant.ask_stream(
                question, history=conv.history(), mode=mode, passages=int(passages or 0) or None, **filters
            ):
                if isinstance(item, Answer):
                    answer = item
                elif isinstance(item, Reading):  # shown until the model's first words replace it
                    conv.messages[-1]["content"] = html.escape(item.text())
                    yield conv.chat(), conv, skip, skip, skip, skip
                else:
                    text += item
                    conv.messages[-1]["content"] = render_answer(text, turn) + " ▍"
                    yield conv.chat(), conv, skip, skip, skip, skip
        except Exception as err:  # noqa: BLE001 - every failure becomes a chat message
            if not isinstance(err, AbstractQAError):  # a bug, not bad input: keep its traceback
                log.exception("answering %r failed", printable(question, 200))
            shown = render_answer(text, turn) + "\n\n" if text else ""  # keep what was streamed
            conv.messages[-1]["content"] = shown + error_message(err, mode)
        if answer is not None:
            conv.replies[turn] = answer
            conv.shown = turn
            conv.messages[-1]["content"] = render_reply(answer, turn)
        html_, download, markdown = self.panel(conv)
        yield conv.chat(), conv, html_, "", download, markdown

    def show_reply(self, conv: Conversation, evt: gr.SelectData) -> tuple:
        """Clicking an earlier answer shows its sources."""
        index = evt.index if isinstance(evt.index, int) else evt.index[0]
        turn = conv.reply_at(index)
        if turn is None or conv.replies[turn] is None or turn == conv.shown:
            return conv, gr.skip(), gr.skip(), gr.skip()
        conv.shown = turn
        return conv, *self.panel(conv)

    def rate(self, conv: Conversation, comment: str, rating: str, turn: int | None) -> tuple[str, Any]:
        """Save a rating of reply `turn`; the note to show and the comment box's new value."""
        answer = conv.replies[turn] if turn is not None and turn < len(conv.replies) else None
        if answer is None:
            return "Only answers can be rated.", gr.skip()
        if rating not in ("up", "down"):
            return "A rating is 'up' or 'down'.", gr.skip()
        comment = comment or ""
        if len(comment) > self.comment_limit:
            return (
                f"The comment is {len(comment):,} characters long; the limit is {self.comment_limit:,}. "
                "Nothing was saved.",
                gr.skip(),
            )
        record_feedback(self.feedback_path, answer, rating, printable(comment))
        thumb = "Thumbs up" if rating == "up" else "Thumbs down"
        return f"{thumb} saved to `{self.feedback_path.name}`, thank you.", ""

    def on_like(self, conv: Conversation, comment: str, evt: gr.LikeData) -> tuple[str, Any]:
        index = evt.index if isinstance(evt.index, int) else evt.index[0]
        if evt.liked in (True, "Like"):
            rating = "up"
        elif evt.liked in (False, "Dislike"):
            rating = "down"
        else:  # a rating clicked off again; what was saved stays saved
            return "Rating cleared (lines already saved are kept).", gr.skip()
        return self.rate(conv, comment, rating, conv.reply_at(index))

    def api_feedback(self, rating: str, comment: str, conv: Conversation) -> tuple[str, Any]:
        """Rate the latest answer of this session ('up' or 'down'), with an optional comment."""
        latest = next((i for i in range(len(conv.replies) - 1, -1, -1) if conv.replies[i]), None)
        return self.rate(conv, comment, rating, latest)

    def change_mode(self, mode: str, conv: Conversation) -> tuple:
        previous = conv.mode or self.default_mode
        try:
            check_controls(mode, None, self.modes)
            start_backend(self.assistant, mode)
        except Exception as err:  # noqa: BLE001 - a backend that can't start is a chat message
            conv.say(
                f"**{escape_md(str(mode))} mode can't start:** {escape_md(str(err))}\n\n"
                f"Answers stay in **{previous}** mode."
            )
            return conv.chat(), conv, gr.Radio(value=previous)
        conv.mode = mode
        conv.say(f"Answer mode is now **{mode}**.")
        return conv.chat(), conv, gr.skip()

    def new_chat(self) -> tuple:
        conv = Conversation()
        return [], conv, EMPTY_PANEL, gr.DownloadButton(value=None, interactive=False), "", ""

    def example_text(self, evt: gr.SelectData) -> str:
        # Event data comes from the client like any input: take only an example's text.
        return printable(str(evt.value.get("text", "")), self.question_limit) if isinstance(evt.value, dict) else ""

    def show_paper(self, evt: gr.SelectData) -> str:
        row = evt.row_value or []
        return paper_html(self._by_row.get(tuple(row[:1] + row[3:4])) if row else None)
