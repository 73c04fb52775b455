"""Postmortem spreadsheet export: time and peak memory for 10,000 and 100,000 timeline entries.

    .venv/bin/python bench/bench_export.py [--sizes 10000 100000]

Each size runs in a fresh subprocess so peak RSS (ru_maxrss) belongs to that export alone;
tracemalloc's peak of Python allocations is printed beside it. The Markdown draft is timed too.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one(size: int) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    from postmortem.markdown import render_markdown
    from postmortem.workbook import build_workbook
    from tests.postmortem.example import example

    pm = example("en", notes=size)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    data = build_workbook(pm)
    xlsx_s = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    render_markdown(pm)
    md_s = time.perf_counter() - start
    # A second, traced pass for the peak of Python allocations (tracing slows it, so untimed).
    tracemalloc.start()
    build_workbook(pm)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "size": size,
        "xlsx_seconds": xlsx_s,
        "xlsx_bytes": len(data),
        "python_peak_mib": peak / 2**20,
        "rss_peak_mib": rss / 1024,
        "rss_before_mib": baseline / 1024,
        "markdown_seconds": md_s,
        "per_row_us": xlsx_s / size * 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--one", type=int)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    for size in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(size)], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{int(r['size']):>7} entries  xlsx {r['xlsx_seconds']:6.2f} s ({r['per_row_us']:.0f} µs/row, "
            f"{r['xlsx_bytes'] / 2**20:.1f} MiB file)  python peak {r['python_peak_mib']:6.1f} MiB  "
            f"process RSS {r['rss_peak_mib']:6.1f} MiB (before {r['rss_before_mib']:.0f})  "
            f"markdown {r['markdown_seconds']:5.2f} s"
        )


if __name__ == "__main__":
    main()
