"""Hostile and broken data files: IDX headers that overflow or lie, gzip and PNG decompression bombs,
IDX files without images, CSV numbers beyond float32 and one-class CSV targets.

Each is refused with a DataError naming the file (and for a CSV, the line and the column) before
the data is inflated. Bombs are read with bounded memory: tracemalloc's peak in this process for
the gzip bombs, and the growth of the peak resident size (``ru_maxrss``) in a child process for
the bombs, since Pillow decodes outside Python's allocator.
"""

from __future__ import annotations

import gzip
import json
import math
import struct
import subprocess
import sys
import tracemalloc
import zlib
from pathlib import Path

import numpy as np
import pytest

from playground.core.errors import DataError
from playground.data import csv_table, idx, image_folder, load
from playground.data.idx import read_idx, write_idx

MiB = 2**20


def idx_header(code: int, shape) -> bytes:
    return bytes([0, 0, code, len(shape)]) + b"".join(int(d).to_bytes(4, "big") for d in shape)


def write(path: Path, body: bytes) -> Path:
    path.write_bytes(gzip.compress(body, compresslevel=1) if path.suffix == ".gz" else body)
    return path


# ---------------------------------------------------------------- IDX sizes

#: (shape, type code, bytes of values actually present, words of the refusal)
SIZE_CASES = {
    "int64_wraps_to_zero": ((65536, 65536, 65536, 65536), 0x08, 0, "more than the"),
    "int64_wraps_to_the_body": ((65536, 65536, 65536, 65537), 0x08, 0, "more than the"),
    "largest_dims_float64": ((2**32 - 1,) * 4, 0x0E, 16, "more than the"),
    "above_the_limit": ((70000, 128, 128), 0x08, 100, "more than the"),
    "raw_declares_more_than_the_file": ((1000, 28, 28), 0x08, 784, "cut short"),
}


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("case", list(SIZE_CASES))
def test_idx_header_sizes_are_checked_with_python_ints_before_reading(tmp_path, case, gz):
    shape, code, present, words = SIZE_CASES[case]
    if gz and case == "raw_declares_more_than_the_file":
        words = "cannot hold"  # 1 KB of gzip cannot inflate to 784,000 bytes
    path = write(tmp_path / ("f.gz" if gz else "f"), idx_header(code, shape) + bytes(present))
    tracemalloc.start()
    try:
        with pytest.raises(DataError) as err:
            read_idx(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(path) in str(err.value) and words in str(err.value) and str(shape) in str(err.value)
    assert peak < MiB  # refused from the header: no value was read
    declared = math.prod(shape) * np.dtype(idx.DTYPES[code]).itemsize
    sizes = (declared, declared + 4 + 4 * len(shape), idx.MAX_BYTES)  # values, whole file, the limit
    assert any(f"{n:,}" in str(err.value) for n in sizes)


def test_the_limit_is_inclusive_and_a_file_at_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(idx, "MAX_BYTES", 6)
    write_idx(tmp_path / "ok", np.arange(6, dtype=np.uint8).reshape(2, 3))
    np.testing.assert_array_equal(read_idx(tmp_path / "ok"), np.arange(6).reshape(2, 3))
    write_idx(tmp_path / "big", np.arange(7, dtype=np.uint8))
    with pytest.raises(DataError, match="more than the 6 bytes"):
        read_idx(tmp_path / "big")


def gzip_bomb(path: Path, header: bytes, body: bytes, inflated: int) -> Path:
    """A valid gzip file of repeated members: ``header + body`` then zeros, ``inflated`` bytes in all."""
    block = 16 * MiB
    zeros = gzip.compress(bytes(block), compresslevel=9)
    first = gzip.compress(header + body, compresslevel=9)
    path.write_bytes(first + zeros * ((inflated - len(header) - len(body)) // block))
    return path


@pytest.mark.parametrize("declared", [(10, 28, 28), (0, 28, 28)])
def test_gzip_bomb_is_refused_after_the_declared_bytes_with_bounded_memory(tmp_path, declared):
    body = bytes(math.prod(declared))
    path = gzip_bomb(tmp_path / "train-images-idx3-ubyte.gz", idx_header(0x08, declared), body, 1024 * MiB)
    assert path.stat().st_size < 2 * MiB
    tracemalloc.start()
    try:
        with pytest.raises(DataError) as err:
            read_idx(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "longer than its header says" in str(err.value) and str(path) in str(err.value)
    assert peak < 4 * MiB, f"peak {peak / MiB:.1f} MiB while refusing a 1 GiB gzip bomb"


def test_gzip_cut_short_inside_the_values_names_both_sizes(tmp_path):
    path = write(tmp_path / "x.gz", idx_header(0x08, (100, 28, 28)) + bytes(5000))
    with pytest.raises(DataError, match="cut short: it holds 5,000 bytes of values, its header says 78,400"):
        read_idx(path)


@pytest.mark.parametrize("empty", ["train", "test"])
def test_idx_files_with_no_images_are_refused_by_name(data_dir, mnist_files, empty):
    _, paths = mnist_files(data_dir / "mnist")
    write_idx(paths[f"{empty}_images"], np.zeros((0, 28, 28), np.uint8))
    write_idx(paths[f"{empty}_labels"], np.zeros(0, np.uint8))
    with pytest.raises(DataError) as err:
        load("mnist")
    assert "holds no images" in str(err.value) and str(paths[f"{empty}_images"]) in str(err.value)


# ---------------------------------------------------------------- PNG bombs

def png(path: Path, width: int, height: int, *, rows: int | None = None) -> Path:
    """A gray 8-bit PNG of zeros declaring ``width`` x ``height``; only ``rows`` rows of data when given."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    idat = zlib.compress(bytes((width + 1) * (height if rows is None else rows)), 9)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    return path


@pytest.mark.parametrize("width, height, words", [
    (10_000, 10_000, "100,000,000 pixels"),       # below Pillow's own error: it would decode 100 MB
    (8_001, 8_000, "more than the 64,000,000"),   # just above our limit
    (100_000, 100_000, "decompression bomb"),     # Pillow refuses it in open()
    (2**31 - 1, 2**31 - 1, "decompression bomb"),
])
def test_png_bombs_in_an_image_folder_are_refused_naming_the_file(tmp_path, width, height, words):
    root = tmp_path / "pets"
    png(root / "cats" / "a.png", 16, 16)
    bomb = png(root / "dogs" / "bomb.png", width, height, rows=0)  # refused from the header alone
    with pytest.raises(DataError) as err:
        load("image_folder", root=str(root))
    assert str(bomb) in str(err.value) and words in str(err.value)
    assert "shrink" in err.value.fix


def test_an_image_at_the_pixel_limit_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(image_folder, "MAX_PIXELS", 40 * 30)
    root = tmp_path / "pets"
    png(root / "cats" / "a.png", 40, 30)
    png(root / "dogs" / "b.png", 40, 31)
    with pytest.raises(DataError, match="more than the 1,200"):
        load("image_folder", root=str(root))
    (root / "dogs" / "b.png").unlink()
    png(root / "dogs" / "b.png", 30, 40)
    splits = load("image_folder", root=str(root))
    assert sum(len(p) for p in splits.parts().values()) == 2


CHILD = """
import json, resource, sys
from pathlib import Path
from playground.core.errors import DataError
from playground.data.idx import read_idx
from playground.data.image_folder import read_image
out = {}
for name, read in [("png", lambda p: read_image(p, "L", 32)), ("gz.gz", read_idx)]:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        read(Path(sys.argv[1]) / name)
        message = "LOADED"
    except DataError as exc:
        message = str(exc)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    out[name] = [message, grown * 1024]
print(json.dumps(out))
"""


def test_bombs_keep_the_peak_resident_size_bounded_in_a_child_process(tmp_path):
    png(tmp_path / "png", 10_000, 10_000)  # 100 MB once decoded
    gzip_bomb(tmp_path / "gz.gz", idx_header(0x08, (10, 28, 28)), bytes(7840), 1024 * MiB)
    proc = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path)], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).parents[3])
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.splitlines()[-1])
    for name, (message, grown) in result.items():
        assert message != "LOADED" and str(tmp_path / name) in message, (name, message)
        assert grown < 24 * MiB, f"{name}: the peak resident size grew by {grown / MiB:.0f} MiB"


# ---------------------------------------------------------------- CSV values

def csv(tmp_path, text: str) -> str:
    path = tmp_path / "t.csv"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("cell", ["1e39", "-1e39", "3.5e38", "1" + "0" * 39, "-340282368000000000000000000000000000000"])
def test_csv_feature_beyond_float32_names_line_and_column(tmp_path, cell):
    assert np.isfinite(float(cell)) and not np.isfinite(np.float32(float(cell)))  # the class of input
    path = csv(tmp_path, f"a,b,y\n1,2,0\n3,{cell},1\n5,6,0\n7,8,1\n")
    with pytest.raises(DataError) as err:
        load("csv", root=path)
    message = str(err.value)
    assert f"{path}:3" in message and "column 'b'" in message and "float32" in message
    assert "learning rate" not in message and "rescale the column 'b'" in err.value.fix


def test_csv_regression_target_beyond_float32_is_refused(tmp_path):
    path = csv(tmp_path, "a,y\n1,0.5\n2,1e39\n3,2.5\n")
    with pytest.raises(DataError) as err:
        load("csv", root=path, params={"task": "regression"})
    assert f"{path}:3" in str(err.value) and "column 'y'" in str(err.value)


def test_csv_numbers_just_inside_float32_are_kept_exactly_as_float32(tmp_path):
    big = float(np.finfo(np.float32).max)
    path = csv(tmp_path, f"a,y\n{big!r},0\n{-big!r},1\n1,0\n2,1\n")
    s = load("csv", root=path, split=(1, 0, 0))
    x = s.train.x.numpy().ravel()
    assert np.isfinite(x).all() and set(x.tolist()) == {np.float32(big), np.float32(-big), 1.0, 2.0}


@pytest.mark.parametrize("values, params", [
    (["a"] * 5, {}), (["1"] * 5, {}), (["2"] * 4, {"task": "classification"}), (["cat"] * 3, {"task": "classification"}),
])
def test_one_class_csv_is_refused_with_a_message(tmp_path, values, params):
    path = csv(tmp_path, "x,label\n" + "".join(f"{i},{v}\n" for i, v in enumerate(values)))
    with pytest.raises(DataError) as err:
        load("csv", root=path, params=params)
    assert "only one value" in str(err.value) and "column 'label'" in str(err.value)
    assert "1 classes" not in str(err.value) and "regression" in err.value.fix


def test_long_text_cells_are_cut_in_the_message(tmp_path):
    path = csv(tmp_path, "a,y\n" + "x" * 10_000 + ",0\n1,1\n")
    with pytest.raises(DataError) as err:
        load("csv", root=path)
    assert len(str(err.value)) < 400 and "xxx..." in str(err.value)
