import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";

/** A Redis the tests can use, and how to give it back. */
export interface TestRedis {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Where it came from: "REDIS_URL", "localhost:6379" or "redis-server on <port>". */
  readonly origin: string;
  /** Stops it when the harness started it. */
  stop(): Promise<void>;
}

/**
 * The Redis for a test file: `REDIS_URL` when set, else 127.0.0.1:6379 when
 * it answers PING, else a `redis-server` started on a free port (stopped
 * by `stop`). Each test must use its own queue prefix ({@link uniquePrefix})
 * and remove its keys ({@link deletePrefix}).
 */
export async function useRedis(): Promise<TestRedis> {
  const fromEnv = process.env["REDIS_URL"];
  if (fromEnv !== undefined && fromEnv !== "") {
    return { url: fromEnv, origin: "REDIS_URL", stop: async () => {} };
  }
  const local = "redis://127.0.0.1:6379";
  if (await answersPing(local))
    return { url: local, origin: "localhost:6379", stop: async () => {} };
  const server = await startRedisServer();
  return { url: server.url, origin: `redis-server on ${server.port}`, stop: () => server.stop() };
}

/** A unique queue prefix for one test: `fwtest-<name>-<hex>`. */
export function uniquePrefix(name: string): string {
  return `fwtest-${name}-${randomBytes(3).toString("hex")}`;
}

/** Deletes every key under `prefix:` (SCAN, then DEL in batches). */
export async function deletePrefix(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 3 });
  let deleted = 0;
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** True when Redis at `url` answers PING within half a second. */
export async function answersPing(url: string): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** A `redis-server` the harness started. */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Its data folder (kept across restarts, removed by `stop`). */
  readonly dir: string;
  /** Stops the process (SHUTDOWN semantics on SIGTERM: the AOF is flushed); data stays. */
  kill(): Promise<void>;
  /** Starts it again on the same port and folder. */
  restart(): Promise<void>;
  /** Stops it and removes its folder. */
  stop(): Promise<void>;
}

/** Starts `redis-server` on a free port; `appendonly` keeps its data across a restart. */
export async function startRedisServer(
  options: { appendonly?: boolean } = {},
): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "fw-redis-"));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const start = async (): Promise<void> => {
    child = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        dir,
        "--save",
        "",
        "--appendonly",
        options.appendonly === true ? "yes" : "no",
        "--appendfsync",
        "always",
        "--maxmemory-policy",
        "noeviction",
      ],
      { stdio: "ignore" },
    );
    for (let i = 0; i < 100; i++) {
      if (await answersPing(url)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server on port ${port} did not start`);
  };
  const kill = async (): Promise<void> => {
    const c = child;
    if (c === null || c.exitCode !== null) return;
    const exited = new Promise((resolve) => c.once("exit", resolve));
    c.kill("SIGTERM");
    await exited;
    child = null;
  };
  await start();
  return {
    url,
    port,
    dir,
    kill,
    restart: start,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
