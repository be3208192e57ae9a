"""Writes the results: latest.json (everything), latest.md (tables), and their copy in
docs/benchmarks.md, between its markers."""

import json
from pathlib import Path

TABLES_START = "<!-- bench:start -->"
TABLES_END = "<!-- bench:end -->"


def _cell(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _timing_row(name: str, figure: dict) -> str:
    row = f"| {name} | {_cell(figure['median'])} | {_cell(figure['min'])} | {_cell(figure['max'])} | {figure['unit']} |"
    if "baseline" in figure:
        base = figure["baseline"]
        ratio = "-" if figure["ratio"] is None else f"{figure['ratio']:g}"
        row += f" {_cell(base['median'])} ({base['what']}) | {ratio} |"
    else:
        row += " | |"
    return row


def markdown(results: dict) -> str:
    machine = results["machine"]
    lines = [
        f"Measured {results['date']} on {machine['cores']} cores, {machine['memory_gib']} GiB, "
        f"Docker {machine['docker']}, {machine['compose']}; median of {results['runs']} runs, or fewer for "
        f"figures that take seconds each (each figure's `runs` in latest.json)"
        f"{' (quick run)' if results['quick'] else ''}; the whole run took {results['total_seconds'] / 60:.1f} min.",
        "",
        "| image | size (MB) | layers |",
        "|---|---|---|",
    ]
    for name, image in results["sections"].get("images", {}).items():
        lines.append(f"| {name} (`{image['image']}`) | {image['size_mb']:g} | {image['layers']} |")
    lines += ["", "| figure | median | min | max | unit | baseline | ratio |", "|---|---|---|---|---|---|---|"]
    for section in ("render", "project_build", "stack", "devcontainer", "maintenance", "jobs"):
        for name, figure in results["sections"].get(section, {}).items():
            if "median" in figure:
                lines.append(_timing_row(f"{section}: {name}", figure))
    api = {name: f for name, f in results["sections"].get("api", {}).items() if "rps" in f}
    if api:
        lines += ["", "| subject | endpoint | concurrency | req/s (min-max) | p50 ms | p99 ms (min-max) | max ms "
                  "| errors | wrk CPU (cores) |", "|---|---|---|---|---|---|---|---|---|"]
    for name, f in api.items():
        lines.append(
            f"| {name} | {f['rps']:g} ({f['rps_min']:g}-{f['rps_max']:g}) | {f['p50_ms']:g} | "
            f"{f['p99_ms']:g} ({f['p99_ms_min']:g}-{f['p99_ms_max']:g}) | {f['max_ms']:g} | {f['errors']} | "
            f"{f['wrk_cpu_cores']:g} |"
        )
    versus_peer = {name: f for name, f in api.items() if "rps_vs_peer" in f}
    if versus_peer:
        lines += ["", "| against the peer | endpoint | concurrency | req/s, x the peer's | p99, x the peer's |",
                  "|---|---|---|---|---|"]
    for name, f in versus_peer.items():
        lines.append(f"| {name} | {f['rps_vs_peer']:g} | {f['p99_vs_peer']:g} |")
    token_costs = {name: f for name, f in api.items() if "token_cost" in f}
    if token_costs:
        lines += ["", "| a token's cost | endpoint | concurrency | req/s, less than without auth |", "|---|---|---|---|"]
    for name, f in token_costs.items():
        lines.append(f"| {name} | {f['token_cost']:.1%} |")
    served = results["sections"].get("api", {}).get("peer command")
    if served:
        lines += ["", f"The peer was served as `{served['command']}`."]
    observability = results["sections"].get("observability", {})
    if observability:
        lines += ["", "| observability | endpoint | concurrency | req/s (min-max) | req/s vs both off "
                  "| p99 ms (min-max) | p99 vs both off | errors | spans exported |", "|---|---|---|---|---|---|---|---|---|"]
    for name, f in observability.items():
        lines.append(
            f"| {name} | {f['rps']:g} ({f['rps_min']:g}-{f['rps_max']:g}) | {f['rps_vs_off']:g} | "
            f"{f['p99_ms']:g} ({f['p99_ms_min']:g}-{f['p99_ms_max']:g}) | {f['p99_vs_off']:g} | {f['errors']} | "
            f"{f['spans_exported']} |"
        )
    return "\n".join(lines) + "\n"


def between_markers(text: str, table: str) -> str:
    """The text with what lies between its one pair of markers replaced by the table. A text
    without them, or with them twice or out of order, is refused: the tables would land nowhere
    a reader looks."""
    starts, ends = text.count(TABLES_START), text.count(TABLES_END)
    if starts != 1 or ends != 1 or text.index(TABLES_START) > text.index(TABLES_END):
        raise ValueError(
            f"the tables go between one {TABLES_START} and one {TABLES_END} after it; found "
            f"{starts} and {ends}: put the markers back where the tables belong"
        )
    before, _, rest = text.partition(TABLES_START)
    _, _, after = rest.partition(TABLES_END)
    return f"{before}{TABLES_START}\n{table}{TABLES_END}{after}"


def write(results: dict, out: Path, tables_doc: Path | None) -> None:
    """latest.json and latest.md into out; then the tables into tables_doc, if given. A document
    without its markers raises ValueError and is left as it was (the results are written)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    (out / "latest.md").write_text(table)
    if tables_doc is not None:
        text = tables_doc.read_text()
        try:
            replaced = between_markers(text, table)
        except ValueError as error:
            raise ValueError(f"{tables_doc}: {error}; the results are in {out}") from None
        tables_doc.write_text(replaced)
