"""PyTorch side of `fovea bench train` (W1): shapes_cnn (or resnet18_half), batch 64, 3x64x64, one SGD step with
cross-entropy.

Run by hand in a venv with torch (never in CI):  python scripts/bench/torch_train.py [--repeats 5] [--model resnet18_half]
"""
import argparse, resource, statistics, time, torch, torch.nn as nn, torchvision

p = argparse.ArgumentParser(); p.add_argument("--repeats", type=int, default=5); p.add_argument("--batch", type=int, default=64)
p.add_argument("--model", default="shapes_cnn", choices=["shapes_cnn", "resnet18_half"])
a = p.parse_args()
def block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())
torch.manual_seed(0)
m = nn.Sequential(block(3, 32), block(32, 32), nn.MaxPool2d(2), block(32, 64), block(64, 64), nn.MaxPool2d(2),
                  block(64, 128), block(128, 128), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, 6))
if a.model == "resnet18_half":  # torchvision's resnet18 at half width, as scripts/goldens/models.py builds it
    m = torchvision.models.resnet18(); m.inplanes = 32
    m.conv1, m.bn1 = nn.Conv2d(3, 32, 7, 2, 3, bias=False), nn.BatchNorm2d(32)
    block_type = torchvision.models.resnet.BasicBlock
    m.layer1, m.layer2 = m._make_layer(block_type, 32, 2), m._make_layer(block_type, 64, 2, stride=2)
    m.layer3, m.layer4 = m._make_layer(block_type, 128, 2, stride=2), m._make_layer(block_type, 256, 2, stride=2)
    m.fc = nn.Linear(256, 6)
opt = torch.optim.SGD(m.parameters(), lr=0.05, momentum=0.9)
x = torch.randn(a.batch, 3, 64, 64); y = torch.randint(0, 6, (a.batch,))
def step():
    opt.zero_grad(); nn.functional.cross_entropy(m(x), y).backward(); opt.step()
step(); ts = []
for _ in range(a.repeats):
    t = time.perf_counter(); step(); ts.append(time.perf_counter() - t)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(f"torch W1 {a.model} train step b{a.batch} 64x64 median_seconds={statistics.median(ts):.4f} peak_rss_mb={rss}")
