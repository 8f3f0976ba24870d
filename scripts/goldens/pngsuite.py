#!/usr/bin/env python3
"""Goldens for Fovea's image codecs (Sources/Datasets). Run by hand, never in CI:

    /work/venv/bin/python scripts/goldens/pngsuite.py [PNGSUITE_DIR]      # needs Pillow, numpy, opencv-python

1. Copies PngSuite (default ../shared/data/pngsuite) into fixtures/pngsuite/.
2. Rebuilds the suite's deliberately corrupt x*.png files from its valid ones (the copy we have omits them),
   named as in the full PngSuite, plus a few corruptions of our own and a decompression bomb.
3. Writes fixtures/jpeg/*.jpg with Pillow (libjpeg-turbo) and corrupt copies.
4. Writes expected.json in both folders: per image the decoded size, layout, bit depth, a SHA-256 of the samples
   and a few sample pixels as [x, y, [channel values]], as Fovea's decoder must produce them (layout rules below);
   for palette and gray PNGs of 8 bits or fewer also `indicesSha256`, the raw indices a mask read must return.
5. Checks the PNGs Fovea's encoder wrote into fixtures/png-written/ (8 and 16 bits; gray, gray+alpha, RGB, RGBA;
   rewritten by `FOVEA_WRITE_PNG_FIXTURES=1 swift test --filter PNGWritingTests`): read back with Pillow (OpenCV
   for 16-bit colour), each must hold the test pattern, sample i = (37 i + 11) mod 256 at 8 bits or
   (40503 i + 11) mod 65536 at 16 bits; their records go to fixtures/png-written/expected.json. Only this step
   runs with `--written`.

Decoded layout (what `ImageCodecs.decode` returns): samples row-major, channels interleaved; gray below 8 bits
scaled to 8 (libpng's expansion, 2-bit 1 -> 85); palettes expanded to RGB; a tRNS chunk becomes an alpha channel
(0 where the sample equals the tRNS value, else the maximum); 16-bit files stay 16-bit. The digest hashes 8-bit
samples as bytes and 16-bit samples as big-endian pairs.

Expected pixels come from Pillow. Pillow reduces 16-bit colour to 8 bits, so for 16-bit files the full values come
from OpenCV (IMREAD_UNCHANGED) and the script asserts that their high bytes equal Pillow's 8-bit decode.
"""
import hashlib
import json
import shutil
import struct
import sys
import zlib
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
SOURCE = Path(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1] != "--written" else ROOT.parent / "shared" / "data" / "pngsuite"
PNG_OUT = ROOT / "fixtures" / "pngsuite"
JPEG_OUT = ROOT / "fixtures" / "jpeg"
WRITTEN = ROOT / "fixtures" / "png-written"
PROBES = [(0, 0), (1, 0), (0, 1), (5, 17)]  # plus the centre and the last pixel, added per image


# --- PNG chunk surgery ---------------------------------------------------------------------------------------

def chunks(data):
    """[(type, payload, crc)] of a PNG byte string (signature skipped)."""
    out, at = [], 8
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        out.append((kind, data[at + 8:at + 8 + length], data[at + 8 + length:at + 12 + length]))
        at += 12 + length
    return out


def assemble(parts, signature=b"\x89PNG\r\n\x1a\n"):
    out = bytearray(signature)
    for kind, payload, crc in parts:
        if crc is None:
            crc = struct.pack(">I", zlib.crc32(kind + payload))
        out += struct.pack(">I", len(payload)) + kind + payload + crc
    return bytes(out)


def with_ihdr(data, **fields):
    """The file with IHDR fields replaced and its CRC recomputed (so only the field is wrong)."""
    parts = chunks(data)
    width, height, depth, color, compression, filtering, interlace = struct.unpack(">IIBBBBB", parts[0][1])
    values = dict(width=width, height=height, depth=depth, color=color)
    values.update(fields)
    ihdr = struct.pack(">IIBBBBB", values["width"], values["height"], values["depth"], values["color"],
                       compression, filtering, interlace)
    return assemble([(b"IHDR", ihdr, None)] + parts[1:])


