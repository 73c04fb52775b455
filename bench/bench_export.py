"""Postmortem spreadsheet export: time and peak memory for 10,000 and 100,000 timeline entries, against a floor.

    .venv/bin/python bench/bench_export.py [--sizes 10000 100000] [--no-write]

Each size runs in a fresh subprocess so peak RSS (ru_maxrss) belongs to that export alone;
tracemalloc's peak of Python allocations is printed beside it. The Markdown draft is timed too.
Floor, in its own fresh subprocess, same input: openpyxl ``write_only`` appending the same
timeline rows as plain values (no styles, widths or text guards) and saving.
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


def floor(size: int) -> dict[str, float]:
    """openpyxl write_only writing the same timeline rows bare."""
    import io

    from openpyxl import Workbook

    sys.path.insert(0, str(ROOT))
    from tests.postmortem.example import example

    pm = example("en", notes=size)
    rows = [
        [e.occurred_at.astimezone(pm.tz).replace(tzinfo=None), e.kind, e.actor or "", e.text, "", e.permalink or ""]
        for e in pm.timeline
    ]
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Timeline")
    ws.append(["time", "event", "responder", "observation", "amended", "link"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"size": size, "xlsx_seconds": seconds, "rss_peak_mib": rss / 1024, "rss_before_mib": baseline / 1024}


def fresh(mode: str, size: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, mode, str(size)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--one", type=int)
    parser.add_argument("--floor", type=int)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    if args.floor:
        print(json.dumps(floor(args.floor)))
        return
    rows = []
    misses = []
    for size in args.sizes:
        f = fresh("--floor", size)
        r = fresh("--one", size)
        ratio = r["xlsx_seconds"] / f["xlsx_seconds"]
        growth = r["rss_peak_mib"] - r["rss_before_mib"]
        floor_growth = f["rss_peak_mib"] - f["rss_before_mib"]
        if ratio > 1.5:
            misses.append(f"{size:,} entries: {ratio:.2f}× the floor's time (target ≤ 1.5×)")
        if size >= 100_000 and growth > 16:
            misses.append(f"{size:,} entries: RSS grew {growth:.0f} MiB during the export (target ≤ 16 MiB)")
        rows.append(
            [
                f"{size:,}",
                f"{f['xlsx_seconds']:.2f} s",
                f"{r['xlsx_seconds']:.2f} s",
                f"{ratio:.2f} (≤ 1.5 {'✔' if ratio <= 1.5 else '✘'})",
                f"{floor_growth:.0f} MiB",
                f"{growth:.0f} MiB (≤ 16 {'✔' if growth <= 16 else '✘'})" if size >= 100_000 else f"{growth:.0f} MiB",
                f"{r['python_peak_mib']:.1f} MiB",
                f"{r['markdown_seconds']:.2f} s",
            ]
        )
        print(
            f"{int(r['size']):>7} entries  xlsx {r['xlsx_seconds']:6.2f} s ({r['per_row_us']:.0f} µs/row, "
            f"{r['xlsx_bytes'] / 2**20:.1f} MiB file)  python peak {r['python_peak_mib']:6.1f} MiB  "
            f"process RSS {r['rss_peak_mib']:6.1f} MiB (before {r['rss_before_mib']:.0f})  "
            f"markdown {r['markdown_seconds']:5.2f} s   floor {f['xlsx_seconds']:6.2f} s  ratio {ratio:.2f}"
        )
    if args.no_write:
        return
    sys.path.insert(0, str(ROOT))
    from bench.results import stamp, table, write_section

    header = [
        "timeline entries",
        "floor time",
        "ours time",
        "ratio",
        "floor RSS growth",
        "ours RSS growth",
        "Python peak",
        "Markdown",
    ]
    body = "\n\n".join(
        [
            "## Postmortem spreadsheet export — `.venv/bin/python bench/bench_export.py`",
            stamp(),
            "Input: the worked-example incident (tests/postmortem/example.py) plus N timeline entries. Ours = "
            "`build_workbook` (all sheets, styled, fitted, guarded); floor = openpyxl `write_only` appending the "
            "same timeline rows as plain values. Each in a fresh subprocess; RSS growth = peak RSS − RSS before "
            "the export (the input itself is built before).",
            table(header, rows),
            "Missed: " + ("; ".join(misses) + "." if misses else "none."),
        ]
    )
    write_section("export", body)


if __name__ == "__main__":
    main()
