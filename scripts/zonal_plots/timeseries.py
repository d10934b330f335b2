"""Observers over time (timeseries.csv, output.timeseries_ms): peers online, success rate,
query traffic and overhead per window, replications averaged."""
import numpy as np

from . import style
from .data import read_columns, timeseries_paths
from .distributions import run_colour, set_count_scale, shown_runs

COLUMNS = ["replication", "window", "start_ms", "end_ms", "peers_online", "queries_started", "queries_answered",
           "messages_search", "messages_hit", "messages_publish", "messages_registration", "messages_maintenance"]


def load(result):
    """{run label: {column: np.array}} over every timeseries.csv of the result, or None."""
    paths = timeseries_paths(result.directory)
    if not paths:
        return None
    merged = {}
    for path in paths:
        for label, cols in read_columns(path, COLUMNS, set(COLUMNS)).items():
            into = merged.setdefault(label, {c: [] for c in COLUMNS})
            for c in COLUMNS:
                into[c] += cols[c]
    return {label: {c: np.asarray(v, dtype=float) for c, v in cols.items()} for label, cols in merged.items()}


def per_window(cols):
    """Windows of one run with the replications combined: (mid time s, online, success %, query msg/s, overhead msg/s)."""
    windows = cols["window"].astype(int)
    n = windows.max() + 1
    reps = max(1, len(np.unique(cols["replication"])))

    def total(values):
        return np.bincount(windows, weights=values, minlength=n)

    width_s = (cols["end_ms"] - cols["start_ms"]).max() / 1000.0
    seen = np.bincount(windows, minlength=n)  # replications that reached the window
    mid_s = (np.arange(n) + 0.5) * width_s
    with np.errstate(invalid="ignore", divide="ignore"):
        online = total(cols["peers_online"]) / seen
        success = 100.0 * total(cols["queries_answered"]) / total(cols["queries_started"])
        query = total(cols["messages_search"] + cols["messages_hit"]) / reps / width_s
        overhead = total(cols["messages_publish"] + cols["messages_registration"] + cols["messages_maintenance"]) / reps / width_s
    return mid_s, online, success, query, overhead


def figures(result, figures_dir):
    data = load(result)
    if not data:
        return []
    runs, subset = shown_runs(result)
    fig, axes = style.figure(2, 2, width=11.0, height=7.0, sharex=True)
    panels = [
        (axes[0][0], "peers online (at the window's end)", 1),
        (axes[0][1], "success rate of the queries started (%)", 2),
        (axes[1][0], "query traffic (search + hit messages per s)", 3),
        (axes[1][1], "overhead (registration, publication,\nmaintenance messages per s)", 4),
    ]
    traffic = []
    for i, r in enumerate(runs):
        cols = data.get(r.label)
        if cols is None or len(cols["window"]) == 0:
            continue
        series = per_window(cols)
        for ax, _, k in panels:
            ax.plot(series[0], series[k], color=run_colour(result, r, i), linewidth=1.5, label=r.display)
        traffic += [float(v) for v in series[3] if v > 0]
    for ax, label, k in panels:
        ax.set_ylabel(label)
        if k == 2:
            ax.set_ylim(0, 105)
        else:
            ax.set_ylim(bottom=0)
    set_count_scale(axes[1][0], traffic, axis="y")
    for ax in axes[1]:
        ax.set_xlabel("time since the query phase started (s)")
    axes[0][0].legend(frameon=False, loc="lower left")
    fig.suptitle(f"{result.scenario}: observers per window{subset}", fontsize=11)
    return style.save(fig, figures_dir, "timeseries")
