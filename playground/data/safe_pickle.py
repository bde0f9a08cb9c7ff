"""Reading numpy-array pickles (CIFAR-10's python batches) without letting the pickle build anything.

A pickle is a small program; even a "restricted" unpickler that lets it call numpy (``dtype``,
``scalar``, ``_reconstruct``) lets a forged dtype state build an object whose pointer slots hold
attacker bytes (a segfault, or worse). Here nothing from numpy is ever called while unpickling:

1. the file (at most ``max_bytes``) is memory-mapped and every opcode is walked first with
   ``pickletools``' opcode table: no opcode that builds instances (``INST``, ``OBJ``, ``NEWOBJ``,
   extension codes, persistent ids, out-of-band buffers), and every declared length fits the file
   (so the unpickler never allocates for a length that lies);
2. the unpickler's ``find_class`` hands out inert stand-ins (``_Array``, ``_Dtype``, ``_Buffer``)
   that only record their arguments and state; everything else the pickle names is refused, so the
   result holds plain ``dict`` / ``list`` / ``tuple`` / ``bytes`` / ``str`` / ``int`` and stand-ins;
3. ``to_array`` turns a recorded array into numpy only after checking it: the dtype must be one of
   the plain integer codes the caller allows (no fields, no sub-arrays, no objects), the shape plain
   non-negative ints whose product (Python ints, no overflow) times the item size equals the raw
   byte count; the array is then ``np.frombuffer`` of those bytes with a dtype chosen from our table.

Owns this reading only; which keys a CIFAR batch has is ``cifar.py``'s business.
"""

from __future__ import annotations

import math
import mmap
import os
import pickle
import pickletools
from pathlib import Path

import numpy as np

from playground.core.errors import DataError

#: dtype codes a caller may allow -> numpy type; the pickle's own dtype text is never passed to numpy
INT_CODES = {"u1": np.uint8, "i1": np.int8, "u2": np.uint16, "i2": np.int16, "u4": np.uint32,
             "i4": np.int32, "u8": np.uint64, "i8": np.int64}
_ENDIAN = {"|": "=", "=": "=", "<": "<", ">": ">"}

#: opcodes that build instances or fetch outside objects: a data pickle never needs them
REFUSED_OPCODES = {"INST", "OBJ", "NEWOBJ", "NEWOBJ_EX", "EXT1", "EXT2", "EXT4", "PERSID", "BINPERSID",
                   "NEXT_BUFFER", "READONLY_BUFFER"}


class _Stub:
    """Records the arguments of a call and the state of a BUILD; never callable, never numpy."""

    __slots__ = ("args", "state")

    def __init__(self, *args):
        self.args, self.state = args, None

    def __setstate__(self, state):
        self.state = state

    def __reduce__(self):  # a stand-in must never be pickled back out
        raise TypeError("stand-in objects cannot be pickled")


class _Array(_Stub):
    """numpy's ``_reconstruct(ndarray, (0,), b'b')``, then BUILD (version, shape, dtype, fortran, bytes)."""


class _Buffer(_Stub):
    """numpy's protocol-5 ``_frombuffer(buffer, dtype, shape, order)``."""


class _Dtype(_Stub):
    """numpy's ``dtype(code, align, copy)``, then BUILD (version, endian, subarray, names, fields, ...)."""


class _Marker:
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


_NDARRAY = _Marker("numpy.ndarray")


def _latin1(text, encoding):
    """``_codecs.encode(text, 'latin1')``: how Python 3 spells bytes in a protocol-2 pickle."""
    if type(text) is str and encoding in ("latin1", "latin-1"):
        return text.encode("latin-1")
    raise pickle.UnpicklingError("refusing _codecs.encode with anything but text and 'latin1'")


_STANDINS = {
    **{(m, "_reconstruct"): _Array for m in ("numpy.core.multiarray", "numpy._core.multiarray")},
    **{(m, "_frombuffer"): _Buffer for m in ("numpy.core.numeric", "numpy._core.numeric")},
    **{(m, "ndarray"): _NDARRAY for m in ("numpy", "numpy.core.multiarray", "numpy._core.multiarray")},
    **{(m, "dtype"): _Dtype for m in ("numpy", "numpy.core.multiarray", "numpy._core.multiarray")},
    ("_codecs", "encode"): _latin1,
}


