import http from "node:http";
import type { AddressInfo } from "node:net";
import { S3Client } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { isFeaturewiseError } from "@featurewise/core";
import { ConcurrencyLimiter } from "./limiter.js";
import { createS3Agents } from "./s3-client.js";
import { DirectGet } from "./s3-direct-get.js";
import { toStoreError } from "./s3-errors.js";
import { Storage } from "./open-store.js";
import { readStorageConfig } from "./storage-config.js";

/** What the fake server does with one request. */
type Answer = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** An HTTP server on 127.0.0.1 that answers each request with the next of `answers`. */
let server: http.Server;
let endpoint: string;
let answers: Answer[] = [];
const seen: http.IncomingMessage[] = [];

const OBJECT = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 7 + 3) % 251));
const ETAG = '"fake-etag"';

/** The object, or from the requested `bytes=N-` on with 206. */
const serve: Answer = (req, res) => {
  const from = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? "")?.[1] ?? 0);
  res.writeHead(from > 0 ? 206 : 200, { "content-length": OBJECT.length - from, etag: ETAG });
  res.end(OBJECT.subarray(from));
};

/** Headers and the first `bytes` of the answer `serve` would give, then a reset connection. */
const cutAfter =
  (bytes: number): Answer =>
  (req, res) => {
    const from = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? "")?.[1] ?? 0);
    res.writeHead(from > 0 ? 206 : 200, { "content-length": OBJECT.length - from, etag: ETAG });
    res.write(OBJECT.subarray(from, from + bytes), () => res.socket?.destroy());
  };

const s3Error =
  (status: number, code?: string): Answer =>
  (_req, res) => {
    const body =
      code === undefined ? "" : `<Error><Code>${code}</Code><Message>it says no</Message></Error>`;
    res.writeHead(status, { "content-type": "application/xml", "content-length": body.length });
    res.end(body);
  };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req);
    req.resume();
    const answer = answers.shift() ?? serve;
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

afterEach(() => {
  answers = [];
  seen.length = 0;
  vi.unstubAllEnvs();
});

/** A Storage on the fake server with dummy credentials from the environment. */
function storageFor(env: Record<string, string> = {}): Storage {
  const all = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "secret",
    AWS_EC2_METADATA_DISABLED: "true",
    ...env,
  };
  for (const [k, v] of Object.entries(all)) vi.stubEnv(k, v);
  return new Storage(readStorageConfig(all));
}

async function withStore<T>(
  env: Record<string, string>,
  use: (get: (key: string) => Promise<Uint8Array>) => Promise<T>,
): Promise<T> {
  const storage = storageFor(env);
  try {
    const store = storage.open("s3://bucket/prefix");
    return await use((key) => store.get(key));
  } finally {
    storage.close();
  }
}

