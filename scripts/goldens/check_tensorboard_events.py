"""Proves that TensorBoard reads the event files `fovea train` writes (RUN/tensorboard/): the same scalars as
RUN/metrics.csv, and one `val_samples` image per evaluation (at the steps of the val_acc rows) that Pillow decodes
to the width and height the event records.

    python3 scripts/goldens/check_tensorboard_events.py RUN

Needs the tensorboard and Pillow packages; never run by the Swift tests. Exits 1 on a mismatch.
"""
import csv
import io
import math
import sys
from pathlib import Path

from PIL import Image

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator


def main(run: Path) -> int:
    accumulator = EventAccumulator(str(run / "tensorboard"), size_guidance={"scalars": 0, "images": 0})
    accumulator.Reload()
    tags = set(accumulator.Tags()["scalars"])
    with open(run / "metrics.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    expected = {}
    for row in rows:
        for tag, value in row.items():
            if tag != "step" and value != "":
                expected.setdefault(tag, {})[int(row["step"])] = float(value)
    problems = []
    for tag, by_step in expected.items():
        if tag not in tags:
            problems.append(f"{tag}: missing from the event file")
            continue
        seen = {e.step: e.value for e in accumulator.Scalars(tag)}
        for step, value in by_step.items():
            # Event files store float32.
            if step not in seen or not math.isclose(seen[step], value, rel_tol=1e-6, abs_tol=1e-30):
                problems.append(f"{tag} step {step}: csv {value}, tensorboard {seen.get(step)}")
    images = check_images(accumulator, sorted(expected.get("val_acc", {})), problems)
    for p in problems[:20]:
        print(p)
    print(f"{len(expected)} tags, {sum(len(v) for v in expected.values())} values checked; "
          f"{images} images checked; {len(problems)} mismatches")
    return 1 if problems else 0


def check_images(accumulator, evaluation_steps, problems):
    """The val_samples images: one per evaluation step, each a PNG of the size its event records."""
    if "val_samples" not in accumulator.Tags()["images"]:
        problems.append("val_samples: no image summaries in the event file")
        return 0
    events = accumulator.Images("val_samples")
    steps = [e.step for e in events]
    if steps != evaluation_steps:
        problems.append(f"val_samples steps {steps}, evaluations at {evaluation_steps}")
    for e in events:
        picture = Image.open(io.BytesIO(e.encoded_image_string))
        if picture.format != "PNG" or picture.size != (e.width, e.height) or picture.mode != "RGB":
            problems.append(f"val_samples step {e.step}: {picture.format} {picture.mode} {picture.size}, event says {e.width}x{e.height}")
    return len(events)


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