class _InertUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        standin = _STANDINS.get((module, name))
        if standin is None:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name}")
        return standin

    def persistent_load(self, pid):
        raise pickle.UnpicklingError("refusing a persistent id")


#: width and signedness of the length prefix of each counted argument kind
_COUNTED = {pickletools.TAKEN_FROM_ARGUMENT1: (1, False), pickletools.TAKEN_FROM_ARGUMENT4: (4, True),
            pickletools.TAKEN_FROM_ARGUMENT4U: (4, False), pickletools.TAKEN_FROM_ARGUMENT8U: (8, False)}


def _check_opcodes(data: bytes) -> None:
    """Walk the opcodes (pickletools' table, without decoding arguments): each known and allowed,
    each argument inside the file, a STOP at the end. Raises UnpicklingError."""
    pos, end = 0, len(data)
    while pos < end:
        op = pickletools.code2op.get(chr(data[pos]))
        if op is None:
            raise pickle.UnpicklingError(f"unknown opcode {data[pos]:#04x} at byte {pos}")
        if op.name in REFUSED_OPCODES:
            raise pickle.UnpicklingError(f"refusing opcode {op.name} at byte {pos}")
        pos += 1
        arg = op.arg
        if arg is None:
            pass
        elif arg.n >= 0:
            pos += arg.n
        elif arg.n == pickletools.UP_TO_NEWLINE:
            for _ in range(2 if arg is pickletools.stringnl_noescape_pair else 1):  # GLOBAL: module, name
                newline = data.find(b"\n", pos)
                if newline < 0:
                    raise pickle.UnpicklingError(f"{op.name} at byte {pos - 1} has no end of line")
                pos = newline + 1
        else:
            width, signed = _COUNTED[arg.n]
            size = int.from_bytes(data[pos: pos + width], "little", signed=signed)
            if size < 0:
                raise pickle.UnpicklingError(f"{op.name} at byte {pos - 1} declares a negative length")
            pos += width + size
        if pos > end:
            raise pickle.UnpicklingError(f"{op.name} declares more bytes than the file holds")
        if op.name == "STOP":
            return
    raise pickle.UnpicklingError("the pickle is cut short (no STOP)")


class _Source:
    """A file-like view of a buffer for the unpickler: ``readinto`` lets it fill each bytes object it
    builds straight from the (memory-mapped) file, one copy in all."""

    def __init__(self, buffer):
        self.buffer, self.view, self.pos = buffer, memoryview(buffer), 0

    def read(self, n: int = -1) -> bytes:
        end = len(self.view) if n is None or n < 0 else min(self.pos + n, len(self.view))
        out, self.pos = self.view[self.pos: end].tobytes(), end
        return out

    def readinto(self, target) -> int:
        n = min(len(target), len(self.view) - self.pos)
        target[:n] = self.view[self.pos: self.pos + n]
        self.pos += n
        return n

    def readline(self) -> bytes:
        newline = self.buffer.find(b"\n", self.pos)
        return self.read(-1 if newline < 0 else newline + 1 - self.pos)


def _unpickle(buffer):
    _check_opcodes(buffer)
    source = _Source(buffer)
    try:
        return _InertUnpickler(source, encoding="bytes").load()
    finally:
        source.view.release()


def load(path: Path, *, what: str, max_bytes: int, fix: str):
    """The pickle in ``path`` as plain builtins and stand-ins. Raises DataError naming the file."""
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > max_bytes:
                raise DataError(f"the file is larger than {max_bytes:,} bytes: not {what}", where=str(path),
                                fix=fix)
            mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else None
    except OSError as exc:
        raise DataError(f"cannot read the file ({exc.strerror or exc})", where=str(path), fix=fix) from None
    try:
        return _unpickle(b"" if mapped is None else mapped)
    except Exception as exc:  # a damaged pickle can raise almost anything; nothing of it ran
        raise DataError(f"not {what} ({type(exc).__name__}: {exc})", where=str(path), fix=fix) from None
    finally:
        if mapped is not None:
            mapped.close()


