"""Scale benchmark: abstractqa retrieval at 1,000, 10,000 and 100,000 synthetic papers.

    python benchmarks/scale.py                 # build what is missing, measure, print a table
    python benchmarks/scale.py --sizes 1000    # one size
    python benchmarks/run.py                   # calls this as one of its sections

How the synthetic index is built (and why it is not a plain `abstractqa ingest`):

* Abstracts: `run.write_synthetic` (5-9 sentences drawn from the seed abstracts' own
  sentences with `random.Random(0)`), parsed by `load_corpus` and chunked by the real
  `chunk_papers` with the real tokenizer, exactly as ingest does.
* Vectors: embedding ~250,000 chunks on 2 CPU cores would take about 1.5 hours per size,
  so each chunk's vector is *derived*: the normalised, token-count-weighted mean of the
  real all-MiniLM-L6-v2 vectors of the sentences it consists of. Each distinct sentence is
  encoded once by the configured backend and kept in
  ``~/.cache/abstractqa/bench/sentence-vectors-*.npz``; a chunk whose sentences are not all
  known is encoded for real. How close the derived vectors are to real ones is measured on a
  sample and printed (mean and minimum cosine).
* Chroma: vectors, texts and metadata are added straight to the collection in batches of
  5,000 (the write path, not the embedding, is what this benchmark is about), then the
  manifest is written with `FileManifests.write` and the BM25 index persisted by building a
  retriever once. The whole data folder is cached in ``~/.cache/abstractqa/bench/`` and
  reused by later runs; delete it to rebuild.

Each size is measured in a fresh process (so start-up and RSS are its own): retriever
start-up with the persisted BM25 index, the first query, p50/p95 of `Assistant.search` over
the dev and held-out questions, peak RSS, and the parts of start-up (manifest, BM25 build
from scratch, BM25 load, name tables built vs read back as kept).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

SIZES = (1_000, 10_000, 100_000)
FORMAT = 1  # bump when the synthetic corpus or the derivation changes: old caches are ignored
QUESTION_FILES = (ROOT / "evals" / "questions.jsonl", ROOT / "evals" / "heldout.jsonl")


def bench_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "abstractqa" / "bench"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def vm_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def settings_for(folder: Path):
    from abstractqa.config import load_settings

    return load_settings(None, index={"data_dir": folder / "data"}, corpus={"paths": [folder / "seeds"]})


# ---------------------------------------------------------------------------------------------
# Derived vectors


class SentenceVectors:
    """Real vectors of single sentences, encoded once and kept on disk between runs."""

    def __init__(self, embed_model):
        from abstractqa.embedder import export_folder

        self.embed_model = embed_model
        key = export_folder(embed_model.model_name).name
        self.path = bench_cache() / f"sentence-vectors-{key}.npz"
        self.vectors: dict = {}
        self.encoded = 0
        if self.path.is_file():
            import numpy as np

            data = np.load(self.path, allow_pickle=False)
            self.vectors = dict(zip(data["texts"].tolist(), data["vectors"], strict=True))

    def get(self, sentences: list[str]):
        import numpy as np

        missing = sorted({s for s in sentences if s not in self.vectors})
        if missing:
            vectors = np.asarray(self.embed_model.get_text_embedding_batch(missing), dtype=np.float32)
            self.vectors.update(zip(missing, vectors, strict=True))
            self.encoded += len(missing)
        return np.stack([self.vectors[s] for s in sentences])

    def save(self) -> None:
        import numpy as np

        self.path.parent.mkdir(parents=True, exist_ok=True)
        texts = list(self.vectors)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, texts=np.array(texts), vectors=np.stack([self.vectors[t] for t in texts]))
        tmp.replace(self.path)


def derived_vectors(texts: list[str], sentence_vectors: SentenceVectors, tokenize) -> tuple:
    """Each text's vector: normalised mean of its sentences' vectors, weighted by token count."""
    import numpy as np

    from abstractqa.evidence import split_sentences

    parts = [split_sentences(t) for t in texts]
    flat = [s for p in parts for s in p]
    vectors = sentence_vectors.get(flat)
    counts = {s: max(len(tokenize(s)), 1) for s in set(flat)}  # few distinct sentences, many uses
    weights = np.array([counts[s] for s in flat], dtype=np.float32)
    out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
    row = 0
    for i, p in enumerate(parts):
        n = len(p)
        out[i] = (vectors[row : row + n] * weights[row : row + n, None]).sum(0)
        row += n
    out /= np.linalg.norm(out, axis=1, keepdims=True) + 1e-12
    return out


# ---------------------------------------------------------------------------------------------
# Build (once per size; cached)


def build(n: int) -> dict:
    """Build (or find) the cached index of `n` synthetic papers; returns its build record."""
    folder = bench_cache() / f"scale-v{FORMAT}-{n}"
    record_file = folder / "built.json"
    _wait_for_other_build(folder)
    if record_file.is_file():
        return json.loads(record_file.read_text())
    import numpy as np

    from abstractqa.config import EmbeddingSettings
    from abstractqa.corpus import load_corpus
    from abstractqa.embedder import load_embedder
    from abstractqa.index import (
        Manifest,
        chunk_metadata,
        chunk_papers,
        embed_text,
        manifest_path,
        open_collection,
    )
    from abstractqa.manifest import FileManifests
    from benchmarks.run import write_synthetic

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "building.pid").write_text(str(os.getpid()))
    record: dict = {"n": n, "format": FORMAT}
    embed_model = load_embedder(EmbeddingSettings())
    settings = settings_for(folder)
    write_synthetic(n, folder / "seeds")
    t0 = time.perf_counter()
    papers = load_corpus([folder / "seeds"]).papers
    record["parse_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    chunks = chunk_papers(papers, settings, embed_model)
    record["chunk_s"] = time.perf_counter() - t0
    by_id = {p.paper_id: p for p in papers}
    texts = [embed_text(by_id[c.paper_id], c) for c in chunks]
    log(f"{n:,} papers, {len(chunks):,} chunks; deriving vectors")

    t0 = time.perf_counter()
    sentence_vectors = SentenceVectors(embed_model)
    vectors = derived_vectors(texts, sentence_vectors, embed_model.tokenize)
    sentence_vectors.save()
    record["derive_s"] = time.perf_counter() - t0
    record["sentences_encoded"] = sentence_vectors.encoded
    sample = np.random.default_rng(0).choice(len(texts), size=min(200, len(texts)), replace=False)
    real = np.asarray(embed_model.get_text_embedding_batch([texts[i] for i in sample]), dtype=np.float32)
    cosines = np.sum(real * vectors[sample], axis=1)
    record["derived_cosine_mean"] = float(np.mean(cosines))
    record["derived_cosine_min"] = float(np.min(cosines))

    log(f"writing {len(chunks):,} vectors to Chroma")
    collection = open_collection(settings, create=True)
    t0 = time.perf_counter()
    batch = 5000
    for start in range(0, len(chunks), batch):
        part = chunks[start : start + batch]
        collection.add(
            ids=[c.chunk_id for c in part],
            embeddings=vectors[start : start + batch],
            documents=[c.text for c in part],
            metadatas=[chunk_metadata(by_id[c.paper_id]) for c in part],
        )
    record["chroma_write_s"] = time.perf_counter() - t0
    FileManifests(manifest_path(settings)).write(
        Manifest(papers=papers, chunks=chunks, hashes={p.paper_id: p.content_hash for p in papers})
    )
    record["chunks"] = len(chunks)
    record["papers"] = len(papers)

    # Building a retriever once persists its BM25 index beside the manifest.
    from abstractqa.assistant import Assistant

    t0 = time.perf_counter()
    _ = Assistant(settings, embed_model=embed_model).retriever
    record["first_retriever_s"] = time.perf_counter() - t0
    record_file.write_text(json.dumps(record, indent=1))  # last: a cut-off build is redone
    (folder / "building.pid").unlink()
    return record


def _wait_for_other_build(folder: Path) -> None:
    """A build of this size still running in another process: wait for it, don't redo it."""
    marker = folder / "building.pid"
    while marker.is_file() and not (folder / "built.json").is_file():
        try:
            os.kill(int(marker.read_text()), 0)
        except (ProcessLookupError, ValueError):
            return  # that build died; this one starts over
        log(f"waiting for the build in {folder} (pid {marker.read_text()})")
        time.sleep(30)


