"""Recipe search for issue #4's accuracy goal, in PyTorch (quick to vary): trains a classifier on a generated shapes
fixture and prints validation accuracy per manifest difficulty (plain, small, lookalike, occluded, low_contrast,
clutter) every 100 steps, with the CPU time spent, and the training-set accuracy per difficulty at the end
(under-fit or over-fit?). Run by hand (never in CI), one recipe per run:

    fovea fixtures shapes --task classification --out /tmp/fovea-shapes-classification --images 5000 --seed 3
    python scripts/bench/torch_shapes_recipes.py /tmp/fovea-shapes-classification --arch resnet18 --steps 400

The split is 20 % per class, seeded; augmentation is Fovea's committed recipe (both flips, contrast 0.2–1.8 and
brightness 0.8–1.2 on half the images); AdamW with one-cycle, no weight decay on norms and biases, clipping at 1.0.
Architectures: resnet18 (torchvision), resnet18-nomaxpool, thin (resnet18's layout without max pool, widths
scaled by --width: the same multiply-adds at half width, four times the resolution per stage), narrow (resnet18's
layout, max pool kept, widths scaled: a quarter of the multiply-adds at half width), shapes (shapes_cnn).
Recipe variants: --size (input resized), --focal GAMMA (focal loss), --pool K --select-after N (after N steps, each
batch is the highest-loss 1/K of K batches scored in eval mode: selective backprop), --loss-sampling F (a share F of
each batch drawn without replacement in proportion to each training image's last training loss, the rest from the
epoch order: online hard-example sampling, no extra forward), --zoom-out P, --erase P. Results: docs/training.md.
"""
import argparse, json, os, time
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F, torchvision
from PIL import Image

p = argparse.ArgumentParser()
p.add_argument("root")
p.add_argument("--arch", default="resnet18", choices=["resnet18", "resnet18-nomaxpool", "thin", "narrow", "shapes"])
p.add_argument("--steps", type=int, default=400); p.add_argument("--batch", type=int, default=64)
p.add_argument("--lr", type=float, default=0.004); p.add_argument("--wd", type=float, default=0.05)
p.add_argument("--width", type=float, default=0.5); p.add_argument("--size", type=int, default=64)
p.add_argument("--focal", type=float, default=0); p.add_argument("--label-smoothing", type=float, default=0.05)
p.add_argument("--pool", type=int, default=1); p.add_argument("--select-after", type=int, default=0)
p.add_argument("--erase", type=float, default=0); p.add_argument("--zoom-out", type=float, default=0)
p.add_argument("--zoom-border", default="reflect", choices=["reflect", "black"])
p.add_argument("--loss-sampling", type=float, default=0)
p.add_argument("--threads", type=int, default=2); p.add_argument("--seed", type=int, default=0)
a = p.parse_args()
torch.set_num_threads(a.threads); torch.manual_seed(a.seed)

manifest = json.load(open(f"{a.root}/manifest.json"))
classes = sorted({e["file"].split("/")[0] for e in manifest})
X = torch.tensor(np.stack([np.asarray(Image.open(f"{a.root}/{e['file']}").convert("RGB")) for e in manifest]))
X = X.permute(0, 3, 1, 2).float() / 255
black = -X.mean((0, 2, 3), keepdim=True)[0] / X.std((0, 2, 3), keepdim=True)[0]  # 0 in image units, normalised
X = (X - X.mean((0, 2, 3), keepdim=True)) / X.std((0, 2, 3), keepdim=True)
if a.size != X.shape[-1]: X = F.interpolate(X, size=(a.size, a.size), mode="bilinear", align_corners=False)
Y = torch.tensor([classes.index(e["file"].split("/")[0]) for e in manifest])
difficulty = [e["difficulty"] or "plain" for e in manifest]
rng = np.random.default_rng(0)
val = []
for k in range(len(classes)):
    members = np.where(Y.numpy() == k)[0]; rng.shuffle(members); val += list(members[: len(members) // 5])
val = np.array(sorted(val)); train = np.setdiff1d(np.arange(len(Y)), val)


def thin(maxpool=False):
    """resnet18's blocks, widths scaled by --width; without the max pool (thin) the stages are at 32², 16², 8², 4² for
    a 64² input, with it (narrow) at resnet18's 16² … 2²."""
    widths = [int(c * a.width) for c in (64, 128, 256, 512)]
    layers, cin = [], widths[0]
    for i, c in enumerate(widths):
        for b in range(2):
            stride = 2 if b == 0 and i > 0 else 1
            down = None if stride == 1 and cin == c else nn.Sequential(nn.Conv2d(cin, c, 1, stride, bias=False), nn.BatchNorm2d(c))
            layers.append(torchvision.models.resnet.BasicBlock(cin, c, stride, down)); cin = c
    stem = [nn.Conv2d(3, widths[0], 7, 2, 3, bias=False), nn.BatchNorm2d(widths[0]), nn.ReLU()] + ([nn.MaxPool2d(3, 2, 1)] if maxpool else [])
    return nn.Sequential(*stem, *layers,
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, len(classes)))


def shapes_cnn():
    def block(cin, cout): return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())
    return nn.Sequential(block(3, 32), block(32, 32), nn.MaxPool2d(2), block(32, 64), block(64, 64), nn.MaxPool2d(2),
                         block(64, 128), block(128, 128), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, len(classes)))


