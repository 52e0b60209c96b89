// `featurewise predict` against the Python way on the same files, in one run:
// 20,000 32x32 PNGs and the full-size Keras-CIFAR-10-example CNN.
// usage: node bench/predict.mjs [--count 20000] [--small 2000] [--skip-python] [--skip-tfjs] [--rounds 1]
// Rows: featurewise predict (onnx with its defaults: on 2 cores 2 sessions of 1 intra-op
// thread on worker threads; the old way, 1 session of 2 threads on the main thread; tfjs on wasm), the Python way
// (bench/predict_python.py: Keras load_img + ImageDataGenerator.standardize
// with the artifact's arrays + the same model in torch, batch 64, all cores),
// decoding alone (the decode pool over the same files), and peak RSS at
// --small vs --count images, and the runtime alone on in-memory tensors in the same
// configurations (bench/predict-runtime.mjs --json: same sessions, threads, batch 64,
// session options, batches in flight), so "÷ runtime alone" compares like with like.
// `uptime` is printed before and after; CPU µs/image (user + system of the whole
// process, from /usr/bin/time) moves far less with other load than images/s.
// --rounds N repeats the onnx rows and the runtime alone in turns. Needs `npm run build`.
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { DecodePool } from "@featurewise/dataset";
import { syntheticPngs } from "./lib/data.mjs";

const { values: args } = parseArgs({
  options: {
    count: { type: "string", default: "20000" },
    small: { type: "string", default: "2000" },
    "skip-python": { type: "boolean", default: false },
    "skip-tfjs": { type: "boolean", default: false },
    rounds: { type: "string", default: "1" },
  },
});
const count = Number(args.count);
const small = Number(args.small);
const BIN = "packages/cli/bin/featurewise.js";
const modelDir = "bench/data/models/cifar-cnn-full";
const python = "/usr/bin/python3";
const rounds = Number(args.rounds);
const TIME = "/usr/bin/time";
const hasTime = existsSync(TIME);
const uptime = () => spawnSync("uptime", { encoding: "utf8" }).stdout.trim();
const uptimeBefore = uptime();
console.error(`uptime before: ${uptimeBefore}`);

/** Runs a command that prints JSON; its wall time, and its CPU seconds where /usr/bin/time is. */
function run(cmd, argv) {
  const t0 = process.hrtime.bigint();
  const [c, a] = hasTime ? [TIME, ["-f", "cpu %U %S", cmd, ...argv]] : [cmd, argv];
  const r = spawnSync(c, a, { encoding: "utf8", maxBuffer: 1 << 26 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(" ")} failed: ${r.stderr}`);
  const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  const cpu = m === null ? undefined : Number(m[1]) + Number(m[2]);
  return { wall, cpu, out: JSON.parse(r.stdout) };
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

const data = await syntheticPngs(count, 32);
const stats = "bench/data/stats-predict";
if (!existsSync(path.join(stats, "stats.json"))) {
  run(BIN, ["fit", data, "--center", "--std", "--out", stats, "--json"]);
}

const rows = [];
function predict(label, dir, entry, runtime, n, more = []) {
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
    ...more,
  ]);
  rows.push({
    tool: label,
    images: r.out.n,
    seconds: r.wall,
    imagesPerSecond: r.out.n / r.wall,
    cpuMicrosPerImage: r.cpu === undefined ? undefined : (r.cpu / r.out.n) * 1e6,
    peakRssMB: r.out.peakRssBytes / 2 ** 20,
    reason: r.out.reason,
  });
  return rows.at(-1);
}

/** The runtime alone in the predict configurations, as rows. */
function runtimeAlone() {
  const r = spawnSync(
    process.execPath,
    ["bench/predict-runtime.mjs", "--model", modelDir, "--only", "onnx", "--json"],
    { encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`predict-runtime failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1)).rows;
}

const hasPython = spawnSync(python, ["-c", "import torch, keras_preprocessing"]).status === 0;
if (args["skip-python"]) console.log("(Python way skipped: --skip-python)");
else if (!hasPython) {
  console.log(
    `(Python way skipped: ${python} lacks torch or keras_preprocessing: apt-get install python3-torch python3-keras-preprocessing)`,
  );
}
/** The Python way, as a row (null where skipped). */
function pythonWay() {
  if (args["skip-python"] || !hasPython) return null;
  const r = run(python, ["bench/predict_python.py", data, stats]);
  rows.push({
    tool: "Python way (load_img + standardize + torch, batch 64)",
    images: r.out.n,
    seconds: r.wall,
    imagesPerSecond: r.out.n / r.wall,
    cpuMicrosPerImage: r.cpu === undefined ? undefined : (r.cpu / r.out.n) * 1e6,
    peakRssMB: r.out.peakRssBytes / 2 ** 20,
  });
  return rows.at(-1);
}

