"""Star ratings drawn as pictures: gold stars earned, faint ones still to reach.

A table cell's text has one colour, the row's, so ``★★☆☆☆`` in white on a dark row hardly
tells earned from not. A picture has colours of its own: anti-aliased stars with
transparent corners (a PNG made here, without Pillow), so they sit on any row, striped or
selected, in every theme.
"""

from __future__ import annotations

import base64
import functools
import math
import struct
import tkinter as tk
import zlib


SIZE = 16
"""One star's square, in pixels."""
GAP = 3
SAMPLES = 4
"""Sub-pixel samples per side, for smooth edges."""


@functools.lru_cache(maxsize=4)
def _coverage(size: int) -> tuple[tuple[float, ...], ...]:
    """How much of each pixel a five-pointed star filling ``size`` covers (0 to 1)."""
    centre, outer = size / 2, size / 2 - 0.3
    inner = outer * 0.42
    points = [(centre + (outer if i % 2 == 0 else inner) * math.sin(i * math.pi / 5),
               centre + 0.6 - (outer if i % 2 == 0 else inner) * math.cos(i * math.pi / 5))
              for i in range(10)]
    rows = []
    for y in range(size):
        row = []
        for x in range(size):
            inside = sum(_inside(points, x + (i + 0.5) / SAMPLES, y + (j + 0.5) / SAMPLES)
                         for i in range(SAMPLES) for j in range(SAMPLES))
            row.append(inside / SAMPLES ** 2)
        rows.append(tuple(row))
    return tuple(rows)


def _inside(polygon: list[tuple[float, float]], x: float, y: float) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def stars_png(stars: int, maximum: int, earned: str, missing: str, *, size: int = SIZE) -> bytes:
    """A PNG of ``maximum`` stars, the first ``stars`` in ``earned`` colour, the rest in
    ``missing`` colour, half transparent."""
    cover = _coverage(size)
    width = max(1, maximum * (size + GAP) - GAP)
    lines = []
    for y in range(size):
        line = bytearray([0])  # filter: none
        for x in range(width):
            index, offset = divmod(x, size + GAP)
            if offset >= size:
                line += b"\0\0\0\0"
                continue
            r, g, b = _rgb(earned if index < stars else missing)
            alpha = cover[y][offset] * (1.0 if index < stars else 0.55)
            line += bytes((r, g, b, round(alpha * 255)))
        lines.append(bytes(line))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, size, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(lines))) + chunk(b"IEND", b""))


def star_image(master: tk.Misc, stars: int, maximum: int, earned: str, missing: str
               ) -> tk.PhotoImage:
    """The stars as a Tk picture (keep a reference: Tk forgets a picture nobody holds)."""
    data = base64.b64encode(stars_png(stars, maximum, earned, missing)).decode("ascii")
    return tk.PhotoImage(master=master, data=data, format="png")
