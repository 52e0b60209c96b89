/**
 * `featurewise serve`: the job API (Fastify) in front of a featurewise
 * cluster. Runs are submitted and read through the light cluster client,
 * as the CLI does; the server keeps no state of its own beyond Redis.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import rateLimit from "@fastify/rate-limit";
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import { FitClient, QUEUE_NAMES } from "@featurewise/fit/cluster/client";
import { connectClient, createRedis } from "@featurewise/queue/client";
import { redactRedisUrl } from "@featurewise/queue/settings";
import { AllowList } from "./allow-list.js";
import type { Scope } from "./api-keys.js";
import { addAdminBoard } from "./admin-board.js";
import { authorize } from "./auth.js";
import { addConsoleRoutes } from "./console.js";
import { fitRuns } from "./fit-runs.js";
import { addPredictionRowsRoute } from "./prediction-rows.js";
import { predictRuns } from "./predict-runs.js";
import { PREDICT_QUEUE_NAMES, PredictClient } from "@featurewise/predict/cluster/client";
import { IdempotencyStore } from "./idempotency.js";
import { ServeMetrics } from "./metrics.js";
import { openApiDocument } from "./openapi.js";
import { sendProblem } from "./problem.js";
import { addRunRoutes } from "./run-routes.js";
import { RouteTable } from "./route-table.js";
import { addServiceRoutes } from "./service-routes.js";
import { checkServeOptions, type ServeOptions } from "./serve-options.js";
import type { RunKind } from "./run-kind.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The scope a key needs for the route; undefined for public routes. */
    scope?: Scope | undefined;
  }
  interface FastifyRequest {
    /** The authenticated key's name ("local" without authentication, "" on public routes). */
    apiKeyName: string;
  }
}

/** Log paths that may hold a credential: replaced by "[redacted]". */
export const REDACTED_LOG_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  "*.token",
  "*.password",
  "*.secretAccessKey",
  "*.sessionToken",
  "err.config",
];

/** A running server. */
export interface FeaturewiseServer {
  readonly app: FastifyInstance;
  /** `http://host:port` it listens on. */
  readonly url: string;
  close(): Promise<void>;
}

/** Builds the server and starts listening. */
export async function startServer(input: ServeOptions): Promise<FeaturewiseServer> {
  const options = checkServeOptions(input);
  const allow = new AllowList(options.allow);
  const client = await FitClient.connect(options.redisUrl, options.prefix);
  const predictClient = await PredictClient.connect(options.redisUrl, options.prefix);
  const redis = createRedis(options.redisUrl, "client");
  await connectClient(redis, options.redisUrl);
  const app = Fastify({
    logger: {
      level: options.logLevel,
      redact: { paths: REDACTED_LOG_PATHS, censor: "[redacted]" },
      serializers: {
        // The headers are logged (user agent, request ids, proxies), credentials redacted above.
        req: (req: FastifyRequest) => ({
          method: req.method,
          url: req.url,
          remoteAddress: req.ip,
          headers: req.headers,
        }),
      },
    },
    bodyLimit: options.bodyLimit,
    requestTimeout: options.requestTimeoutMs,
    connectionTimeout: options.requestTimeoutMs,
    return503OnClosing: true,
  });
  app.decorateRequest("apiKeyName", "");
  // The console's sign-in form.
  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string" },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );
  const predictions = predictRuns(predictClient, options.storage) as RunKind<unknown>;
  const kinds = [fitRuns(client, options.storage), predictions] as RunKind<unknown>[];
  const metrics = new ServeMetrics(QUEUE_NAMES, (q) => client.queue(q).getJobCounts(), kinds);

  app.setErrorHandler((err, request, reply) => sendProblem(reply, request, err));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      request,
      new FeaturewiseError(
        ErrorCodes.NOT_FOUND,
        `no route ${request.method} ${request.url.split("?")[0]}`,
      ),
    ),
  );
  app.addHook("onRequest", async (request) => {
    const scope = request.routeOptions.config.scope;
    if (scope !== undefined) authorize(request, options.keys, scope);
  });
  app.addHook("onResponse", async (request, reply) => {
    metrics.request(
      request.method,
      request.routeOptions.url ?? "unknown",
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });
  await app.register(rateLimit, {
    hook: "preHandler",
    max: options.rateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) =>
      request.apiKeyName === "" ? `ip:${request.ip}` : `key:${request.apiKeyName}`,
    errorResponseBuilder: (_request, context) =>
      Object.assign(
        new FeaturewiseError(
          ErrorCodes.RATE_LIMITED,
          `rate limit: at most ${context.max} requests a minute per key; retry in ${Math.ceil(context.ttl / 1000)} s`,
        ),
        { statusCode: 429 },
      ),
  });

  const table = new RouteTable(app);
  const idempotency = new IdempotencyStore(redis, options.prefix);
  for (const kind of kinds)
    addRunRoutes(table, kind, { allow, idempotency, metrics, eventPollMs: options.eventPollMs });
  addPredictionRowsRoute(table, predictions, options.storage);
  addServiceRoutes(table, { redis, allow, storage: options.storage, metrics });
  await addAdminBoard(
    app,
    [...QUEUE_NAMES, ...PREDICT_QUEUE_NAMES].map((q) => client.queue(q)),
    options.keys,
  );
  const requests = Object.fromEntries(
    kinds.flatMap((k) => [
      [`${k.title}Request`, k.requestSchema],
      [`${k.title}Result`, k.resultSchema],
    ]),
  );
  let document: Record<string, unknown> | null = null;
  addConsoleRoutes(table, {
    kinds,
    // Built on first request, when every route is in the table (this one too).
    document: () => (document ??= openApiDocument(table.routes, requests)),
    keys: options.keys,
    renderReport: options.renderReport,
  });

  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  const url = `http://${host}:${port}`;
  app.log.info(
    {
      redis: redactRedisUrl(options.redisUrl),
      prefix: options.prefix,
      allow: allow.entries,
      auth: options.keys === null ? "none (--insecure-no-auth)" : `${options.keys.length} keys`,
    },
    `featurewise serve listening on ${url}`,
  );
  return {
    app,
    url,
    async close() {
      await app.close();
      await client.close();
      await predictClient.close();
      redis.disconnect();
    },
  };
}
