"""Summary metrics per run: lines against a swept numeric parameter (95% CI bands), or bars."""
import math
import re

from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator

from . import style
from .data import describe_value, is_number, short_name

# (summary.json metric, axis label with unit, factor applied to the values)
METRICS = [
    ("messages_per_query", "messages per query", 1.0),
    ("success_rate", "success rate (%)", 100.0),
    ("first_hit_hops_mean", "hops to the first hit (mean)", 1.0),
    ("first_hit_ms_mean", "time to the first hit (ms, mean)", 1.0),
]

_PARAMETER_NAMES = {
    "peers": "peers",
    "search.ttl": "TTL (hops)",
    "search.walkers": "walkers per search",
    "search.walk_ttl": "walker TTL (hops)",
    "faults.loss": "message loss probability",
    "faults.churn.rate_per_s": "churn rate (failures per s, as many joins)",
    "faults.churn.session_mean_s": "mean session (s)",
    "zones.count": "zones",
    "workload.rate_per_s": "query rate (queries per s)",
    "workload.zipf_alpha": "Zipf exponent of query popularity",
    "content.replicas": "replicas per file",
    "chord.successors": "successor-list length",
}


def parameter_label(path):
    """Axis label of a swept parameter, with its unit."""
    if path in _PARAMETER_NAMES:
        return _PARAMETER_NAMES[path]
    if re.search(r"failures\[\d+\]\.fraction$", path):
        return "fraction of peers that crash at once"
    name = short_name(path)
    for suffix, unit in ((" per s", "per s"), (" ms", "ms"), (" s", "s")):
        if name.endswith(suffix):
            return f"{name[:-len(suffix)]} ({unit})"
    return name


def swept_axis(result):
    """The numeric parameter to put on the x axis, or None (then bars)."""
    numeric = [k for k in result.varying if all(is_number(r.parameters.get(k)) for r in result.runs)]
    if not numeric:
        return None
    distinct = {k: len({r.parameters[k] for r in result.runs}) for k in numeric}
    best = max(numeric, key=lambda k: distinct[k])
    return best if distinct[best] >= 3 or len(result.varying) == 1 else None


def series_of(result, x_key):
    """Runs grouped by the other varying parameters: [(legend label, [runs sorted by x])]."""
    others = [k for k in result.varying if k != x_key]
    groups = {}
    for r in result.runs:
        key = tuple(describe_value(k, r.parameters.get(k)) for k in others)
        groups.setdefault(key, []).append(r)
    return [(", ".join(k), sorted(v, key=lambda r: r.parameters[x_key])) for k, v in groups.items()]


def ci_note(result):
    n = min(r.replications for r in result.runs)
    if n < 2:
        return "1 replication: no confidence interval"
    return f"mean of {n} replications, 95% CI"


def wide_range(values):
    positive = [v for v in values if v > 0 and math.isfinite(v)]
    return len(positive) == len(values) and len(positive) >= 2 and max(positive) / min(positive) >= 100


def log2_axis(values):
    """True if every value is a power of two (peer counts of a doubling sweep)."""
    return all(v > 0 and float(v).is_integer() and (int(v) & (int(v) - 1)) == 0 for v in values)


