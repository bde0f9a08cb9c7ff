"""Forged CIFAR-10 batches and a Python 2 style genuine one, built in the tests (no files shipped).

``forged()`` maps a case name to (pickle bytes, words the refusal must contain). Each case is a way
to make a numpy-aware unpickler build something dangerous or absurd: dtypes with object fields
(the ``V16`` + ``scalar`` segfault), object and structured dtypes, flags and sub-arrays in a plain
dtype's state, shapes whose size overflows or exceeds the bytes, opcodes that build instances,
globals that run code, lengths that lie. ``py2_batch`` writes a batch opcode by opcode the way
Python 2's cPickle wrote the official files (GLOBAL names, BINSTRING bytes, int flags).
"""

from __future__ import annotations

import codecs
import pickle
import struct

import numpy as np

_reconstruct = np._core.multiarray._reconstruct
_scalar = np._core.multiarray.scalar
_frombuffer = np._core.numeric._frombuffer


class R:
    """Pickles as ``fn(*args)`` followed by BUILD ``state`` (when given): any reduce a forger writes."""

    def __init__(self, fn, args, state=None):
        self.fn, self.args, self.state = fn, args, state

    def __reduce__(self):
        return (self.fn, self.args) if self.state is None else (self.fn, self.args, self.state)


class Plain:  # pickled by protocol 2 with NEWOBJ
    pass


def dtype(code, state):
    return R(np.dtype, (code, False, True), state)


def plain_state(endian="|"):
    return (3, endian, None, None, None, -1, -1, 0)


V16_OBJECT = dtype("V16", (3, "|", None, ("f0",), {"f0": (np.dtype("O"), 0)}, 16, 1, 0))


def array(dt, shape, raw, fortran=False):
    return R(_reconstruct, (np.ndarray, (0,), b"b"), (1, shape, dt, fortran, raw))


def batch(data, labels=(0,), protocol=3):
    return pickle.dumps({b"batch_label": b"forged", b"data": data, b"labels": list(labels)}, protocol=protocol)


def forged() -> dict[str, tuple[bytes, str]]:
    u1 = dtype("u1", plain_state())
    row = bytes(3072)
    return {
        # the reported segfault: scalar() over a void dtype whose object slot is attacker bytes
        "scalar_v16_object": (batch(R(_scalar, (V16_OBJECT, b"A" * 16))), "refusing to load numpy"),
        "array_v16_object": (batch(array(V16_OBJECT, (1,), b"A" * 16)), "dtype 'V16' is not allowed"),
        "array_object_dtype": (batch(array(dtype("O", plain_state()), (1, 3072), bytes(8 * 3072))),
                               "dtype 'O' is not allowed"),
        "u1_with_object_fields": (batch(array(dtype("u1", (3, "|", None, ("a",), {"a": (np.dtype("O"), 0)},
                                                           8, 1, 0)), (1, 3072), row)), "fields"),
        "u1_with_subarray": (batch(array(dtype("u1", (3, "|", (np.dtype("O"), (2,)), None, None, 16, 8, 0)),
                                         (1, 3072), row)), "sub-arrays"),
        "u1_with_object_flags": (batch(array(dtype("u1", (3, "|", None, None, None, -1, -1, 0x3F)),
                                             (1, 3072), row)), "flags"),
        "u1_with_metadata": (batch(array(dtype("u1", (4, "|", None, None, None, -1, -1, 0, {"x": 1})),
                                         (1, 3072), row)), "metadata"),
        "u1_bad_byte_order": (batch(array(dtype("u1", (3, "X", None, None, None, -1, -1, 0)), (1, 3072), row)),
                              "byte order"),
        "u1_state_not_a_tuple": (batch(array(dtype("u1", [3, "|"]), (1, 3072), row)), "state layout"),
        "float_pixels": (batch(array(dtype("f8", plain_state("<")), (1, 3072), bytes(8 * 3072))),
                         "dtype 'f8' is not allowed"),
        "dtype_not_text": (batch(array(dtype(12, plain_state()), (1, 3072), row)), "is not allowed"),
        "huge_shape": (batch(array(u1, (2**40, 3072), row)), "needs"),
        "shape_overflows_int64": (batch(array(u1, (2**32, 2**32), b"")), "needs 18,446,744,073,709,551,616"),
        "negative_shape": (batch(array(u1, (-1, 3072), row)), "non-negative whole numbers, found"),
        "float_shape": (batch(array(u1, (1.5, 3072), row)), "non-negative whole numbers, found"),
        "deep_shape": (batch(array(u1, (1,) * 40, b"\0")), "at most 8 non-negative"),
        "raw_is_a_list": (batch(array(u1, (1, 3072), [0] * 3072)), "not raw bytes"),
        "wrong_pixel_count": (batch(array(u1, (1, 100), bytes(100))), "3072"),
        "frombuffer_object_dtype": (batch(R(_frombuffer, (bytearray(16), dtype("O", plain_state()), (2,), "C")), protocol=5),
                                    "dtype 'O' is not allowed"),
        "frombuffer_huge": (batch(R(_frombuffer, (bytearray(16), u1, (2**62,), "C")), protocol=5), "needs"),
        "frombuffer_bad_order": (batch(R(_frombuffer, (bytearray(3072), u1, (1, 3072), "Z")), protocol=5), "order"),
        "reconstruct_not_ndarray": (batch(R(_reconstruct, (u1, (0,), b"b"), (1, (1, 3072), u1, False, row))),
                                    "not a numpy array reconstruction"),
        "data_is_a_dtype": (batch(u1), "not a numpy array"),
        "labels_v16_object": (pickle.dumps({b"data": array(u1, (1, 3072), row),
                                            b"labels": array(V16_OBJECT, (1,), b"A" * 16)}, protocol=3),
                              "dtype 'V16' is not allowed"),
        "labels_huge_int": (batch(array(u1, (1, 3072), row), labels=(2**100,)), "0..9"),
        "labels_million_digit_int": (batch(array(u1, (1, 3072), row), labels=(10**10**6,)), "0..9, found a 3,321,929-bit whole number"),
        "labels_text": (batch(array(u1, (1, 3072), row), labels=("cat",)), "whole numbers"),
        "labels_too_few": (batch(array(u1, (2, 3072), bytes(6144)), labels=(1,)), "expected 2 labels"),
        "real_object_array": (batch(np.array([1, "a", None], dtype=object)), "dtype 'O8' is not allowed"),
        "real_structured_array": (batch(np.zeros(2, dtype=[("a", "u1"), ("b", "O")])), "is not allowed"),
        "eval_global": (batch(R(eval, ("1+1",))), "refusing to load builtins.eval"),
        "codecs_other_encoding": (batch(R(codecs.encode, ("x", "rot13"))), "latin1"),
        "newobj_instance": (pickle.dumps({b"data": Plain(), b"labels": []}, protocol=2), "refusing opcode NEWOBJ"),
        "extension_code": (b"\x80\x02\x82\x01.", "refusing opcode EXT1"),
        "persistent_id": (b"\x80\x02K\x01Q.", "refusing opcode BINPERSID"),
        "lying_length": (b"\x80\x04\x8e" + struct.pack("<Q", 2**40) + b"xx.", "not a CIFAR-10 python batch"),
        "stub_called": (_ops(b"cnumpy\ndtype\nX\x02\x00\x00\x00u1\x85R)R."), "not a CIFAR-10 python batch"),
        "bytearray_global": (batch(R(bytearray, (2**40,))), "refusing to load builtins.bytearray"),
        "shape_nested_past_the_recursion_limit": (_deep_shape_batch(100_000), "whole numbers, found a tuple"),
        "dtype_code_huge_text": (batch(array(dtype("u1" * 10**6, plain_state()), (1, 3072), row)),
                                 "(2,000,000 long) is not allowed"),
        "not_a_dict": (pickle.dumps([1, 2, 3]), "no dictionary"),
        "missing_labels": (pickle.dumps({b"data": b""}), "expected 'data'"),
    }


