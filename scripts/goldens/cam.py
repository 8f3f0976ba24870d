"""Writes Grad-CAM family goldens into fixtures/cam/ from pytorch-grad-cam (1.5.x) on torchvision's resnet18.

Run by hand (never in CI) in a venv with torch, torchvision, grad-cam:  python scripts/goldens/cam.py
Weights come from formula.py (recomputed by the Swift tests); the input is fixtures/models/logits.json's batch.
Each case writes maps [N, H, W] float32 as .npy; cases.json lists method, layer, targets and options.
"""
import json, pathlib
import numpy as np
import torch, torchvision
from pytorch_grad_cam import (GradCAM, GradCAMPlusPlus, HiResCAM, XGradCAM, LayerCAM, ScoreCAM, AblationCAM, EigenCAM)
from pytorch_grad_cam.utils.model_targets import ClassifierOutputSoftmaxTarget
from formula import fill

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "fixtures" / "cam"; OUT.mkdir(parents=True, exist_ok=True)
golden = json.loads((ROOT / "fixtures" / "models" / "logits.json").read_text())
np.save(OUT / "input.npy", np.array(golden["input"]["data"], dtype=np.float32).reshape(golden["input"]["shape"]))
x = torch.tensor(golden["input"]["data"], dtype=torch.float32).reshape(golden["input"]["shape"])
model = fill(torchvision.models.resnet18())
methods = {"gradcam": GradCAM, "gradcam++": GradCAMPlusPlus, "hirescam": HiResCAM, "xgradcam": XGradCAM,
           "layercam": LayerCAM, "scorecam": ScoreCAM, "ablationcam": AblationCAM, "eigencam": EigenCAM}
cases = []
def run(name, method, layer, targets=None, eigen_smooth=False, aug_smooth=False):
    cam = methods[method](model=model, target_layers=[getattr(model, layer)])
    maps = cam(input_tensor=x, targets=targets, eigen_smooth=eigen_smooth, aug_smooth=aug_smooth)
    np.save(OUT / f"{name}.npy", maps.astype(np.float32))
    cases.append({"name": name, "method": method, "layer": layer, "eigen_smooth": eigen_smooth, "aug_smooth": aug_smooth,
                  "softmax_targets": [t.category for t in targets] if targets else None})
for layer in ["layer4", "layer3"]:
    for method in methods:
        run(f"{method}_{layer}", method, layer)
run("gradcam_layer4_softmax_targets", "gradcam", "layer4", targets=[ClassifierOutputSoftmaxTarget(3), ClassifierOutputSoftmaxTarget(7)])
run("gradcam_layer4_eigen_smooth", "gradcam", "layer4", eigen_smooth=True)
run("gradcam++_layer3_aug_smooth", "gradcam++", "layer3", aug_smooth=True)
with torch.no_grad():
    argmax = model(x).argmax(1).tolist()
(OUT / "cases.json").write_text(json.dumps({"generator": "scripts/goldens/cam.py", "argmax": argmax, "cases": cases}, indent=1))
print(len(cases), "cases", sum(f.stat().st_size for f in OUT.iterdir()) // 1024, "KiB")
