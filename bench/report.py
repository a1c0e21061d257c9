"""Results out: the JSON file, the two plots, and the table in bench/README.md.

`python -m bench.report bench/results/<timestamp>.json` draws the plots and the table again from a
results file (after a change to this module, say).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

README = Path(__file__).with_name("README.md")
# The project's README shows the targets table of the latest run too, between the same markers.
PROJECT_README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"


def targets(results: dict[str, Any]) -> dict[str, Any]:
    """Each issue target: the figure, the bar, met or not (None when it was not measured)."""
    found: dict[str, Any] = {}
    if "b1" in results:
        ratio = results["b1"]["ratios"]["generated_over_baseline"]
        found["B1 generated >= 80% of baseline req/s"] = {"value": ratio, "met": ratio >= 0.8}
    if "b2" in results:
        at_200 = [r for r in results["b2"]["rates"] if r["rate"] == 200]
        if at_200:
            p99 = at_200[0]["e2e_ms"].get("p99")
            met = (
                p99 is not None
                and p99 <= 50
                and at_200[0]["missing_activities"] == 0
                and not at_200[0]["saturated"]
            )
            found["B2 p99 <= 50 ms sent -> visible, 200/s served"] = {"value": p99, "met": met}
    if "b3" in results:
        b3 = results["b3"]
        sustained = b3["highest_sustained_60s_per_s"]
        shorter = b3.get("highest_sustained_any_length_per_s")
        found["B3 >= 5000 events/s sustained 60 s"] = {
            "value": sustained
            if sustained is not None or shorter is None
            else f"none of the 60 s stages ({shorter:,.0f}/s for 20 s)",
            "met": sustained is not None and sustained >= 5000,
        }
        ingest = b3["consumer_ingest"]["per_s"]
        found["B3 consumer >= 10000 events/s from a backlog"] = {
            "value": ingest,
            "met": ingest is not None and ingest >= 10000,
        }
    if "b4" in results:
        largest = [r for r in results["b4"]["synthetic"] if r["operations"] == 1000]
        if largest:
            seconds = largest[0]["seconds"]
            found["B4 1000 operations < 5 s"] = {"value": seconds, "met": seconds < 5}
        project = results["b4"]["project"]["seconds"]
        found["B4 the 3 services < 0.5 s"] = {"value": project, "met": project < 0.5}
    return found


def write_json(results: dict[str, Any], folder: Path, stamp: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stamp}.json"
    path.write_text(json.dumps(results, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return path


def plot(results: dict[str, Any], folder: Path, stamp: str) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    written = []
    if "b1" in results:
        written.append(_plot_b1(results["b1"], folder, stamp, plt))
    if "b2" in results:
        rates = results["b2"]["rates"]
        figure, axes = plt.subplots(figsize=(7, 4.5))
        xs = [r["rate"] for r in rates]
        for key, style in (("p50", "o-"), ("p95", "s--"), ("p99", "^-")):
            axes.plot(xs, [r["e2e_ms"].get(key) for r in rates], style, label=f"e2e {key}")
        for r in rates:
            if r["saturated"]:
                axes.annotate(
                    f"service saturated\n({r['achieved_per_s']:.0f}/s created)",
                    (r["rate"], r["e2e_ms"].get("p99") or 1),
                    textcoords="offset points",
                    xytext=(0, 8),
                    ha="center",
                    fontsize=8,
                )
        axes.axhline(50, color="grey", linestyle=":", label="target p99 at 200/s")
        axes.set_xlabel("requests per second offered (POST idea)")
        axes.set_ylabel("request sent -> activity row visible (ms)")
        axes.set_yscale("log")
        axes.yaxis.set_major_locator(
            matplotlib.ticker.FixedLocator([5, 10, 20, 50, 100, 200, 500, 1000])
        )
        axes.yaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
        axes.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        axes.margins(x=0.12, y=0.2)
        axes.set_title(f"B2 end-to-end latency ({stamp})")
        axes.legend()
        axes.grid(True, which="both", alpha=0.3)
        written.append(_save(figure, folder / f"{stamp}-b2-latency.png", plt))
    if "b3" in results and results["b3"]["stages"]:
        written.append(_plot_b3(results["b3"], folder, stamp, plt))
    if "b4" in results and results["b4"]["synthetic"]:
        points = results["b4"]["synthetic"]
        figure, axes = plt.subplots(figsize=(7, 4.5))
        xs = [p["operations"] for p in points]
        axes.plot(xs, [p["seconds"] for p in points], "o-", label="contractgen generate (wall)")
        validate = [p["phases_s"]["load_and_validate"] for p in points]
        axes.plot(xs, validate, "s--", label="of which load + validate")
        fit = results["b4"].get("fit", {})
        if fit:
            line = [fit["intercept_s"] + fit["per_operation_ms"] / 1000 * x for x in xs]
            axes.plot(xs, line, ":", color="grey", label="linear fit")
        axes.axhline(5, color="red", linestyle=":", label="target: 1000 operations < 5 s")
        axes.set_xlabel("operations (and messages) in the contracts")
        axes.set_ylabel("seconds")
        axes.set_title(f"B4 generator scaling ({stamp})")
        axes.legend()
        axes.grid(True, alpha=0.3)
        written.append(_save(figure, folder / f"{stamp}-b4-generator.png", plt))
    if "b5" in results:
        written.append(_plot_b5(results["b5"]["services"], folder, stamp, plt))
    return written


def _plot_b5(services: dict[str, Any], folder: Path, stamp: str, plt: Any) -> Path:
    names = list(services)
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4.5))
    starts = [services[n]["startup_s"]["median"] for n in names]
    left.bar(names, starts, color="tab:blue")
    for x, value in enumerate(starts):
        left.annotate(f"{value:.2f} s", (x, value), ha="center", va="bottom", fontsize=8)
    left.set_ylabel("process start -> ready (s, median)")
    left.set_title("start-up")
    idle = [services[n]["idle_rss_mb"] for n in names]
    loaded = [
        services[n]["load"]["rss"]["peak_mb"] if "load" in services[n] else None for n in names
    ]
    consumer_load = services.get("idea", {}).get("load", {}).get("consumer_rss")
    if consumer_load and "activity-consumer" in names:
        loaded[names.index("activity-consumer")] = consumer_load["peak_mb"]
    xs = range(len(names))
    right.bar([x - 0.2 for x in xs], idle, width=0.4, label="idle")
    right.bar(
        [x + 0.2 for x in xs], [v or 0 for v in loaded], width=0.4, label="under B1's load (peak)"
    )
    right.set_xticks(list(xs), names)
    right.set_ylabel("resident memory (MB)")
    right.set_title("memory")
    right.legend(loc="lower center")
    return _save_panels(
        figure, (left, right), f"B5 services ({stamp})", folder / f"{stamp}-b5-services.png", plt
    )


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        for limit, digits in ((0.1, 3), (10, 2), (100, 1)):
            if abs(value) < limit:
                return f"{value:.{digits}f}"
        return f"{value:,.0f}"
    return str(value)


def table(results: dict[str, Any], stamp: str, plots: list[Path]) -> str:
    lines = [
        f"Latest run: `results/{stamp}.json` (commit {results['machine']['commit']}, "
        f"{results['machine']['cpus']} cores, load average at start "
        f"{results['machine']['load_average_at_start'][0]}, {results['duration_s']:.0f} s in all).",
        "",
        "| target | figure | met |",
        "|---|---|---|",
    ]
    for name, target in results["targets"].items():
        met = {True: "yes", False: "**no**", None: "-"}[target["met"]]
        lines.append(f"| {name} | {_fmt(target['value'])} | {met} |")
    if "b1" in results:
        settings = results["b1"]["settings"]
        lines += [
            "",
            f"B1 (wrk -t{settings['threads']} -c{settings['connections']}, {settings['rounds']} "
            f"rounds of {settings['duration']} s per target taking turns):",
            "",
        ]
        lines += [
            "| target | req/s | p50 ms | p99 ms | server CPU % | server CPU ms/request |",
            "|---|---|---|---|---|---|",
        ]
        for name, figures in results["b1"]["targets"].items():
            if name == "pgbench":
                lines.append(
                    f"| pgbench (same SQL) | {_fmt(figures['tps'])} | "
                    f"{_fmt(figures['latency_ms']['p50'])} | {_fmt(figures['latency_ms']['p99'])} "
                    "| - | - |"
                )
            else:
                lines.append(
                    f"| {name} | {_fmt(figures['requests_per_s'])} | "
                    f"{_fmt(figures['latency_ms']['p50'])} | {_fmt(figures['latency_ms']['p99'])} | "
                    f"{_fmt(figures['server_cpu_percent'])} | "
                    f"{_fmt(figures.get('server_cpu_ms_per_request'))} |"
                )
        ratios = results["b1"]["ratios"]
        lines.append("")
        lines.append(
            f"generated/baseline {ratios['generated_over_baseline']:.2f}, "
            f"generated/baseline (SQLAlchemy) {ratios['generated_over_baseline_sqlalchemy']:.2f}, "
            f"generated/pgbench {ratios['generated_over_pgbench']:.3f}."
        )
    if "b2" in results:
        lines += ["", "B2 (request sent to activity row visible):", ""]
        lines += [
            "| rate/s | served/s | e2e p50 ms | p95 | p99 | HTTP p99 ms | missing | saturated |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in results["b2"]["rates"]:
            e2e = r["e2e_ms"]
            lines.append(
                f"| {r['rate']} | {_fmt(r['achieved_per_s'])} | {_fmt(e2e.get('p50'))} | "
                f"{_fmt(e2e.get('p95'))} | {_fmt(e2e.get('p99'))} | "
                f"{_fmt(r['http_ms'].get('p99'))} | {r['missing_activities']} | "
                f"{'**yes**' if r['saturated'] else 'no'} |"
            )
    if "b3" in results:
        lines += _b3_table(results["b3"])
    if "b4" in results:
        b4 = results["b4"]
        lines += [
            "",
            f"B4 (`contractgen generate`, a fresh process each, median of "
            f"{b4['settings']['repeats']} runs):",
            "",
        ]
        lines += [
            "| contracts | seconds (median) | CPU s | of which validate | peak MB | files |",
            "|---|---|---|---|---|---|",
        ]
        project = b4["project"]
        lines.append(
            f"| the 3 services | {_fmt(project['seconds'])} | {_fmt(project['cpu_seconds'])} | "
            f"{_fmt(project['phases_s']['load_and_validate'])} | {_fmt(project['peak_rss_mb'])} | "
            f"{project['files']} |"
        )
        for r in b4["synthetic"]:
            lines.append(
                f"| {r['operations']} operations + messages | {_fmt(r['seconds'])} | "
                f"{_fmt(r['cpu_seconds'])} | "
                f"{_fmt(r['phases_s']['load_and_validate'])} | {_fmt(r['peak_rss_mb'])} | {r['files']} |"
            )
    if "b5" in results:
        lines += _b5_table(results["b5"])
    if plots:
        lines.append("")
        lines += [f"![{path.stem}](results/{path.name})" for path in plots]
    return "\n".join(lines)


def _b3_table(b3: dict[str, Any]) -> list[str]:
    lines = [
        "",
        "B3 (pgbench writes each event as a service does, one transaction per event; the backlog "
        "is sampled every second while writing; CPU in µs per event by process family):",
        "",
        "| rate/s | seconds | written/s | ingested/s | backlog at end | sustained | "
        "CPU µs/event: PG / Connect / Kafka / consumer / total | why not |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in b3["stages"]:
        cpu = s["cpu_us_per_event"]
        per_family = " / ".join(
            _fmt(cpu.get(family))
            for family in ("postgres", "connect", "kafka", "activity-consumer", "total")
        )
        lines.append(
            f"| {s['rate']} | {_fmt(s['seconds'])} | {_fmt(s['written_per_s'])} | "
            f"{_fmt(s['ingested_per_s'])} | {s['backlog_at_end']} | "
            f"{'yes' if s['sustained'] else '**no**'} | {per_family} | "
            f"{'; '.join(s['why_not'] or []) or '-'} |"
        )
    ingest = b3["consumer_ingest"]
    lines += [
        "",
        f"Plain read of the topic: {_fmt(b3['plain_read']['per_s'])} events/s; the activity "
        f"consumer from a backlog of {ingest.get('backlog', '-')}: {_fmt(ingest['per_s'])} "
        f"events/s at {_fmt(ingest.get('cpu_us_per_event'))} µs of its CPU per event "
        f"(ratio to the plain read {_fmt(b3['consumer_over_plain'])}).",
    ]
    return lines


def _save_panels(figure: Any, panels: tuple[Any, ...], title: str, path: Path, plt: Any) -> Path:
    for axes in panels:
        axes.grid(True, axis="y", alpha=0.3)
        axes.tick_params(axis="x", labelsize=8)
    figure.suptitle(title)
    return _save(figure, path, plt)


def _save(figure: Any, path: Path, plt: Any) -> Path:
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def _plot_b1(b1: dict[str, Any], folder: Path, stamp: str, plt: Any) -> Path:
    servers = {name: f for name, f in b1["targets"].items() if name != "pgbench"}
    names = list(servers)
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4.5))
    rates = [servers[n]["requests_per_s"] for n in names]
    left.bar(names, rates, color="tab:blue")
    baseline = servers.get("baseline", {}).get("requests_per_s")
    if baseline:
        left.axhline(0.8 * baseline, color="red", linestyle=":", label="target: 80 % of baseline")
        left.legend(loc="lower center", fontsize=8)
    for x, value in enumerate(rates):
        left.annotate(f"{value:,.0f}", (x, value), ha="center", va="bottom", fontsize=8)
    left.set_ylabel("requests per second (POST idea)")
    left.set_title("throughput")
    cpu = [servers[n].get("server_cpu_ms_per_request") or 0 for n in names]
    right.bar(names, cpu, color="tab:orange")
    for x, value in enumerate(cpu):
        right.annotate(f"{value:.2f}", (x, value), ha="center", va="bottom", fontsize=8)
    right.set_ylabel("server CPU per request (ms)")
    right.set_title("cost")
    return _save_panels(
        figure, (left, right), f"B1 REST write path ({stamp})", folder / f"{stamp}-b1-rest.png", plt
    )


def _plot_b3(b3: dict[str, Any], folder: Path, stamp: str, plt: Any) -> Path:
    figure, axes = plt.subplots(figsize=(8, 4.5))
    for stage in b3["stages"]:
        samples = stage["samples"]
        axes.plot(
            [p["t"] for p in samples],
            [max(p["backlog"], 0) / stage["rate"] for p in samples],
            label=f"{stage['rate']}/s ({'sustained' if stage['sustained'] else 'not sustained'})",
        )
    axes.axhline(1, color="grey", linestyle=":", label="1 s worth of events")
    axes.set_xlabel("seconds into the stage (writing)")
    axes.set_ylabel("backlog, in seconds' worth of events")
    axes.set_yscale("symlog", linthresh=1)
    axes.set_ylim(bottom=0)
    axes.set_title(f"B3 backlog while writing ({stamp})")
    axes.legend(fontsize=8)
    axes.grid(True, which="both", alpha=0.3)
    return _save(figure, folder / f"{stamp}-b3-backlog.png", plt)


def _b5_table(b5: dict[str, Any]) -> list[str]:
    settings = b5["settings"]
    lines = [
        "",
        f"B5 (start-up: process start to ready, median of {settings['starts']}; memory: VmRSS "
        f"idle and under B1's load, wrk -t{settings['threads']} -c{settings['connections']} "
        f"for {settings['load_seconds']} s):",
        "",
        "| process | start-up s | idle MB | under load MB (peak) | load | req/s |",
        "|---|---|---|---|---|---|",
    ]
    services = b5["services"]
    consumer_load = services.get("idea", {}).get("load", {}).get("consumer_rss")
    for name, figures in services.items():
        load = figures.get("load")
        if load:
            peak, operation, rate = (
                load["rss"]["peak_mb"],
                load["operation"],
                load["requests_per_s"],
            )
        elif consumer_load:
            peak, operation, rate = consumer_load["peak_mb"], "the idea load's events", None
        else:
            peak, operation, rate = None, "-", None
        lines.append(
            f"| {name} | {_fmt(figures['startup_s']['median'])} | {_fmt(figures['idle_rss_mb'])} "
            f"| {_fmt(peak)} | {operation} | {_fmt(rate)} |"
        )
    return lines


def summary(results: dict[str, Any], stamp: str, plots: list[Path]) -> str:
    """The targets table and the plots, for the project's README."""
    text = table(
        {key: value for key, value in results.items() if not key.startswith("b")}, stamp, plots
    )
    return text.replace("results/", "bench/results/")


def update_readmes(results: dict[str, Any], stamp: str, plots: list[Path]) -> None:
    _replace_between_markers(README, table(results, stamp, plots))
    _replace_between_markers(PROJECT_README, summary(results, stamp, plots))


def _replace_between_markers(readme_path: Path, text: str) -> None:
    readme = readme_path.read_text(encoding="utf-8")
    if START not in readme:
        return
    before, _, rest = readme.partition(START)
    _, _, after = rest.partition(END)
    readme_path.write_text(f"{before}{START}\n{text}\n{END}{after}", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.report")
    parser.add_argument("results", type=Path, help="a bench/results/<timestamp>.json")
    args = parser.parse_args(argv)
    results = json.loads(args.results.read_text(encoding="utf-8"))
    results["targets"] = targets(results)
    stamp = args.results.stem
    args.results.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    update_readmes(results, stamp, plot(results, args.results.parent, stamp))


if __name__ == "__main__":
    main()
