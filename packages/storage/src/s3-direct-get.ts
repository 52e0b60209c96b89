import http from "node:http";
import https from "node:https";
import { setTimeout as sleep } from "node:timers/promises";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { getEndpointFromInstructions } from "@smithy/core/endpoints";
import type { ConcurrencyLimiter } from "./limiter.js";
import { isTransientError } from "./s3-errors.js";
import { encodeKeyPath, SigV4Signer, type SigningCredentials } from "./sigv4.js";
import type { S3Settings } from "./storage-config.js";

/** The keep-alive agents that S3 requests share. */
export interface S3Agents {
  readonly http: http.Agent;
  readonly https: https.Agent;
}

/** Where GETs of one bucket go and how they are signed. */
interface BucketTarget {
  readonly secure: boolean;
  readonly hostname: string;
  readonly port: number | undefined;
  /** The Host header. */
  readonly host: string;
  /** The path up to the key, without a trailing "/" ("" or "/bucket"). */
  readonly basePath: string;
  readonly region: string;
  readonly service: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** An answer other than 2xx, shaped like the SDK's service errors for `toStoreError`. */
class S3ResponseError extends Error {
  readonly $metadata: { httpStatusCode: number; attempts?: number };

  constructor(name: string, message: string, status: number) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode: status };
  }
}

/** A body that broke off, or ended short of its Content-Length. */
class BodyReadError extends Error {
  override readonly name = "BodyReadError";
}

/** A request that timed out (connecting, or waiting on an idle socket). */
class RequestTimeoutError extends Error {
  override readonly name = "TimeoutError";
  readonly code = "ETIMEDOUT";
}

/** Throttling error codes the SDK backs off from more slowly. */
const THROTTLING = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "RequestThrottled",
  "TooManyRequestsException",
]);

/** The SDK's longest pause between two attempts of a request. */
const MAX_RETRY_DELAY_MS = 20_000;

/**
 * Whole-object GETs without the AWS SDK's per-request machinery: a SigV4
 * signed GET over node:http(s) on the keep-alive agents the S3 client
 * uses, about a fifth of the SDK's CPU per small object. What the SDK
 * would decide is still decided by the SDK, once per bucket: the endpoint
 * (its endpoint rules, with the client's region, endpoint and path-style
 * settings) and the credentials (the client's provider chain, cached and
 * refreshed by the SDK before they expire). Buckets whose endpoint needs
 * another signing scheme (S3 Express, multi-region access points) are left
 * to the SDK: {@link get} returns null for them.
 *
 * Retries follow the SDK's and {@link streamS3Object}'s: a request that
 * fails before its body (dropped or refused connection, timeout, 5xx, 429,
 * throttling) is retried up to `maxAttempts` times with jittered
 * exponential backoff; a body that breaks off is resumed with a Range
 * request pinned to the ETag, up to `bodyAttempts` times.
 */
export class DirectGet {
  private readonly targets = new Map<string, Promise<BucketTarget | null>>();
  private readonly signer = new SigV4Signer();

  constructor(
    private readonly client: S3Client,
    private readonly settings: S3Settings,
    private readonly agents: S3Agents,
  ) {}

  /**
   * The whole object `key` of `bucket`, holding one slot of `limiter`
   * while it is read; null when this bucket must go through the SDK.
   * Failures are thrown as `fail(err)`.
   */
  async get(
    bucket: string,
    key: string,
    limiter: ConcurrencyLimiter,
    fail: (err: unknown) => Error,
  ): Promise<Uint8Array | null> {
    let target: BucketTarget | null;
    try {
      target = await this.target(bucket);
    } catch (err) {
      throw fail(err);
    }
    if (target === null) return null;
    const release = await limiter.acquire();
    try {
      return await this.read(target, `${target.basePath}/${encodeKeyPath(key)}`);
    } catch (err) {
      throw fail(err);
    } finally {
      release();
    }
  }

  /** Resolves (once per bucket) where its GETs go; null for the SDK's. */
  private target(bucket: string): Promise<BucketTarget | null> {
    let target = this.targets.get(bucket);
    if (target === undefined) {
      target = this.resolveTarget(bucket);
      this.targets.set(bucket, target);
      // A failed resolution (no region, say) is tried again next time.
      target.catch(() => this.targets.delete(bucket));
    }
    return target;
  }

  private async resolveTarget(bucket: string): Promise<BucketTarget | null> {
    const endpoint = await getEndpointFromInstructions(
      { Bucket: bucket, Key: "_" },
      GetObjectCommand,
      this.client.config,
    );
    const schemes = (endpoint.properties?.["authSchemes"] ?? []) as Array<{
      name?: string;
      signingName?: string;
      signingRegion?: string;
    }>;
    const scheme = schemes[0] ?? { name: "sigv4" };
    const url = endpoint.url;
    if (scheme.name !== "sigv4" || url.search !== "" || schemes.length > 1) return null;
    const headers: Record<string, string> = {};
    for (const [name, values] of Object.entries(endpoint.headers ?? {})) {
      headers[name.toLowerCase()] = values.join(",");
    }
    return {
      secure: url.protocol === "https:",
      hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: url.port === "" ? undefined : Number(url.port),
      host: url.host,
      basePath: url.pathname.replace(/\/+$/, ""),
      region: scheme.signingRegion ?? (await this.client.config.region()),
      service: scheme.signingName ?? "s3",
      headers,
    };
  }

