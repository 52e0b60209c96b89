// What the cluster benches share: finding a Redis, starting worker processes, cleaning a queue
// prefix, and the table that holds cluster runs against embedded ones.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import os from "node:os";
import { Redis } from "ioredis";

/** Starts `featurewise worker --name <name> ...args` and resolves once it is ready. */
export function startWorker(bin, name, env, args = []) {
  const child = spawn(bin, ["worker", "--name", name, ...args], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  return new Promise((resolve, reject) => {
    child.stderr.on("data", (d) => {
      log += d.toString();
      if (/ready: queues/.test(log)) resolve(worker);
    });
    child.once("exit", (code) => reject(new Error(`worker ${name} exited ${code}: ${log}`)));
    const worker = {
      stop: () =>
        new Promise((done) => {
          if (child.exitCode !== null) return done();
          child.once("exit", done);
          child.kill("SIGTERM");
        }),
    };
  });
}

export async function answers(url) {
  const r = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on("error", () => {});
  try {
    await r.connect();
    return (await r.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

/** REDIS_URL, else 127.0.0.1:6379 when it answers, else a redis-server on a free port. */
export async function findRedis() {
  if (process.env.REDIS_URL)
    return { url: process.env.REDIS_URL, origin: "REDIS_URL", stop: async () => {} };
  if (await answers("redis://127.0.0.1:6379"))
    return { url: "redis://127.0.0.1:6379", origin: "127.0.0.1:6379", stop: async () => {} };
  const port = await new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--save", "", "--appendonly", "no"],
    {
      stdio: "ignore",
    },
  );
  const url = `redis://127.0.0.1:${port}`;
  while (!(await answers(url))) await new Promise((r) => setTimeout(r, 50));
  return {
    url,
    origin: `redis-server on ${port}`,
    stop: () => new Promise((done) => (child.once("exit", done), child.kill("SIGTERM"))),
  };
}

/** Deletes every key under `p:`. */
export async function deletePrefix(url, p) {
  const r = new Redis(url);
  let cursor = "0";
  do {
    const [next, keys] = await r.scan(cursor, "MATCH", `${p}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await r.del(...keys);
  } while (cursor !== "0");
  r.disconnect();
}

/**
 * A cluster for one bench: a Redis ({@link findRedis}), a fresh queue prefix
 * and `count` ready `featurewise worker` processes serving it. `env` points a
 * CLI command at it; `stop` stops the workers, deletes the prefix and gives
 * the Redis back.
 */
export async function startBenchCluster(bin, count) {
  const prefix = `fwbench-${randomBytes(3).toString("hex")}`;
  const redis = await findRedis();
  const env = { ...process.env, REDIS_URL: redis.url, FEATUREWISE_QUEUE_PREFIX: prefix };
  const workers = [];
  const stop = async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await deletePrefix(redis.url, prefix);
    await redis.stop();
  };
  try {
    for (let i = 0; i < count; i++) workers.push(await startWorker(bin, `bench-${i + 1}`, env));
  } catch (err) {
    await stop();
    throw err;
  }
  return { redis, prefix, env, stop };
}

/** The load averages now, as the benches print them: "1.05 0.80 0.52". */
export function loadAverage() {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
}

/**
 * Prints the table of a bench that timed the same `count` images embedded and
 * on the cluster (`rows`: { mode: "embedded" | "cluster" | other, seconds },
 * the first of them the cluster's first after its workers started): each
 * mode's median, and that first one, against the embedded median. `first`
 * names what ran ("fit", "run").
 */
export function printOverheadTable(rows, count, first) {
  const median = (mode) => {
    const s = rows
      .filter((r) => r.mode === mode)
      .map((r) => r.seconds)
      .sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
  };
  const runs = rows.filter((r) => r.mode === "embedded").length;
  const e = median("embedded");
  const c = median("cluster");
  const f = rows[0].seconds;
  console.log("| mode | runs | median seconds | images/s | ÷ embedded |");
  console.log("|---|---|---|---|---|");
  console.log(`| embedded | ${runs} | ${e.toFixed(2)} | ${(count / e).toFixed(0)} | 1.00 |`);
  console.log(
    `| cluster (workers warm) | ${runs} | ${c.toFixed(2)} | ${(count / c).toFixed(0)} | ${(c / e).toFixed(2)} |`,
  );
  console.log(
    `| cluster, first ${first} after the workers started | 1 | ${f.toFixed(2)} | ${(count / f).toFixed(0)} | ${(f / e).toFixed(2)} |`,
  );
}