describe("DirectGet", () => {
  it("sends one signed GET per object, path-style, without the SDK's headers", async () => {
    const bytes = await withStore({ AWS_SESSION_TOKEN: "session/token" }, (get) =>
      get("dir/a b+(c)/ü.png"),
    );
    expect(Buffer.compare(bytes, OBJECT)).toBe(0);
    // The bytes own their buffer, so decode workers can take them without a copy.
    expect(bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength).toBe(true);
    expect(seen).toHaveLength(1);
    const req = seen[0]!;
    expect(req.method).toBe("GET");
    expect(req.url).toBe("/bucket/prefix/dir/a%20b%2B%28c%29/%C3%BC.png");
    expect(req.headers["x-amz-security-token"]).toBe("session/token");
    expect(req.headers["authorization"]).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/s3\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
    expect(req.headers["amz-sdk-invocation-id"]).toBeUndefined();
  });

  it("goes through the SDK when FEATUREWISE_S3_DIRECT_GETS=0", async () => {
    const bytes = await withStore({ FEATUREWISE_S3_DIRECT_GETS: "0" }, (get) => get("a.png"));
    expect(Buffer.compare(bytes, OBJECT)).toBe(0);
    expect(seen[0]!.headers["amz-sdk-invocation-id"]).toBeDefined();
  });

  it("resumes a body that breaks off with a Range pinned to the ETag", async () => {
    answers = [cutAfter(3000), cutAfter(2000)];
    const bytes = await withStore({}, (get) => get("a.png"));
    expect(Buffer.compare(bytes, OBJECT)).toBe(0);
    expect(seen.map((r) => [r.headers.range, r.headers["if-match"]])).toEqual([
      [undefined, undefined],
      ["bytes=3000-", ETAG],
      ["bytes=5000-", ETAG],
    ]);
  });

  it("starts over when a resume is answered with the whole object", async () => {
    const whole: Answer = (_req, res) => {
      res.writeHead(200, { "content-length": OBJECT.length, etag: ETAG });
      res.end(OBJECT);
    };
    answers = [cutAfter(4000), whole];
    const bytes = await withStore({}, (get) => get("a.png"));
    expect(Buffer.compare(bytes, OBJECT)).toBe(0);
    expect(seen[1]!.headers.range).toBe("bytes=4000-");
  });

  it("reads bodies without a Content-Length", async () => {
    answers = [
      (_req, res) => {
        res.writeHead(200, { etag: ETAG });
        res.write(OBJECT.subarray(0, 1234));
        res.end(OBJECT.subarray(1234));
      },
    ];
    const bytes = await withStore({}, (get) => get("a.png"));
    expect(Buffer.compare(bytes, OBJECT)).toBe(0);
  });

  it("gives up on a body that keeps breaking off after bodyAttempts reads", async () => {
    answers = Array.from({ length: 10 }, () => cutAfter(1000));
    const err = await withStore({}, (get) => get("a.png")).catch((e: unknown) => e);
    expect(isFeaturewiseError(err, "IO_ERROR")).toBe(true);
    expect(String(err)).toMatch(/^FeaturewiseError: cannot read s3:\/\/bucket\/prefix\/a\.png: /);
    expect(seen).toHaveLength(4);
  });

  it("retries throttling and 5xx like the SDK, and says how often it tried", async () => {
    answers = [s3Error(503, "SlowDown"), s3Error(500, "InternalError")];
    expect(Buffer.compare(await withStore({}, (get) => get("a.png")), OBJECT)).toBe(0);
    expect(seen).toHaveLength(3);

    seen.length = 0;
    answers = [s3Error(503, "SlowDown"), s3Error(503, "SlowDown")];
    const err = await withStore({ AWS_MAX_ATTEMPTS: "2" }, (get) => get("a.png")).catch(
      (e: unknown) => e,
    );
    expect(String(err)).toContain(
      "cannot read s3://bucket/prefix/a.png: SlowDown (HTTP 503): it says no (after 2 attempts)",
    );
    expect(seen).toHaveLength(2);
  });

  it("maps 404, 403 and missing buckets to the store's errors at once, without retrying", async () => {
    const cases: Array<[Answer, string, RegExp]> = [
      [s3Error(404, "NoSuchKey"), "NOT_FOUND", /a\.png: no such object$/],
      [s3Error(404, "NoSuchBucket"), "NOT_FOUND", /a\.png: bucket "bucket" does not exist$/],
      [s3Error(404), "NOT_FOUND", /a\.png: no such object$/],
      [s3Error(403, "AccessDenied"), "IO_ERROR", /a\.png: access denied \(HTTP 403 AccessDenied\)/],
      [s3Error(403), "IO_ERROR", /a\.png: access denied \(HTTP 403 Forbidden\)/],
      [s3Error(400, "InvalidArgument"), "IO_ERROR", /InvalidArgument \(HTTP 400\): it says no$/],
    ];
    for (const [answer, code, message] of cases) {
      seen.length = 0;
      answers = [answer];
      const err = await withStore({}, (get) => get("a.png")).catch((e: unknown) => e);
      expect(isFeaturewiseError(err, code as "NOT_FOUND"), String(err)).toBe(true);
      expect(String(err)).toMatch(message);
      expect(seen).toHaveLength(1);
    }
  });

  it("times out a silent server and says so", async () => {
    answers = [() => {}, () => {}];
    const err = await withStore(
      { AWS_MAX_ATTEMPTS: "2", FEATUREWISE_S3_TIMEOUT_MS: "150" },
      (get) => get("a.png"),
    ).catch((e: unknown) => e);
    expect(String(err)).toContain(
      `cannot read s3://bucket/prefix/a.png: the S3 endpoint ${endpoint} timed out (after 2 attempts)`,
    );
  });

  it("leaves buckets that need another signing scheme (S3 Express) to the SDK", async () => {
    const settings = readStorageConfig({ AWS_ENDPOINT_URL: endpoint, AWS_REGION: "us-east-1" }).s3;
    const client = new S3Client({
      region: "us-east-1",
      endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: "a", secretAccessKey: "s" },
    });
    try {
      const direct = new DirectGet(client, settings, createS3Agents(settings));
      const got = await direct.get("data--usw2-az1--x-s3", "k", new ConcurrencyLimiter(1), (e) =>
        e instanceof Error ? e : new Error(String(e)),
      );
      expect(got).toBeNull();
      expect(seen).toHaveLength(0);
    } finally {
      client.destroy();
    }
  });

  it("takes credentials from the client's provider, fetching again only when they expire", async () => {
    const calls = { lasting: 0, expiring: 0 };
    const provider = (name: keyof typeof calls, lifetimeMs: number) => () => {
      calls[name]++;
      return Promise.resolve({
        accessKeyId: `${name.toUpperCase()}${calls[name]}`,
        secretAccessKey: "s",
        expiration: new Date(Date.now() + lifetimeMs),
      });
    };
    const providers = {
      lasting: provider("lasting", 3_600_000),
      // Within the SDK's five minutes of expiry: fetched for every request.
      expiring: provider("expiring", 60_000),
    };
    const settings = readStorageConfig({ AWS_ENDPOINT_URL: endpoint, AWS_REGION: "us-east-1" }).s3;
    for (const name of ["lasting", "expiring"] as const) {
      seen.length = 0;
      const client = new S3Client({
        region: "us-east-1",
        endpoint,
        forcePathStyle: true,
        credentials: providers[name],
      });
      const agents = createS3Agents(settings);
      const direct = new DirectGet(client, settings, agents);
      const limiter = new ConcurrencyLimiter(4);
      const fail = (err: unknown) =>
        toStoreError(err, { op: "read", uri: "s3://b/k", bucket: "b", endpoint });
      for (let i = 0; i < 3; i++) {
        const bytes = await direct.get("bucket", `k${i}`, limiter, fail);
        expect(Buffer.compare(bytes!, OBJECT)).toBe(0);
      }
      client.destroy();
      const keys = seen.map((r) => /Credential=(\w+)\//.exec(r.headers.authorization!)?.[1]);
      if (name === "lasting") expect(keys).toEqual(["LASTING1", "LASTING1", "LASTING1"]);
      else expect(new Set(keys).size, String(keys)).toBe(3);
    }
  });
});
