// `featurewise predict` against the Python way on the same files, in one run:
// 20,000 32x32 PNGs and the full-size Keras-CIFAR-10-example CNN.
// usage: node bench/predict.mjs [--count 20000] [--small 2000] [--skip-python] [--skip-tfjs]
// Rows: featurewise predict (onnx, one intra-op thread per core; tfjs on wasm), the Python way
// (bench/predict_python.py: Keras load_img + ImageDataGenerator.standardize
// with the artifact's arrays + the same model in torch, batch 64, all cores),
// decoding alone (the decode pool over the same files), and peak RSS at
// --small vs --count images. The runtime alone: bench/predict-runtime.mjs.
// Needs `npm run build`.
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { DecodePool, writeSyntheticImages } from "@featurewise/dataset";

const { values: args } = parseArgs({
  options: {
    count: { type: "string", default: "20000" },
    small: { type: "string", default: "2000" },
    "skip-python": { type: "boolean", default: false },
    "skip-tfjs": { type: "boolean", default: false },
  },
});
const count = Number(args.count);
const small = Number(args.small);
const BIN = "packages/cli/bin/featurewise.js";
const modelDir = "bench/data/models/cifar-cnn-full";
const python = "/usr/bin/python3";

async function images(n) {
  const dir = `bench/data/png-${n}-32`;
  if (!existsSync(dir)) {
    console.error(`writing ${n} deterministic 32x32 RGB PNGs to ${dir}/ ...`);
    await writeSyntheticImages(dir, { count: n, height: 32, width: 32 });
  }
  return dir;
}

function run(cmd, argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { encoding: "utf8", maxBuffer: 1 << 26 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(" ")} failed: ${r.stderr}`);
  return { wall, out: JSON.parse(r.stdout) };
}

if (!existsSync(path.join(modelDir, "model.onnx"))) {
  if (spawnSync(python, ["-c", "import torch"]).status !== 0) {
    console.log(
      `predict bench skipped: ${modelDir} is missing and ${python} has no torch (apt-get install python3-torch)`,
    );
    process.exit(0);
  }
  console.error(`writing the full-size CIFAR CNN to ${modelDir} ...`);
  const r = spawnSync(
    python,
    ["fixtures/models/make_models.py", "--full", path.dirname(modelDir)],
    { stdio: "inherit" },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const data = await images(count);
const stats = "bench/data/stats-predict";
if (!existsSync(path.join(stats, "stats.json"))) {
  run(BIN, ["fit", data, "--center", "--std", "--out", stats, "--json"]);
}

const rows = [];
function predict(label, dir, entry, runtime, n) {
  const out = `bench/data/predict-out-${runtime}-${n}`;
  rmSync(out, { recursive: true, force: true });
  const r = run(BIN, [
    "predict",
    dir,
    "--model",
    path.join(modelDir, entry),
    "--stats",
    stats,
    "--out",
    out,
    "--runtime",
    runtime,
    "--device",
    "cpu",
    "--json",
  ]);
  rows.push({
    tool: label,
    images: r.out.n,
    seconds: r.wall,
    imagesPerSecond: r.out.n / r.wall,
    peakRssMB: r.out.peakRssBytes / 2 ** 20,
  });
  return rows.at(-1);
}

const onnx = predict(
  `featurewise predict, onnx ${os.availableParallelism()} threads`,
  data,
  "model.onnx",
  "onnx",
  count,
);
if (!args["skip-tfjs"])
  predict("featurewise predict, tfjs wasm", data, "model.json", "tfjs", count);

let pythonRow = null;
const hasPython = spawnSync(python, ["-c", "import torch, keras_preprocessing"]).status === 0;
if (args["skip-python"]) console.log("(Python way skipped: --skip-python)");
else if (!hasPython) {
  console.log(
    `(Python way skipped: ${python} lacks torch or keras_preprocessing: apt-get install python3-torch python3-keras-preprocessing)`,
  );
} else {
  const r = run(python, ["bench/predict_python.py", data, stats]);
  pythonRow = {
    tool: "Python way (load_img + standardize + torch, batch 64)",
    images: r.out.n,
    seconds: r.wall,
    imagesPerSecond: r.out.n / r.wall,
    peakRssMB: r.out.peakRssBytes / 2 ** 20,
  };
  rows.push(pythonRow);
}

// Decoding alone: the decode pool (as predict uses it) over the same files, 64 a batch, 4 batches in flight.
{
  const { readdirSync } = await import("node:fs");
  const files = readdirSync(data, { recursive: true })
    .filter((f) => String(f).endsWith(".png"))
    .map((f) => path.resolve(data, String(f)));
  const pool = new DecodePool();
  const settings = { colorMode: "rgb", targetSize: null, interpolation: "nearest" };
  const t0 = process.hrtime.bigint();
  const pending = [];
  let decoded = 0;
  for (let i = 0; i < files.length; i += 64) {
    pending.push(pool.decodeMany(files.slice(i, i + 64), settings));
    if (pending.length >= 4) decoded += (await pending.shift()).length;
  }
  for (const p of pending) decoded += (await p).length;
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  await pool.close();
  rows.push({
    tool: `decoding alone (${pool.size} decode threads)`,
    images: decoded,
    seconds: wall,
    imagesPerSecond: decoded / wall,
  });
}

const smallRow = predict(
  `featurewise predict, onnx, ${small} images`,
  await images(small),
  "model.onnx",
  "onnx",
  small,
);

const cpu = os.cpus()[0]?.model ?? "unknown CPU";
console.log(
  `\npredict bench — ${count} 32x32 PNGs, full-size CIFAR CNN — ${os.cpus().length} cores (${cpu}), load ${os.loadavg()[0].toFixed(2)}, node ${process.version}, ${new Date().toISOString()}`,
);
console.log("| tool | images | seconds | images/s | peak RSS (MiB) |");
console.log("|---|---|---|---|---|");
for (const r of rows) {
  const f = (v, d = 1) => (v === undefined ? "" : v.toFixed(d));
  console.log(
    `| ${r.tool} | ${r.images} | ${f(r.seconds, 2)} | ${f(r.imagesPerSecond, 0)} | ${f(r.peakRssMB, 0)} |`,
  );
}
if (pythonRow !== null) {
  console.log(
    `featurewise onnx ÷ Python way (images/s): ${(onnx.imagesPerSecond / pythonRow.imagesPerSecond).toFixed(2)}`,
  );
}
console.log(
  `peak RSS ${count} ÷ ${small} images (onnx): ${(onnx.peakRssMB / smallRow.peakRssMB).toFixed(2)}`,
);
console.log("runtime alone (in-memory tensors):");
spawnSync(process.execPath, ["bench/predict-runtime.mjs", "--model", modelDir], {
  stdio: "inherit",
});
