/** `/v1/health`, `/v1/ready` and `/metrics`. */
import { stat } from "node:fs/promises";
import type { Redis } from "ioredis";
import type { Storage } from "@featurewise/storage";
import type { AllowList } from "./allow-list.js";
import type { ServeMetrics } from "./metrics.js";
import { authErrors, type RouteTable } from "./route-table.js";

/** What the service routes read. */
export interface ServiceContext {
  readonly redis: Redis;
  readonly allow: AllowList;
  readonly storage: Storage;
  readonly metrics: ServeMetrics;
}

/** How long a readiness probe waits for one dependency. */
const PROBE_MS = 5000;

export function addServiceRoutes(table: RouteTable, ctx: ServiceContext): void {
  table.add({
    method: "GET",
    url: "/v1/health",
    tag: "service",
    summary: "liveness: the process answers",
    responses: { 200: { description: "alive", schema: "Health" } },
    handler: async () => ({ status: "ok" }),
  });

  table.add({
    method: "GET",
    url: "/v1/ready",
    tag: "service",
    summary: "readiness: Redis and every allowed store answer",
    responses: {
      200: { description: "ready", schema: "Ready" },
      503: {
        description: "a dependency does not answer",
        schema: "Ready",
        contentType: "application/json",
      },
    },
    async handler(_request, reply) {
      const checks: Record<string, { ok: boolean; detail?: string }> = {};
      checks["redis"] = await probe(async () => {
        await ctx.redis.ping();
      });
      for (const prefix of ctx.allow.entries) {
        checks[prefix] = await probe(async () => {
          if (prefix.startsWith("s3://")) {
            const listing = ctx.storage.open(prefix).list("", { limit: 1 })[Symbol.asyncIterator]();
            await listing.next();
            await listing.return?.();
          } else {
            await stat(prefix);
          }
        });
      }
      const ready = Object.values(checks).every((c) => c.ok);
      return reply.code(ready ? 200 : 503).send({ ready, checks });
    },
  });

  table.add({
    method: "GET",
    url: "/metrics",
    scope: "read",
    tag: "service",
    summary:
      "Prometheus metrics: queue depths, runs by state, images/s, run durations, HTTP latency",
    responses: {
      200: {
        description: "the Prometheus text format",
        contentType: "text/plain",
        schema: { type: "string" },
      },
      ...authErrors("read"),
    },
    async handler(_request, reply) {
      const text = await ctx.metrics.registry.metrics();
      return reply.type(ctx.metrics.registry.contentType).send(text);
    },
  });
}

/** Runs a probe with a time limit; its error's message is the detail. */
async function probe(check: () => Promise<void>): Promise<{ ok: boolean; detail?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${PROBE_MS} ms`)), PROBE_MS);
      }),
    ]);
    return { ok: true };
  } catch (err) {
    return {
      ok: false,
      detail: (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "",
    };
  } finally {
    clearTimeout(timer);
  }
}
