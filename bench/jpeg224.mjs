// JPEG photos at 224x224 (issue 13): `featurewise fit --std --size 224x224 --interpolation
// bilinear` and `featurewise predict` (a small 224x224x3 NHWC CNN, make_models.py --photo) against
// the Keras way in the same run (bench/jpeg224_python.py: load_img(target_size=(224, 224),
// interpolation="bilinear") + ImageDataGenerator(featurewise_std_normalization=True).fit, and the
// same load_img + standardize + the CNN in torch), where one image's time goes on one thread (JPEG
// decode, Pillow's bilinear resampling, the std moments), and parity with Pillow on a sample.
// Data: bench/photos.mjs (deterministic photo-like 500x375 JPEGs, quality 90, one flat folder).
// usage: node bench/jpeg224.mjs [--count 2000] [--sample 200] [--skip-python]   (needs a build)
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { addImageSums } from "@featurewise/core";
import { decodeImage, DecodePool, pilResize } from "@featurewise/dataset";
import { writePhotoLikeJpegs } from "./photos.mjs";

const { values: args } = parseArgs({
  options: {
    count: { type: "string", default: "2000" },
    sample: { type: "string", default: "200" },
    "skip-python": { type: "boolean", default: false },
  },
});
const count = Number(args.count);
const sample = Number(args.sample);
const BIN = "packages/cli/bin/featurewise.js";
const python = "/usr/bin/python3";
const data = `bench/data/photos-${count}`;
const modelDir = "bench/data/models/photo-cnn-224";
const stats = "bench/data/stats-jpeg224";
const SIZE = [224, 224];
const SHAPE = { height: 224, width: 224, channels: 3 };

console.error(`photo-like JPEGs in ${data}/ (written if missing) ...`);
await writePhotoLikeJpegs(data, { count });
const files = readdirSync(data)
  .filter((f) => f.endsWith(".jpg"))
  .sort()
  .map((f) => path.join(data, f));
const hasPython =
  !args["skip-python"] && spawnSync(python, ["-c", "import keras_preprocessing, PIL"]).status === 0;
