"""Reference learnability check of a `fovea fixtures shapes --task classification` dataset: PyTorch's shapes_cnn
trained on it (80/20 split, batch 32), printing train and validation accuracy. Run by hand (never in CI):

    fovea fixtures shapes --task classification --out /tmp/shapes600 --images 600 --seed 3
    python scripts/bench/torch_shapes_fixture.py /tmp/shapes600 [--sgd LR] [--steps N]

Used to tell a dataset that is too hard from a trainer that does not learn: on 2026-11-29's generator this
model stayed at chance (train acc ≤ 0.31 after 300 steps), as Fovea's trainer did. On the 80 %-plain generator
(1000 images, seed 3) validation accuracy is 0.335 after 300 steps; figures in docs/datasets.md.
"""
import argparse, glob, os
import numpy as np, torch, torch.nn as nn
from PIL import Image

p = argparse.ArgumentParser(); p.add_argument("root"); p.add_argument("--sgd", type=float); p.add_argument("--steps", type=int, default=300)
a = p.parse_args()
classes = sorted(d for d in os.listdir(a.root) if os.path.isdir(f"{a.root}/{d}"))
X, Y = [], []
for k, c in enumerate(classes):
    for f in sorted(glob.glob(f"{a.root}/{c}/*.png")):
        X.append(np.asarray(Image.open(f).convert("RGB").resize((64, 64)), dtype=np.float32) / 255); Y.append(k)
X = torch.tensor(np.stack(X)).permute(0, 3, 1, 2); Y = torch.tensor(Y)
X = (X - X.mean((0, 2, 3), keepdim=True)) / X.std((0, 2, 3), keepdim=True)
g = torch.Generator().manual_seed(0); perm = torch.randperm(len(Y), generator=g); n = int(0.8 * len(Y))
tr, va = perm[:n], perm[n:]
def block(cin, cout): return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())
torch.manual_seed(0)
m = nn.Sequential(block(3, 32), block(32, 32), nn.MaxPool2d(2), block(32, 64), block(64, 64), nn.MaxPool2d(2),
                  block(64, 128), block(128, 128), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, len(classes)))
opt = torch.optim.SGD(m.parameters(), lr=a.sgd, momentum=0.9) if a.sgd else torch.optim.AdamW(m.parameters(), lr=1e-3)
for step in range(a.steps):
    idx = tr[torch.randint(0, n, (32,), generator=g)]
    m.train(); loss = nn.functional.cross_entropy(m(X[idx]), Y[idx]); opt.zero_grad(); loss.backward(); opt.step()
    if (step + 1) % 50 == 0:
        m.eval()
        with torch.no_grad():
            acc = (m(X[va]).argmax(1) == Y[va]).float().mean().item(); tacc = (m(X[tr]).argmax(1) == Y[tr]).float().mean().item()
        print(step + 1, round(loss.item(), 3), "train acc", round(tacc, 3), "val acc", round(acc, 3), flush=True)
