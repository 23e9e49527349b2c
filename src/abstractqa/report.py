"""The output folder of `abstractqa eval`: traces, summary and the two reports.

`write_outputs` writes `summary.json`, `results.jsonl`, `report.md` and `report.html`, each
replaced whole. The reports are jinja2 templates shipped with the package
(`abstractqa/templates/`). The HTML report renders each answer's Markdown with markdown-it
(raw HTML off), so `**MetaCLIP**` shows bold while markup an answer holds shows as text.
The plain-text tables printed by the CLI (the summary, a comparison of two runs) are here too.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

from abstractqa.evaluate import JUDGE_METRICS, METRICS, RECALL_K, QuestionResult, RunComparison

OUTPUT_FILES = ("summary.json", "results.jsonl", "report.md", "report.html")
SHORT_NAMES = {
    "retrieval_recall_at_5": "R@5",
    "retrieval_mrr": "MRR",
    "citation_precision": "cite P",
    "citation_recall": "cite R",
    "supported_sentence_rate": "supported",
    "key_fact_accuracy": "key facts",
    "first_sentence_fact": "fact first",
    "refusal_accuracy": "refusal",
    "latency_p50_s": "p50 s",
    "latency_p95_s": "p95 s",
    "judge_correctness": "judge corr",
    "judge_faithfulness": "judge faith",
}


def write_outputs(out_dir: Path, summary: dict, results: list[QuestionResult], source: str = "") -> None:
    """Write the four output files into `out_dir`, the summary last."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_whole(
        out_dir / "results.jsonl",
        "".join(json.dumps(r.to_json_dict(), ensure_ascii=False) + "\n" for r in results),
    )
    _write_whole(out_dir / "report.md", render_markdown(summary, results, source))
    _write_whole(out_dir / "report.html", render_html(summary, results, source))
    # Last, so a folder with a summary always has the traces it summarizes.
    _write_whole(out_dir / "summary.json", json.dumps(summary, indent=2) + "\n")


