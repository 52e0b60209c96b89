"""Regenerates the Pillow-parity test data in this folder (run with Pillow 9.4.0 + numpy).

Makes small images of the layouts the Keras fixtures do not cover (LA, tRNS, palette + tRNS,
1-bit, 4-bit palette, CMYK JPEG/TIFF, EXIF-rotated and ICC-tagged JPEG, GIF, WebP, TIFF, RGBA
with random alpha) and records what Keras' load_img + img_to_array returns for each of them:
expected.bin holds the uint8 HWC arrays back to back, cases.json their file, options, shape
and byte offset. Usage, from this folder: python3 make-testdata.py && npx prettier --write cases.json
"""
import io
import json
import os

import numpy as np
import PIL
from PIL import Image, ImageCms

assert PIL.__version__ == "9.4.0", PIL.__version__
rng = np.random.default_rng(20240)
H, W = 13, 17


def save(name, im, **kw):
    im.save(name, **kw)
    return name


images = []
g = rng.integers(0, 256, (H, W), dtype=np.uint8)
rgb = rng.integers(0, 256, (H, W, 3), dtype=np.uint8)
images.append(save("la.png", Image.fromarray(np.stack([g, rng.integers(0, 256, (H, W), dtype=np.uint8)], -1), "LA")))
g2 = g.copy()
g2[2:5, 3:8] = 77
images.append(save("l-trns.png", Image.fromarray(g2, "L"), transparency=77))
r2 = rgb.copy()
r2[4:7, 1:9] = (10, 20, 30)
images.append(save("rgb-trns.png", Image.fromarray(r2, "RGB"), transparency=(10, 20, 30)))
p = Image.fromarray(rng.integers(0, 40, (H, W), dtype=np.uint8), "P")
p.putpalette(rng.integers(0, 256, 768).tolist())
images.append(save("p-trns-alphas.png", p, transparency=bytes(rng.integers(0, 256, 40).tolist())))
images.append(save("p-trns-index.png", p, transparency=5))
images.append(save("p.gif", p))
images.append(save("bilevel.png", Image.fromarray(g > 128).convert("1")))
images.append(save("p4.png", Image.fromarray(g).convert("P", palette=Image.ADAPTIVE, colors=16), bits=4))
images.append(save("cmyk.jpg", Image.fromarray(rgb).convert("CMYK"), quality=95))
images.append(save("cmyk.tif", Image.fromarray(rgb).convert("CMYK")))
exif = Image.Exif()
exif[0x0112] = 6
images.append(save("exif-rotate90.jpg", Image.fromarray(rgb), exif=exif.tobytes(), quality=90))
xyz = ImageCms.ImageCmsProfile(ImageCms.createProfile("XYZ")).tobytes()
images.append(save("icc-xyz.jpg", Image.fromarray(rgb), icc_profile=xyz, quality=90))
images.append(save("rgba.webp", Image.fromarray(rng.integers(0, 256, (H, W, 4), dtype=np.uint8)), lossless=True))
images.append(save("rgb.tif", Image.fromarray(rgb)))
images.append(save("rgba-47x61.png", Image.fromarray(rng.integers(0, 256, (61, 47, 4), dtype=np.uint8))))

FILTERS = {"nearest": Image.NEAREST, "bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC}
TARGETS = [(None, "nearest"), ((8, 8), "nearest"), ((8, 8), "bilinear"), ((8, 8), "bicubic"),
           ((20, 26), "bilinear"), ((20, 26), "bicubic")]


def load_img(path, color_mode, target_size, interpolation):
    """keras_preprocessing.image.utils.load_img, verbatim logic."""
    with open(path, "rb") as f:
        img = Image.open(io.BytesIO(f.read()))
        if color_mode == "grayscale":
            if img.mode not in ("L", "I;16", "I"):
                img = img.convert("L")
        elif color_mode == "rgba":
            if img.mode != "RGBA":
                img = img.convert("RGBA")
        elif img.mode != "RGB":
            img = img.convert("RGB")
        if target_size is not None:
            wh = (target_size[1], target_size[0])
            if img.size != wh:
                img = img.resize(wh, FILTERS[interpolation])
        return img


cases, blob = [], bytearray()
for name in images:
    for mode in ("rgb", "grayscale", "rgba"):
        for target, interp in TARGETS:
            a = np.asarray(load_img(name, mode, target, interp), dtype=np.uint8)
            a = a[:, :, None] if a.ndim == 2 else a
            cases.append({"file": name, "color_mode": mode, "target_size": list(target) if target else None,
                          "interpolation": interp, "shape": list(a.shape), "offset": len(blob)})
            blob += a.tobytes()
with open("expected.bin", "wb") as f:
    f.write(bytes(blob))
with open("cases.json", "w") as f:
    json.dump(cases, f, indent=1)
print(len(cases), "cases,", len(blob), "bytes")
