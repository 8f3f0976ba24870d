"""PyTorch side of `fovea bench conv`: W1's convolutions (batch 64, 3x3, padding 1), forward and backward GFLOP/s.

Run by hand in a venv with torch (never in CI):  python scripts/bench/torch_conv.py [--repeats 5]
"""
import argparse, statistics, time, torch, torch.nn.functional as F

p = argparse.ArgumentParser(); p.add_argument("--repeats", type=int, default=5); p.add_argument("--batch", type=int, default=64)
a = p.parse_args()
torch.manual_seed(0)

def median(fn, warm=1):
    for _ in range(warm): fn()
    ts = []
    for _ in range(a.repeats):
        t = time.perf_counter(); fn(); ts.append(time.perf_counter() - t)
    return statistics.median(ts)

print(f"torch {torch.__version__} threads={torch.get_num_threads()}")
print("layer              fwd_gflops  bwd_gflops")
total_flops = total_s = 0.0
for cin, cout, size in [(3, 32, 64), (32, 32, 64), (32, 64, 32), (64, 64, 32), (64, 128, 16), (128, 128, 16)]:
    x = torch.randn(a.batch, cin, size, size, requires_grad=cin != 3)
    w = (torch.randn(cout, cin, 3, 3) * 0.1).requires_grad_()
    dy = torch.randn(a.batch, cout, size, size)
    flops = 2.0 * a.batch * cout * size * size * cin * 9
    with torch.no_grad():
        fwd = median(lambda: F.conv2d(x, w, padding=1))
    def both():
        F.conv2d(x, w, padding=1).backward(dy); w.grad = None; x.grad = None
    t = median(both); bwd = max(t - fwd, 1e-9); bflops = flops * (2 if x.requires_grad else 1)
    print(f"{cin}->{cout} @{size}x{size}".ljust(19) + f"{flops / fwd / 1e9:10.1f}  {bflops / bwd / 1e9:10.1f}")
    total_flops += flops + bflops; total_s += t
print(f"total fwd+bwd: {total_flops / total_s / 1e9:.1f} GFLOP/s")
