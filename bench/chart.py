"""Charts of the benchmark results: PNGs for docs/benchmarks.md.

    python bench/chart.py [--results bench/results] [--prefix ""] [--out docs/img]

Reads ``PREFIXhttp.csv`` (``bench_http.py``), ``PREFIXscale.csv`` (``bench_scale.py``),
``PREFIXlatency.csv`` (``bench_latency.py``) and ``PREFIXranking.csv``
(``bench_ranking.py``) from ``--results`` and writes ``http.png``, ``scale.png``,
``latency.png`` and ``ranking.png`` to ``--out``; a missing CSV is skipped.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
COLORS = {
    "skael": "#2a6f97",
    "before": "#90c2e7",
    "strong": "#e09f3e",
    "peer": "#c8553d",
    "bare": "#8d99ae",
}
SETUP_COLORS = {"sqlite": "#2a6f97", "postgres": "#588157", "bare": "#8d99ae"}
GOAL_P95_MS = 25.0


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def number(text: str) -> float:
    return float(text) if text else float("nan")


def thousands(value: float, _position: int) -> str:
    return f"{value:,.0f}" if value >= 1 else f"{value:g}"


def log_axis(axes: Axes, which: str = "y") -> None:
    """A log scale labelled 1, 2, 5, 10, 20, 50, ... in plain numbers."""
    axis = axes.yaxis if which == "y" else axes.xaxis
    (axes.set_yscale if which == "y" else axes.set_xscale)("log")
    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(thousands))
    axis.set_minor_formatter(NullFormatter())


def short(jobs: int) -> str:
    """10000 -> 10k, 1000000 -> 1M."""
    if jobs >= 1_000_000 and jobs % 1_000_000 == 0:
        return f"{jobs // 1_000_000}M"
    return f"{jobs / 1000:g}k" if jobs >= 1000 else str(jobs)


def save(figure: Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    figure.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(figure)
    return path


# --------------------------------------------------------------------------- charts


def http_chart(rows: list[dict[str, str]], out: Path) -> Path:
    """Successful requests/s per endpoint, one bar per server, min-max as whiskers."""
    endpoints = list(dict.fromkeys(r["endpoint"] for r in rows))
    servers = [s for s in COLORS if any(r["server"] == s for r in rows)]
    width = 0.8 / len(servers)
    figure, axes = plt.subplots(figsize=(10, 4.2))
    for k, server in enumerate(servers):
        for i, endpoint in enumerate(endpoints):
            row = next(
                (r for r in rows if (r["endpoint"], r["server"]) == (endpoint, server)), None
            )
            if row is None:
                continue
            x = i + (k - (len(servers) - 1) / 2) * width
            rps = number(row["rps_2xx_median"])
            low, high = number(row["rps_2xx_min"]), number(row["rps_2xx_max"])
            axes.bar(
                x,
                rps,
                width,
                color=COLORS[server],
                label=server if i == 0 else None,
                yerr=[[rps - low], [high - rps]],
                capsize=3,
            )
            axes.annotate(
                f"{rps:,.0f}",
                (x, rps),
                ha="center",
                va="bottom",
                fontsize=8,
                xytext=(0, 3),
                textcoords="offset points",
            )
    axes.set_xticks(range(len(endpoints)), endpoints)
    log_axis(axes)
    axes.set_ylabel("2xx requests/s (median of rounds, log scale)")
    r = rows[0]
    axes.set_title(
        f"HTTP throughput: {r.get('jobs', '?')} stored jobs, wrk {r.get('wrk_args', '')}, "
        f"{r.get('rounds', '?')} x {r.get('duration_s', '?')} s, "
        f"load {r.get('load_start', '?')} - {r.get('load_end', '?')}",
        fontsize=10,
    )
    axes.legend(title="server")
    axes.grid(axis="y", which="both", alpha=0.3)
    return save(figure, out / "http.png")


def scale_chart(rows: list[dict[str, str]], out: Path) -> Path:
    """Import rate and relevant-jobs latency against stored jobs, log axes."""
    rows = sorted(rows, key=lambda r: int(r["jobs"]))
    jobs = [int(r["jobs"]) for r in rows]
    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2))

    left.plot(jobs, [number(r["import_rate"]) for r in rows], "o-", label="postings/s (wall)")
    if "import_cpu_s" in rows[0]:
        per_cpu = [int(r["jobs"]) / number(r["import_cpu_s"]) for r in rows]
        left.plot(jobs, per_cpu, "s--", label="postings per CPU second")
    left.set_title("skael jobs import, SQLite")
    left.set_xlabel("postings imported (log)")
    left.set_ylabel("postings/s (log)")
    for x, r in zip(jobs, rows, strict=True):
        left.annotate(
            f"{number(r['import_peak_rss_mb']):,.0f} MB",
            (x, number(r["import_rate"])),
            xytext=(0, -14),
            textcoords="offset points",
            ha="center",
            fontsize=8,
        )
    left.legend(fontsize=8, title="peak RSS under each point", title_fontsize=8)

    right.plot(
        jobs, [number(r["relevant_p95_ms"]) for r in rows], "o-", lw=2, label="p95, computed"
    )
    right.plot(jobs, [number(r["relevant_p50_ms"]) for r in rows], "o:", label="p50, computed")
    if "cached_p95_ms" in rows[0]:
        cached = [number(r["cached_p95_ms"]) for r in rows]
        right.plot(jobs, cached, "^-", color="black", label="p95, ranking cached")
    for key in (k for k in rows[0] if k.startswith("relevant_p95_ms_")):
        right.plot(
            jobs,
            [number(r[key]) for r in rows],
            "--",
            alpha=0.6,
            label="p95 computed, " + key.removeprefix("relevant_p95_ms_"),
        )
    right.axhline(GOAL_P95_MS, color="grey", lw=1, ls="-.", label=f"goal {GOAL_P95_MS:g} ms")
    right.set_title("POST /jobs/relevant_jobs, page of 20, one at a time")
    right.set_xlabel("stored jobs (log)")
    right.set_ylabel("ms (log)")
    right.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    for axes in (left, right):
        log_axis(axes, "x")
        log_axis(axes, "y")
        axes.set_xticks(jobs, [short(n) for n in jobs])
        axes.set_xlim(min(jobs) / 1.6, max(jobs) * 1.6)
        axes.grid(which="both", alpha=0.3)
    return save(figure, out / "scale.png")


def latency_chart(rows: list[dict[str, str]], out: Path) -> Path:
    """Latency from intended send time: against the rate, and per step at the top rate."""
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 5.4))
    latency_by_rate(left, [r for r in rows if r["step"] == "all"])
    latency_by_step(right, rows)
    return save(figure, out / "latency.png")


def latency_by_rate(axes: Axes, whole: list[dict[str, str]]) -> None:
    """p50, p99 and max of every set-up against the intended rate."""
    for setup in dict.fromkeys(r["setup"] for r in whole):
        mine = sorted((r for r in whole if r["setup"] == setup), key=lambda r: number(r["rate"]))
        rates = [number(r["rate"]) for r in mine]
        color, label = SETUP_COLORS.get(setup), mine[0]["label"]
        for column, style in (("p50_ms", "o:"), ("p99_ms", "s-"), ("max_ms", "x")):
            values = [number(r[column]) for r in mine]
            name = f"{label} {column.removesuffix('_ms')}"
            axes.plot(rates, values, style, color=color, label=name)
    rates = sorted({number(r["rate"]) for r in whole})
    axes.set_xticks(rates, [f"{r:g}" for r in rates])
    axes.set_xlim(0, max(rates) * 1.15)
    axes.set_xlabel("intended requests/s")
    axes.set_ylabel("ms from intended send time (log)")
    log_axis(axes)
    axes.set_title("A user's day, open loop")
    axes.legend(fontsize=7, loc="upper left", bbox_to_anchor=(0.0, -0.15), ncol=3)
    axes.grid(which="both", alpha=0.3)


def latency_by_step(axes: Axes, rows: list[dict[str, str]]) -> None:
    """p50 (solid) and p99 (light) of each step for each Skael set-up at the top rate."""
    top = max(number(r["rate"]) for r in rows)
    steps = list(dict.fromkeys(r["step"] for r in rows if r["step"] != "all"))
    setups = list(dict.fromkeys(r["setup"] for r in rows if r["setup"] != "bare"))
    width = 0.8 / max(len(setups), 1)
    for k, setup in enumerate(setups):
        by_step = {r["step"]: r for r in rows if r["setup"] == setup and number(r["rate"]) == top}
        if not by_step:
            continue
        xs = [i + (k - (len(setups) - 1) / 2) * width for i in range(len(steps))]
        color = SETUP_COLORS.get(setup)
        axes.bar(xs, [number(by_step[s]["p99_ms"]) for s in steps], width, color=color, alpha=0.35)
        label = by_step[steps[0]]["label"]
        axes.bar(xs, [number(by_step[s]["p50_ms"]) for s in steps], width, color=color, label=label)
    axes.set_xticks(range(len(steps)), steps, rotation=20)
    log_axis(axes)
    axes.set_ylabel("ms: p50 solid, p99 light (log)")
    axes.set_title(f"Per step at {top:g} requests/s")
    axes.legend(fontsize=7)
    axes.grid(axis="y", which="both", alpha=0.3)


PATH_STYLES = {"index": ("o-", 2.0), "candidates": ("s--", 1.2)}
DATABASE_NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def ranking_chart(rows: list[dict[str, str]], out: Path) -> Path:
    """The cost curve of relevant_jobs ranked anew: p95 and the server's CPU per request
    against stored jobs, one line per database and path, log axes, with the line a cost
    proportional to the store would follow from the smallest store."""
    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.6), sharey=True)
    jobs = sorted({int(r["jobs"]) for r in rows})
    panels = ((left, "p95_ms", "p95, wall time"), (right, "cpu_ms", "server CPU time"))
    for axes, column, title in panels:
        for database in dict.fromkeys(r["database"] for r in rows):
            for path, (style, width) in PATH_STYLES.items():
                mine = [r for r in rows if (r["database"], r["path"]) == (database, path)]
                if not mine:
                    continue
                mine.sort(key=lambda r: int(r["jobs"]))
                xs = [int(r["jobs"]) for r in mine]
                ys = [number(r[column]) for r in mine]
                name = f"{DATABASE_NAMES.get(database, database)}, {path}"
                color = SETUP_COLORS.get(database)
                axes.plot(xs, ys, style, lw=width, color=color, label=name)
                for x, y in zip(xs, ys, strict=True):
                    axes.annotate(
                        f"{y:.1f}",
                        (x, y),
                        xytext=(9, -3),
                        textcoords="offset points",
                        fontsize=7,
                        color=color,
                    )
        first = min((r for r in rows if r["path"] == "index"), key=lambda r: int(r["jobs"]))
        start = min(number(r[column]) for r in rows if int(r["jobs"]) == int(first["jobs"]))
        axes.plot(
            jobs,
            [start * n / jobs[0] for n in jobs],
            ":",
            color="grey",
            lw=1,
            label="cost proportional to the store",
        )
        if column == "p95_ms":
            axes.axhline(GOAL_P95_MS, color="#c8553d", lw=1, ls="-.", label="goal: p95 25 ms")
        axes.set_title(title, fontsize=10)
        axes.set_xlabel("stored jobs (log)")
        log_axis(axes, "x")
        log_axis(axes, "y")
        axes.set_xticks(jobs, [short(n) for n in jobs])
        axes.set_xlim(min(jobs) / 1.6, max(jobs) * 1.9)
        axes.grid(which="both", alpha=0.3)
    top = max(max(number(r["p95_ms"]), number(r["cpu_ms"])) for r in rows)
    left.set_ylim(2, max(top * 1.5, GOAL_P95_MS * 2))
    left.set_ylabel("ms per request (log)")
    left.legend(fontsize=7, loc="upper left")
    loads = [number(r[k]) for r in rows for k in ("load_start", "load_end")]
    figure.suptitle(
        f"POST /jobs/relevant_jobs ranked anew, page of 20, one worker, one request at a time "
        f"(1-minute load {min(loads):.1f} - {max(loads):.1f})",
        fontsize=10,
    )
    return save(figure, out / "ranking.png")


CHARTS: dict[str, Callable[[list[dict[str, str]], Path], Path]] = {
    "http": http_chart,
    "scale": scale_chart,
    "latency": latency_chart,
    "ranking": ranking_chart,
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=BENCH / "results")
    parser.add_argument("--prefix", default="", help="read PREFIXhttp.csv and so on")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args(argv)
    plt.switch_backend("Agg")
    for name, chart in CHARTS.items():
        source = args.results / f"{args.prefix}{name}.csv"
        if not source.exists():
            print(f"skipped {name}: no {source}", file=sys.stderr)
            continue
        rows = read(source)
        if not rows:
            print(f"skipped {name}: {source} is empty", file=sys.stderr)
            continue
        print(f"{source} -> {chart(rows, args.out)}")


if __name__ == "__main__":
    main()