def _deep_shape_batch(depth: int) -> bytes:
    """A batch whose array shape is a tuple nested ``depth`` deep (repr of it overflows the stack)."""
    shape = b"K\x01" + b"\x85" * depth  # 1, then TUPLE1 again and again
    return (b"\x80\x02}(U\x04datacnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85U\x01b\x87R("
            b"K\x01" + shape + b"cnumpy\ndtype\nU\x02u1K\x00K\x01\x87R(K\x03U\x01|NNNJ\xff\xff\xff\xff"
            b"J\xff\xff\xff\xffK\x00tb\x89U\x00tbU\x06labels]u.")


def _ops(body: bytes) -> bytes:
    return b"\x80\x02" + body


def _binstring(b: bytes) -> bytes:
    return (b"U" + bytes([len(b)]) + b) if len(b) < 256 else (b"T" + struct.pack("<i", len(b)) + b)


def _int(v: int) -> bytes:
    return b"K" + bytes([v]) if 0 <= v < 256 else b"M" + struct.pack("<H", v) if 0 <= v < 65536 \
        else b"J" + struct.pack("<i", v)


def py2_batch(data: np.ndarray, labels: list[int], name: bytes = b"training batch 1 of 5") -> bytes:
    """A batch written opcode by opcode as Python 2's cPickle (protocol 2) wrote CIFAR-10's files."""
    n, width = data.shape
    out = [b"\x80\x02}(", _binstring(b"batch_label"), _binstring(name), _binstring(b"labels"), b"](",
           *(_int(v) for v in labels), b"e", _binstring(b"data"),
           b"cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85", _binstring(b"b"), b"\x87R(",
           _int(1), _int(n), _int(width), b"\x86cnumpy\ndtype\n", _binstring(b"u1"), b"K\x00K\x01\x87R(",
           _int(3), _binstring(b"|"), b"NNN", _int(-1), _int(-1), _int(0), b"tb\x89",
           _binstring(data.tobytes()), b"tb", _binstring(b"filenames"), b"](",
           *(_binstring(b"img_%d.png" % i) for i in range(n)), b"eu."]
    return b"".join(out)
