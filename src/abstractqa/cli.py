"""`abstractqa`: a thin command-line shell around `Assistant`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

EXAMPLE_QUESTION = "How does MSN differ from I-JEPA?"


def build_parser() -> argparse.ArgumentParser:
    from abstractqa.config import ANSWER_MODES

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
        help="first have the LLM (answer.mode, or llamacpp) write checked titles for unnamed papers (once per "
        "abstract, cached; a model that can't load is a warning, not an error)",
    )

    p = sub.add_parser("papers", help="list every indexed paper")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("search", help="rank papers for a question")
    p.add_argument("question")
    p.add_argument("--k", type=int, default=None)
    p.add_argument("--json", action="store_true")
    _add_filters(p)

    p = sub.add_parser("ask", help="answer a question with citations")
    p.add_argument("question")
    p.add_argument("--mode", choices=ANSWER_MODES, default=None)
    p.add_argument("--json", action="store_true")
    _add_filters(p)

    p = sub.add_parser("chat", help="a conversation in the terminal, with follow-ups")
    p.add_argument("--mode", choices=ANSWER_MODES, default=None)
    _add_filters(p)

    p = sub.add_parser("eval", help="run a question file and report quality")
    p.add_argument("questions", nargs="?", type=Path)
    p.add_argument("--out", type=Path, default=Path("eval-out"))
    p.add_argument("--mode", choices=ANSWER_MODES, default=None)
    p.add_argument("--compare", nargs=2, type=Path, metavar=("OLD_DIR", "NEW_DIR"))
    p.add_argument(
        "--judge", action="store_true", help="also grade answers with the configured openai endpoint"
    )
    _add_thresholds(p)

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


def _add_thresholds(p: argparse.ArgumentParser) -> None:
    """`--min-METRIC X` for every quality metric (and judge metric), spelt with dashes or underscores."""
    from abstractqa.evaluate import JUDGE_METRICS, QUALITY_METRICS

    group = p.add_argument_group("thresholds", "exit 1 when a metric of the (new) run is below X")
    for metric in (*QUALITY_METRICS, *JUDGE_METRICS):
        flags = dict.fromkeys([f"--min-{metric.replace('_', '-')}", f"--min-{metric}"])
        needs = "needs --judge" if metric in JUDGE_METRICS else None
        group.add_argument(*flags, dest=f"min_{metric}", type=float, metavar="X", help=needs)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)

    from abstractqa.config import load_settings
    from abstractqa.errors import AbstractQAError

    try:
        settings = load_settings(args.config)
        code = COMMANDS[args.command](args, settings)
        sys.stdout.flush()  # a closed pipe shows here, not at exit where it can't be caught
        return code
    except (AbstractQAError, FileNotFoundError) as err:
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


def cmd_ingest(args, settings) -> int:
    assistant = _assistant(settings)
    if args.titles:
        from abstractqa.errors import AbstractQAError

        try:
            counts = assistant.write_titles(args.paths or None)
            print(f"titles: {counts['written']} written, {counts['rejected']} rejected, {counts['cached']} cached")
        except AbstractQAError as err:  # titles are a convenience: the index is built all the same
            print(f"warning: titles not written ({err}); the rule-derived titles stay", file=sys.stderr)
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


def cmd_papers(args, settings) -> int:
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


def _add_filters(p: argparse.ArgumentParser) -> None:
    """The web app's Settings filters, for `search`, `ask` and `chat`."""
    p.add_argument(
        "--author",
        action="append",
        default=[],
        help="only papers by this author (repeat, or separate names with ';')",
    )
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="only papers dated on or after")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="only papers dated on or before")


def _filters(args) -> dict:
    """The filters, checked before anything loads, with the messages the web app's Settings give."""
    from abstractqa.query import read_filters

    return read_filters(args.date_from, args.date_to, args.author, labels={"date_from": "--from", "date_to": "--to"})


def cmd_search(args, settings) -> int:
    filters = _filters(args)
    results = _assistant(settings).search(args.question, k=args.k, **filters)
    if args.json:
        print(json.dumps([e.to_json_dict() for e in results], indent=2, ensure_ascii=False))
    else:
        for rank, e in enumerate(results, 1):
            print(
                f"{rank}. {e.paper.title}  [{e.paper.paper_id}, {e.reason}, score {e.score:.3f}]\n   {e.text[:200]}"
            )
    return 0


