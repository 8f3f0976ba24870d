"""Reference side of W3 (`fovea bench errors`, `fovea errors`): COCO bbox evaluation and TIDE with the public tools.

Run by hand in a venv with hotcoco, pycocotools, faster-coco-eval, tidecv (never in CI):
    python scripts/bench/coco_reference.py DIR [hotcoco pycocotools faster_coco_eval tidecv]
DIR holds gt.json and dets.json (shared/bench/coco_synth.py DIR --fp-per-image 160 writes the W3 set).
"""
import contextlib, io, sys, time
d = sys.argv[1]; which = sys.argv[2:] or ["hotcoco"]

def timed(name, fn):
    t = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()): out = fn()
    print(f"{name} seconds={time.perf_counter() - t:.3f} {out}", flush=True)

def hotcoco():  # evaluation plus TIDE, as `fovea errors` does both
    from hotcoco import COCO, COCOeval
    g = COCO(f"{d}/gt.json"); r = g.load_res(f"{d}/dets.json"); e = COCOeval(g, r, "bbox")
    e.evaluate(); e.accumulate(); e.summarize(); e.tide_errors(pos_thr=0.5, bg_thr=0.1)
    return f"AP={e.stats[0]:.6f}"

def pycocotools():
    from pycocotools.coco import COCO; from pycocotools.cocoeval import COCOeval
    g = COCO(f"{d}/gt.json"); r = g.loadRes(f"{d}/dets.json"); e = COCOeval(g, r, "bbox"); e.evaluate(); e.accumulate(); e.summarize()
    return f"AP={e.stats[0]:.6f}"

def faster_coco_eval():
    from faster_coco_eval import COCO, COCOeval_faster
    g = COCO(f"{d}/gt.json"); r = g.loadRes(f"{d}/dets.json"); e = COCOeval_faster(g, r, "bbox"); e.evaluate(); e.accumulate(); e.summarize()
    return f"AP={e.stats[0]:.6f}"

def tidecv():
    from tidecv import TIDE, datasets
    t = TIDE(); t.evaluate(datasets.COCO(f"{d}/gt.json"), datasets.COCOResult(f"{d}/dets.json"), mode=TIDE.BOX)
    return ""

for name in which: timed(name, globals()[name])
