#!/usr/bin/env python3
"""Datasets built to contain every problem `fovea lint` reports, for tests of the lint engine and the CLI.
Run by hand, never in CI:

    /work/venv/bin/python scripts/goldens/lint_fixtures.py      # needs Pillow and numpy

Writes fixtures/lint/coco-broken/ (annotations.json + images/) and fixtures/lint/segmentation-broken/
(images/, masks/, classes.json). fixtures/lint/README.md lists the finding each defect must produce; the Swift
tests (Tests/DatasetsTests/DatasetLintTests.swift) check exactly those.
"""
import json
import shutil
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "fixtures" / "lint"


def picture(seed, width=8, height=8):
    """A deterministic noisy RGB picture; different seeds are far apart, so never near-duplicates."""
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))


def coco_broken(folder):
    images = folder / "images"
    images.mkdir(parents=True)
    for name, seed in [("a.png", 1), ("b.png", 2), ("c.png", 3), ("same-as-a.png", 1), ("unannotated.png", 5)]:
        picture(seed).save(images / name)
    picture(6, width=8, height=6).save(images / "big.png")
    nearly = np.array(picture(3))
    nearly[0, 0, 0] = (int(nearly[0, 0, 0]) + 9) % 256
    Image.fromarray(nearly).save(images / "nearly-c.png")
    valid = (images / "a.png").read_bytes()
    (images / "broken.png").write_bytes(valid[:len(valid) // 2])  # truncated inside IDAT

    def annotation(id_, image_id, category_id, bbox, **extra):
        return {"id": id_, "image_id": image_id, "category_id": category_id, "bbox": bbox, "area": 4, "iscrowd": 0, **extra}

    annotations = [
        annotation(1, 2, 2, [5, 3, -3, 4]),                                         # box-reversed
        annotation(2, 2, 1, [6, 6, 10, 10]),                                        # box-outside-image
        annotation(3, 3, 1, [float("nan"), 1, 2, 2]),                               # coordinate-non-finite
        annotation(4, 3, 99, [1, 1, 2, 2]),                                         # label-unknown
        annotation(5, 4, 1, [1, 1, 2, 2], segmentation=[[0, 0, 1, 1]]),             # polygon-too-few-points
        annotation(6, 4, 1, [1, 1, 2, 2], segmentation=[[0, 0, 4, 0, 4]]),          # polygon-odd-coordinates
        annotation(7, 5, 1, [1, 1, 2, 2], segmentation=[[0, 0, 4, 4, 4, 0, 0, 4]]),  # polygon-self-intersecting
        annotation(7, 6, 1, [1, 1, 2, 2], segmentation={"counts": [64], "size": [8, 8]}),  # id-duplicate, mask-empty
        annotation(8, 42, 1, [1, 1, 2, 2]),                                         # image-id-unknown
        annotation(9, 8, 1, [1, 1, 2, 2], segmentation={"counts": [3, 2], "size": [8, 8]}),   # rle-invalid
        annotation(10, 8, 1, [1, 1, 2, 2], segmentation={"counts": [0, 48], "size": [6, 8]}),  # image-size-mismatch
    ] + [annotation(100 + i, 1, 1, [1, 1, 2, 2]) for i in range(60)]              # class-imbalance 61 : 1
    document = {
        "categories": [{"id": 1, "name": "common"}, {"id": 2, "name": "rare"}],
        "images": [
            {"id": 1, "file_name": "a.png", "width": 8, "height": 8},
            {"id": 2, "file_name": "b.png", "width": 8, "height": 8},
            {"id": 3, "file_name": "c.png", "width": 8, "height": 8},
            {"id": 4, "file_name": "same-as-a.png", "width": 8, "height": 8},      # image-duplicate
            {"id": 5, "file_name": "big.png", "width": 10, "height": 10},          # image-size-mismatch
            {"id": 6, "file_name": "broken.png", "width": 8, "height": 8},         # image-unreadable
            {"id": 7, "file_name": "../outside.png", "width": 8, "height": 8},     # file-name-escapes-root
            {"id": 8, "file_name": "nearly-c.png", "width": 8, "height": 8},       # image-near-duplicate
            {"id": 9, "file_name": "unannotated.png", "width": 8, "height": 8},    # image-without-annotations
            {"id": 9, "file_name": "b.png", "width": 8, "height": 8},              # id-duplicate
        ],
        "annotations": annotations,
    }
    # Python's json writes NaN as a bare NaN, as real exports do.
    (folder / "annotations.json").write_text(json.dumps(document, indent=1) + "\n")


def segmentation_broken(folder):
    (folder / "images").mkdir(parents=True)
    (folder / "masks").mkdir()
    (folder / "classes.json").write_text(json.dumps(["background", "cell"]) + "\n")
    for stem, seed in [("ok", 1), ("outside", 2), ("ignored", 3), ("small", 4), ("unlabelled", 5)]:
        picture(seed).save(folder / "images" / f"{stem}.png")

    def mask(stem, labels, width=8, height=8):
        Image.fromarray(np.array(labels, dtype=np.uint8).reshape(height, width), mode="L").save(folder / "masks" / f"{stem}.png")

    mask("ok", [1] * 32 + [0] * 32)
    mask("outside", [9] * 64)               # mask-values-outside-classes
    mask("ignored", [255] * 64)             # mask-empty
    mask("small", [1] * 16, width=4, height=4)  # image-size-mismatch
    mask("orphan", [0] * 64)                # image-missing
    # unlabelled.png has no mask: image-without-annotations; "cell" is in one image only: class-few-samples


def main():
    if OUT.exists():
        shutil.rmtree(OUT / "coco-broken", ignore_errors=True)
        shutil.rmtree(OUT / "segmentation-broken", ignore_errors=True)
    coco_broken(OUT / "coco-broken")
    segmentation_broken(OUT / "segmentation-broken")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
