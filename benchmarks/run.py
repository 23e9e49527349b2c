"""Benchmarks for abstractqa: ingest, the embedding ceiling, query and answer latency, start-up
of fresh processes, two llama-index peers, and retrieval at 1k/10k/100k papers. Prints
markdown tables; no timed asserts.

    .venv/bin/python benchmarks/run.py            # full (~30 min; the 100k index is built once, cached)
    .venv/bin/python benchmarks/run.py --quick    # 300 abstracts ingested, scale to 10,000, fewer repeats
    .venv/bin/python benchmarks/run.py --only start-up peers   # some sections

The full run writes its tables to benchmarks/RESULTS.md (a --quick or --only run prints them,
or writes --out FILE) and the scale plot to benchmarks/scale.png (`pip install
abstractqa[bench]` for matplotlib). Everything is measured in one run on this machine, with
the bundled embedder shared by every part.

The synthetic corpus is built from the seed abstracts' own sentences, recombined with a
fixed random seed, written as `Abstract:` lines into seed files and ingested through the
same `Assistant.ingest` code path as the real seeds. The scale section (benchmarks/scale.py)
derives its vectors instead of encoding them; its docstring says how.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from abstractqa.evaluate import percentile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DEV_QUESTIONS = ROOT / "evals" / "questions.jsonl"
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
VENV_BIN = Path(sys.executable).parent
LLAMACPP_QUESTIONS = ("q01", "q02", "q04", "q07", "q20")  # answerable factoids


@dataclass
class Scale:
    synthetic: int  # synthetic abstracts
    ceiling_texts: int  # embed texts for the raw-encode ceiling
    experiment_texts: int  # embed texts for each ceiling-raising variant
    query_passes: int  # passes over the dev questions for retrieval latency
    rounds: int  # interleaved rounds of the ceiling variants
    ratio_abstracts: int  # abstracts ingested and encoded back to back for the ingest/encode ratio
    startup_runs: int  # fresh `abstractqa ask` processes (serve: that minus two)
    scale_sizes: tuple[int, ...]  # synthetic corpus sizes of the scale benchmark (benchmarks/scale.py)


FULL = Scale(
    synthetic=500, ceiling_texts=500, experiment_texts=128, query_passes=2, rounds=3, ratio_abstracts=200,
    startup_runs=5, scale_sizes=(1_000, 10_000, 100_000),
)  # rounds: interleaved rounds of the ceiling variants and of the ingest/encode ratio (+1 warm-up)
QUICK = Scale(
    synthetic=300, ceiling_texts=384, experiment_texts=128, query_passes=1, rounds=2, ratio_abstracts=150,
    startup_runs=3, scale_sizes=(1_000, 10_000),
)


@dataclass
class Report:
    """Rows of (measurement, value, note) per section, rendered as markdown."""

    sections: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)  # whole markdown blocks, after the sections

    def add(self, section: str, name: str, value: str, note: str = "") -> None:
        self.sections.setdefault(section, []).append((name, value, note))
        print(
            f"  [{section}] {name}: {value}{'  (' + note + ')' if note else ''}", file=sys.stderr, flush=True
        )

    def markdown(self, header: list[str]) -> str:
        lines = [*header, ""]
        for section, rows in self.sections.items():
            lines += [f"## {section}", "", "| measurement | value | note |", "|---|---:|---|"]
            lines += [f"| {n} | {v} | {note} |" for n, v, note in rows]
            lines.append("")
        lines += self.tables
        if self.notes:
            lines += ["## Notes", "", *(f"- {n}" for n in self.notes), ""]
        return "\n".join(lines)


class LoadSampler:
    """Samples the 1-minute load average every few seconds while the benchmark runs."""

    def __init__(self, every_s: float = 5.0):
        self.samples = [os.getloadavg()[0]]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(every_s,), daemon=True)
        self._thread.start()

    def _run(self, every_s: float) -> None:
        while not self._stop.wait(every_s):
            self.samples.append(os.getloadavg()[0])

    def stop(self) -> tuple[float, float]:
        self._stop.set()
        return statistics.mean(self.samples), max(self.samples)


# ---------------------------------------------------------------------------------------------
# Small helpers


def clock(fn: Callable, *args, **kwargs) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t0, out


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def sec(seconds: float) -> str:
    return f"{seconds:.2f} s"


def rate(n: float, seconds: float, unit: str) -> str:
    return f"{n / seconds:,.1f} {unit}/s" if seconds > 0 else "n/a"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def settings_for(data_dir: Path, corpus: list[Path], **groups):
    from abstractqa.config import load_settings

    overrides = {"index": {"data_dir": data_dir}, "corpus": {"paths": corpus}}
    for group, values in groups.items():
        overrides[group] = {**overrides.get(group, {}), **values}
    return load_settings(None, **overrides)


def dev_questions() -> list:
    from abstractqa.evaluate import load_questions

    return load_questions(DEV_QUESTIONS)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# Synthetic corpus


def write_synthetic(n: int, target: Path, seed: int = 0, per_file: int = 1000) -> int:
    """`n` abstracts of 5-9 seed sentences, shuffled deterministically, as abstract-lines files."""
    from abstractqa.corpus import load_corpus
    from abstractqa.evidence import split_sentences

    papers = load_corpus([SEEDS]).papers
    sentences = sorted({s for p in papers for s in split_sentences(p.abstract) if len(s.split()) >= 4})
    rng = random.Random(seed)
    target.mkdir(parents=True, exist_ok=True)
    lines = ["Abstract:" + " ".join(rng.sample(sentences, rng.randint(5, 9))) for _ in range(n)]
    for i in range(0, n, per_file):
        (target / f"synthetic_{i // per_file:03d}.txt").write_text("\n".join(lines[i : i + per_file]) + "\n")
    return len(sentences)


# ---------------------------------------------------------------------------------------------
# Ingest


def bench_ingest(report: Report, work: Path, embed_model, scale: Scale) -> dict:
    from abstractqa.assistant import Assistant

    section = "Ingest"
    out: dict = {}
    seed_dir = work / "seed-data"
    seed = Assistant(settings_for(seed_dir, [SEEDS]), embed_model=embed_model)
    t_cold, (corpus, ing) = clock(seed.ingest, progress=False)
    n = len(corpus.papers)
    report.add(
        section,
        f"seed corpus, cold ({n} abstracts, {ing.chunks_total} chunks)",
        sec(t_cold),
        rate(n, t_cold, "abstracts"),
    )
    runs = [clock(seed.ingest, progress=False)[0] for _ in range(3)]
    report.add(
        section, "seed corpus, incremental (nothing changed), median of 3", ms(statistics.median(runs))
    )
    out["seed"] = seed

    syn_files = work / "synthetic-seeds"
    log(f"writing {scale.synthetic:,} synthetic abstracts")
    n_sentences = write_synthetic(scale.synthetic, syn_files)
    syn_dir = work / "synthetic-data"
    syn = Assistant(settings_for(syn_dir, [syn_files]), embed_model=embed_model)
    t_read, syn_corpus = clock(syn.read_corpus)
    papers = syn_corpus.papers
    report.add(
        section,
        f"synthetic corpus: parse + merge {scale.synthetic:,} lines",
        sec(t_read),
        f"{len(papers):,} papers from {n_sentences} distinct seed sentences, random.Random(0)",
    )
    log(f"ingesting {len(papers):,} synthetic abstracts (the long part)")
    t_ingest, (_, syn_ing) = clock(syn.ingest, progress=False)
    per_abstract = syn_ing.chunks_total / len(papers)
    report.add(
        section,
        f"synthetic corpus, cold ({len(papers):,} abstracts, {syn_ing.chunks_total:,} chunks)",
        sec(t_ingest),
        f"{rate(len(papers), t_ingest, 'abstracts')}; {rate(syn_ing.chunks_total, t_ingest, 'chunks')}",
    )
    t_again, _ = clock(syn.ingest, progress=False)
    report.add(
        section, f"synthetic corpus, incremental (nothing changed), {len(papers):,} abstracts", sec(t_again)
    )
    out.update(syn=syn, syn_ingest_s=t_ingest, syn_papers=len(papers), chunks_per_abstract=per_abstract)

    # Where ingest time goes, on samples: chunking (tokenizer-driven sentence splitting) and
    # Chroma writes (HNSW inserts), the two parts besides embedding.
    from abstractqa.index import chunk_papers

    sample = papers[: min(1000, len(papers))]
    t_chunk, chunks = clock(chunk_papers, sample, syn.settings, embed_model)
    report.add(
        section,
        f"of which chunking ({len(sample):,}-abstract sample)",
        rate(len(sample), t_chunk, "abstracts"),
        f"~{t_chunk / len(sample) * len(papers):.0f} s of the {t_ingest:.0f} s ingest",
    )
    dim = len(embed_model.get_query_embedding("dimension"))
    t_write, n_written = clock(chroma_writes, work / "write-bench", syn.settings, papers, chunks, dim)
    report.add(
        section,
        f"of which Chroma writes ({n_written:,} chunks, random unit vectors, same add batches)",
        rate(n_written, t_write, "chunks"),
        f"~{t_write / n_written * syn_ing.chunks_total:.0f} s of the {t_ingest:.0f} s ingest",
    )
    return out


def chroma_writes(folder: Path, settings, papers: list, chunks: list, dim: int) -> int:
    """Add `chunks` to a fresh collection the way ingest does (same nodes, same batch size)."""
    import numpy as np
    from llama_index.core.schema import TextNode

    from abstractqa.index import chunk_metadata, open_vector_store

    store = open_vector_store(
        settings.model_copy(update={"index": settings.index.model_copy(update={"data_dir": folder})}),
        create=True,
    )
    by_id = {p.paper_id: p for p in papers}
    vectors = np.random.default_rng(0).standard_normal((len(chunks), dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    batch = settings.embedding.batch_size * 4
    for start in range(0, len(chunks), batch):
        part = chunks[start : start + batch]
        store.add(
            [
                TextNode(
                    id_=c.chunk_id,
                    text=c.text,
                    metadata=chunk_metadata(by_id[c.paper_id]),
                    embedding=v.tolist(),
                )
                for c, v in zip(part, vectors[start : start + batch], strict=True)
            ]
        )
    return len(chunks)


# ---------------------------------------------------------------------------------------------
# The embedding ceiling and attempts to raise it


def embed_texts(assistant) -> list[str]:
    """Exactly the texts the index embedded, in ingest order (from the manifest)."""
    from abstractqa.index import Manifest, embed_text, manifest_path

    manifest = Manifest.read(manifest_path(assistant.settings))
    by_id = {p.paper_id: p for p in manifest.papers}
    return [embed_text(by_id[c.paper_id], c) for c in manifest.chunks]


def legacy_onnx_encode(session, tokenizer, max_length: int, texts: list[str], batch: int):
    """The onnx encoder as it was before issue 10 (transformers tokenizer, batches of similar
    character length), on the same onnxruntime session: the "47 texts/s" it is compared with."""
    import numpy as np

    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    vectors: dict = {}
    inputs = {i.name for i in session.get_inputs()}
    for start in range(0, len(order), batch):
        ids = order[start : start + batch]
        enc = tokenizer(
            [texts[i] for i in ids], padding=True, truncation=True, max_length=max_length, return_tensors="np"
        )
        feed = {k: v.astype(np.int64) for k, v in enc.items() if k in inputs}
        hidden = session.run(None, feed)[0]
        mask = enc["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(1) / np.clip(mask.sum(1), 1e-9, None)
        pooled /= np.linalg.norm(pooled, axis=1, keepdims=True) + 1e-12
        vectors.update(zip(ids, pooled, strict=True))
    return np.stack([vectors[i] for i in range(len(texts))])


def bench_ceiling(report: Report, work: Path, embed_model, ingest: dict, scale: Scale) -> None:
    import numpy as np

    from abstractqa.embedder import OnnxEmbedding

    section = "Embedding ceiling"
    texts = embed_texts(ingest["syn"])
    rng = random.Random(1)
    idx = sorted(rng.sample(range(len(texts)), min(scale.ceiling_texts, len(texts))))
    sample = [texts[i] for i in idx]  # kept in ingest order
    per_abstract = ingest["chunks_per_abstract"]
    bs = ingest["syn"].settings.embedding.batch_size
    ort = embed_model.encoder  # the configured backend's own encoder is the ceiling
    ort.encode(sample[:32], batch=bs)  # warm-up

    t_raw, _ = clock(ort.encode, sample, batch=bs)
    ceiling = len(sample) / t_raw / per_abstract
    product = ingest["syn_papers"] / ingest["syn_ingest_s"]
    report.add(
        section,
        f"raw encode, embedding.backend onnx, batch {bs} ({len(sample):,} of the same embed texts)",
        rate(len(sample), t_raw, "texts"),
        f"= {ceiling:,.1f} abstracts/s at {per_abstract:.2f} chunks per abstract",
    )
    report.add(
        section,
        "full ingest abstracts/s / that ceiling (timed minutes apart, for reference)",
        f"{product / ceiling:.2f}",
        f"{product:,.1f} vs {ceiling:,.1f} abstracts/s",
    )
    _ingest_vs_encode(report, section, work, embed_model, ingest, scale)

    # Variants on one smaller sample, timed in interleaved rounds so that load from other
    # processes falls on all of them alike; each figure is the median over the rounds. The
    # torch model is loaded here only as the reference (its vectors define the collection).
    sub = sample[: scale.experiment_texts]
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(_model_path(), device="cpu")
    ref = np.asarray(st.encode(sub, batch_size=bs, normalize_embeddings=True))
    variants: dict[str, Callable[[], object]] = {
        f"torch (sentence-transformers), batch {bs}: the reference vectors": lambda: st.encode(sub, batch_size=bs),
        f"onnx before issue 10 (transformers tokenizer, char-length batches), batch {bs}": lambda: legacy_onnx_encode(
            ort.session, st.tokenizer, st.max_seq_length, sub, bs
        ),
    }
    # The export before stop 44: torch's fused SDPA attention, with its NaN guards.
    from abstractqa.embedder import OrtEncoder, export, prepared_model

    sdpa_dir = work / "onnx-sdpa"
    export(_model_path(), sdpa_dir, attention="sdpa")
    meta = prepared_model(_model_path())[1]
    sdpa = OrtEncoder(sdpa_dir / "model.onnx", sdpa_dir / "tokenizer.json", meta)
    variants[f"onnx, SDPA attention export (before stop 44), batch {bs}"] = lambda: sdpa.encode(sub, batch=bs)
    for size in (8, 16, 32):
        variants[f"onnx now (tokenizers, token-count batches, eager attention export), batch {size}"] = lambda size=size: ort.encode(
            sub, batch=size
        )
    variants[f"onnx now, 1 thread, batch {bs}"] = lambda: with_threads(1, ort.encode, sub, batch=bs)
    try:
        int8 = OnnxEmbedding.load(_model_path(), int8=True)
        variants[f"embedding.backend onnx-int8, batch {bs}"] = lambda: int8.encoder.encode(sub, batch=bs)
    except Exception as err:  # noqa: BLE001
        report.add(section, "onnx-int8", "skipped", _first_line(err))
    notes: dict[str, str] = {}
    for name, fn in variants.items():
        got = np.asarray(fn())  # also a warm-up
        notes[name] = f"min cosine to torch vectors {float(np.min(np.sum(ref * got, axis=1))):.5f}"

    times: dict[str, list[float]] = {name: [] for name in variants}
    for r in range(scale.rounds):
        log(f"ceiling variants, round {r + 1} of {scale.rounds}")
        for name, fn in variants.items():
            times[name].append(clock(fn)[0])
    base_name = next(iter(variants))
    base = statistics.median(times[base_name])
    for name, ts in times.items():
        t = statistics.median(ts)
        ratio = "baseline" if name == base_name else f"x{base / t:.2f} vs torch"
        report.add(section, name, rate(len(sub), t, "texts"), f"{ratio}; {len(sub)} texts, median of {len(ts)}; {notes[name]}")


def _ingest_vs_encode(report: Report, section: str, work: Path, embed_model, ingest: dict, scale: Scale) -> None:
    """The goal's ratio measured fairly: the same abstracts, ingested cold and raw-encoded
    back to back in each round, so load from other processes falls on both sides alike."""
    from abstractqa.assistant import Assistant
    from abstractqa.index import chunk_papers, embed_text

    syn = ingest["syn"]
    papers = syn.read_corpus().papers[: scale.ratio_abstracts]
    folder = work / "ratio-seeds"
    folder.mkdir(exist_ok=True)
    (folder / "sample.txt").write_text("".join(f"Abstract:{p.abstract}\n" for p in papers))
    by_id = {p.paper_id: p for p in papers}
    texts = [embed_text(by_id[c.paper_id], c) for c in chunk_papers(papers, syn.settings, embed_model)]
    bs = syn.settings.embedding.batch_size
    ort = getattr(embed_model, "encoder", None)  # the configured backend's own encoder is the ceiling
    if ort is None:  # torch: the same sentence-transformers model, loaded here
        from sentence_transformers import SentenceTransformer

        st = SentenceTransformer(_model_path(), device=syn.settings.embedding.device)
    raw = (lambda: ort.encode(texts, batch=bs)) if ort else (lambda: st.encode(texts, batch_size=bs))
    ratios, ingest_s, encode_s = [], [], []
    for r in range(scale.rounds + 1):
        log(f"ingest vs encode, round {r + 1} of {scale.rounds + 1}")
        data = work / f"ratio-data-{r}"
        assistant = Assistant(settings_for(data, [folder]), embed_model=embed_model)
        if r % 2:  # alternate which side goes first, so a load swing doesn't favour one
            t_encode, _ = clock(raw)
            t_ingest, _ = clock(assistant.ingest, progress=False)
        else:
            t_ingest, _ = clock(assistant.ingest, progress=False)
            t_encode, _ = clock(raw)
        shutil.rmtree(data, ignore_errors=True)
        if r == 0:
            continue  # warm-up round: first Chroma client, first tokenizer calls
        ratios.append(t_encode / t_ingest)
        ingest_s.append(t_ingest)
        encode_s.append(t_encode)
    n = len(papers)
    report.add(
        section,
        f"ingest / raw encode of the same {n} abstracts ({len(texts)} texts), back to back",
        f"{statistics.median(ratios):.2f}",
        f"median of {len(ratios)} rounds (each: a cold ingest and a raw {'onnxruntime' if ort else 'torch'} encode, batch {bs}, back to back, order alternating); "
        f"ingest {rate(n, statistics.median(ingest_s), 'abstracts')}, "
        f"encode {rate(n, statistics.median(encode_s), 'abstracts')}; goal >= 0.90",
    )


def call(threads: int | None, fn: Callable, *args, **kwargs):
    """`fn(*args, **kwargs)`, with torch limited to `threads` threads unless that is None."""
    return fn(*args, **kwargs) if threads is None else with_threads(threads, fn, *args, **kwargs)


EMBEDDERS: list = []  # embedders whose onnxruntime sessions follow with_threads too


def with_threads(n: int, fn: Callable, *args, **kwargs):
    """Run `fn` with the onnx embedders (and torch, when something loaded it) limited to `n`
    intra-op threads, then restore (onnx sessions are kept per thread count)."""
    torch = sys.modules.get("torch")
    before = torch.get_num_threads() if torch else None
    if torch:
        torch.set_num_threads(n)
    for model in EMBEDDERS:
        model.set_threads(n)
    try:
        return fn(*args, **kwargs)
    finally:
        if torch:
            torch.set_num_threads(before)
        for model in EMBEDDERS:
            model.set_threads(None)


def _model_path() -> str:
    from abstractqa.config import EmbeddingSettings
    from abstractqa.index import resolve_model_path

    return resolve_model_path(EmbeddingSettings().model)


def _first_line(err: BaseException) -> str:
    text = f"{type(err).__name__}: {err}".strip().splitlines()[0]
    return text[:160].replace("|", "/")


# ---------------------------------------------------------------------------------------------
# Queries and answers


def bench_queries(report: Report, ingest: dict, scale: Scale) -> None:
    section = "Query latency"
    questions = [q.question for q in dev_questions()]
    for label, assistant in (("seed", ingest["seed"]), ("synthetic", ingest["syn"])):
        n_papers = len(assistant.read_corpus().papers) if label == "seed" else ingest["syn_papers"]
        t_build, _ = clock(lambda a=assistant: a.retriever)
        report.add(
            section, f"retriever start-up at {n_papers:,} papers (manifest + BM25 + names)", sec(t_build)
        )
        built, loaded = _bm25_build_vs_load(assistant)
        report.add(
            section,
            f"  BM25 index at {n_papers:,} papers: built from the chunks / loaded as persisted, median of 5",
            f"{ms(built)} / {ms(loaded)}",
            "the retriever loads the persisted one when its chunk ids match",
        )
        for q in questions[:5]:
            assistant.search(q)  # warm-up
        default, single = [], []
        for _ in range(scale.query_passes):
            for q in questions:  # alternate, so both settings see the same load
                default.append(clock(assistant.search, q)[0])
                single.append(clock(with_threads, 1, assistant.search, q)[0])
        goal = "goal p50 <= 50 ms" if label == "synthetic" else ""
        name = f"retrieval `Assistant.search`, {n_papers:,} papers, {len(default)} queries"
        report.add(section, name, f"p50 {ms(percentile(default, 50))} / p95 {ms(percentile(default, 95))}", goal)
        report.add(
            section,
            "  same, embedder limited to 1 thread",
            f"p50 {ms(percentile(single, 50))} / p95 {ms(percentile(single, 95))}",
            goal,
        )
        if label == "synthetic":
            _profile_search(report, assistant, questions[:20])
    _contention(report, ingest["seed"], questions[:20])


def _bm25_build_vs_load(assistant) -> tuple[float, float]:
    from abstractqa.index import Manifest, manifest_path
    from abstractqa.persisted import load_bm25
    from abstractqa.retrieve import Bm25
    from abstractqa.vector_store import bm25_dir

    manifest = Manifest.read(manifest_path(assistant.settings))
    folder = bm25_dir(assistant.settings)
    built = [clock(Bm25.build, manifest.papers, manifest.chunks, 40)[0] for _ in range(5)]
    loaded = [clock(load_bm25, folder, manifest.chunks, 40)[0] for _ in range(5)]
    return statistics.median(built), statistics.median(loaded)


def _contention(report: Report, assistant, questions: list[str]) -> None:
    """Query latency while one other process keeps a core busy (a second user, llama.cpp)."""
    section = "Query latency"
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(1.0)
        rows: dict[str, list[float]] = {"embed 2": [], "embed 1": [], "search 2": [], "search 1": []}
        embed = assistant.embed_model.get_query_embedding
        for q in questions:  # interleaved, so both settings see the same load
            rows["embed 2"].append(clock(embed, q)[0])
            rows["embed 1"].append(clock(with_threads, 1, embed, q)[0])
            rows["search 2"].append(clock(assistant.search, q)[0])
            rows["search 1"].append(clock(with_threads, 1, assistant.search, q)[0])
    finally:
        busy.kill()
        busy.wait()
    for what, label in (("embed", "query embedding"), ("search", "`Assistant.search`, 43 papers")):
        default, single = rows[f"{what} 2"], rows[f"{what} 1"]
        report.add(
            section,
            f"with one busy-loop process beside it: {label}, embedder threads default",
            f"p50 {ms(percentile(default, 50))} / p95 {ms(percentile(default, 95))}",
            f"embedder threads 1: p50 {ms(percentile(single, 50))} / p95 {ms(percentile(single, 95))}",
        )


def _profile_search(report: Report, assistant, questions: list[str]) -> None:
    """Split a 10k search into its parts, to show where the time goes."""
    r = assistant.retriever
    parts = {
        "query embedding": lambda q: r.hybrid._embed.get_query_embedding(q),
        "question reading (names, authors, dates)": lambda q: r.names.read(q),
        "dense + BM25 + fusion (HybridRetriever)": lambda q: r.hybrid.retrieve(q),
    }
    for name, fn in parts.items():
        default = [clock(fn, q)[0] for q in questions]
        single = [clock(with_threads, 1, fn, q)[0] for q in questions]
        report.add(
            "Query latency",
            f"  of which {name}, p50",
            ms(percentile(default, 50)),
            f"{ms(percentile(single, 50))} with embedder threads 1",
        )


def bench_answers(report: Report, ingest: dict, embed_model) -> None:
    from abstractqa.assistant import Assistant
    from abstractqa.evaluate import run_questions
    from abstractqa.types import Answer, Reading

    section = "Answer latency (seed corpus)"
    seed = ingest["seed"]
    questions = dev_questions()
    firsts_only = [q for q in questions if q.follow_up_of is None]

    def first_piece(assistant, question: str, mode: str) -> tuple[float, float, Answer]:
        t0 = time.perf_counter()
        first = None
        for item in assistant.ask_stream(question, mode=mode):
            if first is None and (isinstance(item, Reading) or isinstance(item, str) and item.strip()):
                first = time.perf_counter() - t0  # a Reading is shown as soon as it comes
            if isinstance(item, Answer):
                total, answer = time.perf_counter() - t0, item
        return (first if first is not None else total), total, answer

    # One untimed pass first: the sentence-vector cache is then warm for both timed passes,
    # so they differ only in threads (a cold first pass once passed for a threads effect).
    run_questions(seed, questions, progress=False)
    for label, threads in (("", None), (", embedder threads 1", 1)):
        asked = call(threads, run_questions, seed, questions, progress=False)
        totals = [a.timings.total_s for _, a, _ in asked if a is not None]
        report.add(
            section,
            f"extractive, end to end ({len(totals)} dev questions, follow-ups with history, warm){label}",
            f"p50 {ms(percentile(totals, 50))} / p95 {ms(percentile(totals, 95))}",
        )
        firsts = [call(threads, first_piece, seed, q.question, "extractive")[0] for q in firsts_only]
        report.add(
            section,
            f"extractive, time to first streamed piece ({len(firsts)} questions){label}",
            f"p50 {ms(percentile(firsts, 50))} / p95 {ms(percentile(firsts, 95))}",
        )

    by_id = {q.id: q for q in questions}
    crashed = _llamacpp_crashes()
    if crashed:
        report.add(section, f"llamacpp ({seed.settings.answer.bundled_model})", "skipped", crashed)
        return
    single = Assistant(
        settings_for(seed.settings.index.data_dir, [SEEDS], answer={"n_threads": 1}), embed_model=embed_model
    )
    for label, assistant, threads in (
        ("llama.cpp threads auto", seed, None),
        ("llama.cpp and torch 1 thread each", single, 1),
    ):
        try:
            t_load, _ = clock(assistant.llm, "llamacpp")
        except Exception as err:  # noqa: BLE001
            report.add(section, f"llamacpp ({seed.settings.answer.bundled_model})", "skipped", _first_line(err))
            return
        runs = [
            call(threads, first_piece, assistant, by_id[i].question, "llamacpp") for i in LLAMACPP_QUESTIONS
        ]
        refused = sum(a.refused for _, _, a in runs)
        fallback = sum(any("extractive fallback" in s.note for s in a.sentences) for _, _, a in runs)
        report.add(
            section,
            f"llamacpp, end to end ({len(runs)} factoid questions), {label}",
            f"p50 {sec(statistics.median(r[1] for r in runs))} / max {sec(max(r[1] for r in runs))}",
            f"model load {t_load:.2f} s; {refused} refused, {fallback} fell back to extractive",
        )
        report.add(
            section,
            f"llamacpp, time to first streamed piece, {label}",
            f"p50 {sec(statistics.median(r[0] for r in runs))}",
            "a piece is shown once its sentence has passed the support check",
        )


def _llamacpp_crashes() -> str:
    """Why llama.cpp can't be timed in this process ('' when it can): one generation in a
    child process first, so a crash of the native library doesn't end the whole benchmark."""
    probe = (
        "from abstractqa.config import AnswerSettings\nfrom abstractqa.llm import bundled_gguf, load_llama\n"
        "llm = load_llama(bundled_gguf(), AnswerSettings(n_ctx=512))\n"
        "print(llm.create_completion('The capital of France is', max_tokens=4)['choices'][0]['text'])\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=cli_env(), timeout=300)
    if done.returncode == 0:
        return ""
    return f"a test generation in a child process exited with {done.returncode} (-11: segfault in llama-cpp-python)"


# ---------------------------------------------------------------------------------------------
# Cold start


def _vm_hwm_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


HEAVY_MODULES = ("torch", "sentence_transformers", "transformers", "gradio", "llama_cpp", "llama_index")


def cli_env() -> dict:
    """This checkout's code first on the path, whatever the venv has installed; bytecode is
    cached as after a normal install (this sandbox sets PYTHONDONTWRITEBYTECODE, which would
    recompile abstractqa's modules in every fresh process)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def bench_cold_start(report: Report, work: Path, ingest: dict, scale: Scale) -> None:
    section = "Start-up (fresh processes)"
    config = work / "bench-config.yaml"
    data_dir = ingest["seed"].settings.index.data_dir
    config.write_text(json.dumps({"index": {"data_dir": str(data_dir)}, "corpus": {"paths": [str(SEEDS)]}}))
    # The same without the LLM's judgment (`answer.judge: off`): the default path with no LLM.
    no_llm = work / "bench-config-no-llm.yaml"
    no_llm.write_text(json.dumps({**json.loads(config.read_text()), "answer": {"judge": "off"}}))
    question = "How many parameters does Movie Gen's largest video generation model have?"

    # `abstractqa ask` as a person types it: process start to printed answer and exit.
    # The default judges only where a verdict could change the answer: the question above holds
    # nothing its paper lacks, so it loads no model; "mAP" is in no word of MoViNets' abstract.
    judged = "MoViNets mAP on Charades"
    runs = (
        ("extractive", no_llm, question, "`abstractqa ask --mode extractive`, `answer.judge: off` (no LLM)", "goal <= 3 s"),
        ("extractive", config, question, "`abstractqa ask` (default, judge on; a question it need not judge)", "goal <= 3 s"),
        ("extractive", config, judged, "`abstractqa ask` (default) on a judged question (bundled Qwen 1.5B)", "the figure above plus model load and one judgment"),
        ("llamacpp", config, question, "`abstractqa ask --mode llamacpp`", "the extractive figure plus model load"),
    )
    for mode, config_file, asked, label, goal in runs:
        walls, cited = [], 0
        for i in range(scale.startup_runs + 1):
            t0 = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "abstractqa.cli", "--config", str(config_file), "ask", "--mode", mode, asked],
                capture_output=True, text=True, cwd=ROOT, env=cli_env(), timeout=300,
            )
            wall = time.perf_counter() - t0
            if done.returncode != 0:
                why = "segfault in llama-cpp-python" if done.returncode == -11 else done.stderr.strip()[-200:]
                report.add(section, label, "failed", f"exit {done.returncode}: {why}")
                break
            if i == 0:
                continue  # the first run warms the page cache (and keeps the BM25 index)
            walls.append(wall)
            cited += "[1]" in done.stdout
        else:
            report.add(
                section,
                f"{label}: process start to printed answer, median of {len(walls)}",
                sec(statistics.median(walls)),
                f"min {min(walls):.2f} s, max {max(walls):.2f} s; {cited} of {len(walls)} answers cite; {goal}",
            )
        if scale is QUICK:
            break

    # What the default ask path imports: none of the heavy frameworks it doesn't use.
    probe = (
        "import sys, json\nfrom abstractqa.cli import main\n"
        f"main(['--config', {str(no_llm)!r}, 'ask', {question!r}])\n"
        f"print(json.dumps([m for m in {list(HEAVY_MODULES)!r} if m in sys.modules]))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, env=cli_env(), timeout=300)
    try:
        loaded = json.loads(done.stdout.strip().splitlines()[-1])
        report.add(
            section,
            "heavy modules imported by `abstractqa ask` (default onnx backend, `answer.judge: off`)",
            ", ".join(loaded) or "none",
            "checked: " + ", ".join(HEAVY_MODULES),
        )
    except (ValueError, IndexError):
        report.add(section, "modules imported by `abstractqa ask`", "failed", _first_line(RuntimeError(done.stderr[-300:])))

    ups, firsts, hwms = [], [], []
    for _ in range(max(scale.startup_runs - 2, 1)):
        up, first, hwm = _serve_once(work, no_llm, question)  # the goals are without an LLM
        if up is None:
            report.add(section, "`abstractqa serve` to HTTP 200", "failed", f"see {work / 'serve.log'}")
            return
        ups.append(up)
        if first is not None:
            firsts.append(first)
        if hwm:
            hwms.append(hwm / 1024)
    n = len(ups)
    report.add(section, f"`abstractqa serve` launch to HTTP 200, median of {n}", sec(statistics.median(ups)), f"min {min(ups):.2f} s, max {max(ups):.2f} s; goal <= 5 s")
    if firsts:
        report.add(section, f"`abstractqa serve` launch to first answer (gradio_client), median of {len(firsts)}", sec(statistics.median(firsts)))
    if hwms:
        report.add(
            section,
            f"`abstractqa serve` peak RSS (VmHWM after one answer), median of {len(hwms)}",
            f"{statistics.median(hwms):.0f} MiB",
            f"max {max(hwms):.0f} MiB; no LLM loaded; goal <= 500 MiB",
        )


def _serve_once(work: Path, config: Path, question: str) -> tuple[float | None, float | None, int | None]:
    """(launch to HTTP 200, launch to first answer, VmHWM KiB) of one `abstractqa serve`."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_file = (work / "serve.log").open("w")
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "abstractqa.cli", "--config", str(config), "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=cli_env(),
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    up = first = None
    try:
        while time.perf_counter() - t0 < 240 and proc.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        up = time.perf_counter() - t0
                        break
            except OSError:
                time.sleep(0.05)
        if up is None:
            return None, None, None
        try:
            answered, _ = _ask_gradio(url, question)
            if "[1]" in answered:
                first = time.perf_counter() - t0
        except Exception as err:  # noqa: BLE001
            log(f"serve: gradio_client answer failed: {_first_line(err)}")
        return up, first, _vm_hwm_kib(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log_file.close()


def _ask_gradio(url: str, question: str) -> tuple[str, str]:
    """Ask through the app's public API: the endpoint whose first input is a textbox."""
    from gradio_client import Client

    client = Client(url, verbose=False)
    api = client.view_api(print_info=False, return_format="dict")
    endpoints = api.get("named_endpoints", {})
    ordered = sorted(endpoints, key=lambda name: (name.strip("/") not in ("chat", "ask", "respond"), name))
    errors = []
    for name in ordered:
        params = endpoints[name].get("parameters", [])
        if not params or params[0].get("component") != "Textbox":
            continue
        args = [question] + [p.get("parameter_default") for p in params[1:]]
        try:
            result = client.predict(*args, api_name=name)
        except Exception as err:  # noqa: BLE001
            errors.append(f"{name}: {_first_line(err)}")
            continue
        text = json.dumps(result, ensure_ascii=False, default=str)
        return text, f"endpoint {name}"
    raise RuntimeError("no endpoint answered: " + "; ".join(errors or ["no textbox endpoint"]))


# ---------------------------------------------------------------------------------------------
# A peer: a plain llama-index pipeline


HELDOUT_QUESTIONS = ROOT / "evals" / "heldout.jsonl"


def bench_scale(report: Report, scale: Scale) -> None:
    """Retrieval at 1k / 10k / 100k synthetic papers (benchmarks/scale.py), each size measured
    in a fresh process; the indexes are built once and cached between runs."""
    import scale as scale_bench  # benchmarks/scale.py, beside this file (on sys.path when run as a script)

    section = "Scale (synthetic papers, derived vectors; benchmarks/scale.py)"
    plot_path = ROOT / "benchmarks" / "scale.png"
    builds, rows = scale_bench.run(list(scale.scale_sizes), passes=2, plot_path=plot_path)
    for b, r in zip(builds, rows, strict=True):
        goal = "goal p50 <= 50 ms, p95 <= 100 ms" if r["n"] >= 100_000 else ""
        report.add(
            section,
            f"{r['n']:,} papers ({r['chunks']:,} chunks): retrieval over {r['queries']} queries",
            f"p50 {r['p50_ms']:.1f} ms / p95 {r['p95_ms']:.1f} ms",
            goal,
        )
        report.add(
            section,
            f"{r['n']:,} papers: retriever start-up (persisted BM25) / BM25 build / peak RSS",
            f"{r['startup_s']:.2f} s / {r['bm25_build_s']:.2f} s / {r['hwm_mib']:.0f} MiB",
            f"BM25 load {r['bm25_load_s']:.2f} s; manifest {r['manifest_s']:.2f} s; first query {r['first_query_s'] * 1000:.0f} ms",
        )
        report.add(
            section,
            f"{r['n']:,} papers: derived vectors vs real encodes (200-chunk sample)",
            f"cosine mean {b['derived_cosine_mean']:.3f} / min {b['derived_cosine_min']:.3f}",
            f"index built in {b['parse_s'] + b['chunk_s'] + b['derive_s'] + b['chroma_write_s']:.0f} s "
            f"(chunking {b['chunk_s']:.0f} s, Chroma writes {b['chroma_write_s']:.0f} s), cached",
        )
    report.tables.append(
        "## Scale table\n\n" + scale_bench.table(rows) + "\n\n" + scale_bench.growth(rows) + "\n\n"
        "![retrieval at scale](scale.png)\n"
    )


def bench_peers(report: Report, work: Path, embed_model, ingest: dict) -> dict:
    """abstractqa beside two llama-index pipelines on the same corpus, embedder and questions:
    a plain `VectorStoreIndex` retriever, and `QueryFusionRetriever` (BM25 + that vector
    retriever, reciprocal rerank, the question as its only query)."""
    import chromadb
    import Stemmer
    from chromadb.config import Settings as ChromaSettings
    from llama_index.core import Document, StorageContext, VectorStoreIndex
    from llama_index.core.llms import MockLLM
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.core.retrievers import QueryFusionRetriever
    from llama_index.retrievers.bm25 import BM25Retriever
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from abstractqa.embedder import as_llama_index
    from abstractqa.evaluate import gold_papers, load_questions, recall_at_k, reciprocal_rank

    section = "Peers (seed corpus, same embedder and questions)"
    seed = ingest["seed"]
    papers = seed.papers()
    client = chromadb.PersistentClient(
        path=str(work / "peer-chroma"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    collection = client.get_or_create_collection("peer", metadata={"hnsw:space": "cosine"})
    docs = [
        Document(
            text=p.abstract,
            metadata={"paper_id": p.paper_id},
            excluded_embed_metadata_keys=["paper_id"],
            excluded_llm_metadata_keys=["paper_id"],
        )
        for p in papers
    ]
    t0 = time.perf_counter()
    nodes = SentenceSplitter()(docs)  # llama-index's default transformation: whole abstracts here
    storage = StorageContext.from_defaults(vector_store=ChromaVectorStore(chroma_collection=collection))
    index = VectorStoreIndex(nodes, storage_context=storage, embed_model=as_llama_index(embed_model))
    t_ingest = time.perf_counter() - t0
    plain = index.as_retriever(similarity_top_k=5)
    fusion = QueryFusionRetriever(
        [
            index.as_retriever(similarity_top_k=10),
            BM25Retriever.from_defaults(
                nodes=nodes, similarity_top_k=10, stemmer=Stemmer.Stemmer("english"), language="english"
            ),
        ],
        mode="reciprocal_rerank",
        similarity_top_k=5,
        num_queries=1,  # no LLM-written extra queries: the same question text as the others
        use_async=False,
        llm=MockLLM(),  # never called with num_queries=1; keeps llama-index from resolving OpenAI
    )
    systems = {
        "plain llama-index (VectorStoreIndex)": lambda q: [n.node.metadata["paper_id"] for n in plain.retrieve(q)],
        "llama-index QueryFusionRetriever (BM25 + vector, RRF)": lambda q: list(
            dict.fromkeys(n.node.metadata["paper_id"] for n in fusion.retrieve(q))
        ),
        "abstractqa (`Assistant.search`)": lambda q: [e.paper.paper_id for e in seed.search(q, k=5)],
    }
    report.add(section, f"peer index build ({len(papers)} abstracts, {len(nodes)} nodes)", sec(t_ingest), rate(len(papers), t_ingest, "abstracts"))
    out: dict = {}
    for set_name, path in (("dev", DEV_QUESTIONS), ("held-out", HELDOUT_QUESTIONS)):
        questions = load_questions(path)
        gold = gold_papers(questions, papers)
        answerable = [q for q in questions if q.answerable and gold[q.id]]
        for label, fn in systems.items():
            fn(answerable[0].question)  # warm-up
            times, recalls, rrs = [], [], []
            for _ in range(2):
                times += [clock(fn, q.question)[0] for q in answerable]
            for q in answerable:
                ids = fn(q.question)
                recalls.append(recall_at_k(ids, list(gold[q.id])))
                rrs.append(reciprocal_rank(ids[:5], list(gold[q.id])))
            row = (statistics.mean(recalls), statistics.mean(rrs), percentile(times, 50), percentile(times, 95))
            out[(set_name, label)] = row
            report.add(
                section,
                f"{label}, {set_name} ({len(answerable)} answerable questions)",
                f"recall@5 {row[0]:.3f} / MRR {row[1]:.3f} / p50 {ms(row[2])}",
                f"p95 {ms(row[3])}",
            )
    report.notes.append(
        "Peer recall and MRR are paper-level, with the same evidence-string gold mapping as "
        "`abstractqa eval`; every system sees the raw question text (follow-ups without their "
        "history), so recall here is lower than the eval's. Latency is two passes over the questions."
    )
    return out


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 abstracts ingested, scale to 10,000, fewer repeats")
    parser.add_argument("--only", nargs="*", default=None, help="run only these sections (ingest is run when another needs it)")
    parser.add_argument(
        "--out", type=Path, default=None, help="markdown file (default: benchmarks/RESULTS.md for a full run)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    parser.add_argument("--synthetic", type=int, default=None, help="override the synthetic corpus size")
    args = parser.parse_args(argv)
    scale = QUICK if args.quick else FULL
    if args.synthetic:
        scale = replace(scale, synthetic=args.synthetic)
    out = args.out or (None if args.quick or args.only is not None else RESULTS)  # a part never replaces the whole

    from abstractqa.config import EmbeddingSettings
    from abstractqa.embedder import load_embedder

    started = time.perf_counter()
    loads = LoadSampler()
    work = Path(tempfile.mkdtemp(prefix="aqa-bench-"))
    report = Report()
    t_model, embed_model = clock(load_embedder, EmbeddingSettings())
    if hasattr(embed_model, "set_threads"):
        EMBEDDERS.append(embed_model)
    report.add("Setup", "load the bundled embedder (all-MiniLM-L6-v2)", sec(t_model))

    ingest: dict = {}
    steps = [
        ("ingest", lambda: ingest.update(bench_ingest(report, work, embed_model, scale))),
        ("embedding ceiling", lambda: bench_ceiling(report, work, embed_model, ingest, scale)),
        ("queries", lambda: bench_queries(report, ingest, scale)),
        ("answers", lambda: bench_answers(report, ingest, embed_model)),
        ("start-up", lambda: bench_cold_start(report, work, ingest, scale)),
        ("peers", lambda: bench_peers(report, work, embed_model, ingest)),
        ("scale", lambda: bench_scale(report, scale)),
    ]
    if args.only is not None:
        wanted = set(args.only) | ({"ingest"} if set(args.only) - {"scale"} else set())
        steps = [(name, step) for name, step in steps if name in wanted]
    for name, step in steps:
        log(f"benchmark: {name}")
        try:
            step()
        except Exception as err:  # noqa: BLE001 - one broken part must not lose the others
            traceback.print_exc()
            report.add("Errors", name, "failed", _first_line(err))
    total = time.perf_counter() - started
    load_mean, load_max = loads.stop()
    shared = (
        "The machine was shared: other processes ran on the same 2 CPU cores during this run (load "
        "average above). Every figure includes waiting for a core; "
        if load_mean > 1.5
        else "The machine was quiet apart from this run (load average above). "
    )
    report.notes += [
        shared + "Comparisons inside one section are interleaved so any load falls on each side alike.",
        "No GPU on this machine: every figure here is CPU-only. The code does not assume one; "
        "`embedding.device: cuda` (torch backend) is how ingest uses one, measured on a lent H200 "
        "with benchmarks/gpu_ingest.py (benchmarks/GPU.md).",
        "Scale benchmark vectors are derived, not encoded: each synthetic chunk's vector is the "
        "normalised mean of the real all-MiniLM-L6-v2 vectors of its sentences, weighted by their "
        "token counts; each distinct sentence is encoded once by the onnx backend and cached in "
        "`~/.cache/abstractqa/bench/`. Chunks, texts, metadata, manifest and BM25 index are the real "
        "ones (`load_corpus`, `chunk_papers`, `FileManifests.write`, a real retriever); the Chroma "
        "collection is filled with `collection.add` in batches of 5,000. The cosine of derived to "
        "real vectors on a 200-chunk sample is in the Scale section: retrieval latency, start-up "
        "and memory do not depend on it, recall at scale is not measured.",
        "Medians: start-up figures are medians of repeated fresh processes; latencies are p50/p95 "
        "over repeated queries; ceiling variants are medians of interleaved rounds.",
    ]
    kind = "quick" if args.quick else "partial" if args.only is not None else "full"
    flags = (" --quick" if args.quick else "") + (f" --only {' '.join(args.only)}" if args.only is not None else "")
    header = [
        f"# abstractqa benchmarks ({kind} run)",
        "",
        f"Measured {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} in one run of "
        f"`benchmarks/run.py{flags}` ({total / 60:.1f} min) on "
        f"{os.cpu_count()} CPU cores ({platform.machine()}; no GPU), "
        f"Python {platform.python_version()}. 1-minute load average during the run: mean "
        f"{load_mean:.1f}, max {load_max:.1f} on {os.cpu_count()} cores (other processes share the "
        "machine; figures above a load of 2 include waiting for a core). "
        "Latencies are p50 / p95 over repeated queries; throughputs are single timed passes.",
    ]
    text = report.markdown(header)
    print(text)
    if out is not None:
        out.write_text(text, encoding="utf-8")
        log(f"wrote {out}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
