"""QR codes as inline SVG, made at build time: a phone that scans a printout lands on the page.

A small encoder of our own (byte mode, QR Code model 2, ISO/IEC 18004) instead of segno, because
encoding was a quarter of a cold build: everything that depends only on the version and error level
is worked out once, so a code costs a few big-integer operations and C-level gathers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from html import escape
from itertools import accumulate, product
from operator import add, itemgetter

MASK = 2
"""A fixed mask pattern: any mask is valid QR, and choosing the 'best' one costs 4x the time
of the whole encoding (segno: 7 ms against 1 ms a code), which adds up over thousands of pages."""
QUIET_ZONE = 4

_FORMAT_LEVEL = {"M": 0, "Q": 3, "H": 2}
_ECC_PER_BLOCK = {  # error correction codewords per block, versions 1-40 (ISO/IEC 18004 Table 9)
    "M": (10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
          26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28),
    "Q": (13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
          28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
    "H": (17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
          30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
}
_BLOCKS = {  # error correction blocks, versions 1-40; the shorter blocks come first
    "M": (1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
          17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49),
    "Q": (1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
          23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68),
    "H": (1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
          25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81),
}
_TO_MODULES = bytes.maketrans(b"01", b"\x00\x01")
_LIGHT_AS_SPACE = bytes.maketrans(b"\x00\x01", b" x")
_DARK_AS_SPACE = bytes.maketrans(b"\x00\x01", b"x ")


def qr_svg(url: str, label: str) -> str:
    """An accessible inline SVG QR code for `url` (black on white, scales with CSS)."""
    return _svg(url).replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


@lru_cache(maxsize=16)
def _svg(url: str) -> str:
    """The code as one path of dark runs per row: smaller than one square per module.

    An article's page and its handout (planned next to each other) show the same code, so
    it is made once per URL; a small cache is enough.
    """
    symbol, modules = _encode(url)
    # Runs alternate dark, light, dark, ... from the first module, a finder's dark corner; the light
    # module after each row keeps runs within their row. Splits find them at C speed.
    dark = list(map(len, modules.translate(_LIGHT_AS_SPACE).split()))
    light = map(len, modules.translate(_DARK_AS_SPACE).split())
    starts = accumulate(map(add, dark, light), initial=0)  # one more: where the last run ends
    heads, tails = _run_labels(symbol.size)
    runs = "".join([f"{heads[start]}{length}{tails[start]}"
                    for start, length in zip(starts, dark, strict=False)])
    size = symbol.size + 2 * QUIET_ZONE
    return (f'<svg class="qr" viewBox="0 0 {size} {size}" xmlns="http://www.w3.org/2000/svg">'
            f'<path fill="#fff" d="M0 0h{size}v{size}H0z"/><path fill="#000" d="{runs}"/></svg>')


def _matrix(url: str) -> list[bytes]:
    """The code's rows of modules (1 dark, 0 light), without the quiet zone."""
    symbol, modules = _encode(url)
    width = symbol.size + 1
    return [modules[y * width:y * width + symbol.size] for y in range(symbol.size)]


@dataclass(frozen=True, slots=True)
class _Symbol:
    """What encoding needs of one version at one error correction level, worked out once."""

    version: int
    size: int
    """Modules per side."""
    data_length: int
    """Data codewords, padding included."""
    block_lengths: tuple[int, ...]
    """Data codewords of each error correction block, in order."""
    ecc_length: int
    """Error correction codewords per block."""
    place: Callable[[bytes], tuple[int, ...]]
    """Picks every module of the symbol, row by row and each row followed by a light one, out of
    the message's bits as 0/1 bytes (the data codewords, then each block's error correction
    codewords) with one light module appended: a data module gets its bit in the interleaved
    order, any other module that light one. Interleaving and placement in one C-level gather."""
    base: int
    """Function patterns, format and version information, and the mask over the data modules,
    laid out like `place`'s result, as an integer to XOR the placed bits with."""


