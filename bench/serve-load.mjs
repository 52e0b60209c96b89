// Load on `featurewise serve` over loopback: N concurrent fit submissions
// and M SSE clients following them, against a redis-server of its own and
// a few worker processes. Prints submission and first-event latencies
// (p50/p99), the runs by final state (every one must be accounted for),
// the SSE streams' state sequences (each in order, ending final), and
// Redis' memory and keys before, at the peak, and once all runs ended.
// usage: node bench/serve-load.mjs [--runs 200] [--sse 100] [--workers 2] [--timeout 240]
// Not a test: it prints a table and exits 1 when a check fails.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { writeSyntheticImages } from "@featurewise/dataset";

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "200" },
    sse: { type: "string", default: "100" },
    workers: { type: "string", default: "2" },
    timeout: { type: "string", default: "240" },
  },
});
const RUNS = Number(args.runs);
const SSE = Math.min(Number(args.sse), RUNS);
const BIN = "packages/cli/bin/featurewise.js";
const FINAL = ["succeeded", "failed", "cancelled"];
const ORDER = ["queued", "planning", "running", "finalizing", "succeeded", "failed", "cancelled"];
const work = mkdtempSync(path.join(os.tmpdir(), "fw-serve-load-"));
const children = [];
const problems = [];

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const ms = (x) => `${x.toFixed(1)} ms`;

