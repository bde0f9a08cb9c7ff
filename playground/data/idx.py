"""Reading IDX files (the MNIST format), gzipped or raw, into numpy arrays.

Format: two zero bytes, a type code, the number of dimensions, then one big-endian uint32 per
dimension, then the values, big-endian. Every way a file can be wrong (missing, unreadable, bad
gzip, wrong magic, truncated, trailing bytes, a declared size beyond ``MAX_BYTES`` or beyond what
the file can hold, a gzip bomb) becomes a DataError naming the file, before the values are read. Owns the format
only; which files make a dataset is ``mnist.py``'s business. ``write_idx`` exists for tests and tools.
"""

from __future__ import annotations

import gzip
import math
import zlib
from pathlib import Path

import numpy as np

from playground.core.errors import DataError

#: IDX type code -> numpy dtype (big-endian)
DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
CODES = {np.dtype(v).newbyteorder("="): k for k, v in DTYPES.items()}

#: the most bytes of values one IDX file may hold (EMNIST's largest file is 0.55 GB)
MAX_BYTES = 2**30
#: deflate expands at most ~1032:1, so a gzip file holding more than this many times its size is cut short
MAX_GZIP_RATIO = 1100
CHUNK = 16 * 2**20

_FIX = "replace it with a complete copy (download it again, or reinstall the package that provided it)"


class _Reader:
    """Errors while opening or reading ``path`` (plain or gzip) become DataErrors naming it."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        path = str(self.path)
        if isinstance(exc, FileNotFoundError):
            raise DataError("file not found", where=path, fix="choose the folder that holds it") from None
        if isinstance(exc, (EOFError, gzip.BadGzipFile, zlib.error)):
            raise DataError(f"the gzip data is damaged or cut short ({exc})", where=path, fix=_FIX) from None
        if isinstance(exc, OSError):
            raise DataError(f"cannot read the file ({exc.strerror or exc})", where=path,
                            fix="check that the file exists and that you may read it") from None
        return False


def _read_exactly(f, n: int, path: Path, shape) -> bytearray:
    """``n`` bytes from ``f`` in bounded chunks: a file that lies about its size allocates little."""
    out = bytearray()
    while len(out) < n:
        chunk = f.read(min(CHUNK, n - len(out)))
        if not chunk:
            raise DataError(f"the file is cut short: it holds {len(out):,} bytes of values, its header "
                            f"says {n:,} for shape {shape}", where=str(path), fix=_FIX)
        out += chunk
    return out


def _check_size(path: Path, gz: bool, header: int, body: int, shape) -> None:
    """Refuse before reading: a size beyond MAX_BYTES, or one the file on disk cannot hold."""
    if body > MAX_BYTES:
        raise DataError(f"its header declares shape {shape}: {body:,} bytes of values, more than the "
                        f"{MAX_BYTES:,} bytes an IDX file may hold here", where=str(path), fix=_FIX)
    disk = path.stat().st_size
    if not gz and disk != header + body:
        what = "cut short" if disk < header + body else "longer than its header says"
        raise DataError(f"the file is {what}: {disk:,} bytes, expected {header + body:,} for shape {shape}",
                        where=str(path), fix=_FIX)
    if gz and body > disk * MAX_GZIP_RATIO:
        raise DataError(f"the file is cut short: {disk:,} compressed bytes cannot hold the {body:,} bytes of "
                        f"shape {shape}", where=str(path), fix=_FIX)


def read_idx(path: str | Path) -> np.ndarray:
    """The array stored in an IDX file (native byte order). Raises DataError for a bad file.

    The header is read first and the size it declares (Python ints: no overflow) is checked against
    MAX_BYTES and the file on disk before any value is read; a gzip file is inflated in bounded
    chunks, never past the declared size plus one byte (a gzip bomb is refused, not inflated)."""
    path = Path(path)
    gz = path.suffix == ".gz"
    with _Reader(path), (gzip.open(path, "rb") if gz else open(path, "rb")) as f:
        magic = f.read(4)
        if len(magic) < 4 or magic[0] != 0 or magic[1] != 0 or magic[2] not in DTYPES or not 1 <= magic[3] <= 4:
            raise DataError(
                f"not an IDX file (wrong magic number {magic.hex() or 'empty'})",
                where=str(path),
                fix="choose the original MNIST-format files (train-images-idx3-ubyte.gz, ...); " + _FIX,
            )
        dtype, ndim = np.dtype(DTYPES[magic[2]]), magic[3]
        dims = f.read(4 * ndim)
        if len(dims) < 4 * ndim:
            raise DataError("the file is cut short inside its header", where=str(path), fix=_FIX)
        shape = tuple(int.from_bytes(dims[4 * i: 4 * i + 4], "big") for i in range(ndim))
        body = math.prod(shape) * dtype.itemsize  # Python ints: 4 dimensions of 2**32 do not wrap
        _check_size(path, gz, 4 + 4 * ndim, body, shape)
        data = _read_exactly(f, body, path, shape)
        if f.read(1):
            raise DataError(f"the file is longer than its header says ({body:,} bytes of values for shape "
                            f"{shape})", where=str(path), fix=_FIX)
    arr = np.frombuffer(data, dtype=dtype).reshape(shape)
    return arr.astype(dtype.newbyteorder("="), copy=False)


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
