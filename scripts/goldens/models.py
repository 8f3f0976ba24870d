"""Writes model parity goldens into fixtures/models/ from torchvision and safetensors.

Run by hand (never in CI) in a venv with torch, torchvision, safetensors:  python scripts/goldens/models.py

Weights are not committed: every state-dict entry is filled from a formula that Tests/NNTests computes too
(see `formula` below: FNV-1a of the name seeds SplitMix64), with non-trivial BatchNorm running statistics.
Committed: one input batch and the (float64) logits of each architecture in eval mode, a shapes_cnn state dict written
by `safetensors.torch.save_file`, and a small file with every dtype Fovea reads.
"""
import json, pathlib
import numpy as np
import torch, torchvision
from safetensors.torch import save_file

OUT = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "models"
from formula import fill, formula

def shapes_cnn(num_classes=6):
    nn = torch.nn
    def block(cin, cout):
        return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())
    return nn.Sequential(block(3, 32), block(32, 32), nn.MaxPool2d(2), block(32, 64), block(64, 64), nn.MaxPool2d(2),
                         block(64, 128), block(128, 128), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, num_classes))

def resnet18_half(num_classes=6):
    """torchvision's resnet18 at half width (32–256 channels), built with its own _make_layer: the same names."""
    nn, block = torch.nn, torchvision.models.resnet.BasicBlock
    model = torchvision.models.resnet18()
    model.inplanes = 32
    model.conv1, model.bn1 = nn.Conv2d(3, 32, 7, 2, 3, bias=False), nn.BatchNorm2d(32)
    model.layer1 = model._make_layer(block, 32, 2)
    model.layer2 = model._make_layer(block, 64, 2, stride=2)
    model.layer3 = model._make_layer(block, 128, 2, stride=2)
    model.layer4 = model._make_layer(block, 256, 2, stride=2)
    model.fc = nn.Linear(256, num_classes)
    return model

def enc(x):
    x = x.detach().float().contiguous()
    return {"shape": list(x.shape), "data": [float("%.9g" % v) for v in x.reshape(-1).tolist()]}

def main():
    torch.manual_seed(0)
    x = torch.randn(2, 3, 64, 64)
    golden = {"generator": "scripts/goldens/models.py", "torch": torch.__version__, "torchvision": torchvision.__version__,
              "input": enc(x), "logits": {}, "weight_probe": {}}
    models = {"shapes_cnn": shapes_cnn(), "resnet18": torchvision.models.resnet18(), "resnet50": torchvision.models.resnet50(),
              "convnext_tiny": torchvision.models.convnext_tiny(), "resnet18_half": resnet18_half()}
    for arch, model in models.items():
        fill(model)
        # The reference is torchvision's architecture evaluated in float64: float32 PyTorch itself differs from it
        # by ~1e-4 of the largest logit on ResNet-50, so a float32 golden could not tell a bug from rounding.
        with torch.no_grad():
            golden["logits"][arch] = enc(model.double()(x.double()))
            model.float()
        print(arch, "params", sum(p.numel() for p in model.state_dict().values()))
    # A few formula values, so a mismatch in the formula itself is reported as such.
    for name, shape in [("layer1.0.conv1.weight", [64, 64, 3, 3]), ("bn1.running_var", [64]), ("fc.bias", [1000])]:
        golden["weight_probe"][name] = enc(formula(name, shape).reshape(-1)[:8])
    (OUT / "logits.json").write_text(json.dumps(golden))

    # A state dict exactly as PyTorch users write it (F32 weights, I64 num_batches_tracked).
    save_file(models["shapes_cnn"].state_dict(), str(OUT / "shapes_cnn.safetensors"))

    # One tensor per dtype Fovea reads, with the float32 values it must produce.
    values = torch.tensor([0.0, 1.0, -2.5, 3.140625, 65504.0, 1e-4, -0.333251953125, 7.0])
    dtypes = {"f32": values.float(), "f16": values.half(), "bf16": values.bfloat16(), "i64": torch.tensor([0, 1, -2, 3, 1 << 40, -7, 9, 10])}
    save_file({k: v.reshape(2, 4) for k, v in dtypes.items()}, str(OUT / "dtypes.safetensors"), metadata={"format": "pt"})
    (OUT / "dtypes.json").write_text(json.dumps({k: enc(v.float().reshape(2, 4)) for k, v in dtypes.items()}))
    for f in sorted(OUT.iterdir()): print(f.name, f.stat().st_size)


if __name__ == "__main__":
    main()
