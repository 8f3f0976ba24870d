"""Proves that TensorBoard reads the event files `fovea train` writes (RUN/tensorboard/), with the same scalars
as RUN/metrics.csv.

    python3 scripts/goldens/check_tensorboard_events.py RUN

Needs the tensorboard package (pip install tensorboard); never run by the Swift tests. Exits 1 on a mismatch.
"""
import csv
import math
import sys
from pathlib import Path

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator


def main(run: Path) -> int:
    accumulator = EventAccumulator(str(run / "tensorboard"), size_guidance={"scalars": 0})
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
    for p in problems[:20]:
        print(p)
    print(f"{len(expected)} tags, {sum(len(v) for v in expected.values())} values checked; {len(problems)} mismatches")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
