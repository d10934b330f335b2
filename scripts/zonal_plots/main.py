"""scripts/plot RESULT_DIR [--quiet]: every figure of a result into RESULT_DIR/figures/."""
import sys
from pathlib import Path

from . import distributions, metrics, style, timeseries
from .data import ResultError, load_result

USAGE = "usage: scripts/plot RESULT_DIR [--quiet]"
FIGURE_SUFFIXES = (".png", ".svg", ".pdf")


def clear_figures(figures_dir):
    """Remove the figures of an earlier plot (only PNG, SVG and PDF files); other files stay."""
    if not figures_dir.is_dir():
        return
    for path in figures_dir.iterdir():
        if path.is_file() and path.suffix in FIGURE_SUFFIXES:
            path.unlink()


def main(argv):
    args = [a for a in argv if a != "--quiet"]
    if len(args) != 1 or args[0].startswith("-"):
        print(USAGE, file=sys.stderr)
        return 2
    directory = Path(args[0])
    try:
        result = load_result(directory)
    except ResultError as e:
        print(f"plot: {e}", file=sys.stderr)
        return 2
    style.setup()
    figures_dir = directory / "figures"
    clear_figures(figures_dir)
    written = metrics.figures(result, figures_dir)
    written += distributions.figures(result, figures_dir)
    written += timeseries.figures(result, figures_dir)
    missing = [f for f in ("queries.csv", "peers.csv") if not (directory / f).exists()]
    if "--quiet" not in argv:
        names = sorted({p.stem for p in written})
        print(f"figures: {figures_dir}/{{{','.join(names)}}}.{{png,svg,pdf}}")
        if missing:
            print(f"plot: no {' or '.join(missing)}: distribution figures left out", file=sys.stderr)
    return 0
