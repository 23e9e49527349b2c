"""`abstractqa`: a thin command-line shell around `Assistant`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

EXAMPLE_QUESTION = "How does MSN differ from I-JEPA?"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="abstractqa", description="Ask questions about research-paper abstracts."
    )
    parser.add_argument(
        "--config", type=Path, default=None, help="YAML config file (default: the packaged defaults, as in configs/default.yaml)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="parse seed files and add them to the index")
    p.add_argument("paths", nargs="*", type=Path, help="files or folders (default: corpus.paths)")
    p.add_argument("--if-needed", action="store_true", help="only when the index is missing or stale")
    p.add_argument(
        "--replace",
        action="store_true",
        help="make the index exactly PATHS (default: add them; papers from other files stay)",
    )
    p.add_argument(
        "--titles",
        action="store_true",
        help="first have the LLM (answer.mode, or llamacpp) write checked titles for unnamed papers (cached)",
    )

    p = sub.add_parser("papers", help="list every indexed paper")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("search", help="rank papers for a question")
    p.add_argument("question")
    p.add_argument("--k", type=int, default=None)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("ask", help="answer a question with citations")
    p.add_argument("question")
    p.add_argument("--mode", choices=["extractive", "llamacpp", "openai"], default=None)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("chat", help="a conversation in the terminal, with follow-ups")
    p.add_argument("--mode", choices=["extractive", "llamacpp", "openai"], default=None)

    p = sub.add_parser("eval", help="run a question file and report quality")
    p.add_argument("questions", nargs="?", type=Path)
    p.add_argument("--out", type=Path, default=Path("eval-out"))
    p.add_argument("--mode", choices=["extractive", "llamacpp", "openai"], default=None)
    p.add_argument("--compare", nargs=2, type=Path, metavar=("OLD_DIR", "NEW_DIR"))
    p.add_argument(
        "--judge", action="store_true", help="also grade answers with the configured openai endpoint"
    )

    p = sub.add_parser("serve", help="run the browser chat")
    p.add_argument("--host", default=None)
    p.add_argument("--port", type=int, default=None)
    p.add_argument(
        "--allow-anonymous",
        action="store_true",
        help="serve a non-loopback address without a login (default: refuse)",
    )

    sub.add_parser("config", help="print the resolved configuration")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "eval":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")

    from abstractqa.assistant import QuestionError
    from abstractqa.config import ConfigError, load_settings
    from abstractqa.index import IndexUnavailable
    from abstractqa.llm import GeneratorError

    try:
        settings = load_settings(args.config)
        code = COMMANDS[args.command](args, settings, extra)
        sys.stdout.flush()  # a closed pipe shows here, not at exit where it can't be caught
        return code
    except (ConfigError, IndexUnavailable, QuestionError, GeneratorError, FileNotFoundError) as err:
        print(f"abstractqa: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `abstractqa papers | head -1`: the reader has all it wants. Point stdout at devnull so
        # the interpreter's final flush doesn't fail again (Python docs, "Note on SIGPIPE").
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _assistant(settings):
    from abstractqa.assistant import Assistant

    return Assistant(settings)


def cmd_ingest(args, settings, _extra) -> int:
    assistant = _assistant(settings)
    if args.titles:
        counts = assistant.write_titles(args.paths or None)
        print(f"titles: {counts['written']} written, {counts['rejected']} rejected, {counts['cached']} cached")
    if args.if_needed and not args.paths and not args.replace:
        corpus, report = assistant.ensure_index(on_remove=_print_removals)
    else:
        corpus, report = assistant.ingest(args.paths or None, replace=args.replace, on_remove=_print_removals)
    for w in corpus.warnings:
        print(f"warning: {w}", file=sys.stderr)
    print(
        f"files: {len(corpus.files)}  records read: {corpus.records_read}  merged: {corpus.merged}  "
        f"skipped: {corpus.skipped}  papers: {len(corpus.papers)}  warnings: {len(corpus.warnings)}"
    )
    if report is None:
        print("index: up to date, nothing to do")
        return 0
    if report.rebuilt:
        kept = f"; the damaged copy is kept as {report.damaged_copy}" if report.damaged_copy else ""
        print(f"index: the manifest was damaged ({report.rebuilt}) and is rebuilt{kept}")
    print(
        f"index: {report.added} added, {report.updated} updated, {report.removed} removed, "
        f"{report.unchanged} unchanged; {report.chunks_embedded} of {report.chunks_total} chunks embedded"
        + (f" ({report.vectors_restored} had lost their vectors)" if report.vectors_restored else "")
    )
    if report.kept_papers:
        print(f"index: {report.kept_papers} papers from seed files not read now stay indexed")
    if report.unknown_vectors_kept:
        print(
            f"index: {report.unknown_vectors_kept} stored vectors belong to no indexed paper; kept for an "
            "ingest of their files to reuse (`ingest --replace` drops them)"
        )
    return 0


def _print_removals(papers) -> None:
    print(f"removing {len(papers)} papers from the index:")
    for p in papers:
        print(f"  - {p.paper_id:14} {p.title}  ({p.sources[0]})")
    sys.stdout.flush()


def cmd_papers(args, settings, _extra) -> int:
    papers = _assistant(settings).papers()
    if args.json:
        fields = ["paper_id", "title", "authors", "arxiv_id", "created", "urls", "abstract", "sources"]
        print(json.dumps([{f: getattr(p, f) for f in fields} for p in papers], indent=2, ensure_ascii=False))
    else:
        for p in papers:
            meta = ", ".join(
                filter(
                    None,
                    [
                        p.arxiv_id and f"arXiv:{p.arxiv_id}",
                        p.created,
                        p.authors and p.authors[0] + (" et al." if len(p.authors) > 1 else ""),
                    ],
                )
            )
            print(f"{p.paper_id:14} {p.title}" + (f"  ({meta})" if meta else ""))
    return 0


def cmd_search(args, settings, _extra) -> int:
    results = _assistant(settings).search(args.question, k=args.k)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "paper_id": e.paper.paper_id,
                        "title": e.paper.title,
                        "score": round(e.score, 6),
                        "text": e.text,
                    }
                    for e in results
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for rank, e in enumerate(results, 1):
            print(
                f"{rank}. {e.paper.title}  [{e.paper.paper_id}, {e.reason}, score {e.score:.3f}]\n   {e.text[:200]}"
            )
    return 0


def cmd_ask(args, settings, _extra) -> int:
    assistant = _assistant(settings)
    if args.json:
        answer = assistant.ask(args.question, mode=args.mode)
        print(json.dumps(answer.to_json_dict(), indent=2, ensure_ascii=False))
        return 0
    answer = _print_stream(assistant, args.question, [], args.mode)
    _print_references(answer)
    return 0


def cmd_chat(args, settings, _extra) -> int:
    from abstractqa.assistant import QuestionError

    assistant = _assistant(settings)
    history = []
    # Bytes that are not UTF-8 reach the question check (and its message) instead of ending the chat.
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="surrogateescape")
    print("Ask about the indexed papers. Follow-ups work. Empty line or Ctrl-D to quit.")
    while True:
        try:
            question = input("\n> ").strip()
        except EOFError:
            break
        if not question:
            break
        try:
            answer = _print_stream(assistant, question, history, args.mode)
        except QuestionError as err:
            print(f"error: {err}")
            continue
        _print_references(answer)
        history.append(answer)
    return 0


def _print_stream(assistant, question, history, mode):
    from abstractqa.types import Answer

    answer = None
    for item in assistant.ask_stream(question, history=history, mode=mode):
        if isinstance(item, Answer):
            answer = item
        else:
            print(item, end="", flush=True)
    print()
    return answer


def _print_references(answer) -> None:
    if answer.citations:
        print("\nReferences:")
        for c in answer.citations:
            arxiv = f" arXiv:{c.arxiv_id}" if c.arxiv_id else ""
            print(f"[{c.n}] {c.title}{arxiv} ({c.source})")


def cmd_eval(args, settings, extra) -> int:
    from abstractqa.evaluate import run_cli

    return run_cli(args, settings, extra)


def cmd_serve(args, settings, _extra) -> int:
    from ui.app import serve

    return serve(settings, host=args.host, port=args.port, allow_anonymous=args.allow_anonymous)


def cmd_config(args, settings, _extra) -> int:
    import yaml

    print(yaml.safe_dump(settings.model_dump(mode="json"), sort_keys=False), end="")
    return 0


COMMANDS = {
    "ingest": cmd_ingest,
    "papers": cmd_papers,
    "search": cmd_search,
    "ask": cmd_ask,
    "chat": cmd_chat,
    "eval": cmd_eval,
    "serve": cmd_serve,
    "config": cmd_config,
}

if __name__ == "__main__":
    sys.exit(main())
