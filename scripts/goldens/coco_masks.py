#!/usr/bin/env python3
"""Goldens for Fovea's COCO instance masks (Sources/Datasets/InstanceMasks). Run by hand, never in CI:

    /work/venv/bin/python scripts/goldens/coco_masks.py      # needs pycocotools and numpy

Writes fixtures/coco-masks/instances.json, a COCO instances file whose annotations cover the cases of
`annToMask`: convex, concave and multi-part polygons, fractional and out-of-image coordinates, a repeated vertex,
a sub-pixel triangle, seeded random polygons, an uncompressed run-length crowd region, a compressed run-length
mask and an annotation without segmentation (Fovea uses its box, as pycocotools' frBbox). Then writes
fixtures/coco-masks/expected.json: per annotation id the mask's area and the SHA-256 of its row-major 0/1 bytes,
as pycocotools' COCO.annToMask (frBbox for the box-only annotation) gives them.
"""
import hashlib
import json
from pathlib import Path

import numpy as np
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "fixtures" / "coco-masks"


def annotations():
    rng = np.random.default_rng(11)
    images = [dict(id=1, file_name="a.png", width=23, height=17), dict(id=2, file_name="b.png", width=40, height=31)]
    polygons = [
        (1, [[2.3, 1.7, 19.6, 3.2, 15.1, 14.8, 4.4, 12.2]]),                       # convex, fractional
        (1, [[1, 1, 21, 1, 21, 15, 11, 6, 1, 15]]),                                  # concave
        (1, [[0.5, 0.5, 6.5, 0.5, 6.5, 5.5], [12, 8, 20, 8, 20, 16, 12, 16]]),       # two parts
        (1, [[-4.2, -3.1, 30.8, 2.2, 10.1, 25.7]]),                                  # beyond the image
        (1, [[3, 3, 3, 3, 12, 4, 8, 11]]),                                           # a repeated vertex
        (1, [[5.1, 5.2, 5.6, 5.3, 5.3, 5.7]]),                                       # sub-pixel triangle
        (2, [[0, 0, 39.99, 0, 39.99, 30.99, 0, 30.99]]),                             # the whole image
    ]
    for _ in range(12):  # seeded random star-shaped polygons with fractional vertices
        count = int(rng.integers(3, 12))
        angles = np.sort(rng.uniform(0, 2 * np.pi, count))
        radii = rng.uniform(3, 14, count)
        cx, cy = rng.uniform(8, 32), rng.uniform(8, 23)
        xy = np.stack([cx + radii * np.cos(angles), cy + radii * np.sin(angles)], axis=1).round(2)
        polygons.append((2, [xy.ravel().tolist()]))
    anns = [dict(id=k + 1, image_id=image, category_id=1, segmentation=segm, bbox=[0, 0, 1, 1], area=1, iscrowd=0)
            for k, (image, segm) in enumerate(polygons)]

    # A crowd region as uncompressed runs, and an object as a compressed string (both column-major, as COCO).
    crowd = np.zeros((31, 40), dtype=np.uint8)
    crowd[3:20, 5:30] = rng.integers(0, 2, (17, 25))
    encoded = mask_utils.encode(np.asfortranarray(crowd))
    runs, value, count = [], 0, 0
    for pixel in crowd.flatten(order="F"):
        if pixel != value:
            runs.append(count)
            value, count = pixel, 0
        count += 1
    runs.append(count)
    blob = np.zeros((31, 40), dtype=np.uint8)
    blob[10:25, 12:35] = 1
    blob[14:18, 20:26] = 0
    compressed = mask_utils.encode(np.asfortranarray(blob))
    next_id = len(anns) + 1
    anns.append(dict(id=next_id, image_id=2, category_id=1, segmentation=dict(counts=runs, size=[31, 40]),
                     bbox=[0, 0, 1, 1], area=1, iscrowd=1))
    anns.append(dict(id=next_id + 1, image_id=2, category_id=1,
                     segmentation=dict(counts=compressed["counts"].decode("ascii"), size=[31, 40]),
                     bbox=[0, 0, 1, 1], area=1, iscrowd=0))
    anns.append(dict(id=next_id + 2, image_id=1, category_id=1, bbox=[3.4, 2.6, 10.3, 7.9], area=1, iscrowd=0))
    assert mask_utils.decode(encoded).sum() == crowd.sum()
    return dict(images=images, annotations=anns, categories=[dict(id=1, name="thing")])


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    document = annotations()
    path = OUT / "instances.json"
    path.write_text(json.dumps(document, indent=1) + "\n")
    coco = COCO(str(path))
    expected = {}
    for ann in document["annotations"]:
        image = coco.imgs[ann["image_id"]]
        if "segmentation" in ann:
            pixels = coco.annToMask(coco.anns[ann["id"]])
        else:
            rle = mask_utils.frPyObjects(np.array([ann["bbox"]], dtype=np.float64), image["height"], image["width"])
            pixels = mask_utils.decode(rle)[..., 0]
        pixels = pixels.astype(np.uint8)
        expected[str(ann["id"])] = dict(area=int(pixels.sum()), sha256=hashlib.sha256(pixels.tobytes()).hexdigest())
    (OUT / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(expected)} masks to {OUT}")


if __name__ == "__main__":
    main()
