#!/usr/bin/env python3
"""The Keras way, for comparison: load every PNG with PIL into one array, then
ImageDataGenerator.fit's math (Keras >= 2.9 / keras-preprocessing HEAD) with numpy.
usage: keras_way.py DIR zca|std RESCALE  -> prints one JSON line {seconds, peakRssBytes, n}"""
import json, os, resource, sys, time
import numpy as np
from PIL import Image

root, mode, rescale = sys.argv[1], sys.argv[2], float(sys.argv[3])
t0 = time.perf_counter()
files = sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)
# keras.utils.load_img + img_to_array, stacked: what users do before datagen.fit(x)
x = np.stack([np.asarray(Image.open(os.path.join(root, f)).convert("RGB"), dtype=np.float32) for f in files])
# ImageDataGenerator.fit(x) (dtype float32, as Keras' default floatx)
x = np.copy(x)
x *= rescale
mean = np.mean(x, axis=(0, 1, 2))
x -= mean.reshape((1, 1, 3))
if mode == "std":
    std = np.std(x, axis=(0, 1, 2))
    x /= std.reshape((1, 1, 3)) + 1e-6
else:
    flat_x = np.reshape(x, (x.shape[0], x.shape[1] * x.shape[2] * x.shape[3]))
    n = len(flat_x)
    u, s, _ = np.linalg.svd(flat_x.T, full_matrices=False)  # Keras: scipy.linalg.svd, the same LAPACK gesdd
    s_inv = np.sqrt(n) / (s + 1e-6)
    zca_whitening_matrix = (u * s_inv).dot(u.T)
seconds = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peakRssBytes": rss, "n": len(files)}))
