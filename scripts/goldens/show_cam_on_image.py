"""Writes fixtures/report/show_cam_on_image.json: pytorch-grad-cam's overlay of a small CAM on an image.

Run by hand (never in CI) in a venv with grad-cam and opencv:  python scripts/goldens/show_cam_on_image.py
The map (5×4) is enlarged to the image (20×14) with cv2.resize, as pytorch_grad_cam.utils.image.scale_cam_image
does (the map is already in [0, 1], so its min-max step is left out: it would only divide by 1 + 1e-7), then
blended by show_cam_on_image(use_rgb=True, image_weight=0.5) with each OpenCV colour map.
"""
import json, pathlib
import cv2
import numpy as np
from pytorch_grad_cam.utils.image import show_cam_on_image

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "fixtures" / "report"; OUT.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(9)
W, H, MW, MH = 20, 14, 5, 4
image = rng.random((H, W, 3), dtype=np.float32)
cam = rng.random((MH, MW), dtype=np.float32)
cam = (cam - cam.min()) / (cam.max() - cam.min())
resized = cv2.resize(cam, (W, H))
outputs = {name: show_cam_on_image(image, resized, use_rgb=True, colormap=code, image_weight=0.5).reshape(-1).tolist()
           for name, code in [("jet", cv2.COLORMAP_JET), ("turbo", cv2.COLORMAP_TURBO), ("viridis", cv2.COLORMAP_VIRIDIS)]}
golden = {"generator": "scripts/goldens/show_cam_on_image.py", "opencv": cv2.__version__,
          "width": W, "height": H, "mapWidth": MW, "mapHeight": MH,
          "image": [float(v) for v in image.reshape(-1)], "map": [float(v) for v in cam.reshape(-1)],
          "resized": [float(v) for v in resized.reshape(-1)], "outputs": outputs}
(OUT / "show_cam_on_image.json").write_text(json.dumps(golden))
print("wrote", OUT / "show_cam_on_image.json")
