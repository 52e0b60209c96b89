// What running a prediction through Redis and worker processes costs, against
// the embedded predict of the same images, model, artifact and plan, on this machine.
// usage: node bench/predict-cluster-overhead.mjs [--count 20000] [--size 32] [--workers 2] [--runs 3] [--threads N]
// Model: fixtures/models/cifar-cnn (ONNX, 32x32x3); statistics: a std artifact fitted once.
// Both sides run at their defaults (embedded: one ONNX Runtime thread per core; each worker:
// one predict thread with --threads 1) unless --threads names the count for both.
// Redis: REDIS_URL, else 127.0.0.1:6379 when it answers, else a redis-server on a free port.
// Not a test: it prints a table (and checks that every part is byte-identical in every run).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadAverage, printOverheadTable, startBenchCluster } from "./lib/cluster.mjs";
import { syntheticPngs } from "./lib/data.mjs";

const { values: args } = parseArgs({
  options: {
    count: { type: "string", default: "20000" },
    size: { type: "string", default: "32" },
    workers: { type: "string", default: "2" },
    runs: { type: "string", default: "3" },
    threads: { type: "string" },
  },
});
const count = Number(args.count);
const size = Number(args.size);
const data = await syntheticPngs(count, size);
const BIN = "packages/cli/bin/featurewise.js";
const MODEL = "fixtures/models/cifar-cnn/model.onnx";
const work = mkdtempSync(path.join(os.tmpdir(), "fw-predict-cluster-bench-"));
const artifact = path.join(work, "artifact");
const threads = args.threads === undefined ? [] : ["--threads", args.threads];

const fit = spawnSync(BIN, ["fit", data, "--std", "--out", artifact], {
  encoding: "utf8",
  env: { ...process.env, REDIS_URL: "" },
});
if (fit.status !== 0) throw new Error(`fit failed: ${fit.stderr}`);

const benchCluster = await startBenchCluster(BIN, Number(args.workers));
const { redis, env } = benchCluster;
try {
  const rows = [];
  const time = (mode, run, runEnv) => {
    const out = path.join(work, `${mode}-${run}`.replace(/\W+/g, "-"));
    const argv = ["predict", data, "--model", MODEL, "--stats", artifact, "--out", out];
    const t0 = process.hrtime.bigint();
    const r = spawnSync(BIN, [...argv, ...threads, "--json"], {
      encoding: "utf8",
      env: runEnv,
      maxBuffer: 1 << 26,
    });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) throw new Error(`${mode} predict failed: ${r.stderr}`);
    const result = JSON.parse(r.stdout);
    if (result.n !== count) throw new Error(`${mode}: ${result.n} images predicted, not ${count}`);
    rows.push({ mode, run, seconds, out });
    console.error(`${mode} run ${run}: ${seconds.toFixed(2)} s`);
    return out;
  };
  // The workers' first run also starts their sandbox threads and loads the model.
  const cold = time("cluster (first run after workers start)", 0, env);
  for (let run = 1; run <= Number(args.runs); run++) {
    const embedded = time("embedded", run, { ...env, REDIS_URL: "" });
    const cluster = time("cluster", run, env);
    for (const other of run === 1 ? [cluster, cold] : [cluster]) sameParts(embedded, other);
  }
  console.log(
    `\npredict cluster overhead — ${count} ${size}x${size} PNGs, cifar-cnn (onnx), std artifact, ` +
      `${Number(args.workers)} worker processes${args.threads ? `, --threads ${args.threads}` : ""}, Redis ${redis.origin} — ` +
      `${os.cpus().length} cores, node ${process.version}, load average ${loadAverage()}, ${new Date().toISOString()}`,
  );
  printOverheadTable(rows, count, "run");
  console.log("parts: byte-identical between embedded and cluster in every run");
} finally {
  await benchCluster.stop();
  rmSync(work, { recursive: true, force: true });
}

/** Every part file of `a` is in `b` with the same bytes (the run marker and manifest differ by threads and timings). */
function sameParts(a, b) {
  const parts = readdirSync(a).filter((f) => /^part-\d+\.(?!record)/.test(f));
  if (parts.length === 0) throw new Error(`no parts in ${a}`);
  for (const f of parts) {
    if (!readFileSync(path.join(a, f)).equals(readFileSync(path.join(b, f))))
      throw new Error(`${f} differs between ${a} and ${b}`);
  }
}
