// `npm run demo`: generates a deterministic image set, fits Keras statistics
// on it through the real CLI, and standardizes a few images with them.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { writeSyntheticImages } from "@featurewise/dataset";

const images = "demo/images";
const cli = "packages/cli/bin/featurewise.js";
const run = (args) => {
  console.log(`\n$ featurewise ${args.join(" ")}`);
  const r = spawnSync(cli, args, { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

if (!existsSync(images)) {
  console.log(`writing 2000 deterministic 32x32 RGB PNGs to ${images}/ ...`);
  await writeSyntheticImages(images, { count: 2000 });
}
run(["fit", images, "--std", "--rescale", "1/255", "--out", "demo/stats-std"]);
run(["fit", images, "--zca", "--rescale", "1/255", "--size", "16x16", "--out", "demo/stats-zca"]);
run([
  "transform",
  `${images}/class-0001`,
  "--stats",
  "demo/stats-zca",
  "--out",
  "demo/standardized.npy",
]);
// The statistics applied at prediction time: a small CIFAR-shaped CNN the repo ships (fixtures/models).
run([
  "predict",
  images,
  "--model",
  "fixtures/models/cifar-cnn/model.onnx",
  "--stats",
  "demo/stats-std",
  "--out",
  "demo/predictions",
  "--top-k",
  "3",
  "--overwrite",
]);
console.log(
  "\nartifacts: demo/stats-std/, demo/stats-zca/ (stats.json, mean.npy, std.npy, zca_whitening_matrix.npy, stats.npz); " +
    "predictions: demo/predictions/ (part-*.parquet, manifest.json)",
);
