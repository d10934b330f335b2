#!/usr/bin/python3
"""scripts/plot on small fresh results (CTest plot_figures): every expected figure exists in
PNG, SVG and PDF and is a real, non-trivial file of its format; plotting again gives the same
bytes; the committed quickstart figures are what scripts/plot draws now; a summary-only result
gets the summary figures; a non-result is refused.
Usage: plot_test.py ZONAL_SIM_EXE SCRIPTS_PLOT"""
import json
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path

SIM, PLOT = sys.argv[1], sys.argv[2]

BASE = {
    "seed": 5, "peers": 400, "topology": {"kind": "random-regular", "degree": 6},
    "zones": {"count": 4}, "content": {"files": 100, "replicas": 2},
    "workload": {"queries": 150, "rate_per_s": 20}, "search": {"strategy": "flood", "timeout_ms": 2000},
}
SUMMARY_FIGURES = ["messages_per_query", "metrics"]
ALL_FIGURES = SUMMARY_FIGURES + ["messages_cdf", "hops_histogram", "peer_load"]


def simulate(directory, name, **extra):
    scenario = dict(BASE, name=name, **extra)
    path = directory / f"{name}.json"
    path.write_text(json.dumps(scenario))
    out = directory / name
    subprocess.run([SIM, str(path), "--out", str(out), "--quiet"], check=True, capture_output=True)
    return out


def plot(result):
    return subprocess.run([PLOT, str(result)], capture_output=True, text=True)


class PlotTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="zonal-plot-test-")
        d = Path(cls.tmp.name)
        # A numeric sweep with replications, churn and observers: lines with CI bands, time series.
        cls.swept = simulate(d, "swept", sweep={"search.ttl": [2, 3, 4]}, replications=2,
                             faults={"churn": {"model": "sessions", "session_mean_s": 20, "offline_mean_s": 10}},
                             output={"timeseries_ms": 1000})
        # Categories: bars by run.
        cls.bars = simulate(d, "bars", sweep={"search.strategy": ["flood", "zone-flood", "random-walk"]})

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def check_figure(self, figures, name):
        png, svg, pdf = (figures / f"{name}.{ext}" for ext in ("png", "svg", "pdf"))
        for f in (png, svg, pdf):
            self.assertTrue(f.is_file(), f)
        self.assertEqual(png.read_bytes()[:8], b"\x89PNG\r\n\x1a\n", png)
        self.assertGreater(png.stat().st_size, 20_000, f"{png} is too small to hold a figure")
        self.assertEqual(pdf.read_bytes()[:5], b"%PDF-", pdf)
        self.assertGreater(pdf.stat().st_size, 5_000, pdf)
        root = ET.parse(svg).getroot()  # well-formed
        self.assertTrue(root.tag.endswith("svg"), svg)
        text = svg.read_text()
        self.assertGreater(len(text), 5_000, svg)
        self.assertNotIn("<dc:date>", text, f"{svg} carries a date: figures would not be stable")
        return text

    def test_numeric_sweep_gets_every_figure_with_labelled_axes(self):
        p = plot(self.swept)
        self.assertEqual(p.returncode, 0, p.stderr)
        figures = self.swept / "figures"
        for name in ALL_FIGURES + ["timeseries"]:
            self.check_figure(figures, name)
        metrics = (figures / "metrics.svg").read_text()
        for label in ("TTL (hops)", "messages per query", "success rate (%)", "hops to the first hit (mean)",
                      "time to the first hit (ms, mean)", "mean of 2 replications, 95% CI"):
            self.assertIn(label, metrics)
        self.assertIn("Gini", (figures / "peer_load.svg").read_text())
        self.assertIn("peers online", (figures / "timeseries.svg").read_text())

    def test_categories_get_bars_named_after_the_runs(self):
        p = plot(self.bars)
        self.assertEqual(p.returncode, 0, p.stderr)
        headline = self.check_figure(self.bars / "figures", "messages_per_query")
        for run in ("flood", "zone-flood", "random-walk"):
            self.assertIn(f">{run}<", headline)
        self.assertIn("1 replication: no confidence interval", headline)
        self.assertFalse((self.bars / "figures" / "timeseries.png").exists())

    def test_plotting_again_gives_the_same_bytes(self):
        self.assertEqual(plot(self.bars).returncode, 0)
        first = {f.name: f.read_bytes() for f in (self.bars / "figures").iterdir()}
        self.assertEqual(plot(self.bars).returncode, 0)
        second = {f.name: f.read_bytes() for f in (self.bars / "figures").iterdir()}
        self.assertEqual(sorted(first), sorted(second))
        for name in first:
            self.assertEqual(first[name], second[name], f"{name} changed between two plots of one result")

    def test_summary_only_result_gets_the_summary_figures(self):
        only = Path(self.tmp.name) / "summary-only"
        only.mkdir()
        (only / "summary.json").write_bytes((self.bars / "summary.json").read_bytes())
        p = plot(only)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("distribution figures left out", p.stderr)
        names = sorted({f.stem for f in (only / "figures").iterdir()})
        self.assertEqual(names, sorted(SUMMARY_FIGURES))

    def test_committed_quickstart_figures_are_current(self):
        # Debian bookworm's matplotlib (scripts/setup) draws the committed figures byte for byte.
        committed = Path(PLOT).resolve().parent.parent / "results" / "quickstart"
        copy = Path(self.tmp.name) / "quickstart"
        copy.mkdir()
        for f in ("summary.json", "queries.csv", "peers.csv"):
            (copy / f).write_bytes((committed / f).read_bytes())
        p = plot(copy)
        self.assertEqual(p.returncode, 0, p.stderr)
        names = sorted(f.name for f in (committed / "figures").iterdir())
        self.assertEqual(names, sorted(f.name for f in (copy / "figures").iterdir()))
        for name in names:
            self.assertEqual((committed / "figures" / name).read_bytes(), (copy / "figures" / name).read_bytes(),
                             f"results/quickstart/figures/{name} is stale: run scripts/plot results/quickstart")

    def test_not_a_result_is_refused(self):
        empty = Path(self.tmp.name) / "empty"
        empty.mkdir()
        p = plot(empty)
        self.assertEqual(p.returncode, 2)
        self.assertIn("summary.json: cannot read", p.stderr)
        self.assertFalse((empty / "figures").exists())


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