def brief(value) -> str:
    """A pickled value as a message shows it: short text and numbers as they are, else only its type
    (never ``repr`` of something the file built: it may be huge or nested past the recursion limit)."""
    if type(value) in (str, bytes):
        return repr(value) if len(value) <= 40 else f"{value[:20]!r}... ({len(value):,} long)"
    if type(value) in (int, bool):
        return repr(value) if abs(value) < 10**40 else f"a {value.bit_length():,}-bit whole number"
    return f"a {type(value).__name__}"


def _text(value) -> str | None:
    if type(value) is bytes:  # Python 2 pickles read with encoding="bytes"
        try:
            return value.decode("ascii")
        except UnicodeDecodeError:
            return None
    return value if type(value) is str else None


def _dtype(stub, codes: dict) -> np.dtype:
    """The numpy dtype a recorded ``dtype(...)`` stands for, if it is a plain allowed integer type."""
    if type(stub) is not _Dtype or not stub.args:
        raise ValueError(f"its dtype is not a numpy dtype ({type(stub).__name__})")
    code = _text(stub.args[0])
    allowed = ", ".join(codes)
    if code not in codes:
        raise ValueError(f"dtype {brief(stub.args[0])} is not allowed (only {allowed})")
    state, endian = stub.state, "|"
    if state is not None:
        if type(state) is not tuple or len(state) not in (8, 9) or state[0] not in (3, 4):
            raise ValueError(f"dtype {code!r} has an unknown state layout")
        endian = _text(state[1])
        if endian not in _ENDIAN:
            raise ValueError(f"dtype {code!r} has byte order {brief(state[1])}")
        if any(part is not None for part in state[2:5]) or (len(state) == 9 and state[8] is not None):
            raise ValueError(f"dtype {code!r} carries sub-arrays, fields or metadata (only {allowed})")
        if type(state[7]) is not int or state[7] != 0:
            raise ValueError(f"dtype {code!r} has flags {brief(state[7])} (a plain integer type has 0)")
    return np.dtype(codes[code]).newbyteorder(_ENDIAN[endian])


def _shape(value) -> tuple[int, ...]:
    if type(value) is not tuple or not all(type(d) is int and d >= 0 for d in value) or len(value) > 8:
        shown = str(value) if type(value) is tuple and len(value) <= 8 and all(type(d) in (int, float) for d in value) \
            else brief(value)
        raise ValueError(f"its shape must be a tuple of at most 8 non-negative whole numbers, found {shown}")
    return value


def _parts(obj) -> tuple[object, object, object, str]:
    """(dtype stand-in, shape, raw bytes, order) of a recorded array."""
    if type(obj) is _Array:
        if len(obj.args) != 3 or obj.args[0] is not _NDARRAY:
            raise ValueError("it is not a numpy array reconstruction")
        state = obj.state
        if type(state) is tuple and len(state) == 4:
            state = (1, *state)
        if type(state) is not tuple or len(state) != 5 or state[0] != 1:
            raise ValueError("its array state is not (version, shape, dtype, fortran, bytes)")
        _, shape, dtype, fortran, raw = state
        return dtype, shape, raw, "F" if fortran else "C"
    if type(obj) is _Buffer:
        if len(obj.args) != 4 or obj.state is not None:
            raise ValueError("it is not a numpy buffer reconstruction")
        raw, dtype, shape, order = obj.args
        order = _text(order)
        if order not in ("C", "F"):
            raise ValueError(f"its order {brief(obj.args[3])} is not 'C' or 'F'")
        return dtype, shape, raw, order
    raise ValueError(f"it is a {type(obj).__name__}, not a numpy array")


def to_array(obj, codes: dict) -> np.ndarray:
    """A read-only numpy array from a recorded array whose dtype code is in ``codes``.

    Raises ValueError (a sentence saying what is wrong) for anything else."""
    dtype_stub, shape, raw, order = _parts(obj)
    dtype, shape = _dtype(dtype_stub, codes), _shape(shape)
    if type(raw) not in (bytes, bytearray):
        raise ValueError(f"its data is a {type(raw).__name__}, not raw bytes")
    need = math.prod(shape) * dtype.itemsize  # Python ints: no overflow
    if need != len(raw):
        raise ValueError(f"its shape {shape} needs {need:,} bytes of {dtype.name} but it holds {len(raw):,}")
    return np.frombuffer(raw, dtype=dtype).reshape(shape, order=order)  # no copy: checked sizes only