def corrupt_files(read):
    """name -> bytes. The first group reconstructs the full PngSuite's x* files (same names and defects)."""
    g01, g04, g08, c08 = read("basn0g01.png"), read("basn0g04.png"), read("basn0g08.png"), read("basn2c08.png")
    files = {
        "xs1n0g01.png": bytes([0x09]) + g01[1:],                       # signature byte 1 MSBit reset to zero
        "xs2n0g01.png": g01[:1] + b"Q" + g01[2:],                      # signature byte 2 is a 'Q'
        "xs4n0g01.png": g01[:3] + b"g" + g01[4:],                      # signature byte 4 lowercase
        "xs7n0g01.png": g01[:6] + b" " + g01[7:],                      # 7th byte a space instead of control-Z
        "xcrn0g04.png": g04.replace(b"\n", b"\r\n"),                   # added CR bytes (LF -> CRLF conversion)
        "xlfn0g04.png": g04.replace(b"\r\n", b"\n"),                   # CRLF -> LF conversion
        "xhdn0g08.png": g08[:29] + bytes([g08[29] ^ 0xFF]) + g08[30:],  # incorrect IHDR checksum
        "xc1n0g08.png": with_ihdr(g08, color=1),                       # colour type 1
        "xc9n2c08.png": with_ihdr(c08, color=9),                       # colour type 9
        "xd0n2c08.png": with_ihdr(c08, depth=0),                       # bit depth 0
        "xd3n2c08.png": with_ihdr(c08, depth=3),                       # bit depth 3
        "xd9n2c08.png": with_ihdr(c08, depth=99),                      # bit depth 99
        "xdtn0g01.png": assemble([c for c in chunks(g01) if c[0] != b"IDAT"]),  # missing IDAT chunk
        "xcsn0g01.png": assemble([(k, p, (bytes(4) if k == b"IDAT" else c)) for k, p, c in chunks(g01)]),  # IDAT CRC
    }
    # Ours: truncations, a valid-CRC IDAT that is not zlib, a zero width, an empty file.
    idat_end = c08.index(b"IEND") - 4
    files["xtr-idat-truncated.png"] = c08[:idat_end - 40]
    files["xtr-header-truncated.png"] = c08[:20]
    files["xtr-iend-missing.png"] = c08[:idat_end]
    files["xzl-not-zlib.png"] = assemble([(k, (b"\x00" * len(p) if k == b"IDAT" else p), None if k == b"IDAT" else c)
                                          for k, p, c in chunks(c08)])
    files["xzw-zero-width.png"] = with_ihdr(c08, width=0)
    files["xem-empty.png"] = b""
    return files


def bomb():
    """A valid 100000 x 100000 gray PNG header with a tiny (wrong-sized) IDAT: the pixel limit must refuse it."""
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    return assemble([(b"IHDR", ihdr, None), (b"IDAT", zlib.compress(b"\x00" * 1000), None), (b"IEND", b"", None)])


# --- expected pixels -----------------------------------------------------------------------------------------

def ihdr_and_trns(data):
    parts = chunks(data)
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", parts[0][1])
    trns = next((p for k, p, _ in parts if k == b"tRNS"), None)
    return depth, color, interlace, trns


def opencv_unchanged(path):
    """16-bit samples in RGB(A) order from OpenCV, which keeps 16-bit PNGs at full precision."""
    array = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    assert array is not None and array.dtype == np.uint16, path
    if array.ndim == 3:
        array = array[..., [2, 1, 0, 3]] if array.shape[2] == 4 else array[..., ::-1]
    return array


