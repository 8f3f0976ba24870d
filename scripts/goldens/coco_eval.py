"""Parity goldens for the Evaluation module: COCO AP (pycocotools 2.0.x) and TIDE (tidecv 1.0.1).

Run by hand, never in CI:  /work/venv/bin/python scripts/goldens/coco_eval.py
Writes fixtures/coco/<case>/{gt.json, dets.json, expected.json} (a few kilobytes each) and
fixtures/coco/masks.json (polygon rasterisation, RLE strings, areas, boxes and IoUs from pycocotools.mask).

The synthetic sets hold the cases where implementations disagree: crowds (bbox and RLE), score ties,
images without ground truth or without detections, a category listed but absent from the ground truth,
an image with more than 100 detections, non-sequential annotation ids, areas on the range boundaries.
"""
import contextlib, io, json, os, random, sys

import numpy as np
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval
from tidecv import TIDE, datasets

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fixtures", "coco")
W, H = 64, 48  # small images keep RLE strings short


def jitter_box(R, box, amount):
    x, y, w, h = box
    return [round(x + R.gauss(0, amount * w), 2), round(y + R.gauss(0, amount * h), 2),
            round(max(1.0, w * (1 + R.gauss(0, amount))), 2), round(max(1.0, h * (1 + R.gauss(0, amount))), 2)]


def polygon_for(R, box):
    """An irregular polygon inside the box, sometimes in two parts."""
    x, y, w, h = box
    pts = []
    for k in range(R.randint(3, 7)):
        a = 2 * np.pi * k / 7 + R.uniform(0, 0.5)
        pts += [round(x + w / 2 + np.cos(a) * w / 2 * R.uniform(0.6, 1.0), 2),
                round(y + h / 2 + np.sin(a) * h / 2 * R.uniform(0.6, 1.0), 2)]
    parts = [pts]
    if R.random() < 0.3:
        parts.append([round(x, 2), round(y, 2), round(x + w / 3, 2), round(y, 2), round(x, 2), round(y + h / 3, 2)])
    return parts


