"""The deterministic weights both the golden scripts and the Swift tests compute (Tests/NNTests/ModelParityTests.swift):
FNV-1a of the parameter name seeds SplitMix64; BatchNorm running statistics are non-trivial."""
import numpy as np
import torch

M64 = (1 << 64) - 1

def fnv1a(name):
    h = 0xCBF29CE484222325
    for b in name.encode():
        h = ((h ^ b) * 0x100000001B3) & M64
    return h

def uniform(name, n):
    """u_i in [0, 1): SplitMix64(fnv1a(name) + i) >> 40, times 2^-24 (exact in float32 and float64)."""
    with np.errstate(over="ignore"):
        z = np.uint64(fnv1a(name)) + np.arange(n, dtype=np.uint64) + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(40)).astype(np.float64) * 2.0 ** -24

def formula(name, shape):
    n = int(np.prod(shape)) if len(shape) else 1
    u = uniform(name, n)
    if name.endswith("running_var"): v = 0.5 + u
    elif name.endswith("running_mean"): v = 0.2 * (u - 0.5)
    elif name.endswith("layer_scale"): v = 0.1 + 0.4 * u
    elif name.endswith("bias"): v = 0.2 * (u - 0.5)
    elif len(shape) == 1: v = 0.8 + 0.4 * u
    else: v = (2 * u - 1) * np.sqrt(3.0 / (n // shape[0]))
    return torch.from_numpy(v.astype(np.float32).reshape(shape))

def fill(model):
    sd = model.state_dict()
    for name, t in sd.items():
        if not name.endswith("num_batches_tracked"):
            t.copy_(formula(name, list(t.shape)))
    return model.eval()
