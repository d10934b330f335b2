"""Look of every figure, colours, and deterministic saving (PNG + SVG + PDF)."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# Okabe-Ito colours (colour-blind safe); strategies keep theirs in every figure.
STRATEGY_COLOURS = {
    "flood": "#E69F00",
    "zone-flood": "#009E73",
    "random-walk": "#CC79A7",
    "expanding-ring": "#56B4E9",
    "chord": "#0072B2",
}
# For a second run of a strategy beside the others (e.g. zone flood with another entry).
EXTRA_COLOURS = ["#D55E00", "#882255", "#000000", "#999999"]
SERIES_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
                  "#999999", "#882255"]

# Fixed metadata so that the same inputs give the same bytes (no dates, no version strings).
_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}


def setup():
    plt.rcParams.update({
        "font.family": "DejaVu Sans",
        "font.size": 10,
        "axes.titlesize": 11,
        "axes.labelsize": 10,
        "legend.fontsize": 9,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "svg.hashsalt": "zonal",
        "svg.fonttype": "none",  # text stays text: small files, editable labels
        "pdf.fonttype": 42,
        "path.simplify": True,
    })


def colour(i):
    return SERIES_COLOURS[i % len(SERIES_COLOURS)]


def compares_strategies(result):
    """Whether the runs of `result` differ in strategy (all of them known strategies)."""
    return len({r.strategy for r in result.runs}) >= 2 and all(r.strategy in STRATEGY_COLOURS for r in result.runs)


def run_colour(result, run, i):
    """Colour of `run` (the i-th shown) in every figure of `result`: when runs compare strategies,
    the first run of each strategy takes the strategy's colour and further runs of a strategy
    (e.g. zone flood with another entry) colours no strategy uses; a sweep of one strategy numbers
    its runs."""
    if not compares_strategies(result):
        return colour(i)
    extra = iter(EXTRA_COLOURS * len(result.runs))
    for r in result.runs:
        first = next(q for q in result.runs if q.strategy == r.strategy) is r
        c = STRATEGY_COLOURS[r.strategy] if first else next(extra)
        if r is run:
            return c
    return colour(i)


def save(fig, figures_dir, name):
    """Write figures_dir/name.{png,svg,pdf}; returns the paths written."""
    figures_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext in ("png", "svg", "pdf"):
        path = figures_dir / f"{name}.{ext}"
        fig.savefig(path, format=ext, metadata=_METADATA[ext])
        paths.append(path)
    plt.close(fig)
    return paths


def figure(rows=1, cols=1, width=6.4, height=4.0, **kwargs):
    return plt.subplots(rows, cols, figsize=(width, height), layout="constrained", squeeze=False, **kwargs)
