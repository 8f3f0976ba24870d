"""Writes fixtures/goldens/tensor_ops.json: forward values and gradients of every Tensors op, from PyTorch.

Run by hand (never in CI) in a venv with torch:  python scripts/goldens/tensor_ops.py
Each case: named inputs (float32), op parameters, the output, an upstream gradient, and the gradient of
sum(output * upstream) with respect to each input that requires it. Tests/TensorsTests/ParityTests.swift
maps each case name to the same op in Swift.
"""
import json, pathlib
import torch
import torch.nn.functional as F
import torchvision

torch.manual_seed(20261129)
cases = []

def t(*shape, lo=-2.0, hi=2.0):
    return (torch.rand(*shape) * (hi - lo) + lo).float()

def pos(*shape):
    return t(*shape, lo=0.5, hi=2.0)

def case(name, fn, inputs, params=None, grad=None, extra=None):
    """inputs: dict name -> tensor; grad: names that require a gradient (default all)."""
    grad = list(inputs) if grad is None else grad
    leaves = {k: v.clone().requires_grad_(k in grad) for k, v in inputs.items()}
    out = fn(**leaves)
    upstream = torch.randn_like(out) if out.dim() > 0 else torch.tensor(1.0)
    (out * upstream).sum().backward()
    entry = {
        "name": name,
        "inputs": {k: enc(v) for k, v in inputs.items()},
        "params": params or {},
        "output": enc(out.detach()),
        "upstream": enc(upstream),
        "grads": {k: enc(leaves[k].grad) for k in grad},
    }
    if extra: entry["extra"] = {k: enc(v) for k, v in extra().items()}
    cases.append(entry)

def enc(x):
    x = x.detach().float().contiguous()
    # 9 significant digits round-trip float32 exactly.
    return {"shape": list(x.shape), "data": [float("%.9g" % v) for v in x.reshape(-1).tolist()]}

# Elementwise, broadcasting.
case("add_broadcast", lambda a, b: a + b, {"a": t(2, 3, 4), "b": t(3, 1)})
case("sub_broadcast", lambda a, b: a - b, {"a": t(2, 1, 4), "b": t(3, 4)})
case("mul_broadcast", lambda a, b: a * b, {"a": t(2, 3, 4, 5), "b": t(1, 3, 1, 1)})
case("div_broadcast", lambda a, b: a / b, {"a": t(4, 5), "b": pos(5)})
case("maximum", lambda a, b: torch.maximum(a, b), {"a": t(3, 4), "b": t(3, 4)})
case("minimum", lambda a, b: torch.minimum(a, b), {"a": t(3, 4), "b": t(4)})
case("neg", lambda x: -x, {"x": t(7)})
case("exp", lambda x: x.exp(), {"x": t(3, 5)})
case("log", lambda x: x.log(), {"x": pos(3, 5)})
case("sqrt", lambda x: x.sqrt(), {"x": pos(3, 5)})
case("abs", lambda x: x.abs(), {"x": t(3, 5)})
case("pow", lambda x: x.pow(2.5), {"x": pos(3, 5)}, {"p": 2.5})
case("clamp", lambda x: x.clamp(-0.5, 0.7), {"x": t(4, 6)}, {"min": -0.5, "max": 0.7})
case("scalar_ops", lambda x: (2.0 - x) * 3.0 / (1.5 + x * x) + 0.25, {"x": t(10)})
case("relu", lambda x: F.relu(x), {"x": t(4, 6)})
case("sigmoid", lambda x: torch.sigmoid(x * 4), {"x": t(4, 6)})
case("tanh", lambda x: torch.tanh(x), {"x": t(4, 6)})
case("gelu", lambda x: F.gelu(x * 2), {"x": t(4, 6)})
case("softplus", lambda x: F.softplus(x * 5), {"x": t(4, 6)})

# Reductions.
case("sum_all", lambda x: x.sum(), {"x": t(3, 4, 5)})
case("mean_all", lambda x: x.mean(), {"x": t(3, 4, 5)})
case("sum_axes_keep", lambda x: x.sum(dim=(1, 3), keepdim=True), {"x": t(2, 3, 4, 5)})
case("mean_axes", lambda x: x.mean(dim=(0, 2)), {"x": t(2, 3, 4, 5)})
case("max_axis", lambda x: x.max(dim=1, keepdim=True).values, {"x": t(3, 7, 2)})

