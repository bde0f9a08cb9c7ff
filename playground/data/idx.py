"""Reading IDX files (the MNIST format), gzipped or raw, into numpy arrays.

Format: two zero bytes, a type code, the number of dimensions, then one big-endian uint32 per
dimension, then the values, big-endian. Every way a file can be wrong (missing, unreadable, bad
gzip, wrong magic, truncated, trailing bytes) becomes a DataError naming the file. Owns the format
only; which files make a dataset is ``mnist.py``'s business. ``write_idx`` exists for tests and tools.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np

from playground.core.errors import DataError

#: IDX type code -> numpy dtype (big-endian)
DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
CODES = {np.dtype(v).newbyteorder("="): k for k, v in DTYPES.items()}

_FIX = "replace it with a complete copy (download it again, or reinstall the package that provided it)"


def _read_bytes(path: Path) -> bytes:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as f:
                return f.read()
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError("file not found", where=str(path), fix="choose the folder that holds it") from None
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise DataError(f"the gzip data is damaged or cut short ({exc})", where=str(path), fix=_FIX) from None
    except OSError as exc:
        raise DataError(f"cannot read the file ({exc.strerror or exc})", where=str(path),
                        fix="check that the file exists and that you may read it") from None


def read_idx(path: str | Path) -> np.ndarray:
    """The array stored in an IDX file (native byte order). Raises DataError for a bad file."""
    path = Path(path)
    data = _read_bytes(path)
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in DTYPES or not 1 <= data[3] <= 4:
        raise DataError(
            f"not an IDX file (wrong magic number {data[:4].hex() or 'empty'})",
            where=str(path),
            fix="choose the original MNIST-format files (train-images-idx3-ubyte.gz, ...); " + _FIX,
        )
    dtype, ndim = np.dtype(DTYPES[data[2]]), data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DataError("the file is cut short inside its header", where=str(path), fix=_FIX)
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) != expected:
        what = "cut short" if len(data) < expected else "longer than its header says"
        raise DataError(
            f"the file is {what}: {len(data)} bytes, expected {expected} for shape {shape}",
            where=str(path),
            fix=_FIX,
        )
    arr = np.frombuffer(data, dtype=dtype, offset=header).reshape(shape)
    return arr.astype(dtype.newbyteorder("="), copy=True)


def write_idx(path: str | Path, array: np.ndarray) -> None:
    """Write ``array`` as an IDX file (gzipped when the name ends in .gz)."""
    array = np.asarray(array)
    code = CODES[array.dtype.newbyteorder("=")]
    head = bytes([0, 0, code, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    body = head + array.astype(np.dtype(DTYPES[code]), copy=False).tobytes()
    path = Path(path)
    if path.suffix == ".gz":
        with gzip.open(path, "wb", compresslevel=1) as f:
            f.write(body)
    else:
        path.write_bytes(body)
