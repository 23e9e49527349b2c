"""The scale benchmark's build and measure steps, run as `benchmarks/run.py` runs them (a fresh
process each), at a small size. Its 100k index is cached between runs, so a broken build step
would otherwise go unseen until the cache is deleted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _scale(args: list[str], cache: Path) -> dict:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "scale.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "XDG_CACHE_HOME": str(cache)},
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_scale_benchmark_builds_and_measures_a_small_index(tmp_path):
    built = _scale(["--build-one", "60"], tmp_path)
    assert built["papers"] == 60
    assert built["chunks"] >= 60
    folder = tmp_path / "abstractqa" / "bench"
    assert len(list(folder.glob("scale-v*-60/built.json"))) == 1

    measured = _scale(["--measure-one", "60", "--passes", "1"], tmp_path)
    assert measured["chunks"] == built["chunks"]  # the manifest it wrote is the one read back
    assert measured["queries"] > 100
    assert 0 < measured["p50_ms"] <= measured["p95_ms"]
