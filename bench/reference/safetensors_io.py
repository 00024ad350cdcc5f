"""Reads and writes the safetensors format with numpy and json alone.

Written by hand so the GPU machine needs no `safetensors` package: an 8-byte little-endian header
length, a JSON header naming each tensor's dtype, shape and byte range, then the raw little-endian
data. The header is padded with spaces to a multiple of 8 bytes, as the reference writer does.
"""
import json
import struct

import numpy as np

_DTYPES = {
    np.dtype("<f4"): "F32",
    np.dtype("<f8"): "F64",
    np.dtype("<f2"): "F16",
    np.dtype("<i8"): "I64",
    np.dtype("<i4"): "I32",
    np.dtype("u1"): "U8",
}
_NUMPY = {name: dtype for dtype, name in _DTYPES.items()}


def encode(tensors, metadata=None):
    """Returns the file's bytes for an ordered mapping of name -> numpy array."""
    header = {}
    blobs = []
    offset = 0
    for name, array in tensors.items():
        if name == "__metadata__":
            raise ValueError("'__metadata__' is reserved")
        array = np.asarray(array)
        dtype = array.dtype.newbyteorder("<") if array.dtype.byteorder == ">" else array.dtype
        if dtype not in _DTYPES:
            raise ValueError(f"{name}: dtype {array.dtype} is not supported")
        data = np.ascontiguousarray(array, dtype=dtype).tobytes()
        header[name] = {"dtype": _DTYPES[dtype], "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def write(path, tensors, metadata=None):
    with open(path, "wb") as f:
        f.write(encode(tensors, metadata))


def decode(data):
    """Returns (ordered dict name -> numpy array, metadata dict) from the file's bytes."""
    if len(data) < 8:
        raise ValueError("shorter than the 8-byte header length")
    (length,) = struct.unpack("<Q", data[:8])
    if 8 + length > len(data):
        raise ValueError("header runs past the end of the file")
    header = json.loads(data[8 : 8 + length].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    body = memoryview(data)[8 + length :]
    tensors = {}
    for name, entry in header.items():
        start, end = entry["data_offsets"]
        dtype = _NUMPY[entry["dtype"]]
        shape = tuple(entry["shape"])
        count = int(np.prod(shape, dtype=np.int64))
        if end - start != count * dtype.itemsize or end > len(body):
            raise ValueError(f"{name}: byte range {start}..{end} does not fit shape {shape} of {entry['dtype']}")
        tensors[name] = np.frombuffer(body[start:end], dtype=dtype).reshape(shape)
    return tensors, metadata


def read(path):
    with open(path, "rb") as f:
        return decode(f.read())