def expected_png(path):
    """(samples HxWxC as uint8 or uint16, layout) as Fovea's decoder must produce them."""
    data = path.read_bytes()
    depth, color, _, trns = ihdr_and_trns(data)
    image = Image.open(path)
    maximum = 65535 if depth == 16 else 255
    if color == 3:  # palette: Pillow applies tRNS when converting to RGBA
        rgba = trns is not None
        return np.array(image.convert("RGBA" if rgba else "RGB")), "rgba" if rgba else "rgb"
    if color == 0:
        if depth == 16:
            gray = np.array(image).astype(np.uint16)
            assert np.array_equal(gray, opencv_unchanged(path)), path
        else:
            gray = np.array(image.convert("L"))
            if depth < 8:
                levels = 2 ** depth - 1
                assert set(np.unique(gray)) <= {v * (255 // levels) for v in range(levels + 1)}, path
        if trns is None:
            return gray[..., None], "gray"
        key = struct.unpack(">H", trns[:2])[0] * (255 // (2 ** depth - 1) if depth < 8 else 1)
        alpha = np.where(gray == key, 0, maximum).astype(gray.dtype)
        return np.stack([gray, alpha], axis=-1), "grayAlpha"
    if depth == 16:
        full = opencv_unchanged(path)
        if color == 4:  # OpenCV returns gray+alpha as BGRA
            assert np.array_equal(full[..., 0], full[..., 1]), path
            full = full[..., [0, 3]]
        opencv_alpha = None
        if color == 2 and full.shape[2] == 4:  # OpenCV already turned tRNS into alpha; recomputed below
            full, opencv_alpha = full[..., :3], full[..., 3]
        pillow = np.array(image.convert("RGBA" if color in (4, 6) else "RGB"))
        reference = pillow[..., [0, 3]] if color == 4 else pillow
        assert np.array_equal(full >> 8, reference), f"{path}: OpenCV and Pillow disagree"
        samples = full
    else:
        samples = np.array(image)
    if color == 2 and trns is not None:
        key = struct.unpack(">HHH", trns[:6])
        alpha = np.where(np.all(samples == np.array(key, dtype=samples.dtype), axis=-1), 0, maximum)
        if depth == 16:
            assert np.array_equal(alpha, opencv_alpha), f"{path}: tRNS alpha differs from OpenCV's"
        return np.concatenate([samples, alpha[..., None].astype(samples.dtype)], axis=-1), "rgba"
    return samples, {2: "rgb", 4: "grayAlpha", 6: "rgba"}[color]


def write_expected(path, expected):
    """One image per line: diffs of a regenerated file stay readable."""
    lines = [f" {json.dumps(name)}: {json.dumps(expected[name], sort_keys=True)}" for name in sorted(expected)]
    path.write_text("{\n" + ",\n".join(lines) + "\n}\n")


def expected_indices(path):
    """What a class-index mask read keeps: palette indices and gray values of 8 bits or fewer, unscaled."""
    depth, color, _, _ = ihdr_and_trns(path.read_bytes())
    image = Image.open(path)
    if color == 3:
        assert image.mode == "P", path
        return np.array(image).astype(np.uint8)
    if color == 0 and depth <= 8:
        return (np.array(image.convert("L")) // (255 // (2 ** depth - 1))).astype(np.uint8)
    return None


def record(samples, layout):
    if samples.ndim == 2:
        samples = samples[..., None]
    height, width, channels = samples.shape
    raw = samples.astype(">u2").tobytes() if samples.dtype == np.uint16 else samples.astype(np.uint8).tobytes()
    probes = PROBES + [(width // 2, height // 2), (width - 1, height - 1)]
    return {
        "width": width, "height": height, "layout": layout, "channels": channels,
        "bitDepth": 16 if samples.dtype == np.uint16 else 8,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "pixels": [[x, y, [int(v) for v in samples[y, x]]] for x, y in probes if x < width and y < height],
    }


# --- JPEG ----------------------------------------------------------------------------------------------------

def jpeg_sources():
    """name -> (PIL image, save options). Content is smooth gradients plus seeded noise, so every block differs."""
    rng = np.random.default_rng(5)
    y, x = np.mgrid[0:24, 0:40]
    rgb = np.stack([x * 6, y * 10, (x + y) * 4], axis=-1) + rng.integers(0, 40, (24, 40, 3))
    rgb = np.clip(rgb, 0, 255).astype(np.uint8)
    gray = np.clip(x[:13, :17] * 12 + rng.integers(0, 30, (13, 17)), 0, 255).astype(np.uint8)
    cmyk = np.concatenate([rgb[:16, :16], rgb[:16, :16, :1]], axis=-1)
    return {
        "rgb-420.jpg": (Image.fromarray(rgb), dict(quality=85)),
        "rgb-444.jpg": (Image.fromarray(rgb), dict(quality=95, subsampling=0)),
        "rgb-422-odd.jpg": (Image.fromarray(rgb[:11, :17]), dict(quality=80, subsampling=1)),
        "rgb-progressive.jpg": (Image.fromarray(rgb), dict(quality=75, progressive=True)),
        "gray-odd.jpg": (Image.fromarray(gray), dict(quality=90)),
        "cmyk-adobe.jpg": (Image.fromarray(cmyk, mode="CMYK"), dict(quality=90)),
    }


def main():
    if PNG_OUT.exists():
        shutil.rmtree(PNG_OUT)
    (PNG_OUT / "interlaced").mkdir(parents=True)
    for item in sorted(SOURCE.rglob("*")):
        if item.is_file():
            shutil.copyfile(item, PNG_OUT / item.relative_to(SOURCE))
    for name, data in corrupt_files(lambda n: (SOURCE / n).read_bytes()).items():
        (PNG_OUT / name).write_bytes(data)
    (PNG_OUT / "bomb-100000x100000.png").write_bytes(bomb())

    expected = {}
    for path in sorted(PNG_OUT.rglob("*.png")):
        name = str(path.relative_to(PNG_OUT))
        if path.name.startswith("x"):
            expected[name] = {"error": True}
        elif path.name.startswith("bomb"):
            expected[name] = {"error": True, "pixelLimit": True}
        else:
            expected[name] = record(*expected_png(path))
            indices = expected_indices(path)
            if indices is not None:
                expected[name]["indicesSha256"] = hashlib.sha256(indices.tobytes()).hexdigest()
    write_expected(PNG_OUT / "expected.json", expected)

    if JPEG_OUT.exists():
        shutil.rmtree(JPEG_OUT)
    JPEG_OUT.mkdir(parents=True)
    expected = {}
    for name, (image, options) in jpeg_sources().items():
        image.save(JPEG_OUT / name, "JPEG", **options)
        decoded = Image.open(JPEG_OUT / name)
        gray = decoded.mode == "L"
        samples = np.array(decoded.convert("L" if gray else "RGB"))
        expected[name] = record(samples, "gray" if gray else "rgb")
    whole = (JPEG_OUT / "rgb-420.jpg").read_bytes()
    (JPEG_OUT / "x-truncated.jpg").write_bytes(whole[: len(whole) // 2])
    (JPEG_OUT / "x-header-only.jpg").write_bytes(whole[:100])
    (JPEG_OUT / "x-scrambled.jpg").write_bytes(whole[:200] + bytes(b ^ 0x5A for b in whole[200:-2]) + whole[-2:])
    for name in ("x-truncated.jpg", "x-header-only.jpg", "x-scrambled.jpg"):
        expected[name] = {"error": True}
    write_expected(JPEG_OUT / "expected.json", expected)
    print(f"wrote {PNG_OUT} and {JPEG_OUT}")


# --- Fovea's PNG writer --------------------------------------------------------------------------------------

def pattern(layout, depth, width=7, height=5):
    channels = {"gray": 1, "grayAlpha": 2, "rgb": 3, "rgba": 4}[layout]
    index = np.arange(width * height * channels, dtype=np.int64)
    values = (index * 40503 + 11) % 65536 if depth == 16 else (index * 37 + 11) % 256
    return values.astype(np.uint16 if depth == 16 else np.uint8).reshape(height, width, channels)


def check_written():
    expected = {}
    for layout in ("gray", "grayAlpha", "rgb", "rgba"):
        for depth in (8, 16):
            path = WRITTEN / f"{layout}-{depth}.png"
            samples, decoded_layout = expected_png(path)
            samples = samples if samples.ndim == 3 else samples[..., None]
            assert decoded_layout == layout, f"{path}: read as {decoded_layout}"
            assert np.array_equal(samples, pattern(layout, depth)), f"{path}: Pillow reads other samples"
            expected[path.name] = record(samples, layout)
    write_expected(WRITTEN / "expected.json", expected)
    print(f"checked {len(expected)} files in {WRITTEN}")


if __name__ == "__main__":
    if "--written" not in sys.argv:
        main()
    check_written()
