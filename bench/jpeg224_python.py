#!/usr/bin/python3
"""The Keras way for the JPEG 224x224 bench (bench/jpeg224.mjs), in three modes:

  fit DIR             load_img(target_size=(224, 224), interpolation="bilinear") + img_to_array for
                      every file, stacked, then ImageDataGenerator(featurewise_center=True,
                      featurewise_std_normalization=True).fit(x)
  predict DIR ARTIFACT MODELDIR
                      the same load_img + ImageDataGenerator.standardize with the artifact's mean
                      and std, and the bench's 224x224 CNN in torch (make_models.py PHOTO), batch 64
  arrays DIR OUT.npy N
                      the load_img arrays of the first N files (uint8), for the parity check
Prints one JSON line {seconds, n, peakRssBytes} (fit, predict). Needs Debian's
python3-keras-preprocessing (and python3-torch for predict); run with /usr/bin/python3."""
import json, os, resource, sys, time

import numpy as np
from keras_preprocessing.image import ImageDataGenerator, img_to_array, load_img

SIZE = (224, 224)
mode, root = sys.argv[1], sys.argv[2]
files = sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)


def load(f):
    return img_to_array(load_img(os.path.join(root, f), target_size=SIZE, interpolation="bilinear"))


def report(t0, n):
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": time.perf_counter() - t0, "n": n, "peakRssBytes": rss}))


if mode == "arrays":
    out, n = sys.argv[3], int(sys.argv[4])
    np.save(out, np.stack([load(f) for f in files[:n]]).astype(np.uint8))
elif mode == "fit":
    t0 = time.perf_counter()
    x = np.stack([load(f) for f in files])
    gen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True)
    gen.fit(x)
    report(t0, len(x))
elif mode == "predict":
    import torch

    artifact, model_dir = sys.argv[3], sys.argv[4]
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "models"))
    import make_models as mm

    torch.set_num_threads(os.cpu_count())
    name, spec = mm.PHOTO
    torch.manual_seed(mm.SEED + sum(map(ord, name)))
    model = mm.Cnn(*spec).eval()
    t0 = time.perf_counter()
    gen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True)
    gen.mean = np.load(os.path.join(artifact, "mean.npy")).astype(np.float32)
    gen.std = np.load(os.path.join(artifact, "std.npy")).astype(np.float32)
    n = 0
    with torch.no_grad():
        for i in range(0, len(files), 64):
            batch = np.stack([gen.standardize(load(f)) for f in files[i : i + 64]])
            n += model(torch.from_numpy(batch)).shape[0]
    report(t0, n)
else:
    sys.exit(f"unknown mode {mode}")
