#!/usr/bin/env python3
"""Draws the VS Code extension's icon, editors/vscode/images/icon.png (128x128 RGBA), with the standard library only.

A dark rounded square holding a small network read left to right: three layer blocks (a convolution, a batch norm,
an activation) joined by '>' chevrons, as in `conv3x3(32) > bn > relu`. Run: python3 scripts/make-vscode-icon.py
"""
import os
import struct
import zlib

SIZE = 128
BACKGROUND = (30, 41, 59)
BLOCKS = [(56, 189, 248), (250, 204, 21), (74, 222, 128)]  # conv, bn, relu
CHEVRON = (226, 232, 240)


def inside_rounded(x, y, left, top, right, bottom, radius):
    if x < left or x >= right or y < top or y >= bottom:
        return False
    cx = min(max(x, left + radius), right - 1 - radius)
    cy = min(max(y, top + radius), bottom - 1 - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius * radius


def on_chevron(x, y, left, top, width, height, thickness):
    # a '>' from (left, top) to (left + width, top + height / 2) to (left, top + height)
    if x < left - thickness or x > left + width + thickness or y < top or y > top + height:
        return False
    middle = top + height / 2
    expected = left + width * (1 - abs(y - middle) / (height / 2))
    return abs(x - expected) <= thickness


def pixel(x, y):
    if not inside_rounded(x, y, 0, 0, SIZE, SIZE, 24):
        return (0, 0, 0, 0)
    block_width, block_height, gap = 24, 72, 16
    top = (SIZE - block_height) // 2
    left = (SIZE - (3 * block_width + 2 * gap)) // 2
    for i, color in enumerate(BLOCKS):
        block_left = left + i * (block_width + gap)
        if inside_rounded(x, y, block_left, top, block_left + block_width, top + block_height, 6):
            return color + (255,)
        if i < 2 and on_chevron(x, y, block_left + block_width + 4, SIZE // 2 - 8, 8, 16, 1.6):
            return CHEVRON + (255,)
    return BACKGROUND + (255,)


def png(width, height, rows):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(v for p in row for v in p) for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "editors", "vscode", "images", "icon.png")
    with open(target, "wb") as f:
        f.write(png(SIZE, SIZE, [[pixel(x, y) for x in range(SIZE)] for y in range(SIZE)]))
    print("wrote", os.path.normpath(target))
