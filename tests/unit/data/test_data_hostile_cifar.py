"""CIFAR-10 batches that try to make the reader build numpy objects: refused with a message, no crash.

The forged batches (``hostile_pickles.forged``) are read in a child process, so a reader that
segfaults (rc 139, as the old numpy-calling unpickler did on a V16 dtype with an object field)
fails the test instead of killing the test run. Genuine batches, written here by numpy + pickle in
every protocol and opcode by opcode as Python 2 wrote the official files, still load and equal the
arrays they were written from.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from playground.core.errors import DataError
from playground.data import cifar, load

from tests.unit.data.hostile_pickles import forged, py2_batch

CHILD = """
import json, sys
from pathlib import Path
from playground.core.errors import DataError
from playground.data.cifar import read_batch
out = {}
for path in sorted(Path(sys.argv[1]).iterdir()):
    try:
        read_batch(path)
        out[path.name] = "LOADED"
    except DataError as exc:
        out[path.name] = str(exc)
    except BaseException as exc:
        out[path.name] = "UNCAUGHT " + type(exc).__name__ + ": " + str(exc)
print(json.dumps(out))
"""


def test_forged_batches_are_refused_in_a_child_process_without_crashing(tmp_path):
    cases = forged()
    for name, (content, _) in cases.items():
        (tmp_path / name).write_bytes(content)
    proc = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path)], capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).parents[3])
    assert proc.returncode == 0, f"rc {proc.returncode}: {proc.stderr[-2000:]}"
    result = json.loads(proc.stdout.splitlines()[-1])
    assert set(result) == set(cases)
    for name, (_, words) in cases.items():
        message = result[name]
        assert not message.startswith(("LOADED", "UNCAUGHT")), (name, message)
        assert str(tmp_path / name) in message and words in message, (name, message)
        assert "cifar-10-python.tar.gz" in message  # the fix


def _source(n=7, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 3072), dtype=np.uint8), [int(v) for v in rng.integers(0, 10, n)]


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
@pytest.mark.parametrize("labels_as", ["list", "int64", ">i4", "uint8"])
def test_genuine_numpy_pickles_load_equal_to_their_source(tmp_path, protocol, labels_as):
    data, labels = _source()
    stored = labels if labels_as == "list" else np.array(labels, dtype=labels_as)
    path = tmp_path / "data_batch_1"
    path.write_bytes(pickle.dumps({b"batch_label": b"b1", b"data": data, b"labels": stored,
                                   b"filenames": [b"x.png"] * len(data)}, protocol=protocol))
    x, y = cifar.read_batch(path)
    np.testing.assert_array_equal(x, data.reshape(-1, 3, 32, 32))
    np.testing.assert_array_equal(y, labels)
    assert x.dtype == np.uint8 and y.dtype == np.int64


def test_fortran_ordered_and_non_contiguous_arrays_load_as_numpy_reads_them(tmp_path):
    data, labels = _source(5)
    for i, arr in enumerate([np.asfortranarray(data), data[::-1], data.T.copy().T]):
        for protocol in (2, 5):
            path = tmp_path / f"b{i}{protocol}"
            path.write_bytes(pickle.dumps({"data": arr, "labels": labels}, protocol=protocol))
            np.testing.assert_array_equal(cifar.read_batch(path)[0], arr.reshape(-1, 3, 32, 32))


def test_python2_style_batch_like_the_official_files_loads(tmp_path):
    data, labels = _source(12, seed=3)
    path = tmp_path / "data_batch_1"
    path.write_bytes(py2_batch(data, labels))
    reference = pickle.loads(path.read_bytes(), encoding="bytes")  # what numpy itself reads
    x, y = cifar.read_batch(path)
    np.testing.assert_array_equal(x, reference[b"data"].reshape(-1, 3, 32, 32))
    np.testing.assert_array_equal(x.reshape(len(x), -1), data)
    np.testing.assert_array_equal(y, labels)


def test_whole_dataset_of_python2_batches_loads(data_dir, tmp_path):
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    written = {}
    for k, name in enumerate([*cifar.TRAIN, cifar.TEST]):
        written[name] = _source(10, seed=k)
        (folder / name).write_bytes(py2_batch(*written[name]))
    splits = load("cifar10", root=str(tmp_path))
    assert len(splits.test) == 10 and len(splits.train) + len(splits.val) == 50
    np.testing.assert_array_equal(np.sort(splits.test.y.numpy()), np.sort(written[cifar.TEST][1]))


def test_a_file_far_larger_than_a_batch_is_refused_before_unpickling(tmp_path, monkeypatch):
    monkeypatch.setattr(cifar, "MAX_BATCH_BYTES", 1000)
    data, labels = _source(1)
    path = tmp_path / "data_batch_1"
    path.write_bytes(pickle.dumps({b"data": data, b"labels": labels}))
    with pytest.raises(DataError, match="larger than 1,000 bytes"):
        cifar.read_batch(path)
