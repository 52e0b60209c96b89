// The model runtime alone, on in-memory tensors: the Keras-CIFAR-10-example-shaped
// CNN (conv32-conv32-pool-conv64-conv64-pool-dense512-dense10) at batch 64 on
// onnx (on the main thread: 1 and 2 intra-op threads, spinning off and on; on worker
// threads: 1 session of 2 threads, 2 sessions of 1 thread, as `predict --sessions`
// runs them, batches kept in flight as predict keeps them) and tfjs on wasm.
// usage: node bench/predict-runtime.mjs [--batch 64] [--seconds 2] [--rounds 3] [--model DIR] [--only onnx] [--json]
// CPU µs per image counts every thread of the process (user + system): on a
// loaded machine it moves far less than images/s.
// Configurations are measured in turns (round-robin) and the median round is
// reported, so load from other processes hits them alike. Needs `npm run build`.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { openModelPath, selectRuntime } from "@featurewise/predict";

const { values: args } = parseArgs({
  options: {
    batch: { type: "string", default: "64" },
    seconds: { type: "string", default: "2" },
    rounds: { type: "string", default: "3" },
    model: { type: "string", default: "bench/data/models/cifar-cnn-full" },
    only: { type: "string" },
    json: { type: "boolean", default: false },
  },
});
const batch = Number(args.batch);
const seconds = Number(args.seconds);
const rounds = Number(args.rounds);
const folder = args.model;

if (!existsSync(path.join(folder, "model.onnx"))) {
  const python = "/usr/bin/python3";
  if (spawnSync(python, ["-c", "import torch"]).status !== 0) {
    console.log(
      `predict-runtime: skipped: ${folder} is missing and ${python} has no torch (apt-get install python3-torch)`,
    );
    process.exit(0);
  }
  console.error(`writing the full-size CIFAR CNN to ${folder} ...`);
  const r = spawnSync(python, ["fixtures/models/make_models.py", "--full", path.dirname(folder)], {
    stdio: "inherit",
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const configs = [
  ["onnx", "model.onnx", { device: "cpu", threads: 1, sessions: 0 }],
  ["onnx", "model.onnx", { device: "cpu", threads: 2, sessions: 0 }],
  ["onnx", "model.onnx", { device: "cpu", threads: 2, sessions: 0, allowSpinning: true }],
  ["onnx", "model.onnx", { device: "cpu", threads: 2, sessions: 1 }],
  ["onnx", "model.onnx", { device: "cpu", threads: 1, sessions: 2 }],
  ["tfjs", "model.json", { device: "cpu" }],
].filter(([runtime]) => args.only === undefined || runtime === args.only);
const models = [];
for (const [runtime, entry, options] of configs) {
  const { model } = await selectRuntime(
    runtime,
    await openModelPath(path.join(folder, entry)),
    options,
  );
  models.push({ runtime, options, model, rates: [], cpu: [] });
}

const dims = [batch, 32, 32, 3];
const x = new Float32Array(batch * 32 * 32 * 3);
for (let i = 0; i < x.length; i++) x[i] = Math.sin(i) * 1.7;
for (const m of models) for (let i = 0; i < 3; i++) await m.model.run(x.slice(), dims); // warm-up

for (let r = 0; r < rounds; r++) {
  for (const m of models) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let images = 0;
    // As predict runs them: up to the model's concurrency in flight, each batch a fresh
    // tensor (sessions on worker threads take its buffer).
    const running = [];
    while (performance.now() - t0 < seconds * 1000) {
      if (running.length >= m.model.concurrency) await running.shift();
      running.push(m.model.run(x.slice(), dims));
      images += batch;
    }
    await Promise.all(running);
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    m.rates.push(images / wall);
    m.cpu.push((cpu.user + cpu.system) / 1e6 / wall);
    m.cpuPerImage ??= [];
    m.cpuPerImage.push((cpu.user + cpu.system) / images);
  }
}

const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
if (args.json) {
  const rows = models.map((m) => ({
    runtime: m.runtime,
    options: m.options,
    imagesPerSecond: median(m.rates),
    cpuMicrosPerImage: median(m.cpuPerImage),
  }));
  console.log(JSON.stringify({ load: os.loadavg()[0], rows }));
  for (const m of models) await m.model.dispose();
  process.exit(0);
}
console.log(
  `\npredict runtime alone — CIFAR CNN (${folder}), batch ${batch}, ${rounds} rounds of ${seconds} s — ${os.cpus().length} cores (${os.cpus()[0]?.model}), load ${os.loadavg()[0].toFixed(2)}, node ${process.version}, ${new Date().toISOString()}`,
);
console.log("| runtime | settings | images/s (median) | rounds | CPU cores used | CPU µs/image |");
console.log("|---|---|---|---|---|---|");
for (const m of models) {
  const settings =
    m.runtime === "onnx"
      ? `${m.options.sessions === 0 ? "main thread" : `${m.options.sessions} session(s) on worker threads`}, ${m.options.threads} intra-op thread(s) each, spinning ${m.options.allowSpinning ? "on" : "off"}`
      : m.model.detail.replace(/^device cpu: .*?cpu \(/, "(");
  console.log(
    `| ${m.runtime} | ${settings} | ${median(m.rates).toFixed(0)} | ${m.rates.map((v) => v.toFixed(0)).join(", ")} | ${median(m.cpu).toFixed(2)} | ${median(m.cpuPerImage).toFixed(0)} |`,
  );
}
for (const m of models) await m.model.dispose();