def make_case(seed, images, classes, segm, det_bbox_in_segm=True, first_ann_id=1000):
    R = random.Random(seed)
    imgs, anns, dets = [], [], []
    aid = first_ann_id
    for i in range(1, images + 1):
        iid = i * 3  # non-contiguous image ids
        imgs.append({"id": iid, "file_name": f"{iid}.png", "width": W, "height": H})
        n = 0 if i % 7 == 0 else R.randint(0, 5)  # some images without ground truth
        for _ in range(n):
            w = R.choice([R.uniform(2, 8), R.uniform(8, 20), R.uniform(20, 60)])
            h = R.choice([R.uniform(2, 8), R.uniform(8, 20), R.uniform(20, 46)])
            w, h = min(w, W - 1), min(h, H - 1)
            x, y = R.uniform(0, W - w), R.uniform(0, H - h)
            box = [round(x, 2), round(y, 2), round(w, 2), round(h, 2)]
            c = R.randint(1, classes - 1)  # the last category never has ground truth
            crowd = 1 if R.random() < 0.08 else 0
            ann = {"id": aid, "image_id": iid, "category_id": c, "bbox": box, "iscrowd": crowd}
            aid += R.choice([1, 2, 7])  # non-sequential ids
            if segm:
                if crowd:
                    m = np.zeros((H, W), dtype=np.uint8, order="F")
                    m[int(y):int(y + h) + 1, int(x):int(x + w) + 1] = 1
                    rle = mask_utils.encode(m)
                    counts = []  # uncompressed RLE, as COCO stores crowds
                    flat = m.flatten(order="F"); v = 0; run = 0
                    for p in flat:
                        if p != v: counts.append(run); run = 0; v = p
                        run += 1
                    counts.append(run)
                    ann["segmentation"] = {"size": [H, W], "counts": counts}
                    ann["area"] = float(mask_utils.area(rle))
                else:
                    poly = polygon_for(R, box)
                    ann["segmentation"] = poly
                    ann["area"] = float(mask_utils.area(mask_utils.merge(mask_utils.frPyObjects(poly, H, W))))
            else:
                ann["segmentation"] = [[box[0], box[1], box[0] + box[2], box[1], box[0] + box[2], box[1] + box[3], box[0], box[1] + box[3]]]
                # areas on and around the small/medium boundary (32²) and otherwise box areas
                ann["area"] = R.choice([round(box[2] * box[3], 3), 1024.0, 9216.0, round(box[2] * box[3] * 0.8, 3)])
            anns.append(ann)
            r = R.random()
            if r < 0.15:
                continue  # missed
            score = R.choice([0.9, 0.8, 0.5, 0.5, 0.3, round(R.uniform(0.05, 1), 3)])  # ties on purpose
            cc = c if R.random() > 0.15 else R.randint(1, classes)
            db = jitter_box(R, box, R.choice([0.02, 0.02, 0.15, 0.4]))
            det = {"image_id": iid, "category_id": cc, "score": score}
            if segm:
                db = [max(0.0, db[0]), max(0.0, db[1]), db[2], db[3]]
                amount = R.choice([0.3, 0.6, 2.0])
                source = ann["segmentation"] if isinstance(ann["segmentation"], list) else polygon_for(R, box)
                moved = [[round(v + R.gauss(0, amount), 2) for v in part] for part in source]
                det["segmentation"] = mask_utils.merge(mask_utils.frPyObjects(moved, H, W))
                det["segmentation"]["counts"] = det["segmentation"]["counts"].decode()
                if det_bbox_in_segm:
                    det["bbox"] = db
            else:
                det["bbox"] = db
            dets.append(det)
            if R.random() < 0.2:  # duplicate
                d2 = dict(det); d2["score"] = round(score * 0.9, 3)
                if not segm:
                    d2["bbox"] = jitter_box(R, db, 0.02)
                dets.append(d2)
        for _ in range(R.randint(0, 3)):  # background false positives, some in the category absent from GT
            w, h = R.uniform(2, 30), R.uniform(2, 30)
            x, y = R.uniform(0, W - w), R.uniform(0, H - h)
            db = [round(x, 2), round(y, 2), round(w, 2), round(h, 2)]
            det = {"image_id": iid, "category_id": R.randint(1, classes), "score": R.choice([0.5, 0.3, round(R.uniform(0, 0.6), 3)])}
            if segm:
                det["segmentation"] = mask_utils.merge(mask_utils.frPyObjects(polygon_for(R, db), H, W))
                det["segmentation"]["counts"] = det["segmentation"]["counts"].decode()
                if det_bbox_in_segm:
                    det["bbox"] = db
            else:
                det["bbox"] = db
            dets.append(det)
    # one image with more than 100 detections, most in one category (maxDets 100 per image and
    # category in COCO; TIDE's cap of 100 per image across categories)
    busy = imgs[1]["id"]
    for k in range(130):
        db = [round(R.uniform(0, 40), 2), round(R.uniform(0, 30), 2), round(R.uniform(3, 20), 2), round(R.uniform(3, 15), 2)]
        det = {"image_id": busy, "category_id": 1 if k < 110 else R.randint(1, classes), "score": round(R.uniform(0, 1), 2)}
        if segm:
            det["segmentation"] = mask_utils.merge(mask_utils.frPyObjects(polygon_for(R, db), H, W))
            det["segmentation"]["counts"] = det["segmentation"]["counts"].decode()
            if det_bbox_in_segm:
                det["bbox"] = db
        else:
            det["bbox"] = db
        dets.append(det)
    if first_ann_id == 0 and not segm:
        # make sure the annotation with id 0 is a regular one that a detection matches exactly
        zero = anns[0]
        zero["iscrowd"] = 0
        dets.append({"image_id": zero["image_id"], "category_id": zero["category_id"], "bbox": list(zero["bbox"]), "score": 0.97})
    cats = [{"id": c, "name": f"class_{c}", "supercategory": "thing"} for c in range(1, classes + 1)]
    return {"images": imgs, "annotations": anns, "categories": cats}, dets


def coco_reference(gt_path, dets_path, iou_type):
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(gt_path)
        res = gt.loadRes(dets_path)
        ev = COCOeval(gt, res, iou_type)
        ev.evaluate(); ev.accumulate(); ev.summarize()
    precision = ev.eval["precision"]  # [T, R, K, A, M]
    per_class = {}
    for k, cat in enumerate(ev.params.catIds):
        p = precision[:, :, k, 0, 2]
        per_class[str(cat)] = float(np.mean(p[p > -1])) if (p > -1).any() else -1.0
    return {
        "stats": [float(s) for s in ev.stats],
        "per_class_ap": per_class,
        # one precision-recall curve per category at IoU 0.5, area all, maxDets 100
        "pr_curve_iou50": {str(cat): [float(v) for v in precision[0, :, k, 0, 2]] for k, cat in enumerate(ev.params.catIds)},
        "recall": {str(cat): [float(v) for v in ev.eval["recall"][:, k, 0, 2]] for k, cat in enumerate(ev.params.catIds)},
    }


def tide_reference(gt_path, dets_path, iou_type):
    mode = TIDE.BOX if iou_type == "bbox" else TIDE.MASK
    with contextlib.redirect_stdout(io.StringIO()):
        t = TIDE()
        gt_data = datasets.COCO(gt_path)
        pred_data = datasets.COCOResult(dets_path)
        run = t.evaluate(gt_data, pred_data, mode=mode)
        errors = t.get_all_errors()
    name = list(errors["main"].keys())[0]
    labels = {}
    for pred in pred_data.annotations:
        if "used" in pred and pred["used"]:
            labels[str(pred["_id"])] = "TP"
    gt_status = {}
    for err in run.errors:
        if hasattr(err, "pred"):
            labels[str(err.pred["_id"])] = err.short_name
        else:
            gt_status[str(err.gt["_id"])] = err.short_name
    return {
        "main": {k: float(v) for k, v in errors["main"][name].items()},
        "special": {k: float(v) for k, v in errors["special"][name].items()},
        "AP50": float(run.ap),
        "detection_errors": labels,  # results-file index -> TP or error type; absent: beyond the 100 cap
        "missed_gt_indices": sorted(int(k) for k in gt_status),  # annotation-list indices labelled Miss
    }


