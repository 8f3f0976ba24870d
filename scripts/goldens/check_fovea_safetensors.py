"""Proves that a safetensors file written by Fovea loads in PyTorch: strict load_state_dict into torchvision-style
shapes_cnn, then the same logits as the golden. Run by hand (never in CI) in a venv with torch and safetensors:

    python scripts/goldens/check_fovea_safetensors.py

fixtures/models/shapes_cnn.fovea.safetensors is Fovea's writer output for the formula weights; the Swift test
FoveaWrittenFileTests keeps it byte-identical to what the writer produces.
"""
import json, pathlib
import torch
from safetensors.torch import load_file
from models import shapes_cnn

ROOT = pathlib.Path(__file__).resolve().parents[2]
state = load_file(str(ROOT / "fixtures/models/shapes_cnn.fovea.safetensors"))
model = shapes_cnn()
model.load_state_dict(state, strict=True)
assert state["0.1.num_batches_tracked"].dtype == torch.int64
golden = json.loads((ROOT / "fixtures/models/logits.json").read_text())
x = torch.tensor(golden["input"]["data"]).reshape(golden["input"]["shape"])
with torch.no_grad():
    logits = model.eval()(x)
expected = torch.tensor(golden["logits"]["shapes_cnn"]["data"]).reshape(golden["logits"]["shapes_cnn"]["shape"])
error = ((logits - expected).abs().max() / expected.abs().max()).item()
print(f"strict load OK, {len(state)} tensors, max relative logit error {error:.2e}")
assert error < 1e-5