def lines(ax, result, x_key, metric, factor, ylabel, legend=True):
    series = series_of(result, x_key)
    banded = min(r.replications for r in result.runs) >= 2
    xs_all, ys_all = [], []
    for i, (name, runs) in enumerate(series):
        xs = [r.parameters[x_key] for r in runs]
        ys = [r.mean(metric) * factor for r in runs]
        cis = [r.ci95(metric) * factor for r in runs]
        c = style.colour(i)
        ax.plot(xs, ys, marker="os^Dv<>p"[i % 8], markersize=4.5, color=c, label=name or None, linewidth=1.6,
                linestyle=("-", "--", ":", "-.")[i % 4])
        if banded:
            ax.fill_between(xs, [y - e for y, e in zip(ys, cis)], [y + e for y, e in zip(ys, cis)], color=c, alpha=0.2,
                            linewidth=0)
        xs_all += xs
        ys_all += ys
    if log2_axis(xs_all) and max(xs_all) / min(xs_all) >= 4:
        ax.set_xscale("log", base=2)
        if len(set(xs_all)) <= 8:
            ax.set_xticks(sorted(set(xs_all)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
    elif wide_range(xs_all):
        ax.set_xscale("log")
    elif all(float(x).is_integer() for x in xs_all):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if metric == "messages_per_query" and wide_range(ys_all):
        ax.set_yscale("log")
    if metric == "success_rate":
        ax.set_ylim(0, 105)
    elif ax.get_yscale() == "linear":
        ax.set_ylim(bottom=0)
    ax.set_xlabel(parameter_label(x_key))
    ax.set_ylabel(ylabel)
    if legend and len(series) > 1:
        ax.legend(frameon=False)


def bar_layout(result):
    """(groups [(label, [runs])], hue key or None, hue values) for grouped horizontal bars."""
    hue = None
    complete = all(r.parameters.get(k) is not None for r in result.runs for k in result.varying)
    if len(result.varying) >= 2 and complete:  # runs without some parameter: one bar per run
        counts = {k: len({str(r.parameters.get(k)) for r in result.runs}) for k in result.varying}
        hue = min(result.varying, key=lambda k: counts[k])
    others = [k for k in result.varying if k != hue]
    groups, hues = {}, []
    for r in result.runs:
        if hue is None:
            groups[r.display] = [r]
            continue
        label = ", ".join(describe_value(k, r.parameters.get(k)) for k in others)
        groups.setdefault(label, []).append(r)
        h = describe_value(hue, r.parameters.get(hue))
        if h not in hues:
            hues.append(h)
    return list(groups.items()), hue, hues


def value_text(v, metric):
    if metric == "success_rate":
        return f"{v:.1f}%"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.2f}" if abs(v) < 10 else f"{v:.1f}"


def bars(ax, result, metric, factor, xlabel, annotate=True, legend=True):
    groups, hue, hues = bar_layout(result)
    per_group = max(len(runs) for _, runs in groups)
    height = 0.8 / per_group
    whiskers = min(r.replications for r in result.runs) >= 2
    values = [r.mean(metric) * factor for _, runs in groups for r in runs]
    log = metric == "messages_per_query" and wide_range(values)
    seen_legend = set()
    for g, (_, runs) in enumerate(groups):
        for j, r in enumerate(runs):
            y = g + (j - (len(runs) - 1) / 2) * height
            v, e = r.mean(metric) * factor, r.ci95(metric) * factor
            if hue is None:
                c = style.STRATEGY_COLOURS.get(r.strategy, style.colour(0))
                if style.compares_strategies(result):
                    c = style.run_colour(result, r, result.runs.index(r))
                entry = r.strategy if c == style.STRATEGY_COLOURS.get(r.strategy) else r.display
            else:
                h = describe_value(hue, r.parameters.get(hue))
                c, entry = style.colour(hues.index(h)), h
            ax.barh(y, v, height=height * 0.9, color=c, xerr=e if whiskers else None,
                    error_kw={"elinewidth": 1, "capsize": 2, "ecolor": "#333333"},
                    label=entry if entry not in seen_legend else None)
            seen_legend.add(entry)
            if annotate and math.isfinite(v):
                text = value_text(v, metric)
                if annotate == "success":
                    text += f"  ({value_text(r.mean('success_rate') * 100, 'success_rate')} found)"
                ax.annotate(text, (v + (e if whiskers else 0), y), xytext=(3, 0),
                            textcoords="offset points", va="center", fontsize=8, color="#333333")
    ax.set_yticks(range(len(groups)), [label for label, _ in groups])
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    if log:
        positive = [v for v in values if v > 0]
        ax.set_xscale("log")
        ax.set_xlim(left=min(positive) / 3, right=max(positive) * (30 if annotate == "success" else 8))
        ax.xaxis.set_major_locator(LogLocator(base=10))
        xlabel += " (log scale)"
    elif metric == "success_rate":
        ax.set_xlim(0, 118)
    else:
        ax.set_xlim(0, max([v for v in values if math.isfinite(v)] + [1e-9]) * (1.45 if annotate == "success" else 1.18))
    ax.set_xlabel(xlabel)
    if legend and hue is not None:  # without a hue every bar carries its run's label
        ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0),
                  title=parameter_label(hue) if hue else "strategy")


def draw_metric(ax, result, metric, label, factor, x_key, legend=True, annotate=True):
    if x_key is not None:
        lines(ax, result, x_key, metric, factor, label, legend)
    else:
        bars(ax, result, metric, factor, label, annotate=annotate, legend=legend)


def bar_height(result):
    groups, _, _ = bar_layout(result)
    rows = sum(len(runs) for _, runs in groups)
    return max(2.6, 0.9 + 0.32 * rows + 0.15 * len(groups))


def figures(result, figures_dir):
    """messages_per_query (one panel, the headline) and metrics (four panels)."""
    x_key = swept_axis(result)
    written = []
    note = ci_note(result)
    h = 4.0 if x_key else bar_height(result)
    fig, axes = style.figure(width=7.0, height=h)
    ax = axes[0][0]
    draw_metric(ax, result, *METRICS[0], x_key, annotate="success", legend=x_key is not None)  # bars carry their labels
    fig.suptitle(f"{result.scenario}: messages per query ({note})", fontsize=11)
    written += style.save(fig, figures_dir, "messages_per_query")

    fig, axes = style.figure(2, 2, width=11.0, height=7.0 if x_key else 2 * h + 0.6)
    for i, (ax, (metric, label, factor)) in enumerate(zip([a for row in axes for a in row], METRICS)):
        draw_metric(ax, result, metric, label, factor, x_key, legend=i == 1)  # one legend, top right
    fig.suptitle(f"{result.scenario} ({note})", fontsize=11)
    written += style.save(fig, figures_dir, "metrics")
    return written

