"""Accuracy of a trained Fovea classifier on a held-out shapes fixture, per manifest `difficulty` (plain, small,
lookalike, occluded, low_contrast, clutter), and its most frequent confusions. Run by hand (never in CI):

    fovea fixtures shapes --task classification --out /tmp/shapes-test --images 1000 --seed 4
    python scripts/bench/shapes_accuracy_by_difficulty.py resnet18 RUN/checkpoints/step-0000400/model.safetensors /tmp/shapes-test

Uses `fovea predict` (FOVEA env var: the binary, default .build/release/fovea); classes are the sorted folder names,
as ImageFolder orders them. Used for the issue-4 reference run in docs/training.md.
"""
import collections, json, os, subprocess, sys, tempfile

model, weights, root = sys.argv[1:4]
fovea = os.environ.get("FOVEA", ".build/release/fovea")
manifest = json.load(open(f"{root}/manifest.json"))
classes = sorted({entry["file"].split("/")[0] for entry in manifest})
with tempfile.TemporaryDirectory() as folder:
    out = f"{folder}/predictions.json"
    subprocess.run([fovea, "predict", "--model", model, "--weights", weights, "--size", "64", "--json", out, "--top", "1",
                    "--image"] + [f"{root}/{entry['file']}" for entry in manifest], check=True, stdout=subprocess.DEVNULL)
    predictions = json.load(open(out))["predictions"]
right = collections.defaultdict(list)
confusions = collections.Counter()
for entry, prediction in zip(manifest, predictions):
    truth = classes.index(entry["file"].split("/")[0])
    ok = prediction["class"] == truth
    right[entry["difficulty"]].append(ok)
    right["all"].append(ok)
    if not ok:
        confusions[f"{classes[truth]}→{classes[prediction['class']]}"] += 1
print(" ".join(f"{key} {sum(v) / len(v):.3f} ({len(v)})" for key, v in sorted(right.items())))
print("confusions:", ", ".join(f"{pair} {n}" for pair, n in confusions.most_common(6)))
