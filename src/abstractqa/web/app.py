"""The browser chat's page: `build_app` lays it out and wires it to `ChatHandlers`; `launch`
serves it with the app's theme, styles (`assets/app.css`) and script (`assets/app.js`).
"""

from __future__ import annotations

from importlib.resources import files
from types import SimpleNamespace
from typing import TYPE_CHECKING

import gradio as gr

from abstractqa.assistant import Assistant
from abstractqa.web.chat import PASSAGES, ChatHandlers, Conversation
from abstractqa.web.render import EMPTY_PANEL, escape, paper_html, papers_table

if TYPE_CHECKING:
    from abstractqa.config import Settings

EXAMPLES = [
    "How does MSN differ from I-JEPA?",
    "How many GPUs were used to train I-JEPA?",
    "Which papers use masked image modeling?",
    "Who wrote MetaCLIP?",
]
UPLOAD_LIMIT = 0  # bytes: the app takes no file uploads, so Gradio's /gradio_api/upload takes none
CONCURRENCY = 4  # sessions answered at once; an in-process LLM still runs one prompt at a time
COPY_JS = "(text) => window.aqCopyMarkdown(text)"  # defined in assets/app.js


def asset(name: str) -> str:
    """The text of a file shipped in `abstractqa/web/assets/`."""
    return files("abstractqa.web").joinpath("assets", name).read_text(encoding="utf-8")


def build_app(assistant: Assistant) -> gr.Blocks:
    """The chat, the sources panel, the Papers tab and settings, for one `Assistant`."""
    on = ChatHandlers(assistant)
    with gr.Blocks(title="abstractqa", analytics_enabled=False) as app:
        conv = gr.State(Conversation())
        with gr.Row(elem_id="aq-header"):
            gr.HTML(
                "<h1>abstractqa</h1><p>Ask about the "
                f"{len(on.papers)} indexed research-paper abstracts. Every sentence of an answer "
                f"cites the abstract it comes from.{escape(on.index_note)}</p>"
            )
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                ask = ask_tab(on, assistant.settings)
            with gr.Tab(f"Papers ({len(on.papers)})", id="papers"):
                papers = papers_tab(on)
        wire(on, conv, ask, papers)
    app.queue(default_concurrency_limit=CONCURRENCY)
    return app


def ask_tab(on: ChatHandlers, settings: Settings) -> SimpleNamespace:
    """The chat column (question, tools, settings) and the sources panel beside it."""
    tool = {"size": "sm", "scale": 0}
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
                    max_length=on.question_limit,
                    scale=8,
                    autofocus=True,
                )
                send = gr.Button("Ask", variant="primary", scale=1, min_width=90)
            with gr.Row(elem_id="tools-row"):
                copy_md = gr.Button("Copy as Markdown", min_width=140, elem_id="copy-md", **tool)
                download = gr.DownloadButton(
                    "Download .md", min_width=120, interactive=False, elem_id="download-md", **tool
                )
                clear = gr.Button("New conversation", min_width=140, elem_id="new-chat", **tool)
                comment = gr.Textbox(
                    elem_id="feedback-comment",
                    show_label=False,
                    container=False,
                    placeholder="Comment on a rating (optional)",
                    lines=1,
                    max_length=on.comment_limit,
                    scale=3,
                )
            feedback_note = gr.Markdown(elem_id="feedback-note")
            with gr.Accordion("Settings", open=False, elem_id="settings"):
                with gr.Row():
                    mode = gr.Radio(
                        on.modes,
                        value=on.default_mode,
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
                    authors = gr.Textbox(label="Authors", placeholder="e.g. Yann LeCun; Piotr Bojanowski")
        with gr.Column(scale=2, min_width=360, elem_id="sources-column"):
            sources = gr.HTML(EMPTY_PANEL, elem_id="sources-panel")
    answer_md = gr.Textbox(visible=False)
    rating = gr.Radio(["up", "down"], value="up", visible=False)
    return SimpleNamespace(
        chatbot=chatbot, question=question, send=send, copy_md=copy_md, download=download, clear=clear,
        comment=comment, feedback_note=feedback_note, mode=mode, passages=passages, date_from=date_from,
        date_to=date_to, authors=authors, sources=sources, answer_md=answer_md, rating=rating,
    )


def papers_tab(on: ChatHandlers) -> SimpleNamespace:
    """Every indexed paper in a searchable table, and the record of the one selected."""
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            table = gr.Dataframe(
                value=papers_table(list(on.papers.values())),
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
    return SimpleNamespace(table=table, record=record)


def wire(on: ChatHandlers, conv: gr.State, ask: SimpleNamespace, papers: SimpleNamespace) -> None:
    """Connect the page's events to the handlers; only `chat` and `feedback` are public API."""
    private = {"api_visibility": "private"}
    ask_inputs = [ask.question, conv, ask.mode, ask.passages, ask.date_from, ask.date_to, ask.authors]
    ask_outputs = [ask.chatbot, conv, ask.sources, ask.question, ask.download, ask.answer_md]
    panel = [ask.sources, ask.download, ask.answer_md]
    gr.on([ask.question.submit, ask.send.click], on.respond, ask_inputs, ask_outputs, api_name="chat")
    ask.chatbot.example_select(on.example_text, None, ask.question, **private).then(
        on.respond, ask_inputs, ask_outputs, **private
    )
    ask.chatbot.select(on.show_reply, [conv], [conv, *panel], **private)
    ask.chatbot.like(on.on_like, [conv, ask.comment], [ask.feedback_note, ask.comment], **private)
    gr.on(
        [], on.api_feedback, [ask.rating, ask.comment, conv], [ask.feedback_note, ask.comment], api_name="feedback"
    )
    ask.mode.input(on.change_mode, [ask.mode, conv], [ask.chatbot, conv, ask.mode], **private)
    for trigger in (ask.clear.click, ask.chatbot.clear):
        trigger(on.new_chat, None, [ask.chatbot, conv, *panel, ask.feedback_note], **private)
    papers.table.select(on.show_paper, None, papers.record, **private)
    ask.copy_md.click(None, [ask.answer_md], None, js=COPY_JS)


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
        css=asset("app.css"),
        head=f"<script>\n{asset('app.js')}</script>",
    )
    return f"http://{host}:{app.server_port}"