# Products.
case("matmul", lambda a, b: a @ b, {"a": t(3, 4), "b": t(4, 5)})
case("matmul_batched", lambda a, b: a @ b, {"a": t(2, 3, 4), "b": t(2, 4, 5)})
case("linear", lambda x, w, b: F.linear(x, w, b), {"x": t(5, 7), "w": t(3, 7), "b": t(3)})

# Convolutions (stride, padding, dilation, groups, depthwise, pointwise).
case("conv2d_basic", lambda x, w, b: F.conv2d(x, w, b, padding=1), {"x": t(2, 3, 7, 6), "w": t(4, 3, 3, 3), "b": t(4)})
case("conv2d_stride_dilation", lambda x, w: F.conv2d(x, w, stride=2, padding=2, dilation=2),
     {"x": t(2, 3, 9, 8), "w": t(5, 3, 3, 3)}, {"stride": 2, "padding": 2, "dilation": 2})
case("conv2d_groups", lambda x, w, b: F.conv2d(x, w, b, stride=1, padding=1, groups=2),
     {"x": t(2, 4, 5, 5), "w": t(6, 2, 3, 3), "b": t(6)}, {"groups": 2})
case("conv2d_depthwise7", lambda x, w, b: F.conv2d(x, w, b, padding=3, groups=3),
     {"x": t(2, 3, 8, 9), "w": t(3, 1, 7, 7), "b": t(3)}, {"groups": 3, "padding": 3})
case("conv2d_depthwise_stride", lambda x, w: F.conv2d(x, w, stride=2, padding=1, groups=4),
     {"x": t(1, 4, 7, 7), "w": t(4, 1, 3, 3)}, {"groups": 4, "stride": 2, "padding": 1})
case("conv2d_pointwise", lambda x, w: F.conv2d(x, w), {"x": t(2, 6, 4, 5), "w": t(3, 6, 1, 1)})
case("conv2d_pointwise_stride2", lambda x, w: F.conv2d(x, w, stride=2), {"x": t(2, 4, 7, 6), "w": t(5, 4, 1, 1)}, {"stride": 2})
case("conv2d_7x7_stride2", lambda x, w: F.conv2d(x, w, stride=2, padding=3), {"x": t(1, 3, 16, 15), "w": t(4, 3, 7, 7)},
     {"stride": 2, "padding": 3})
case("conv2d_batch_chunks", lambda x, w: F.conv2d(x, w, padding=1), {"x": t(9, 2, 6, 6), "w": t(3, 2, 3, 3)})

# Pooling.
case("maxpool_3s2p1", lambda x: F.max_pool2d(x, 3, 2, 1), {"x": t(2, 3, 9, 8)})
case("maxpool_2", lambda x: F.max_pool2d(x, 2), {"x": t(2, 3, 8, 7)})
case("avgpool_3s2p1", lambda x: F.avg_pool2d(x, 3, 2, 1), {"x": t(2, 3, 9, 8)})
case("global_avgpool", lambda x: F.adaptive_avg_pool2d(x, 1), {"x": t(2, 3, 5, 4)})
case("adaptive_avgpool", lambda x: F.adaptive_avg_pool2d(x, (3, 4)), {"x": t(2, 2, 7, 9)})

# Normalisation.
rm, rv = t(4) * 0.1, pos(4)
def bn_train(x, w, b):
    m, v = rm.clone(), rv.clone()
    y = F.batch_norm(x, m, v, w, b, training=True, momentum=0.1, eps=1e-5)
    bn_train.stats = (m, v)
    return y
case("batchnorm_train", bn_train, {"x": t(3, 4, 5, 5) * 2 + 0.5, "w": t(4), "b": t(4)},
     extra=lambda: {"running_mean_in": rm, "running_var_in": rv,
                    "running_mean_out": bn_train.stats[0], "running_var_out": bn_train.stats[1]})
case("batchnorm_eval", lambda x, w, b: F.batch_norm(x, rm, rv, w, b, training=False, eps=1e-5),
     {"x": t(3, 4, 5, 5), "w": t(4), "b": t(4)}, extra=lambda: {"running_mean_in": rm, "running_var_in": rv})
case("layernorm_last", lambda x, w, b: F.layer_norm(x, (6,), w, b, eps=1e-6), {"x": t(2, 3, 4, 6) * 3, "w": t(6), "b": t(6)})
case("softmax_axis1", lambda x: F.softmax(x * 3, dim=1), {"x": t(2, 5, 3)})
case("logsoftmax_last", lambda x: F.log_softmax(x * 3, dim=-1), {"x": t(4, 6)})