def _write_whole(path: Path, text: str) -> None:
    """Write beside the target, then rename over it: a reader never sees half a file."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# ---------------------------------------------------------------------------------------------
# The two reports


def render_markdown(summary: dict, results: list[QuestionResult], source: str = "") -> str:
    """A report readable without the JSON: tables, a text bar chart and the failures."""
    return _templates().get_template("report.md.j2").render(_context(summary, results, source))


def render_html(summary: dict, results: list[QuestionResult], source: str = "") -> str:
    """One self-contained HTML page: tables, an inline SVG bar chart and the failures."""
    return _templates().get_template("report.html.j2").render(_context(summary, results, source))


def _context(summary: dict, results: list[QuestionResult], source: str) -> dict:
    metrics = [m for m in (*METRICS, *JUDGE_METRICS) if m in summary]
    charted = [m for m in metrics if not m.startswith("latency")]
    failed = [r for r in results if not r.passed]
    return {
        "summary": summary,
        "source": source,
        "metrics": metrics,
        "charted": charted,
        "chart_values": {m: summary[m] for m in charted},
        "by_type": [
            {"type": t, "n": row["n_questions"], "cells": [fmt(row.get(m), m) for m in metrics]}
            for t, row in summary["by_type"].items()
        ],
        "passed": len(results) - len(failed),
        "failed": [{"heading": _heading(r), "result": r, "details": failure_details(r)} for r in failed],
    }


def _heading(r: QuestionResult) -> str:
    follows = f", follow-up of {r.follow_up_of}" if r.follow_up_of else ""
    return f"{r.id} ({r.type}{follows})"


def failure_details(r: QuestionResult) -> list[tuple[str, bool]]:
    """What went wrong with a question, as (line, is_a_failure), for both reports."""
    top = [x["title"] + (" ✓" if x["gold"] else "") for x in r.retrieved[:RECALL_K]]
    lines = [(f, True) for f in r.failures] + [(n, False) for n in r.notes]
    lines.append(("gold: " + (", ".join(g["title"] for g in r.gold) or "(none: unanswerable)"), False))
    lines.append((f"retrieved top {RECALL_K}: " + (", ".join(top) or "(none)"), False))
    lines.append(("cited: " + (", ".join(c["title"] for c in r.citations) or "(none)"), False))
    if r.key_facts:
        facts = ", ".join(f + (" ✓" if ok else " ✗") for f, ok in r.key_facts.items())
        lines.append((f"key facts: {facts}", False))
    lines.append((f"reference: {r.reference_answer}", False))
    return lines


def fmt(value: float | None, metric: str = "") -> str:
    """A metric value as the reports and tables show it: 3 decimals, seconds for latencies."""
    if value is None:
        return "n/a"
    return f"{value:.3f}s" if metric.startswith("latency") else f"{value:.3f}"


def short_name(metric: str) -> str:
    return SHORT_NAMES.get(metric, metric)


def text_bar(value: float | None, width: int = 30) -> str:
    if value is None:
        return "·" * width
    filled = round(max(0.0, min(1.0, value)) * width)
    return "█" * filled + "░" * (width - filled)


def markdown_html(text: str) -> Markup:
    """An answer's Markdown as HTML. Raw HTML in the text is escaped, never passed through,
    and markdown-it drops links to `javascript:` and similar schemes."""
    return Markup(_markdown().render(text))


def svg_bar_chart(values: dict[str, float | None], width: int = 640) -> Markup:
    """Horizontal bars for metrics in [0, 1], as inline SVG (no plotting library)."""
    label_w, bar_w, row_h = 200, width - 260, 26
    bars = []
    for i, (name, value) in enumerate(values.items()):
        v = 0.0 if value is None else max(0.0, min(1.0, value))
        color = "#2e7d32" if v >= 0.9 else "#f9a825" if v >= 0.7 else "#c62828"
        bars.append(
            {"name": name, "y": i * row_h + 4, "fill": f"{bar_w * v:.1f}", "color": color, "value": value}
        )
    axis_y = len(values) * row_h + 4
    ticks = [{"x": f"{label_w + bar_w * t:.1f}", "label": f"{t:g}"} for t in (0, 0.5, 1)]
    template = _templates().get_template("bar_chart.svg.j2")
    size = {"width": width, "height": row_h * len(values) + 24, "label_w": label_w, "bar_w": bar_w}
    return Markup(template.render(**size, bars=bars, axis_y=axis_y, ticks=ticks))


@lru_cache(maxsize=1)
def _templates() -> Environment:
    env = Environment(
        loader=PackageLoader("abstractqa", "templates"),
        autoescape=select_autoescape(["html.j2", "svg.j2"], default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(fmt=fmt, short_name=short_name, text_bar=text_bar, markdown=markdown_html)
    env.globals.update(svg_bar_chart=svg_bar_chart)
    return env


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False})


# ---------------------------------------------------------------------------------------------
# Plain-text tables for the terminal


def summary_table(summary: dict, thresholds: dict[str, float] | None = None) -> str:
    """The short plain-text table printed at the end of a run."""
    thresholds = thresholds or {}
    rows = [("metric", "value", "min" if thresholds else "")] + [
        (m, fmt(summary[m], m), f"{thresholds[m]:.3f}" if m in thresholds else "")
        for m in (*METRICS, *JUDGE_METRICS)
        if m in summary
    ]
    return _table(rows)


def render_comparison(c: RunComparison) -> str:
    """A printable table of metric deltas and the questions that flipped between two runs."""
    rows = [("metric", "old", "new", "delta")]
    for m in c.metrics:
        a, b = c.old.get(m), c.new.get(m)
        delta = f"{b - a:+.3f}" if a is not None and b is not None else "n/a"
        rows.append((m, fmt(a, m), fmt(b, m), delta))
    lines = [
        f"old: {c.old_dir} ({_describe(c.old)})",
        f"new: {c.new_dir} ({_describe(c.new)})",
        "",
        _table(rows),
        "",
        f"pass -> fail ({len(c.broke)}):",
        *(f"  {r['id']:<6} {r['type']:<13} {'; '.join(r['failures'])}" for _, r in c.broke),
        f"fail -> pass ({len(c.fixed)}):",
        *(f"  {r['id']:<6} {r['type']:<13} was: {'; '.join(old['failures'])}" for old, r in c.fixed),
        f"per-question metric changes ({len(c.changed)}):",
        *(f"  {r['id']:<6} {r['type']:<13} {_changes(diff)}" for r, diff in c.changed),
    ]
    if c.only_old or c.only_new:
        lines.append(
            f"only in old: {', '.join(c.only_old) or '-'}; only in new: {', '.join(c.only_new) or '-'}"
        )
    return "\n".join(lines)


def _changes(diff: list[tuple[str, object, object]]) -> str:
    """ "citation_precision 1.00 -> 0.50; ..." """

    def show(v) -> str:
        return "n/a" if v is None else str(v).lower() if isinstance(v, bool) else f"{v:.2f}"

    return "; ".join(f"{m} {show(a)} -> {show(b)}" for m, a, b in diff)


def _describe(summary: dict) -> str:
    return (
        f"{summary.get('n_questions')} questions, mode {summary.get('mode')}, "
        f"config {summary.get('config_hash')}"
    )


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)