def mask_goldens():
    """Rasterisation and RLE arithmetic, straight from pycocotools.mask."""
    R = random.Random(7)
    h, w = 23, 31
    polys = [
        [[2.0, 2.0, 20.0, 3.5, 12.25, 18.75]],
        [[0.0, 0.0, 30.9, 0.0, 30.9, 22.9, 0.0, 22.9]],
        [[5.5, 5.5, 5.5, 5.5, 9.5, 5.5]],  # degenerate
        [[-3.0, -2.0, 40.0, 10.0, 10.0, 30.0]],  # beyond the image
        [[1.0, 1.0, 8.0, 1.0, 8.0, 8.0, 1.0, 8.0], [10.0, 10.0, 18.0, 12.0, 11.0, 20.0]],
    ]
    for _ in range(6):
        pts = []
        for _ in range(R.randint(3, 9)):
            pts += [round(R.uniform(-2, w + 2), 3), round(R.uniform(-2, h + 2), 3)]
        polys.append([pts])
    out = []
    for poly in polys:
        rle = mask_utils.merge(mask_utils.frPyObjects(poly, h, w))
        parts = [mask_utils.frPyObjects([p], h, w)[0]["counts"].decode() for p in poly]
        out.append({"polygon": poly, "counts": rle["counts"].decode(), "part_counts": parts,
                    "area": int(mask_utils.area(rle)), "bbox": [float(v) for v in mask_utils.toBbox(rle)]})
    rles = [mask_utils.merge(mask_utils.frPyObjects(p, h, w)) for p in polys]
    iou = mask_utils.iou(rles, rles, [0] * len(rles))
    crowd_iou = mask_utils.iou(rles, rles, [1] * len(rles))
    boxes = [[1.0, 2.0, 10.0, 5.0], [3.5, 1.0, 4.0, 12.0], [20.0, 20.0, 1.0, 1.0], [0.0, 0.0, 0.0, 5.0]]
    box_iou = mask_utils.iou(boxes, boxes, [0, 1, 0, 0])
    # a random mask, column-major, and its compressed RLE
    m = (np.random.RandomState(3).rand(h, w) > 0.6).astype(np.uint8)
    enc = mask_utils.encode(np.asfortranarray(m))
    return {"height": h, "width": w, "polygons": out,
            "iou": np.asarray(iou).tolist(), "crowd_iou": np.asarray(crowd_iou).tolist(),
            "boxes": boxes, "box_iscrowd": [0, 1, 0, 0], "box_iou": np.asarray(box_iou).tolist(),
            "mask_rows": ["".join(str(v) for v in row) for row in m], "mask_counts": enc["counts"].decode(),
            "bbox_rle": [r["counts"].decode() for r in mask_utils.frPyObjects(np.array(boxes[:3]), h, w)]}


def write_case(name, seed, images, classes, iou_type, det_bbox_in_segm=True, first_ann_id=1000):
    d = os.path.join(ROOT, name)
    os.makedirs(d, exist_ok=True)
    gt, dets = make_case(seed, images, classes, iou_type == "segm", det_bbox_in_segm, first_ann_id)
    gt_path, dets_path = os.path.join(d, "gt.json"), os.path.join(d, "dets.json")
    json.dump(gt, open(gt_path, "w"), separators=(",", ":"))
    json.dump(dets, open(dets_path, "w"), separators=(",", ":"))
    expected = {"iou_type": iou_type, "coco": coco_reference(gt_path, dets_path, iou_type),
                "tide": tide_reference(gt_path, dets_path, iou_type)}
    json.dump(expected, open(os.path.join(d, "expected.json"), "w"), separators=(",", ":"))
    print(name, "gt", len(gt["annotations"]), "dets", len(dets), "AP", round(expected["coco"]["stats"][0], 4),
          "TIDE AP50", round(expected["tide"]["AP50"], 3))


if __name__ == "__main__":
    os.makedirs(ROOT, exist_ok=True)
    write_case("bbox_mixed", seed=1, images=28, classes=6, iou_type="bbox")
    write_case("bbox_dense", seed=2, images=40, classes=3, iou_type="bbox")
    write_case("segm_with_boxes", seed=3, images=20, classes=4, iou_type="segm")
    write_case("segm_rle_only", seed=4, images=16, classes=4, iou_type="segm", det_bbox_in_segm=False)
    # annotation ids from 0: pycocotools records a match by ground-truth id, so a match to id 0 counts as none
    write_case("bbox_zero_id", seed=5, images=12, classes=3, iou_type="bbox", first_ann_id=0)
    json.dump(mask_goldens(), open(os.path.join(ROOT, "masks.json"), "w"), separators=(",", ":"))
    print("masks.json written")