function start(cmd, argv, env, ready) {
  const child = spawn(cmd, argv, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let log = "";
  return new Promise((resolve, reject) => {
    const on = (d) => {
      log += d.toString();
      const m = ready.exec(log);
      if (m !== null) resolve({ child, match: m, log: () => log });
    };
    child.stdout.on("data", on);
    child.stderr.on("data", on);
    child.once("exit", (code) =>
      reject(new Error(`${cmd} ${argv[0]} exited ${code}: ${log.slice(-2000)}`)),
    );
  });
}

try {
  const redisPort = await freePort();
  await start(
    "redis-server",
    ["--port", String(redisPort), "--save", "", "--appendonly", "no"],
    {},
    /Ready to accept/,
  );
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const redis = new Redis(redisUrl);
  const memory = async () => {
    const info = await redis.info("memory");
    return { bytes: Number(/used_memory:(\d+)/.exec(info)[1]), keys: await redis.dbsize() };
  };
  const images = path.join(work, "images");
  await writeSyntheticImages(images, { count: 8, height: 8, width: 8 });
  const env = { REDIS_URL: redisUrl, FEATUREWISE_QUEUE_PREFIX: "load" };
  const [server] = await Promise.all([
    start(
      BIN,
      [
        "serve",
        "--port",
        "0",
        "--insecure-no-auth",
        "--rate-limit",
        "100000",
        "--allow",
        `${work}/`,
        "--log-level",
        "warn",
      ],
      env,
      /listening on (http:\/\/[^"\s]+)/,
    ),
    ...Array.from({ length: Number(args.workers) }, (_, i) =>
      start(BIN, ["worker", "--name", `load-${i}`, "--concurrency", "2"], env, /ready: queues/),
    ),
  ]);
  const url = server.match[1];
  const before = await memory();
  console.error(
    `server ${url}, ${args.workers} workers; submitting ${RUNS} fits at once, following ${SSE} ...`,
  );

  // 1. RUNS submissions at once.
  const t0 = performance.now();
  const submissions = await Promise.all(
    Array.from({ length: RUNS }, async (_, i) => {
      const s = performance.now();
      const res = await fetch(`${url}/v1/fits`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          source: images,
          out: path.join(work, "out", `run-${i}`),
          std: true,
        }),
      });
      const body = await res.json();
      if (res.status !== 202)
        problems.push(`submission ${i}: ${res.status} ${JSON.stringify(body)}`);
      return { id: body.id, ms: performance.now() - s };
    }),
  );
  const submitWall = performance.now() - t0;

  // 2. SSE clients on the first SSE runs, at once, each to the end of its run.
  const deadline = Date.now() + Number(args.timeout) * 1000;
  const streams = await Promise.all(
    submissions.slice(0, SSE).map(async ({ id }) => {
      const s = performance.now();
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), Math.max(0, deadline - Date.now()));
      const states = [];
      let firstMs = null;
      try {
        const res = await fetch(`${url}/v1/fits/${id}/events`, { signal: controller.signal });
        const decoder = new TextDecoder();
        let buf = "";
        for await (const chunk of res.body) {
          buf += decoder.decode(chunk, { stream: true });
          let end;
          while ((end = buf.indexOf("\n\n")) >= 0) {
            const block = buf.slice(0, end);
            buf = buf.slice(end + 2);
            if (!/^event: state$/m.test(block)) continue;
            firstMs ??= performance.now() - s;
            states.push(JSON.parse(/^data: (.*)$/m.exec(block)[1]).state);
          }
        }
      } catch (err) {
        if (!controller.signal.aborted) problems.push(`events of ${id}: ${err}`);
      } finally {
        clearTimeout(timer);
      }
      return { id, states, firstMs };
    }),
  );
  const peak = await memory();

  // 3. Every run accounted for.
  const byState = {};
  for (;;) {
    const reads = await Promise.all(
      submissions.map(({ id }) => fetch(`${url}/v1/fits/${id}`).then((r) => r.json())),
    );
    const open = reads.filter((r) => !FINAL.includes(r.state));
    if (open.length === 0 || Date.now() > deadline) {
      for (const r of reads)
        byState[r.state ?? `error ${r.code}`] = (byState[r.state ?? `error ${r.code}`] ?? 0) + 1;
      break;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  const total = (performance.now() - t0) / 1000;
  const after = await memory();
  const listed = [];
  for (let cursor = ""; ;) {
    const page = await (await fetch(`${url}/v1/fits?limit=100${cursor}`)).json();
    listed.push(...page.items.map((r) => r.id));
    if (page.next === null) break;
    cursor = `&cursor=${page.next}`;
  }
  for (const s of streams) {
    const ranks = s.states.map((x) => ORDER.indexOf(x));
    const inOrder = ranks.every((r, i) => i === 0 || r > ranks[i - 1]);
    if (!inOrder || !FINAL.includes(s.states.at(-1)) || s.states[0] !== "queued")
      problems.push(`events of ${s.id}: ${s.states.join(">")}`);
  }
  if ((byState["succeeded"] ?? 0) !== RUNS)
    problems.push(`runs by state: ${JSON.stringify(byState)}`);
  if (new Set(listed).size !== RUNS)
    problems.push(`GET /v1/fits lists ${new Set(listed).size} runs, not ${RUNS}`);
  const load = os.loadavg()[0].toFixed(1);
  const sub = submissions.map((s) => s.ms);
  const first = streams.map((s) => s.firstMs).filter((x) => x !== null);
  console.log(`| measure | value |`);
  console.log(`|---|---|`);
  console.log(
    `| submissions (${RUNS} at once) | p50 ${ms(pct(sub, 50))}, p99 ${ms(pct(sub, 99))}, max ${ms(Math.max(...sub))}, all in ${ms(submitWall)} |`,
  );
  console.log(
    `| SSE clients (${SSE}) first event | p50 ${ms(pct(first, 50))}, p99 ${ms(pct(first, 99))} |`,
  );
  console.log(
    `| SSE streams in order, ending final | ${streams.length - problems.filter((p) => p.startsWith("events")).length}/${streams.length} |`,
  );
  console.log(
    `| runs by final state | ${JSON.stringify(byState)} (listed: ${new Set(listed).size}) |`,
  );
  console.log(
    `| all runs ended after | ${total.toFixed(1)} s (${args.workers} workers, concurrency 2) |`,
  );
  console.log(
    `| Redis before / peak / after | ${(before.bytes / 1e6).toFixed(2)} / ${(peak.bytes / 1e6).toFixed(2)} / ${(after.bytes / 1e6).toFixed(2)} MB; keys ${before.keys} / ${peak.keys} / ${after.keys} |`,
  );
  console.log(
    `| Redis per finished run | ${((after.bytes - before.bytes) / RUNS / 1024).toFixed(1)} KiB, ${((after.keys - before.keys) / RUNS).toFixed(1)} keys (completed jobs kept 24 h, then removed; event log capped at 64 entries) |`,
  );
  console.log(`| load average (1 min) at the end | ${load} |`);
  if (problems.length > 0) {
    console.log(`\nproblems (${problems.length}):\n${problems.slice(0, 20).join("\n")}`);
    process.exitCode = 1;
  }
  redis.disconnect();
} finally {
  for (const c of children.reverse()) if (c.exitCode === null) c.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 500));
  rmSync(work, { recursive: true, force: true });
}