  /** Reads the whole object at `path`, resuming a body that breaks off. */
  private async read(target: BucketTarget, path: string): Promise<Uint8Array> {
    let body: Uint8Array | null = null;
    let chunks: Uint8Array[] = [];
    let offset = 0;
    let etag: string | undefined;
    for (let attempt = 1; ; attempt++) {
      const resume = offset > 0 && etag !== undefined;
      const res = await this.request(
        target,
        path,
        resume ? { range: `bytes=${offset}-`, "if-match": etag! } : {},
      );
      if (!resume || res.statusCode !== 206) {
        // A first answer, or a server that ignored the Range: start over.
        offset = 0;
        chunks = [];
        const length = Number(res.headers["content-length"] ?? Number.NaN);
        body = Number.isSafeInteger(length) ? new Uint8Array(length) : null;
        etag = res.headers.etag;
      }
      try {
        await readBody(res, (chunk) => {
          if (body === null) chunks.push(chunk);
          else body.set(chunk, offset);
          offset += chunk.length;
        });
        if (body === null) return new Uint8Array(Buffer.concat(chunks));
        if (offset !== body.length) {
          throw new BodyReadError(`the body ended after ${offset} of ${body.length} bytes`);
        }
        return body;
      } catch (err) {
        const bodyFailure = err instanceof BodyReadError || isTransientError(err);
        if (!bodyFailure || attempt >= this.settings.bodyAttempts) throw err;
        const delay = Math.min(5_000, this.settings.retryBaseDelayMs * 2 ** (attempt - 1));
        await sleep(Math.random() * delay);
      }
    }
  }

  /**
   * Sends one GET until it answers 2xx (returned with its body unread),
   * retrying what the SDK's standard retry mode retries.
   */
  private async request(
    target: BucketTarget,
    path: string,
    extra: Readonly<Record<string, string>>,
  ): Promise<http.IncomingMessage> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.send(target, path, extra);
      } catch (err) {
        if (!isTransientError(err) || attempt >= this.settings.maxAttempts) {
          if (err !== null && typeof err === "object") {
            const e = err as { $metadata?: { attempts?: number } };
            e.$metadata = { ...e.$metadata, attempts: attempt };
          }
          throw err;
        }
        const base = THROTTLING.has((err as Error).name) ? 500 : 100;
        await sleep(Math.random() * Math.min(MAX_RETRY_DELAY_MS, base * 2 ** (attempt - 1)));
      }
    }
  }

  private async send(
    target: BucketTarget,
    path: string,
    extra: Readonly<Record<string, string>>,
  ): Promise<http.IncomingMessage> {
    const credentials = (await this.client.config.credentials()) as SigningCredentials;
    const now = new Date(Date.now() + (this.client.config.systemClockOffset ?? 0));
    const headers = this.signer.sign(
      { method: "GET", host: target.host, path, headers: { ...target.headers, ...extra } },
      credentials,
      target.region,
      target.service,
      now,
    );
    const { connectionTimeoutMs, socketTimeoutMs } = this.settings;
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = (target.secure ? https : http).request({
        method: "GET",
        hostname: target.hostname,
        port: target.port,
        path,
        headers,
        agent: target.secure ? this.agents.https : this.agents.http,
        timeout: socketTimeoutMs,
      });
      req.once("socket", (socket) => {
        if (!socket.connecting) return;
        const timer = setTimeout(
          () =>
            req.destroy(new RequestTimeoutError(`no connection within ${connectionTimeoutMs} ms`)),
          connectionTimeoutMs,
        );
        socket.once("connect", () => clearTimeout(timer));
        req.once("close", () => clearTimeout(timer));
      });
      req.on("timeout", () =>
        req.destroy(new RequestTimeoutError(`the socket was idle for ${socketTimeoutMs} ms`)),
      );
      req.once("response", resolve);
      req.once("error", reject);
      req.end();
    });
    const status = res.statusCode ?? 0;
    if (status >= 200 && status < 300) return res;
    throw await responseError(res, status);
  }
}

/** Feeds the body's chunks to `onChunk`; rejects when it breaks off. */
function readBody(res: http.IncomingMessage, onChunk: (chunk: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let ended = false;
    res.on("data", (chunk: Buffer) => {
      try {
        onChunk(chunk);
      } catch (err) {
        res.destroy();
        reject(err as Error);
      }
    });
    res.once("end", () => {
      ended = true;
      resolve();
    });
    res.once("error", reject);
    res.once("close", () => {
      if (!ended) reject(new BodyReadError("the connection closed inside the body"));
    });
  });
}

/** The error of a non-2xx answer, named by the `<Code>` of its XML body. */
async function responseError(res: http.IncomingMessage, status: number): Promise<Error> {
  let text = "";
  try {
    res.setEncoding("utf8");
    for await (const chunk of res) {
      if (text.length < 64 * 1024) text += chunk as string;
    }
  } catch {
    // The status is enough to go on.
  }
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
  const name =
    code ?? (status === 404 ? "NotFound" : status === 403 ? "Forbidden" : `Http${status}`);
  return new S3ResponseError(name, message ?? `HTTP ${status}`, status);
}
