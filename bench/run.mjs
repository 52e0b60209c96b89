// `npm run bench`: featurewise fit against the Keras way on the same files, in one run.
// usage: node bench/run.mjs [--count 20000] [--size 32] [--skip-keras] [--no-kernels]
// Then bench/predict.mjs and bench/jpeg224.mjs (2,000 photo-like JPEGs at 224x224), when present.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import { syntheticPngs } from "./lib/data.mjs";

const { values: args } = parseArgs({
  options: {
    count: { type: "string", default: "20000" },
    size: { type: "string", default: "32" },
    "skip-keras": { type: "boolean", default: false },
    "no-kernels": { type: "boolean", default: false },
  },
});
const count = Number(args.count);
const size = Number(args.size);
const data = await syntheticPngs(count, size);

const python = ["python3", "/usr/bin/python3"].find(
  (exe) => spawnSync(exe, ["-c", "import numpy, PIL"]).status === 0,
);

function timed(cmd, argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { encoding: "utf8", maxBuffer: 1 << 26 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(" ")} failed: ${r.stderr}`);
  return { wall, out: JSON.parse(r.stdout) };
}

const rows = [];
for (const [label, flags, mode] of [
  ["ZCA", ["--zca", "--rescale", "1/255"], "zca"],
  ["std", ["--std", "--rescale", "1/255"], "std"],
]) {
  const fw = timed("packages/cli/bin/featurewise.js", [
    "fit",
    data,
    ...flags,
    "--out",
    `bench/data/stats-${mode}`,
    "--json",
  ]);
  const row = {
    fit: label,
    tool: "featurewise",
    seconds: fw.wall,
    imagesPerSecond: fw.out.n / fw.wall,
    peakRssMB: fw.out.peakRssBytes / 2 ** 20,
    backend: fw.out.backend.name,
  };
  rows.push(row);
  if (python && !args["skip-keras"]) {
    const k = timed(python, ["bench/keras_way.py", data, mode, String(1 / 255)]);
    rows.push({
      fit: label,
      tool: "Keras way (PIL + numpy)",
      seconds: k.wall,
      imagesPerSecond: k.out.n / k.wall,
      peakRssMB: k.out.peakRssBytes / 2 ** 20,
      backend: "numpy",
    });
    row.speedup = k.wall / fw.wall;
    row.rssRatio = fw.out.peakRssBytes / k.out.peakRssBytes;
  }
}

const cpu = os.cpus()[0]?.model ?? "unknown CPU";
console.log(
  `\nfeaturewise bench — ${count} ${size}x${size} RGB PNGs — ${os.cpus().length} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${new Date().toISOString()}`,
);
console.log(
  "| fit | tool | seconds | images/s | peak RSS (MiB) | backend | Keras way ÷ featurewise (time) | featurewise ÷ Keras way (RSS) |",
);
console.log("|---|---|---|---|---|---|---|---|");
for (const r of rows) {
  const f = (v, d = 1) => (v === undefined ? "" : v.toFixed(d));
  console.log(
    `| ${r.fit} | ${r.tool} | ${f(r.seconds, 2)} | ${f(r.imagesPerSecond, 0)} | ${f(r.peakRssMB, 0)} | ${r.backend} | ${f(r.speedup, 2)} | ${f(r.rssRatio, 2)} |`,
  );
}
if (!python) console.log("(Keras way skipped: no python3 with numpy and Pillow)");
if (!args["no-kernels"] && existsSync("bench/kernels.mjs")) {
  console.log("\nkernels:");
  spawnSync(process.execPath, ["bench/kernels.mjs"], { stdio: "inherit" });
}
if (existsSync("bench/predict.mjs")) {
  console.log("\npredict:");
  spawnSync(process.execPath, ["bench/predict.mjs", "--count", String(count)], {
    stdio: "inherit",
  });
}
if (existsSync("bench/jpeg224.mjs")) {
  console.log("\nJPEG photos at 224x224:");
  spawnSync(process.execPath, ["bench/jpeg224.mjs"], { stdio: "inherit" });
}