const hasTorch = hasPython && spawnSync(python, ["-c", "import torch"]).status === 0;
if (!existsSync(path.join(modelDir, "model.onnx")) && hasTorch) {
  const r = spawnSync(
    python,
    ["fixtures/models/make_models.py", "--photo", path.dirname(modelDir)],
    { stdio: "inherit" },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function run(cmd, argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { encoding: "utf8", maxBuffer: 1 << 26 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(" ")} failed: ${r.stderr}`);
  return { wall, out: JSON.parse(r.stdout) };
}

const rows = [];
function row(task, tool, r) {
  rows.push({
    task,
    tool,
    n: r.out.n,
    seconds: r.wall,
    imagesPerSecond: r.out.n / r.wall,
    peakRssMB: r.out.peakRssBytes / 2 ** 20,
  });
}
const loads = [];
const load = () => loads.push(os.loadavg()[0]);

load();
rmSync(stats, { recursive: true, force: true });
const fitArgs = ["--std", "--size", "224x224", "--interpolation", "bilinear"];
row("fit --std", "featurewise", run(BIN, ["fit", data, ...fitArgs, "--out", stats, "--json"]));
if (hasPython) {
  load();
  row("fit --std", "Keras way", run(python, ["bench/jpeg224_python.py", "fit", data]));
}
const skipped = [];
if (!hasPython)
  skipped.push(
    "(Keras way skipped: no /usr/bin/python3 with keras_preprocessing, or --skip-python)",
  );
if (!existsSync(path.join(modelDir, "model.onnx"))) {
  skipped.push(`(predict skipped: ${modelDir} is missing and ${python} has no torch)`);
} else {
  load();
  const out = "bench/data/predict-out-jpeg224";
  rmSync(out, { recursive: true, force: true });
  const predictArgs = ["--model", path.join(modelDir, "model.onnx"), "--stats", stats];
  row(
    "predict",
    `featurewise (onnx, ${os.availableParallelism()} threads)`,
    run(BIN, ["predict", data, ...predictArgs, "--out", out, "--device", "cpu", "--json"]),
  );
  if (hasTorch) {
    load();
    row(
      "predict",
      "Python way (torch, batch 64)",
      run(python, ["bench/jpeg224_python.py", "predict", data, stats, modelDir]),
    );
  }
}

// Decoding alone on the decode pool (as fit and predict use it), native size and 224x224.
const decodeRows = [];
for (const [label, targetSize] of [
  ["JPEG decode, native size", null],
  ["JPEG decode + bilinear 224x224", SIZE],
]) {
  load();
  const pool = new DecodePool();
  const settings = { colorMode: "rgb", targetSize, interpolation: "bilinear" };
  const t0 = process.hrtime.bigint();
  const pending = [];
  for (let i = 0; i < files.length; i += 32) {
    pending.push(pool.decodeMany(files.slice(i, i + 32), settings));
    if (pending.length >= 2 * pool.size) await pending.shift();
  }
  await Promise.all(pending);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  decodeRows.push({
    label: `${label} (${pool.size} threads)`,
    imagesPerSecond: files.length / wall,
  });
  await pool.close();
}

// One image's stages on this thread, over the first `sample` files (bytes read beforehand).
const bytes = files.slice(0, sample).map((f) => readFileSync(f));
const native = { colorMode: "rgb", targetSize: null, interpolation: "bilinear" };
const stages = {
  "JPEG decode (libjpeg-turbo via sharp)": 0,
  "bilinear resample to 224x224": 0,
  "std moments (Σx, Σx²)": 0,
};
const sum = new Float64Array(224 * 224 * 3);
const squares = new Float64Array(224 * 224 * 3);
for (let round = 0; round < 2; round++) {
  for (const key of Object.keys(stages)) stages[key] = 0; // round 0 warms up
  for (const b of bytes) {
    let t = performance.now();
    const img = await decodeImage(b, native);
    const t1 = performance.now();
    const small = pilResize(img.data, img.width, img.height, 3, 224, 224, "bilinear");
    const t2 = performance.now();
    addImageSums(small, SHAPE, "channels_last", sum, squares);
    const t3 = performance.now();
    stages["JPEG decode (libjpeg-turbo via sharp)"] += t1 - t;
    stages["bilinear resample to 224x224"] += t2 - t1;
    stages["std moments (Σx, Σx²)"] += t3 - t2;
  }
}

// Parity: featurewise's 224x224 arrays against Pillow's load_img on a sample.
let parity = "(parity skipped: no python3 with keras_preprocessing)";
if (hasPython) {
  const n = Math.min(50, files.length);
  const npy = "bench/data/jpeg224-pillow.npy";
  const r = spawnSync(python, ["bench/jpeg224_python.py", "arrays", data, npy, String(n)]);
  if (r.status !== 0) throw new Error(`arrays failed: ${r.stderr}`);
  const buf = readFileSync(npy);
  const headerLen = buf.readUInt16LE(8);
  const expected = buf.subarray(10 + headerLen);
  const each = 224 * 224 * 3;
  let equal = 0;
  let maxDiff = 0;
  for (let i = 0; i < n; i++) {
    const got = await decodeImage(readFileSync(files[i]), { ...native, targetSize: SIZE });
    const want = expected.subarray(i * each, (i + 1) * each);
    let d = 0;
    for (let j = 0; j < each; j++) d = Math.max(d, Math.abs(got.data[j] - want[j]));
    if (d === 0) equal++;
    maxDiff = Math.max(maxDiff, d);
  }
  parity = `parity with Pillow 9.4 load_img: ${equal}/${n} images byte-identical, max |diff| ${maxDiff}`;
}

const cpu = os.cpus()[0]?.model ?? "unknown CPU";
const f = (v, d = 1) => (v === undefined ? "" : v.toFixed(d));
console.log(
  `\njpeg224 bench — ${files.length} photo-like JPEGs (500x375, q90) → 224x224 bilinear — ${os.cpus().length} cores (${cpu}), load ${loads.map((l) => l.toFixed(1)).join("/")}, node ${process.version}, ${new Date().toISOString()}`,
);
console.log("| task | tool | images | seconds | images/s | peak RSS (MiB) |");
console.log("|---|---|---|---|---|---|");
for (const r of rows) {
  console.log(
    `| ${r.task} | ${r.tool} | ${r.n} | ${f(r.seconds, 2)} | ${f(r.imagesPerSecond, 0)} | ${f(r.peakRssMB, 0)} |`,
  );
}
for (const task of ["fit --std", "predict"]) {
  const [fw, py] = [
    rows.find((r) => r.task === task && !/Keras|Python/.test(r.tool)),
    rows.find((r) => r.task === task && /Keras|Python/.test(r.tool)),
  ];
  if (fw && py)
    console.log(
      `${task}: featurewise ÷ the Keras way (images/s) ${(fw.imagesPerSecond / py.imagesPerSecond).toFixed(2)}`,
    );
}
console.log("\n| decoding alone | images/s |\n|---|---|");
for (const r of decodeRows) console.log(`| ${r.label} | ${f(r.imagesPerSecond, 0)} |`);
const total = Object.values(stages).reduce((a, b) => a + b, 0);
console.log(`\n| stage (one thread, ${bytes.length} images) | ms/image | share |\n|---|---|---|`);
for (const [k, v] of Object.entries(stages)) {
  console.log(`| ${k} | ${f(v / bytes.length, 2)} | ${f((100 * v) / total, 0)}% |`);
}
console.log(parity);
for (const line of skipped) console.log(line);
