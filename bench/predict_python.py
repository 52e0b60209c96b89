#!/usr/bin/python3
"""The Python way of predicting, for comparison with `featurewise predict`:
Keras' load_img + img_to_array, ImageDataGenerator.standardize with the
artifact's mean and std set on the generator, and the same CNN in torch
(rebuilt by fixtures/models/make_models.py from its seed), batch 64, all cores.
usage: predict_python.py IMAGES ARTIFACT  -> one JSON line {seconds, n, peakRssBytes}
Needs Debian's python3-keras-preprocessing and python3-torch."""
import json, os, resource, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "models"))
import numpy as np
import torch
from keras_preprocessing.image import ImageDataGenerator, img_to_array, load_img

import make_models as mm

root, artifact = sys.argv[1], sys.argv[2]
torch.set_num_threads(os.cpu_count())
name, spec = mm.FULL
torch.manual_seed(mm.SEED + sum(map(ord, name)))
model = mm.Cnn(*spec).eval()

t0 = time.perf_counter()
files = sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)
gen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True)
gen.mean = np.load(os.path.join(artifact, "mean.npy")).astype(np.float32)
gen.std = np.load(os.path.join(artifact, "std.npy")).astype(np.float32)
n = 0
with torch.no_grad():
    for i in range(0, len(files), 64):
        batch = np.stack(
            [gen.standardize(img_to_array(load_img(os.path.join(root, f)))) for f in files[i : i + 64]]
        )
        probs = model(torch.from_numpy(batch))
        n += probs.shape[0]
seconds = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "n": n, "peakRssBytes": rss}))
