"""Per-query and per-peer distributions: CDF of messages per query, histogram of hops, per-peer
load CDF and Lorenz curve with Gini coefficient (from queries.csv and peers.csv)."""
import math

import numpy as np

from . import style
from .data import read_columns

MAX_CURVES = 8     # more runs than this: an evenly spaced subset is drawn (the title says so)
CURVE_POINTS = 400  # curves are drawn through this many quantiles (small SVG/PDF files)


def shown_runs(result):
    runs = result.runs
    if len(runs) <= MAX_CURVES:
        return runs, ""
    picks = sorted({round(i * (len(runs) - 1) / (MAX_CURVES - 1)) for i in range(MAX_CURVES)})
    return [runs[i] for i in picks], f" ({len(picks)} of {len(runs)} runs)"


def run_colour(result, run, i):
    return style.run_colour(result, run, i)


def ecdf_points(values):
    """(x, F) through at most CURVE_POINTS quantiles of the sorted values."""
    v = np.sort(np.asarray(values, dtype=float))
    n = len(v)
    if n == 0:
        return v, v
    idx = np.unique(np.linspace(0, n - 1, min(n, CURVE_POINTS)).round().astype(int))
    return v[idx], (idx + 1) / n


def lorenz(values):
    """(share of peers, share of load) points and the Gini coefficient of `values`."""
    v = np.sort(np.asarray(values, dtype=float))
    n = len(v)
    total = v.sum()
    if n == 0 or total <= 0:
        return np.array([0.0, 1.0]), np.array([0.0, 1.0]), 0.0
    cum = np.concatenate([[0.0], np.cumsum(v) / total])
    gini = 1.0 - (cum[1:] + cum[:-1]).sum() / n
    idx = np.unique(np.linspace(0, n, min(n + 1, CURVE_POINTS)).round().astype(int))
    return idx / n, cum[idx], gini


def set_count_scale(ax, values, axis="x"):
    """Symmetric-log axis (0 stays visible) when counts span two decades or more, or have a
    heavy tail (the largest ten times the median)."""
    positive = sorted(v for v in values if v > 0)
    if positive and (positive[-1] / max(positive[0], 1) >= 100 or positive[-1] >= 10 * positive[len(positive) // 2]):
        (ax.set_xscale if axis == "x" else ax.set_yscale)("symlog", linthresh=1)


def messages_cdf(result, queries, figures_dir):
    runs, subset = shown_runs(result)
    fig, axes = style.figure(width=7.0, height=4.2)
    ax = axes[0][0]
    everything = []
    for i, r in enumerate(runs):
        msgs = queries.get(r.label, {}).get("messages", [])
        if not msgs:
            continue
        x, f = ecdf_points(msgs)
        ax.step(x, f, where="post", color=run_colour(result, r, i), linewidth=1.6, label=r.display)
        everything += [float(v) for v in x]
    set_count_scale(ax, everything)
    ax.set_xlabel("messages per query (query transmissions)")
    ax.set_ylabel("fraction of queries")
    ax.set_ylim(0, 1.02)
    ax.legend(frameon=False, loc="best")
    ax.set_title(f"{result.scenario}: CDF of messages per query{subset}", loc="left")
    return style.save(fig, figures_dir, "messages_cdf")


def hops_histogram(result, queries, figures_dir):
    runs, subset = shown_runs(result)
    data = []
    for i, r in enumerate(runs):
        cols = queries.get(r.label, {})
        hops = [h for h, hits in zip(cols.get("first_hit_hops", []), cols.get("hits", [])) if hits > 0 and not math.isnan(h)]
        if hops:
            data.append((r, i, hops))
    if not data:
        return []
    top = max(max(h) for _, _, h in data)
    bins = np.arange(-0.5, top + 1.5, 1.0) if top <= 40 else np.linspace(0, top + 1, 41)
    fig, axes = style.figure(width=7.0, height=4.2)
    ax = axes[0][0]
    for r, i, hops in data:
        ax.hist(hops, bins=bins, weights=np.full(len(hops), 1.0 / len(hops)), histtype="step", linewidth=1.8,
                color=run_colour(result, r, i), label=f"{r.display} (mean {np.mean(hops):.2f})")
    if top <= 40:
        ax.set_xticks(range(0, int(top) + 1, max(1, int(math.ceil((top + 1) / 16)))))
    ax.set_xlabel("hops to the first hit")
    ax.set_ylabel("fraction of answered queries")
    ax.legend(frameon=False)
    ax.set_title(f"{result.scenario}: hops to the first hit{subset}", loc="left")
    return style.save(fig, figures_dir, "hops_histogram")


def peer_load(result, peers, figures_dir):
    runs, subset = shown_runs(result)
    fig, axes = style.figure(1, 2, width=11.0, height=4.4)
    cdf_ax, lorenz_ax = axes[0]
    everything = []
    for i, r in enumerate(runs):
        load = peers.get(r.label, {}).get("received", [])
        if not load:
            continue
        c = run_colour(result, r, i)
        x, f = ecdf_points(load)
        cdf_ax.step(x, f, where="post", color=c, linewidth=1.6, label=r.display)
        everything += [float(v) for v in x]
        share_peers, share_load, gini = lorenz(load)
        lorenz_ax.plot(share_peers, share_load, color=c, linewidth=1.6, label=f"{r.display} (Gini {gini:.2f})")
    set_count_scale(cdf_ax, everything)
    cdf_ax.set_xlabel("messages received per peer in the query phase")
    cdf_ax.set_ylabel("fraction of peers")
    cdf_ax.set_ylim(0, 1.02)
    cdf_ax.set_title("CDF of per-peer load", loc="left")
    lorenz_ax.plot([0, 1], [0, 1], color="#888888", linestyle="--", linewidth=1, label="equal load")
    lorenz_ax.set_xlabel("share of peers (least loaded first)")
    lorenz_ax.set_ylabel("share of messages received")
    lorenz_ax.set_xlim(0, 1)
    lorenz_ax.set_ylim(0, 1)
    lorenz_ax.set_aspect("equal")
    lorenz_ax.set_title("Lorenz curve", loc="left")
    lorenz_ax.legend(frameon=False, loc="upper left", fontsize=8)
    fig.suptitle(f"{result.scenario}: per-peer load{subset}", fontsize=11)
    return style.save(fig, figures_dir, "peer_load")


def figures(result, figures_dir):
    """The distribution figures whose CSVs are present; [] and a note when none is."""
    written = []
    queries = read_columns(result.directory / "queries.csv", ["messages", "hits", "first_hit_hops"],
                           {"messages", "hits", "first_hit_hops"})
    if queries is not None:
        written += messages_cdf(result, queries, figures_dir)
        written += hops_histogram(result, queries, figures_dir)
    peers = read_columns(result.directory / "peers.csv", ["received"], {"received"})
    if peers is not None:
        written += peer_load(result, peers, figures_dir)
    return written
