// What running a fit through Redis and worker processes costs, against the
// embedded fit of the same images and shard plan, on this machine.
// usage: node bench/cluster-overhead.mjs [--count 20000] [--size 32] [--workers 2] [--runs 3] [--zca] [--timeline]
// --timeline: after each cluster fit, when each of its jobs was queued, started and ended (BullMQ's timestamps).
// Redis: REDIS_URL, else 127.0.0.1:6379 when it answers, else a redis-server on a free port.
// Not a test: it prints a table (and checks the artifacts agree bit for bit).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { loadAverage, printOverheadTable, startBenchCluster } from "./lib/cluster.mjs";
import { syntheticPngs } from "./lib/data.mjs";

const { values: args } = parseArgs({
  options: {
    count: { type: "string", default: "20000" },
    size: { type: "string", default: "32" },
    workers: { type: "string", default: "2" },
    runs: { type: "string", default: "3" },
    zca: { type: "boolean", default: false },
    timeline: { type: "boolean", default: false },
  },
});
const count = Number(args.count);
const size = Number(args.size);
const data = await syntheticPngs(count, size);
const BIN = "packages/cli/bin/featurewise.js";
const flags = args.zca ? ["--zca"] : ["--std"];
const work = mkdtempSync(path.join(os.tmpdir(), "fw-cluster-bench-"));

const benchCluster = await startBenchCluster(BIN, Number(args.workers));
const { redis, prefix, env } = benchCluster;
try {
  const rows = [];
  const time = (mode, run, argv, runEnv) => {
    const out = path.join(work, `${mode}-${run}`);
    const t0 = process.hrtime.bigint();
    const r = spawnSync(BIN, ["fit", data, ...flags, "--out", out, "--json", ...argv], {
      encoding: "utf8",
      env: runEnv,
      maxBuffer: 1 << 26,
    });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) throw new Error(`${mode} fit failed: ${r.stderr}`);
    const result = JSON.parse(r.stdout);
    rows.push({ mode, run, seconds, out, n: result.n });
    console.error(`${mode} run ${run}: ${seconds.toFixed(2)} s`);
    if (args.timeline && result.fitId)
      return printTimeline(result.fitId, t0, seconds).then(() => out);
    return out;
  };
  // The workers' first fit also starts their sandbox threads (module loading, decode pools).
  const cold = await time("cluster (first fit after workers start)", 0, [], env);
  for (let run = 1; run <= Number(args.runs); run++) {
    const embedded = await time("embedded", run, [], { ...env, REDIS_URL: "" });
    const cluster = await time("cluster", run, [], env);
    for (const f of ["mean.npy", "std.npy", "moments.fwm", "stats.npz"]) {
      const same = readFileSync(path.join(embedded, f)).equals(readFileSync(path.join(cluster, f)));
      if (!same) throw new Error(`${f} differs between the embedded and the cluster fit`);
    }
  }
  if (
    !readFileSync(path.join(cold, "moments.fwm")).equals(
      readFileSync(path.join(work, "embedded-1", "moments.fwm")),
    )
  )
    throw new Error("the first cluster fit differs from the embedded one");
  console.log(
    `\ncluster overhead — ${count} ${size}x${size} PNGs, fit ${flags.join(" ")}, ${Number(args.workers)} worker processes, ` +
      `Redis ${redis.origin} — ${os.cpus().length} cores, node ${process.version}, load average ${loadAverage()}, ${new Date().toISOString()}`,
  );
  printOverheadTable(rows, count, "fit");
  console.log(
    "artifacts: mean/std/moments/npz bit-identical between embedded and cluster in every run",
  );
} finally {
  await benchCluster.stop();
  rmSync(work, { recursive: true, force: true });
}

/** One line per job of the fit, in seconds since the CLI started (`t0`, hrtime ns). */
async function printTimeline(fitId, t0, seconds) {
  const start = Date.now() - Number(process.hrtime.bigint() - t0) / 1e6;
  const r = new Redis(redis.url);
  const jobs = [];
  for (const queue of ["coordinator", "shard", "reduce", "finalize"]) {
    for (const key of await r.keys(`${prefix}:${queue}:${fitId}-*`)) {
      const h = await r.hgetall(key);
      if (h.processedOn === undefined) continue;
      jobs.push({ id: key.slice(key.lastIndexOf(fitId) + fitId.length + 1), ...h });
    }
  }
  r.disconnect();
  const at = (ms) => ((Number(ms) - start) / 1000).toFixed(2).padStart(6);
  jobs.sort((a, b) => Number(a.processedOn) - Number(b.processedOn));
  for (const j of jobs) {
    const took = ((Number(j.finishedOn) - Number(j.processedOn)) / 1000).toFixed(2);
    console.error(
      `  ${j.id.padEnd(12)} queued ${at(j.timestamp)}  ran ${at(j.processedOn)} → ${at(j.finishedOn)} (${took} s) on ${j.processedBy ?? "?"}`,
    );
  }
  console.error(`  the CLI exited at ${seconds.toFixed(2)}`);
}
