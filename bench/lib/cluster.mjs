// What the cluster benches share: finding a Redis, starting worker processes, cleaning a queue prefix.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
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
