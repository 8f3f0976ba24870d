"""pytorch-grad-cam side of `fovea bench cam` (W2): resnet18 (random init, eval), 1x3x224x224, layer4, target class 3.

Run by hand in a venv with torch, torchvision, grad-cam (never in CI):
    python scripts/bench/torch_cam.py [--method gradcam gradcam++ scorecam] [--repeats 5]
"""
import argparse, statistics, time, torch, torchvision
from pytorch_grad_cam import GradCAM, GradCAMPlusPlus, ScoreCAM, HiResCAM, XGradCAM, LayerCAM, AblationCAM, EigenCAM
from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

methods = {"gradcam": GradCAM, "gradcam++": GradCAMPlusPlus, "scorecam": ScoreCAM, "hirescam": HiResCAM,
           "xgradcam": XGradCAM, "layercam": LayerCAM, "ablationcam": AblationCAM, "eigencam": EigenCAM}
p = argparse.ArgumentParser()
p.add_argument("--method", nargs="+", default=["gradcam", "gradcam++", "scorecam"]); p.add_argument("--repeats", type=int, default=5)
p.add_argument("--size", type=int, default=224)
a = p.parse_args()
torch.manual_seed(0)
model = torchvision.models.resnet18().eval()
x = torch.randn(1, 3, a.size, a.size)
for name in a.method:
    cam = methods[name](model=model, target_layers=[model.layer4])
    if hasattr(cam, "batch_size"): cam.batch_size = 32
    run = lambda: cam(input_tensor=x, targets=[ClassifierOutputTarget(3)])
    reps = 1 if name in ("scorecam", "ablationcam") else a.repeats
    run(); ts = []
    for _ in range(reps):
        t = time.perf_counter(); run(); ts.append(time.perf_counter() - t)
    print(f"torch W2 resnet18 {name} b1 {a.size}x{a.size} median_seconds={statistics.median(ts):.4f}")
