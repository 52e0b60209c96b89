import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticImages } from "@featurewise/dataset";
import { runCliOk } from "./helpers/cli.js";
import { findNumpyPython, NO_NUMPY_REASON } from "./helpers/python.js";

/**
 * The artifact read back by an independent reader (numpy): .npy/.npz files
 * load with Keras' shapes, and the moments file (format in the README)
 * re-finalizes to the same whitening matrix.
 */
const READER = String.raw`
import json, sys, numpy as np
d = sys.argv[1]
s = json.load(open(d + "/stats.json"))
z = np.load(d + "/stats.npz")
assert sorted(z.files) == ["mean", "std", "zca_whitening_matrix"], z.files
for key in z.files:
    a = np.load(d + "/" + key + ".npy")
    assert a.dtype == np.float64 and np.array_equal(a, z[key]), key
assert z["mean"].shape == (1, 1, 3) and z["std"].shape == (1, 1, 3), z["mean"].shape
D = 8 * 8 * 3
assert z["zca_whitening_matrix"].shape == (D, D)
assert list(z["mean"].ravel()) == s["channelMean"]
b = open(d + "/moments.fwm", "rb").read()
assert b[:8] == b"FWMOMNT1"
hl = int.from_bytes(b[8:12], "little")
h = json.loads(b[12:12 + hl])
p = np.frombuffer(b, "<f8", offset=12 + hl)
assert h["dim"] == D and h["n"] == s["n"] and h["layout"] == "packed-lower-rowmajor"
mu = p[:D]
r, n, eps = s["rescale"], h["n"], s["zcaEpsilon"]
mean_c = (mu.reshape(-1, 3) * r).mean(axis=0)
assert np.allclose(mean_c, z["mean"].ravel(), rtol=1e-12, atol=0)
L = np.zeros((D, D)); L[np.tril_indices(D)] = p[D:]
M = L + np.tril(L, -1).T
delta = mu * r - np.tile(mean_c, D // 3)
G = M * r * r + n * np.outer(delta, delta)
lam, U = np.linalg.eigh(G)
lam, U = lam[::-1], U[:, ::-1]
k = min(n, D)
W = (U[:, :k] * (np.sqrt(n) / (np.sqrt(np.clip(lam[:k], 0, None)) + eps))) @ U[:, :k].T
err = np.abs(W - z["zca_whitening_matrix"]).max() / np.abs(W).max()
assert err < 1e-9, err
print("ok", err)
`;

const python = findNumpyPython();
if (python === null) console.warn(`artifact-readers: ${NO_NUMPY_REASON}`);

describe.skipIf(python === null)("the artifact through numpy", () => {
  const work = mkdtempSync(path.join(tmpdir(), "fw-readers-"));
  beforeAll(async () => {
    await writeSyntheticImages(`${work}/images`, { count: 400, height: 8, width: 8 });
    await runCliOk([
      "fit",
      `${work}/images`,
      "--zca",
      "--rescale",
      "1/255",
      "--out",
      `${work}/stats`,
    ]);
    writeFileSync(`${work}/reader.py`, READER);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("loads mean/std/ZCA with Keras shapes and re-finalizes the moments file", () => {
    const r = spawnSync(python!, [`${work}/reader.py`, `${work}/stats`], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^ok /);
  });
});
