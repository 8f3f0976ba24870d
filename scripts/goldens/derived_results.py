"""Writes the stand-ins for a model's output that the example iterate configs read:
fixtures/iterate/detection-results.json, COCO results derived from the shapes detection sample's ground truth so
that every TIDE error type occurs, and fixtures/iterate/segmentation-predictions/*.png, masks derived from the
shapes segmentation sample's so that every region error occurs (needs numpy and Pillow).

    python3 scripts/goldens/derived_results.py
"""
import json
import pathlib

root = pathlib.Path(__file__).resolve().parents[2]
gt = json.loads((root / "fixtures/shapes/detection/annotations.json").read_text())
cats = [c["id"] for c in gt["categories"]]
out = []
for i, a in enumerate(gt["annotations"]):
    x, y, w, h = a["bbox"]
    det = lambda cat, score, box: out.append({"image_id": a["image_id"], "category_id": cat, "score": score, "bbox": box})
    kind = i % 6
    if kind == 0:
        det(a["category_id"], 0.9, [x, y, w, h])                          # found
    elif kind == 1:
        det(a["category_id"], 0.8, [x + 0.6 * w, y, w, h])                # Loc
    elif kind == 2:
        det(cats[(cats.index(a["category_id"]) + 1) % len(cats)], 0.85, [x, y, w, h])  # Cls
    elif kind == 3:
        pass                                                              # Miss
    elif kind == 4:
        det(a["category_id"], 0.95, [x, y, w, h])
        det(a["category_id"], 0.7, [x, y, w, h])                          # Dupe
    else:
        det(a["category_id"], 0.75, [x, y, w, h])
        det(a["category_id"], 0.65, [1, 1, 6, 6])                         # Bkg
(root / "fixtures/iterate/detection-results.json").write_text(json.dumps(out, separators=(",", ":")) + "\n")
print(f"{len(out)} detections")

import numpy as np
from PIL import Image

masks = root / "fixtures/shapes/segmentation/masks"
predictions = root / "fixtures/iterate/segmentation-predictions"
predictions.mkdir(exist_ok=True)
for i, path in enumerate(sorted(masks.glob("*.png"))):
    m = np.array(Image.open(path))
    objects = (m != 0) & (m != 255)
    if i % 4 == 0:
        m[objects] = 0                      # Miss
    elif i % 4 == 1:
        m[objects] = m[objects] % 5 + 1     # Cls
    elif i % 4 == 2:
        m[:12, :12] = 3                     # Bkg: an invented square
    Image.fromarray(m).save(predictions / path.name, optimize=True)
print(f"{i + 1} masks")
