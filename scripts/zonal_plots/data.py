"""Reading a result directory: summary.json, the runs' swept parameters, and the CSVs."""
import csv
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Run:
    """One sweep point of summary.json: its label, parameters and aggregated metrics."""
    index: int
    label: str
    strategy: str
    parameters: dict  # flattened swept values: path -> number, bool or string
    metrics: dict     # metric -> {"mean": .., "ci95": ..}
    replications: int
    display: str = ""  # readable label, set by Result.describe_runs()

    def mean(self, metric):
        return float(self.metrics.get(metric, {}).get("mean", math.nan))

    def ci95(self, metric):
        return float(self.metrics.get(metric, {}).get("ci95", 0.0))


@dataclass
class Result:
    directory: Path
    scenario: str
    runs: list
    varying: list = field(default_factory=list)  # parameter paths whose values differ between runs

    def run_by_label(self):
        return {r.label: r for r in self.runs}


class ResultError(Exception):
    """The directory is not a readable zonal result."""


_KEY_START = re.compile(r"[A-Za-z_][A-Za-z0-9_.\[\]]*=")


def split_label(label):
    """'a=1,b={"x":1,"y":2},top of 2' -> {'a': '1', 'b': '{"x":1,"y":2}', 'variant': 'top of 2'};
    'base' -> {}. Commas inside brackets or quotes belong to the value; a part without key= is a
    labelled sweep variant."""
    if not _KEY_START.match(label):
        return {}
    parts, depth, quoted, start = [], 0, False, 0
    for i, c in enumerate(label):
        if quoted:
            quoted = c != '"' or label[i - 1] == "\\"
        elif c == '"':
            quoted = True
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(label[start:i])
            start = i + 1
    parts.append(label[start:])
    out = {}
    for part in parts:
        if _KEY_START.match(part):
            key, _, value = part.partition("=")
            out[key] = value
        else:
            out["variant"] = part
    return out


def typed(text):
    """A label's value as JSON when it parses (numbers, booleans, objects), else the text."""
    try:
        return json.loads(text)
    except (ValueError, TypeError):
        return text


def flatten(path, value, out):
    """Leaf values of `value` under `path`; a labelled section value counts as its label."""
    if isinstance(value, dict):
        if "label" in value:
            out[path] = value["label"]
        else:
            for k, v in value.items():
                flatten(f"{path}.{k}", v, out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            flatten(f"{path}[{i}]", v, out)
    else:
        out[path] = value
    return out


def summary_csv_parameters(path):
    """{run label: {parameter: value}} from summary.csv's parameter columns (between `run` and
    `metric`), or {} when there is no summary.csv."""
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        if "run" not in header or "metric" not in header:
            return {}
        columns = header[header.index("run") + 1:header.index("metric")]
        out = {}
        for row in reader:
            out.setdefault(row[0], {c: typed(v) for c, v in zip(columns, row[1:]) if v != ""})
    return out


def parameters_of(run_doc, csv_parameters):
    """Swept values of one summary.json run: its typed "parameters" object when present (newer
    results), else summary.csv's parameter columns, else parsed from its label."""
    label = run_doc.get("label", "")
    params = run_doc.get("parameters")
    if not isinstance(params, dict):
        params = csv_parameters.get(label)
    if not isinstance(params, dict):
        params = {k: typed(v) for k, v in split_label(label).items()}
    out = {}
    for k, v in params.items():
        flatten(k, v, out)
    return out


def load_result(directory):
    directory = Path(directory)
    path = directory / "summary.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ResultError(f"{path}: cannot read: {e.strerror}") from None
    except ValueError as e:
        raise ResultError(f"{path}: not JSON: {e}") from None
    runs_doc = doc.get("runs")
    if not isinstance(runs_doc, list) or not runs_doc:
        raise ResultError(f"{path}: no runs")
    csv_parameters = summary_csv_parameters(directory / "summary.csv")
    runs = []
    for i, r in enumerate(runs_doc):
        reps = r.get("replications")
        runs.append(Run(index=i, label=str(r.get("label", f"run {i}")), strategy=str(r.get("strategy", "")),
                        parameters=parameters_of(r, csv_parameters), metrics=r.get("metrics", {}),
                        replications=len(reps) if isinstance(reps, list) else 1))
    result = Result(directory=directory, scenario=str(doc.get("scenario", directory.name)), runs=runs)
    keys = []
    for r in runs:
        keys.extend(k for k in r.parameters if k not in keys)
    result.varying = [k for k in keys if len({json.dumps(r.parameters.get(k)) for r in runs}) > 1]
    describe_runs(result)
    return result


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def short_name(path):
    """Last component of a parameter path, without its index: 'faults.failures[0].fraction' -> 'fraction'."""
    return re.sub(r"\[\d+\]", "", path).split(".")[-1].replace("_", " ")


def format_value(v):
    if is_number(v):
        return f"{v:g}"
    return str(v)


def describe_value(path, v):
    """'flood' for strings, 'ttl 5' for numbers, 'replication on' for booleans."""
    if isinstance(v, bool):
        return f"{short_name(path)} {'on' if v else 'off'}"
    if is_number(v):
        return f"{short_name(path)} {format_value(v)}"
    return str(v)


def describe_runs(result):
    """Readable run labels from the parameters that vary (the raw label as the fallback)."""
    for r in result.runs:
        parts = [describe_value(k, r.parameters[k]) for k in result.varying if r.parameters.get(k) is not None]
        r.display = ", ".join(parts) if parts else (r.label if r.label != "base" else result.scenario)


def read_columns(path, columns, numeric):
    """Rows of a CSV as {run label: {column: list}} for `columns` (all rows, every replication);
    `numeric` columns become floats (empty cells: NaN). None when the file is absent."""
    if not path.exists():
        return None
    out = {}
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None:
            return {}
        try:
            run_at = header.index("run")
            at = [header.index(c) for c in columns]
        except ValueError as e:
            raise ResultError(f"{path}: missing column ({e})") from None
        for row in reader:
            cols = out.setdefault(row[run_at], {c: [] for c in columns})
            for c, i in zip(columns, at):
                cell = row[i]
                cols[c].append((float(cell) if cell else math.nan) if c in numeric else cell)
    return out


def timeseries_paths(directory):
    """The top-level timeseries.csv, else the runs/*/timeseries.csv of a per-run result ([] if none)."""
    top = directory / "timeseries.csv"
    if top.exists():
        return [top]
    return sorted((directory / "runs").glob("*/timeseries.csv")) if (directory / "runs").is_dir() else []
