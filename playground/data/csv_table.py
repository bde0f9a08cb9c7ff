"""A CSV file as a dataset: the first row names the columns, one column is the target.

``target`` names the target column (empty = the last one); ``ignore`` lists columns to leave out
(an ID, a name, free text), separated by commas. ``task`` is ``classification``, ``regression`` or
``auto`` (text targets, or at most 20 distinct whole numbers, mean classification, which needs at
least two classes). Every other column becomes features, in file order: a numeric column as it is
(within float32's range: ``1e39`` is finite in float64 but inf in the network), a text column
(categorical) one-hot encoded over its sorted values, at most ``MAX_CATEGORIES`` of them. Missing
cells (empty, NA, N/A, nan, null, none, ?) are filled in: a numeric column's mean, a text column's
most frequent value (as scikit-learn's ``SimpleImputer`` does, over all rows); a missing target is
refused. Features are standardized per batch with training-split statistics (``splits.py``). A text
cell in a numeric column, a number beyond float32, an empty column or a ragged row is a DataError
naming the file, the line and the column. Owns CSV reading only.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
import torch

from playground.core.errors import DataError

from .spec import DatasetSpec, Param, RawData

TASKS = ("auto", "classification", "regression")
MAX_AUTO_CLASSES = 20
#: a text column with more distinct values than this is an ID or free text, not a category
MAX_CATEGORIES = 64
#: cells that mean "no value" (compared lower-case): filled in for features, refused for the target
MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})
#: the network computes in float32: a finite float64 beyond this becomes inf
FLOAT32_MAX = float(np.finfo(np.float32).max)


def _show(text: str, limit: int = 40) -> str:
    """A cell as it appears in a message: quoted, and cut when long."""
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _check_float32(value: float, text: str, column: str, where: str) -> float:
    if abs(value) > FLOAT32_MAX:
        raise DataError(
            f"column '{column}' has {_show(text)}, beyond the largest number the network computes with "
            f"(float32, about 3.4e38)", where=where,
            fix=f"fix that cell or rescale the column '{column}' (e.g. divide it by a power of ten)")
    return value


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_rows(path: Path) -> tuple[list[str], list[list[str]], list[int]]:
    """(header, rows, line number of each row), every row checked to have the header's length."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError("CSV file not found", where=str(path), fix="choose an existing .csv file") from None
    except UnicodeDecodeError:
        raise DataError("not a text file (it is not UTF-8)", where=str(path),
                        fix="save it as CSV with UTF-8 encoding") from None
    except OSError as exc:
        raise DataError(f"cannot read the file ({exc.strerror or exc})", where=str(path),
                        fix="check that you may read it") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        lines = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise DataError(f"not a readable CSV ({exc})", where=f"{path}:{reader.line_num}",
                        fix="check the quotes on that line") from None
    if len(lines) < 2:
        raise DataError("the CSV needs a header row and at least one data row", where=str(path),
                        fix="put the column names on the first line and one sample per line below")
    header = [h.strip() for h in lines[0][1]]
    rows, numbers = [], []
    for line, row in lines[1:]:
        if len(row) != len(header):
            raise DataError(f"line {line} has {len(row)} cells, the header has {len(header)}",
                            where=f"{path}:{line}", fix="give every line one cell per column")
        rows.append([c.strip() for c in row])
        numbers.append(line)
    return header, rows, numbers


HEADER_BYTES = 64 * 1024  # the header row is looked for in the file's first 64 KB


def header(path: str) -> list[str]:
    """The column names (the first row) of a CSV, reading only its start: quick enough for the GUI."""
    file = Path(path).expanduser()
    try:
        with file.open("rb") as fh:
            text = fh.read(HEADER_BYTES).decode("utf-8-sig", errors="replace")
    except OSError as exc:
        raise DataError(f"cannot read the file ({exc.strerror or exc})", where=str(file),
                        fix="choose an existing .csv file") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    first = next((row for row in csv.reader(io.StringIO(text, newline=""), dialect)
                  if any(cell.strip() for cell in row)), [])
    return [h.strip() for h in first]


def _column_choices(path: str) -> dict[str, tuple[str, ...]]:
    names = tuple(header(path))
    return {"target": ("", *names)} if names else {}


def _target_index(header: list[str], target: str, path: Path) -> int:
    if not target:
        return len(header) - 1
    if target in header:
        return header.index(target)
    raise DataError(f"no column named '{target}'", where=str(path),
                    fix=f"choose the target from: {', '.join(header)}")


def is_missing(text: str) -> bool:
    return text.strip().lower() in MISSING