if a.arch.startswith("resnet18"):
    model = torchvision.models.resnet18(num_classes=len(classes))
    if a.arch == "resnet18-nomaxpool": model.maxpool = nn.Identity()
else:
    model = thin() if a.arch == "thin" else thin(maxpool=True) if a.arch == "narrow" else shapes_cnn()
groups = [{"params": [q for q in model.parameters() if q.ndim > 1], "weight_decay": a.wd},
          {"params": [q for q in model.parameters() if q.ndim <= 1], "weight_decay": 0}]
optimizer = torch.optim.AdamW(groups, lr=a.lr)
schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=a.lr, total_steps=a.steps)
g = torch.Generator().manual_seed(a.seed)


def accuracy(indices):
    model.eval()
    with torch.no_grad():
        predicted = torch.cat([model(X[indices[i:i + 250]]).argmax(1) for i in range(0, len(indices), 250)])
    model.train()
    right = (predicted == Y[indices]).numpy()
    kinds = np.array([difficulty[i] for i in indices])
    return right.mean(), {str(k): round(float(right[kinds == k].mean()), 3) for k in sorted(set(kinds))}


seen_loss = torch.full((len(Y),), float(np.log(len(classes))))
start = time.process_time(); order = torch.randperm(len(train), generator=g); position = 0
for step in range(a.steps):
    hard = int(a.batch * a.loss_sampling) if step >= a.select_after else 0
    take = a.batch * (a.pool if step >= a.select_after else 1) - hard
    if position + take > len(train): order = torch.randperm(len(train), generator=g); position = 0
    members = train[order[position:position + take].numpy()]; position += take
    if take > a.batch:
        model.eval()
        with torch.no_grad(): losses = F.cross_entropy(model(X[members]), Y[members], reduction="none")
        model.train(); members = members[losses.argsort(descending=True)[: a.batch].numpy()]
    if hard:
        weights = seen_loss[train]
        extra = train[torch.multinomial(weights, hard, replacement=False, generator=g).numpy()]
        members = np.concatenate([members, extra])
    x, y = X[members].clone(), Y[members]
    flip = torch.rand(len(y), generator=g) < 0.5; x[flip] = x[flip].flip(3)
    flip = torch.rand(len(y), generator=g) < 0.5; x[flip] = x[flip].flip(2)
    jitter = torch.rand(len(y), generator=g) < 0.5
    if jitter.any():
        n = int(jitter.sum()); contrast = 0.2 + 1.6 * torch.rand(n, 1, 1, 1, generator=g)
        brightness = 0.8 + 0.4 * torch.rand(n, 1, 1, 1, generator=g)
        chosen = x[jitter]; mean = chosen.mean((1, 2, 3), keepdim=True); x[jitter] = (mean + (chosen - mean) * contrast) * brightness
    if a.zoom_out:  # shrink by 1–1.6 into reflected surroundings (objects smaller, no border), probability --zoom-out
        for i in np.where((torch.rand(len(y), generator=g) < a.zoom_out).numpy())[0]:
            side = int(64 * (1 + 0.6 * torch.rand(1, generator=g).item())); pad = side - 64
            left, top = int(torch.randint(0, pad + 1, (1,), generator=g)), int(torch.randint(0, pad + 1, (1,), generator=g))
            if a.zoom_border == "reflect":
                padded = F.pad(x[i:i + 1], (left, pad - left, top, pad - top), mode="reflect")
            else:  # black in image units, as Fovea's default fill
                padded = F.pad(x[i:i + 1] - black, (left, pad - left, top, pad - top)) + black
            x[i] = F.interpolate(padded, size=(64, 64), mode="area")[0]
    if a.erase:  # torchvision's RandomErasing: area 2–33 %, aspect 0.3–3.3, random normal values, probability --erase
        for i in np.where((torch.rand(len(y), generator=g) < a.erase).numpy())[0]:
            area = 64 * 64 * (0.02 + 0.31 * torch.rand(1, generator=g).item())
            ratio = float(np.exp(np.log(0.3) + (np.log(3.3) - np.log(0.3)) * torch.rand(1, generator=g).item()))
            h, w = int(round((area * ratio) ** 0.5)), int(round((area / ratio) ** 0.5))
            if h < 64 and w < 64:
                top, left = int(torch.randint(0, 64 - h + 1, (1,), generator=g)), int(torch.randint(0, 64 - w + 1, (1,), generator=g))
                x[i, :, top:top + h, left:left + w] = torch.randn(3, h, w, generator=g)
    logits = model(x)
    loss = F.cross_entropy(logits, y, label_smoothing=a.label_smoothing, reduction="none")
    if a.focal:
        loss = (1 - F.log_softmax(logits, 1).gather(1, y[:, None])[:, 0].exp()) ** a.focal * loss
    seen_loss[torch.as_tensor(members)] = loss.detach()
    optimizer.zero_grad(); loss.mean().backward(); torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step(); schedule.step()
    if (step + 1) % 100 == 0 or step + 1 == a.steps:
        total, by = accuracy(val)
        print(f"step {step + 1} val_acc {total:.3f} {by} cpu {time.process_time() - start:.0f} s", flush=True)
total, by = accuracy(train)
print(f"train_acc {total:.3f} {by}", flush=True)