# ---------------------------------------------------------------------------------------------
# Measure (a fresh process per size)


def questions() -> list[str]:
    out = []
    for path in QUESTION_FILES:
        out += [json.loads(line)["question"] for line in path.read_text().splitlines() if line.strip()]
    return out


def measure(n: int, passes: int = 2) -> dict:
    folder = bench_cache() / f"scale-v{FORMAT}-{n}"
    settings = settings_for(folder)
    t0 = time.perf_counter()
    from abstractqa.assistant import Assistant

    out: dict = {"n": n, "import_s": time.perf_counter() - t0}
    assistant = Assistant(settings)
    t0 = time.perf_counter()
    embed_model = assistant.embed_model
    out["embedder_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    retriever = assistant.retriever
    out["startup_s"] = time.perf_counter() - t0  # manifest + Chroma + persisted BM25 + names
    asked = questions()
    t0 = time.perf_counter()
    assistant.search(asked[0])
    out["first_query_s"] = time.perf_counter() - t0
    from abstractqa.evaluate import percentile  # after the import_s timing above

    times = []
    for _ in range(passes):
        for q in asked:
            t0 = time.perf_counter()
            assistant.search(q)
            times.append(time.perf_counter() - t0)
    out.update(queries=len(times), p50_ms=percentile(times, 50) * 1000, p95_ms=percentile(times, 95) * 1000)
    out["hwm_mib"] = vm_kib("VmHWM") / 1024
    out["rss_mib"] = vm_kib("VmRSS") / 1024

    # The parts of start-up, each on its own (after the RSS figures, which they would inflate).
    from abstractqa.index import Manifest, manifest_path, open_collection
    from abstractqa.names import CollectionNames, Speller
    from abstractqa.persisted import load_bm25, load_tables
    from abstractqa.retrieve import Bm25
    from abstractqa.vector_store import bm25_dir, tables_path

    t0 = time.perf_counter()
    manifest = Manifest.read(manifest_path(settings))
    out["manifest_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    open_collection(settings, create=False)
    out["chroma_open_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    CollectionNames(manifest.papers)
    Speller([p.abstract for p in manifest.papers], [a for p in manifest.papers for a in p.aliases])
    out["names_s"] = time.perf_counter() - t0  # name tables and spelling vocabulary, built
    t0 = time.perf_counter()
    kept = load_tables(tables_path(settings), manifest.papers, manifest.chunks)
    CollectionNames(manifest.papers, kept["names"])
    Speller([], [], vocabulary=kept["speller"])
    out["names_load_s"] = time.perf_counter() - t0  # the same, read back as the retriever kept them
    t0 = time.perf_counter()
    Bm25.build(manifest.papers, manifest.chunks, 40)
    out["bm25_build_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    assert load_bm25(bm25_dir(settings), manifest.chunks, 40) is not None
    out["bm25_load_s"] = time.perf_counter() - t0
    out["chunks"] = len(manifest.chunks)
    del retriever, embed_model
    return out


def measure_in_subprocess(n: int, passes: int) -> dict:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--measure-one", str(n), "--passes", str(passes)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=1800,
    )
    if done.returncode != 0:
        raise RuntimeError(f"measuring {n:,} failed: {done.stderr[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def build_in_subprocess(n: int) -> dict:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--build-one", str(n)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        timeout=7200,
    )
    if done.returncode != 0:
        raise RuntimeError(f"building {n:,} failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------
# Report


COLUMNS = [
    ("papers", lambda r: f"{r['n']:,}"),
    ("chunks", lambda r: f"{r['chunks']:,}"),
    ("retrieval p50", lambda r: f"{r['p50_ms']:.1f} ms"),
    ("retrieval p95", lambda r: f"{r['p95_ms']:.1f} ms"),
    ("first query", lambda r: f"{r['first_query_s'] * 1000:.0f} ms"),
    ("retriever start-up", lambda r: f"{r['startup_s']:.2f} s"),
    ("of which manifest", lambda r: f"{r['manifest_s']:.2f} s"),
    ("BM25 build", lambda r: f"{r['bm25_build_s']:.2f} s"),
    ("BM25 load (persisted)", lambda r: f"{r['bm25_load_s']:.2f} s"),
    ("name tables + speller, built / kept", lambda r: f"{r['names_s'] * 1000:.0f} / {r.get('names_load_s', 0) * 1000:.0f} ms"),
    ("peak RSS", lambda r: f"{r['hwm_mib']:.0f} MiB"),
]


def table(rows: list[dict]) -> str:
    lines = ["| " + " | ".join(c for c, _ in COLUMNS) + " |", "|" + "---:|" * len(COLUMNS)]
    lines += ["| " + " | ".join(fn(r) for _, fn in COLUMNS) + " |" for r in rows]
    return "\n".join(lines)


def growth(rows: list[dict]) -> str:
    """Log-log slope between the smallest and largest size: 1 grows linearly, 0 stays flat."""
    import math

    if len(rows) < 2:
        return ""
    a, b = rows[0], rows[-1]
    span = math.log(b["n"] / a["n"])
    parts = []
    for key, label in (
        ("p50_ms", "p50"),
        ("p95_ms", "p95"),
        ("startup_s", "start-up"),
        ("bm25_build_s", "BM25 build"),
        ("bm25_load_s", "BM25 load"),
        ("hwm_mib", "peak RSS"),
    ):
        if a[key] > 0 and b[key] > 0:
            parts.append(f"{label} {math.log(b[key] / a[key]) / span:.2f}")
    return f"growth exponent from {a['n']:,} to {b['n']:,} papers (log-log slope; 1 = linear): " + ", ".join(
        parts
    )


def plot(rows: list[dict], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("matplotlib is not installed (pip install abstractqa[bench]); no plot")
        return False
    ns = [r["n"] for r in rows]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for key, label, scale in (
        ("p50_ms", "retrieval p50 (ms)", 1),
        ("p95_ms", "retrieval p95 (ms)", 1),
        ("startup_s", "retriever start-up (ms)", 1000),
        ("bm25_build_s", "BM25 build (ms)", 1000),
        ("bm25_load_s", "BM25 load, persisted (ms)", 1000),
        ("hwm_mib", "peak RSS (MiB)", 1),
    ):
        ax.plot(ns, [r[key] * scale for r in rows], marker="o", label=label)
    ax.axhline(50, color="grey", linestyle=":", linewidth=1)
    ax.axhline(100, color="grey", linestyle="--", linewidth=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("synthetic papers")
    ax.set_title("abstractqa retrieval at scale (2 shared CPU cores)")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def run(sizes: list[int], passes: int = 2, plot_path: Path | None = None) -> tuple[list[dict], list[dict]]:
    """Build what is missing, then measure each size in its own process."""
    builds, rows = [], []
    for n in sizes:
        log(f"scale {n:,}: build (cached after the first run)")
        builds.append(build_in_subprocess(n))
        log(f"scale {n:,}: measure")
        rows.append(measure_in_subprocess(n, passes))
    if plot_path is not None:
        plot(rows, plot_path)
    return builds, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--passes", type=int, default=2, help="passes over the questions per size")
    parser.add_argument("--plot", type=Path, default=ROOT / "benchmarks" / "scale.png")
    parser.add_argument("--build-one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure-one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build_one:
        print(json.dumps(build(args.build_one)))
        return 0
    if args.measure_one:
        print(json.dumps(measure(args.measure_one, args.passes)))
        return 0
    builds, rows = run(args.sizes, args.passes, args.plot)
    print(table(rows))
    print()
    print(growth(rows))
    for b in builds:
        print(json.dumps(b))
    print(f"median p50 over sizes: {statistics.median(r['p50_ms'] for r in rows):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