def _column(header, rows, lines, j: int, path: Path) -> np.ndarray:
    """Column ``j`` as features (N, k): numbers as they are (missing ones: the column's mean), text
    one-hot encoded over its sorted values (missing ones: the most frequent value, smallest on ties)."""
    name = header[j]
    cells = [row[j] for row in rows]
    present = [i for i, c in enumerate(cells) if not is_missing(c)]
    if not present:
        raise DataError(f"column '{name}' is empty in every row", where=str(path),
                        fix=f"fill it, or ignore the column '{name}' (dataset setting 'ignore')")
    numbers = {i: _number(cells[i]) for i in present}
    texts = [i for i in present if numbers[i] is None]
    if not texts:  # a numeric column
        values = np.array([_check_float32(numbers[i], cells[i], name, f"{path}:{lines[i]}") for i in present])
        out = np.full(len(rows), values.mean(), dtype=np.float64)  # imputed: the mean of the cells present
        out[present] = values
        return out.astype(np.float32)[:, None]  # (N, 1)
    if len(texts) < len(present):  # mostly numbers with a stray text cell: a typo, not a category
        i = texts[0]
        raise DataError(
            f"column '{name}' has the text {_show(cells[i])}, but its other cells are numbers",
            where=f"{path}:{lines[i]}",
            fix=f"fix that cell, leave it empty (it is then filled in), remove the column '{name}' "
                "(dataset setting 'ignore'), or choose it as the target")
    categories = sorted({cells[i] for i in present})
    if len(categories) > MAX_CATEGORIES:
        raise DataError(
            f"column '{name}' holds {len(categories):,} different texts; one-hot encoding would give the "
            f"network {len(categories):,} inputs for it", where=str(path),
            fix=f"ignore the column '{name}' (an ID or free text: dataset setting 'ignore'), or group its values")
    counts = {c: 0 for c in categories}
    for i in present:
        counts[cells[i]] += 1
    fill = min(categories, key=lambda c: (-counts[c], c))  # the most frequent; the smallest on a tie
    index = {c: k for k, c in enumerate(categories)}
    out = np.zeros((len(rows), len(categories)), dtype=np.float32)  # (N, categories)
    for i, cell in enumerate(cells):
        out[i, index[cell if not is_missing(cell) else fill]] = 1.0
    return out


def _ignored(header: list[str], ignore: str, target_col: int, path: Path) -> set[int]:
    names = [n.strip() for n in ignore.split(",") if n.strip()]
    unknown = [n for n in names if n not in header]
    if unknown:
        raise DataError(f"no column named '{unknown[0]}' to ignore", where=str(path),
                        fix=f"ignore some of: {', '.join(header)}")
    out = {header.index(n) for n in names}
    if target_col in out:
        raise DataError(f"the target column '{header[target_col]}' is also ignored", where=str(path),
                        fix="take it out of 'ignore', or choose another target")
    if len(out) == len(header) - 1:
        raise DataError("every feature column is ignored", where=str(path), fix="keep at least one column")
    return out


def features(header, rows, lines, target_col, path, ignore: str = "") -> np.ndarray:
    """(N, features) float32: every column but the target and the ignored ones, in file order."""
    skip = _ignored(header, ignore, target_col, path) | {target_col}
    parts = [_column(header, rows, lines, j, path) for j in range(len(header)) if j not in skip]
    return np.concatenate(parts, axis=1)


def _decide_task(values: list[str], task: str) -> str:
    if task != "auto":
        return task
    numbers = [_number(v) for v in values]
    if any(n is None for n in numbers):
        return "classification"
    whole = all(float(n).is_integer() for n in numbers)
    return "classification" if whole and len(set(numbers)) <= MAX_AUTO_CLASSES else "regression"


def _class_names(values: list[str]) -> tuple[str, ...]:
    distinct = set(values)
    numbers = {v: _number(v) for v in distinct}
    if all(n is not None for n in numbers.values()):
        return tuple(sorted(distinct, key=lambda v: numbers[v]))
    return tuple(sorted(distinct))


def load(params: dict, root, seed: int) -> RawData:
    if not root:
        raise DataError("no CSV file chosen", where="dataset 'csv'", fix="choose a .csv file")
    path = Path(root).expanduser()
    header, rows, lines = read_rows(path)
    if len(header) < 2:
        raise DataError("the CSV has only one column", where=str(path),
                        fix="it needs feature columns and a target column (separated by , or ;)")
    t = _target_index(header, params["target"], path)
    x = features(header, rows, lines, t, path, params.get("ignore", ""))
    values = [row[t] for row in rows]
    gap = next((i for i, v in enumerate(values) if is_missing(v)), None)
    if gap is not None:
        raise DataError(f"the target column '{header[t]}' is empty here (a target is never filled in)",
                        where=f"{path}:{lines[gap]}", fix="fill in that cell or delete the line")
    task = _decide_task(values, params["task"])
    if task == "classification":
        names = _class_names(values)
        if len(names) < 2:
            raise DataError(
                f"the target column '{header[t]}' holds only one value ({_show(names[0])}); classification "
                f"needs at least two classes", where=str(path),
                fix="add rows of another class, choose another target column, or set task to 'regression'")
        index = {name: i for i, name in enumerate(names)}
        y = torch.tensor([index[v] for v in values], dtype=torch.int64)
    else:
        targets = [_number(v) for v in values]
        bad = next((i for i, v in enumerate(targets) if v is None), None)
        if bad is not None:
            raise DataError(f"target column '{header[t]}' has {_show(values[bad])}, but regression needs numbers",
                            where=f"{path}:{lines[bad]}", fix="fix that cell, or choose task 'classification'")
        for i, v in enumerate(targets):
            _check_float32(v, values[i], header[t], f"{path}:{lines[i]}")
        names = ()
        y = torch.tensor(targets, dtype=torch.float32)[:, None]  # (N, 1)
    return RawData(x=torch.from_numpy(x), y=y, kind="tabular", class_names=names, origin=str(path), task=task)


SPECS = [
    DatasetSpec(
        name="csv",
        title="CSV table",
        task="classification",
        description="Your own table: one sample per line, one target column; text columns are one-hot "
                    "encoded and missing cells filled in.",
        source="a CSV file you choose",
        input_shape=None,
        classes=(),
        loader=load,
        parameters={
            "target": Param("", None, None, "name of the target column (empty: the last column)"),
            "task": Param("auto", None, None, "'classification', 'regression' or 'auto'"),
            "ignore": Param("", None, None, "columns to leave out, separated by commas (an ID, a name, free text)"),
        },
        choices={"task": TASKS},
        available=lambda root=None: bool(root) and Path(root).expanduser().is_file(),
        needs_path="file",
        group="files",
        path_choices=_column_choices,
    ),
]