def _encode(url: str) -> tuple[_Symbol, bytes]:
    """The symbol for `url` and its modules, row by row, each row followed by a light module."""
    data = url.encode()
    symbol = _fit(len(data))
    count_bits = 8 if symbol.version < 10 else 16
    header = (0b0100 << count_bits | len(data)) << 8 * len(data) | int.from_bytes(data, "big")
    stream = (header << 4).to_bytes((count_bits + 8 * len(data) + 8) // 8, "big")
    # segno wrote a zero byte after the terminator, before the pad codewords (harmless: readers stop
    # at the terminator); so do we, to keep every code identical to those already printed.
    codewords = (stream + b"\x00" + b"\xec\x11" * (symbol.data_length // 2))[:symbol.data_length]
    blocks = []
    start = 0
    for length in symbol.block_lengths:
        blocks.append(_ecc(codewords[start:start + length], symbol.ecc_length))
        start += length
    message = codewords + b"".join(blocks)
    bits = f"{int.from_bytes(message, 'big'):0{8 * len(message)}b}".encode()
    placed = bytes(symbol.place(bits.translate(_TO_MODULES) + b"\x00"))
    return symbol, (int.from_bytes(placed, "big") ^ symbol.base).to_bytes(len(placed), "big")


@cache
def _fit(length: int) -> _Symbol:
    """The smallest version that holds `length` bytes at level M, at the strongest level that
    still fits in it (segno's default `boost_error`: more protection, no bigger symbol)."""
    for version in range(1, 41):
        if length <= _byte_capacity(version, "M"):
            level = next(level for level in "HQM" if length <= _byte_capacity(version, level))
            return _symbol(version, level)
    raise ValueError(f"{length} bytes do not fit in a QR code")


@cache
def _byte_capacity(version: int, level: str) -> int:
    """Bytes of data a symbol holds after the mode indicator and the character count."""
    header_bytes = 2 if version < 10 else 3  # 4 + 8 or 4 + 16 bits, rounded up
    return _data_codewords(version, level) - header_bytes


def _data_codewords(version: int, level: str) -> int:
    """Codewords of the symbol (a byte per 8 data modules) less the error correction ones."""
    total = len(_layout(version)[1]) // 8
    return total - _ECC_PER_BLOCK[level][version - 1] * _BLOCKS[level][version - 1]


@cache
def _symbol(version: int, level: str) -> _Symbol:
    """Block structure, bit placement and base modules of `version` at `level`."""
    grid, order = _layout(version)
    grid = [row[:] for row in grid]
    size = len(grid)
    ecc_length = _ECC_PER_BLOCK[level][version - 1]
    num_blocks = _BLOCKS[level][version - 1]
    data_length = _data_codewords(version, level)
    num_long = data_length % num_blocks
    block_lengths = ((data_length // num_blocks,) * (num_blocks - num_long)
                     + (data_length // num_blocks + 1,) * num_long)
    offsets = [0, *accumulate(block_lengths)]
    interleaved = [offsets[b] + i for i in range(max(block_lengths))
                   for b in range(num_blocks) if i < block_lengths[b]]
    interleaved += [data_length + b * ecc_length + i
                    for i in range(ecc_length) for b in range(num_blocks)]
    light = 8 * len(interleaved)  # the module appended after the codeword bits
    source = {xy: 8 * interleaved[k // 8] + k % 8 for k, xy in enumerate(order) if k < light}

    fmt = _FORMAT_LEVEL[level] << 3 | MASK
    fmt_bits = (fmt << 10 | _bch(fmt, 0x537, 10)) ^ 0x5412
    for positions in _format_positions(size):
        for i, (x, y) in enumerate(positions):
            grid[y][x] = fmt_bits >> i & 1
    data_modules = set(order)
    base = bytes(_masked(x) if (x, y) in data_modules else grid[y][x] if x < size else 0
                 for y, x in product(range(size), range(size + 1)))
    place = itemgetter(*(source.get((x, y), light)
                         for y, x in product(range(size), range(size + 1))))
    return _Symbol(version, size, data_length, block_lengths, ecc_length, place,
                   int.from_bytes(base, "big"))


@cache
def _layout(version: int) -> tuple[list[list[int | None]], list[tuple[int, int]]]:
    """The function patterns of `version` (format information still light) and the data modules
    (x, y) in placement order: two-module columns zig-zagging up and down from the right."""
    size = 17 + 4 * version
    grid: list[list[int | None]] = [[None] * size for _ in range(size)]
    for i in range(size):  # timing patterns, partly covered by what follows
        grid[6][i] = grid[i][6] = 1 - i % 2
    for cx, cy in ((3, 3), (size - 4, 3), (3, size - 4)):  # finders with their separators
        for dx, dy in product(range(-4, 5), repeat=2):
            if 0 <= cx + dx < size and 0 <= cy + dy < size:
                grid[cy + dy][cx + dx] = int(max(abs(dx), abs(dy)) not in (2, 4))
    centres = _alignment_centres(version)
    on_finders = {(6, 6), (6, size - 7), (size - 7, 6)}
    for cx, cy in product(centres, repeat=2):
        if (cx, cy) not in on_finders:
            for dx, dy in product(range(-2, 3), repeat=2):
                grid[cy + dy][cx + dx] = int(max(abs(dx), abs(dy)) != 1)
    for positions in _format_positions(size):
        for x, y in positions:
            grid[y][x] = 0
    grid[size - 8][8] = 1  # the dark module
    if version >= 7:
        bits = version << 12 | _bch(version, 0x1F25, 12)
        for i in range(18):
            a, b = size - 11 + i % 3, i // 3
            grid[b][a] = grid[a][b] = bits >> i & 1
    order = []
    for right in range(size - 1, 0, -2):
        right -= right <= 6  # skip the vertical timing pattern
        upwards = (right + 1) & 2 == 0
        for vertical in range(size):
            y = size - 1 - vertical if upwards else vertical
            order += [(x, y) for x in (right, right - 1) if grid[y][x] is None]
    return grid, order


def _alignment_centres(version: int) -> list[int]:
    """Row and column centres of the alignment patterns (ISO/IEC 18004 Annex E)."""
    if version == 1:
        return []
    count = version // 7 + 2
    step = (version * 8 + count * 3 + 5) // (count * 4 - 4) * 2
    last = 17 + 4 * version - 7
    return [6] + [last - i * step for i in reversed(range(count - 1))]


def _format_positions(size: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The two places (x, y) of the 15 format bits, least significant bit first."""
    around_finder = ([(8, i) for i in range(6)] + [(8, 7), (8, 8), (7, 8)]
                     + [(14 - i, 8) for i in range(9, 15)])
    split = [(size - 1 - i, 8) for i in range(8)] + [(8, size - 15 + i) for i in range(8, 15)]
    return around_finder, split


def _masked(x: int) -> int:
    """1 where mask pattern 2 (`MASK`) inverts the data modules: every third column."""
    return int(x % 3 == 0)


def _bch(value: int, poly: int, bits: int) -> int:
    """The BCH check bits that protect format and version information."""
    remainder = value
    for _ in range(bits):
        remainder = remainder << 1 ^ (remainder >> (bits - 1)) * poly
    return remainder


def _ecc(block: bytes, length: int) -> bytes:
    """Reed-Solomon error correction codewords of `block`: the remainder of dividing it by the
    generator polynomial, one byte at a time, with the register held as one integer."""
    products = _generator_products(length)
    shift, mask = 8 * (length - 1), (1 << 8 * length) - 1
    remainder = 0
    for byte in block:
        remainder = (remainder << 8 & mask) ^ products[remainder >> shift ^ byte]
    return remainder.to_bytes(length, "big")


@cache
def _generator_products(length: int) -> list[int]:
    """Each of the 256 byte values times the generator polynomial for `length` codewords
    (its leading 1 dropped), as integers: one table look-up per data byte."""
    generator = [1]
    for i in range(length):
        generator = [a ^ _gf_mul(b, _EXP[i]) for a, b in zip(generator + [0], [0] + generator,
                                                              strict=True)]
    return [int.from_bytes(bytes(_gf_mul(c, g) for g in generator[1:]), "big") for c in range(256)]


def _gf_mul(a: int, b: int) -> int:
    """Product in GF(256) through the log and antilog tables."""
    return _EXP[_LOG[a] + _LOG[b]] if a and b else 0


def _gf_tables() -> tuple[list[int], list[int]]:
    """Antilog (twice over, so sums of logs need no modulo) and log tables of GF(256) mod 0x11D."""
    exp, log = [0] * 510, [0] * 256
    value = 1
    for i in range(255):
        exp[i] = exp[i + 255] = value
        log[value] = i
        value <<= 1
        if value & 0x100:
            value ^= 0x11D
    return exp, log


_EXP, _LOG = _gf_tables()


@cache
def _run_labels(size: int) -> tuple[list[str], list[str]]:
    """For a run starting at each module: the path text before and after its length."""
    heads, tails = [], []
    for y, x in product(range(size), range(size + 1)):
        heads.append(f"M{x + QUIET_ZONE} {y + QUIET_ZONE}h")
        tails.append(f"v1H{x + QUIET_ZONE}z")
    return heads, tails