// The default (sessions on worker threads) and the old way (one session of one thread
// per core on the main thread), then the runtime alone in both configurations, in turns.
const cores = os.availableParallelism();
const alone = [];
let onnx;
let oldWay;
let pythonRow = null;
for (let round = 0; round < rounds; round++) {
  onnx = predict(`featurewise predict, onnx defaults`, data, "model.onnx", "onnx", count);
  pythonRow = pythonWay();
  oldWay = predict(
    `featurewise predict, onnx --sessions 0 --threads ${cores} (the old default)`,
    data,
    "model.onnx",
    "onnx",
    count,
    ["--sessions", "0", "--threads", String(cores)],
  );
  alone.push(...runtimeAlone());
}
if (!args["skip-tfjs"])
  predict("featurewise predict, tfjs wasm", data, "model.json", "tfjs", count);

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
  await syntheticPngs(small, 32),
  "model.onnx",
  "onnx",
  small,
);

const cpu = os.cpus()[0]?.model ?? "unknown CPU";
console.log(
  `\npredict bench — ${count} 32x32 PNGs, full-size CIFAR CNN — ${os.cpus().length} cores (${cpu}), node ${process.version}, ${new Date().toISOString()}`,
);
console.log(`uptime before: ${uptimeBefore}`);
console.log(`uptime after:  ${uptime()}`);
const f = (v, d = 1) => (v === undefined ? "" : v.toFixed(d));
console.log("| tool | images | seconds | images/s | CPU µs/image | peak RSS (MiB) |");
console.log("|---|---|---|---|---|---|");
for (const r of rows) {
  console.log(
    `| ${r.tool} | ${r.images} | ${f(r.seconds, 2)} | ${f(r.imagesPerSecond, 0)} | ${f(r.cpuMicrosPerImage, 0)} | ${f(r.peakRssMB, 0)} |`,
  );
}
console.log(`(defaults: ${onnx.reason})`);
// The runtime alone in the configuration each predict row ran (median of its rounds).
const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
const aloneIn = (sessions, threads) => {
  const match = alone.filter(
    (r) =>
      r.options.sessions === sessions && r.options.threads === threads && !r.options.allowSpinning,
  );
  return match.length === 0
    ? null
    : {
        imagesPerSecond: median(match.map((r) => r.imagesPerSecond)),
        cpuMicrosPerImage: median(match.map((r) => r.cpuMicrosPerImage)),
      };
};
const defaultSessions = cores >= 2 ? 2 : 1;
const pairs = [
  [onnx, aloneIn(defaultSessions, Math.max(1, Math.floor(cores / defaultSessions))), "defaults"],
  [oldWay, aloneIn(0, cores), "old default"],
];
console.log(
  "| predict | runtime alone, same configuration | images/s ÷ | CPU µs/image (predict, alone) |",
);
console.log("|---|---|---|---|");
for (const [row, same, name] of pairs) {
  if (same === null) continue;
  console.log(
    `| ${name}: ${f(row.imagesPerSecond, 0)}/s | ${f(same.imagesPerSecond, 0)}/s | **${(row.imagesPerSecond / same.imagesPerSecond).toFixed(2)}** | ${f(row.cpuMicrosPerImage, 0)}, ${f(same.cpuMicrosPerImage, 0)} |`,
  );
}
if (pythonRow !== null) {
  console.log(
    `featurewise onnx (defaults) ÷ Python way (images/s): **${(onnx.imagesPerSecond / pythonRow.imagesPerSecond).toFixed(2)}**; the old default ÷ Python way: ${(oldWay.imagesPerSecond / pythonRow.imagesPerSecond).toFixed(2)}`,
  );
}
console.log(
  `peak RSS ${count} ÷ ${small} images (onnx): ${(onnx.peakRssMB / smallRow.peakRssMB).toFixed(2)}`,
);
console.log("runtime alone (in-memory tensors, every configuration; its own run):");
spawnSync(process.execPath, ["bench/predict-runtime.mjs", "--model", modelDir], {
  stdio: "inherit",
});
