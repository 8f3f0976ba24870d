"""PyTorch side of `fovea bench infer`: median forward time in eval mode under no_grad.

Run by hand in a venv with torch and torchvision (never in CI):
    python scripts/bench/torch_infer.py --model resnet18 --batch 1 --size 224     # W2 forward
    python scripts/bench/torch_infer.py --model shapes_cnn --batch 64 --size 64   # W1 inference
"""
import argparse, statistics, time, torch, torchvision
import torch.nn as nn

p = argparse.ArgumentParser()
p.add_argument("--model", default="resnet18"); p.add_argument("--batch", type=int, default=1)
p.add_argument("--size", type=int, default=224); p.add_argument("--repeats", type=int, default=5)
a = p.parse_args()

def shapes_cnn(num_classes=6):
    def block(cin, cout):
        return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())
    return nn.Sequential(block(3, 32), block(32, 32), nn.MaxPool2d(2), block(32, 64), block(64, 64), nn.MaxPool2d(2),
                         block(64, 128), block(128, 128), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, num_classes))

torch.manual_seed(0)
m = (shapes_cnn() if a.model == "shapes_cnn" else getattr(torchvision.models, a.model)()).eval()
x = torch.randn(a.batch, 3, a.size, a.size)
with torch.no_grad():
    m(x)
    ts = []
    for _ in range(a.repeats):
        t = time.perf_counter(); m(x); ts.append(time.perf_counter() - t)
print(f"torch infer {a.model} b{a.batch} {a.size}x{a.size} median_seconds={statistics.median(ts):.4f} threads={torch.get_num_threads()}")