# Resampling.
case("bilinear_up_half_pixel", lambda x: F.interpolate(x, size=(7, 9), mode="bilinear", align_corners=False), {"x": t(2, 2, 3, 4)})
case("bilinear_down_half_pixel", lambda x: F.interpolate(x, size=(3, 2), mode="bilinear", align_corners=False), {"x": t(1, 2, 7, 5)})
case("bilinear_up_corners", lambda x: F.interpolate(x, size=(7, 9), mode="bilinear", align_corners=True), {"x": t(2, 2, 3, 4)})

# Layout.
case("concat_axis1", lambda a, b: torch.cat([a, b], dim=1), {"a": t(2, 3, 4), "b": t(2, 2, 4)})
case("slice_axis2", lambda x: x[:, :, 1:4], {"x": t(2, 3, 5)})
case("reshape", lambda x: x.reshape(4, 6) * torch.arange(24.0).reshape(4, 6), {"x": t(2, 3, 4)})
case("permute_nhwc", lambda x: x.permute(0, 2, 3, 1), {"x": t(2, 3, 4, 5)})
case("pad_hw", lambda x: F.pad(x, (2, 1, 1, 3)), {"x": t(1, 2, 3, 4)})

# Losses.
logits, labels = t(6, 5) * 2, torch.tensor([0, 4, 2, -100, 1, 2])
case("cross_entropy_smooth_ignore", lambda x: F.cross_entropy(x, labels, label_smoothing=0.1, ignore_index=-100),
     {"x": logits}, {"targets": labels.tolist(), "label_smoothing": 0.1})
seg_labels = torch.randint(0, 3, (2, 4, 5)); seg_labels[0, 0, :2] = 255
case("cross_entropy_segmentation", lambda x: F.cross_entropy(x, seg_labels, ignore_index=255),
     {"x": t(2, 3, 4, 5) * 2}, {"targets": seg_labels.reshape(-1).tolist(), "ignore_index": 255})
bce_y = (torch.rand(4, 5) > 0.5).float()
case("bce_with_logits", lambda x: F.binary_cross_entropy_with_logits(x * 3, bce_y), {"x": t(4, 5)}, extra=lambda: {"y": bce_y})
case("focal", lambda x: torchvision.ops.sigmoid_focal_loss(x * 3, bce_y, alpha=0.25, gamma=2, reduction="mean"),
     {"x": t(4, 5)}, extra=lambda: {"y": bce_y})
case("smooth_l1", lambda a, b: F.smooth_l1_loss(a, b, beta=0.5), {"a": t(4, 5), "b": t(4, 5)}, {"beta": 0.5})
def boxes(n):
    xy = torch.rand(n, 2) * 10; wh = torch.rand(n, 2) * 5 + 0.5
    return torch.cat([xy, xy + wh], 1)
b1, b2 = boxes(6), boxes(6); b2[0] = b1[0] + 0.3  # one overlapping pair, the rest mostly apart
case("giou", lambda a, b: torchvision.ops.generalized_box_iou_loss(a, b, reduction="none"), {"a": b1, "b": b2})
dice_t = F.one_hot(torch.randint(0, 3, (2, 4, 4)), 3).permute(0, 3, 1, 2).float()
def dice(p):
    probs = F.softmax(p, dim=1)
    overlap = (probs * dice_t).sum(dim=(0, 2, 3)); total = probs.sum(dim=(0, 2, 3)) + dice_t.sum(dim=(0, 2, 3))
    return 1 - ((2 * overlap + 1) / (total + 1)).mean()
case("dice_softmax", dice, {"p": t(2, 3, 4, 4) * 2}, extra=lambda: {"targets": dice_t})

# DropBlock with given block centres (torchvision.ops.drop_block2d after its Bernoulli draw); appended last so the
# random inputs of the cases above stay as they were.
drop_seeds = (torch.rand(2, 3, 5, 5) < 0.15).float()
def drop_block(x, size=3, eps=1e-6):
    noise = F.max_pool2d(F.pad(drop_seeds, [size // 2] * 4, value=0), stride=(1, 1), kernel_size=(size, size), padding=size // 2)
    noise = 1 - noise
    return x * noise * (noise.numel() / (eps + noise.sum()))
case("dropblock", drop_block, {"x": t(2, 3, 7, 7)}, extra=lambda: {"seeds": drop_seeds})

out = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "goldens" / "tensor_ops.json"
out.write_text(json.dumps({"generator": "scripts/goldens/tensor_ops.py", "torch": torch.__version__, "cases": cases}))
print(f"{len(cases)} cases -> {out} ({out.stat().st_size // 1024} KiB)")