def cmd_ask(args, settings) -> int:
    filters = _filters(args)
    assistant = _assistant(settings)
    if args.json:
        answer = assistant.ask(args.question, mode=args.mode, **filters)
        print(json.dumps(answer.to_json_dict(), indent=2, ensure_ascii=False))
        return 0
    answer = _print_stream(assistant, args.question, [], args.mode, **filters)
    _print_references(answer)
    return 0


def cmd_chat(args, settings) -> int:
    from abstractqa.assistant import QuestionError

    filters = _filters(args)
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
            answer = _print_stream(assistant, question, history, args.mode, **filters)
        except QuestionError as err:
            print(f"error: {err}")
            continue
        _print_references(answer)
        history.append(answer)
    return 0


def _print_stream(assistant, question, history, mode, **filters):
    from abstractqa.evidence import plain_math
    from abstractqa.types import Answer, Reading

    answer = None
    for item in assistant.ask_stream(question, history=history, mode=mode, **filters):
        if isinstance(item, Answer):
            answer = item
        elif isinstance(item, Reading):
            print(f"({item.text()})", file=sys.stderr, flush=True)
        else:
            print(plain_math(item), end="", flush=True)
    print()
    return answer


def _print_references(answer) -> None:
    if answer.citations:
        print("\nReferences:")
        for c in answer.citations:
            arxiv = f" arXiv:{c.arxiv_id}" if c.arxiv_id else ""
            print(f"[{c.n}] {c.title}{arxiv} ({c.source})")


def cmd_eval(args, settings, assistant=None) -> int:
    """0 when done, 1 when a --min threshold is not met, 2 on bad input."""
    from abstractqa.evaluate import (
        JUDGE_METRICS,
        QUALITY_METRICS,
        EvalInputError,
        check_thresholds,
        compare_runs,
        evaluate,
    )
    from abstractqa.report import render_comparison, summary_table, write_outputs

    thresholds = {
        m: getattr(args, f"min_{m}")
        for m in (*QUALITY_METRICS, *JUDGE_METRICS)
        if getattr(args, f"min_{m}", None) is not None
    }
    try:
        judged = [m for m in thresholds if m in JUDGE_METRICS]
        if judged and not args.judge:
            raise EvalInputError(f"--min-{judged[0].replace('_', '-')} needs --judge")
        if args.compare:
            comparison = compare_runs(*args.compare)
            print(render_comparison(comparison))
            summary = comparison.new
        else:
            if args.questions is None:
                raise EvalInputError(
                    "give a question file (abstractqa eval QUESTIONS.jsonl) or --compare OLD NEW"
                )
            assistant = assistant or _assistant(settings)
            _warn_if_stale(assistant)
            summary, results = evaluate(assistant, args.questions, mode=args.mode, judge=args.judge)
            write_outputs(args.out, summary, results, source=str(args.questions))
            print(summary_table(summary, thresholds))
            passed = sum(r.passed for r in results)
            print(f"\n{passed} of {len(results)} questions passed; see {args.out / 'report.md'}")
    except EvalInputError as err:
        print(f"abstractqa eval: error: {err}", file=sys.stderr)
        return 2
    problems = check_thresholds(summary, thresholds)
    for p in problems:
        print(f"threshold not met: {p}", file=sys.stderr)
    return 1 if problems else 0


def _warn_if_stale(assistant) -> None:
    from abstractqa.index import index_status

    try:
        status = index_status(assistant.read_corpus().papers, assistant.settings)
    except Exception:  # noqa: BLE001 - only a hint; asking will report a real problem
        return
    if status == "stale":
        print(
            "warning: the index is older than the seed files; run `abstractqa ingest` for current results",
            file=sys.stderr,
        )


def cmd_serve(args, settings) -> int:
    from abstractqa.web.server import serve

    return serve(settings, host=args.host, port=args.port, allow_anonymous=args.allow_anonymous)


def cmd_config(args, settings) -> int:
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
