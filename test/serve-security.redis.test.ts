import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, runCliOk } from "./helpers/cli.js";
import { deletePrefix, uniquePrefix, useRedis, type TestRedis } from "./helpers/redis.js";
import { startServe, type ServeProcess } from "./helpers/serve.js";

// The server's guards, against a real `featurewise serve` process (no
// workers: nothing here needs a run to go further than queued).
const SECRET = "fwTestSecret-9f3c2a71-must-not-leak";
const WRONG = "fw_wrong-token-0b1e-must-not-leak";
let redis: TestRedis;
let work: string;
let root: string;
let server: ServeProcess;
const tokens: Record<string, string> = {};
const prefix = uniquePrefix("serve-sec");
/** Every answer's headers and body, searched for secrets at the end. */
const seen: string[] = [];

async function call(
  method: string,
  url: string,
  token: string | null,
  body?: unknown,
  headers: Record<string, string> = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers are read loosely here; the contract test checks their shapes
): Promise<{ status: number; body: any; type: string }> {
  const h: Record<string, string> = { ...headers };
  if (token !== null) h["authorization"] = `Bearer ${token}`;
  if (body !== undefined) h["content-type"] ??= "application/json";
  const res = await fetch(url, {
    method,
    headers: h,
    redirect: "manual",
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  seen.push(JSON.stringify([...res.headers]), text);
  const type = res.headers.get("content-type") ?? "";
  return { status: res.status, body: type.includes("json") ? JSON.parse(text) : text, type };
}

beforeAll(async () => {
  redis = await useRedis();
  work = mkdtempSync(path.join(tmpdir(), "fw-serve-sec-"));
  root = path.join(work, "root");
  mkdirSync(path.join(root, "images"), { recursive: true });
  symlinkSync("/etc", path.join(root, "escape"));
  const lines: string[] = [];
  for (const [name, scopes] of [
    ["reader", "read"],
    ["submitter", "read,submit"],
    ["admin", "read,submit,admin"],
  ] as const) {
    const k = JSON.parse(
      (await runCliOk(["keys", "create", "--name", name, "--scopes", scopes, "--json"])).stdout,
    );
    tokens[name] = k.token;
    lines.push(k.line);
  }
  writeFileSync(path.join(work, "keys"), lines.join("\n") + "\n");
  server = await startServe(
    [
      "--keys",
      path.join(work, "keys"),
      "--allow",
      `${root}/`,
      "--allow",
      "s3://data/train/",
      "--log-level",
      "debug",
    ],
    {
      REDIS_URL: redis.url,
      FEATUREWISE_QUEUE_PREFIX: prefix,
      AWS_ENDPOINT_URL: "http://127.0.0.1:9", // nothing listens: readiness fails
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "AKIATESTKEY",
      AWS_SECRET_ACCESS_KEY: SECRET,
      AWS_EC2_METADATA_DISABLED: "true",
    },
  );
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await deletePrefix(redis.url, prefix);
  await redis?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("featurewise serve: keys and scopes", () => {
  it("401 without a token or with a wrong one, 403 without the scope", async () => {
    const none = await call("GET", `${server.url}/v1/fits`, null);
    expect(none.status).toBe(401);
    expect(none.type).toMatch(/^application\/problem\+json/);
    expect(none.body).toMatchObject({ code: "UNAUTHORIZED", status: 401 });
    expect((await call("GET", `${server.url}/v1/fits`, WRONG)).body.code).toBe("UNAUTHORIZED");
    expect(
      (await call("GET", `${server.url}/v1/fits`, null, undefined, { authorization: "Basic abc" }))
        .status,
    ).toBe(401);
    expect((await call("GET", `${server.url}/v1/fits`, tokens["reader"]!)).status).toBe(200);
    const denied = await call("POST", `${server.url}/v1/fits`, tokens["reader"]!, {
      source: path.join(root, "images"),
      out: path.join(root, "out"),
    });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe("FORBIDDEN");
    expect(denied.body.detail).toMatch(/key reader lacks the "submit" scope/);
    expect((await call("GET", `${server.url}/metrics`, null)).status).toBe(401);
    expect((await call("GET", `${server.url}/v1/health`, null)).status).toBe(200);
  });

  it("bull-board at /admin/queues needs the admin scope", async () => {
    expect((await call("GET", `${server.url}/admin/queues`, null)).status).toBe(401);
    const reader = await call("GET", `${server.url}/admin/queues`, tokens["submitter"]!);
    expect(reader.status).toBe(403);
    expect(reader.body.detail).toMatch(/lacks the "admin" scope/);
    const admin = await call("GET", `${server.url}/admin/queues`, tokens["admin"]!);
    expect(admin.status).toBe(200);
    expect(admin.body).toMatch(/<html/i);
    // Nothing from the network: bull-board's web font link is taken out.
    expect(admin.body).not.toMatch(/https?:\/\//);
    const queues = await call("GET", `${server.url}/admin/queues/api/queues`, tokens["admin"]!);
    expect(queues.body.queues.map((q: { name: string }) => q.name).sort()).toEqual([
      "coordinator",
      "finalize",
      "predict",
      "predict-manifest",
      "predict-plan",
      "reduce",
      "shard",
    ]);
  });

  it("the console needs a read key: sign-in sets an HttpOnly SameSite=Strict cookie", async () => {
    expect((await call("GET", `${server.url}/`, null)).status).toBe(401);
    const bad = await call("POST", `${server.url}/login`, null, `token=${WRONG}`, {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(bad.status).toBe(401);
    const res = await fetch(`${server.url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `token=${encodeURIComponent(tokens["reader"]!)}`,
    });
    expect(res.status).toBe(303);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly; SameSite=Strict/);
    const page = await call("GET", `${server.url}/`, null, undefined, {
      cookie: cookie.split(";")[0]!,
    });
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<h1>Runs<\/h1>/);
  });
});

describe("featurewise serve: locations outside --allow", () => {
  const submit = (source: string, out = path.join(root, "out")) =>
    call("POST", `${server.url}/v1/fits`, tokens["submitter"]!, { source, out });

  it.each([
    ["..", () => `${root}/images/../../etc`],
    ["%2e%2e", () => `${root}/%2e%2e/etc`],
    ["%252e%252e (twice encoded)", () => `${root}/%252e%252e/etc`],
    ["a symlink out of the root", () => `${root}/escape/ssl`],
    ["file:///etc/passwd", () => "file:///etc/passwd"],
    ["file:// with %2e%2e", () => `file://${root}/%2e%2e/%2e%2e/etc`],
    ["another folder", () => "/etc"],
    ["an S3 prefix beside the allowed one", () => "s3://data/training-other/"],
    ["S3 with ..", () => "s3://data/train/../secret/"],
  ])("refuses a source with %s: 403 naming it, nothing queued", async (_name, location) => {
    const loc = location();
    const r = await submit(loc);
    expect(r.status).toBe(403);
    expect(r.body.code).toBe("FORBIDDEN");
    expect(r.body.detail).toContain(JSON.stringify(loc));
  });

  it("refuses an output outside, and takes locations inside (local and S3)", async () => {
    const out = await submit(path.join(root, "images"), "/tmp/elsewhere");
    expect(out.status).toBe(403);
    expect(out.body.detail).toMatch(/^out "\/tmp\/elsewhere"/);
    expect((await submit(path.join(root, "images"))).status).toBe(202);
    expect((await submit("s3://data/train/images/", "s3://data/train/stats/")).status).toBe(202);
    const list = await call("GET", `${server.url}/v1/fits`, tokens["reader"]!);
    expect(list.body.items).toHaveLength(2);
  });
});

describe("featurewise serve: limits and secrets", () => {
  it("refuses a body over the limit with 413 BODY_TOO_LARGE", async () => {
    const r = await call("POST", `${server.url}/v1/fits`, tokens["submitter"]!, {
      source: path.join(root, "images"),
      out: "x".repeat(100_000),
    });
    expect(r.status).toBe(413);
    expect(r.body.code).toBe("BODY_TOO_LARGE");
  });

  it("reports a store that does not answer as not ready, without its credentials", async () => {
    const r = await call("GET", `${server.url}/v1/ready`, null);
    expect(r.status).toBe(503);
    expect(r.body.checks.redis.ok).toBe(true);
    expect(r.body.checks["s3://data/train/"].ok).toBe(false);
  });

  it("never writes a token or the S3 secret in a log line or an answer", async () => {
    // Exercise the error paths once more with every token.
    for (const t of [...Object.values(tokens), WRONG]) {
      await call("GET", `${server.url}/v1/fits/fit-20200101-000000-abcdef`, t);
      await call("POST", `${server.url}/v1/fits`, t, { source: "/etc", out: "/etc" });
    }
    const log = server.output();
    expect(log).toMatch(/"authorization":"\[redacted\]"/);
    const secrets = [SECRET, WRONG, ...Object.values(tokens)];
    for (const s of secrets) {
      expect(log.includes(s), "a secret in the log").toBe(false);
      expect(
        seen.some((text) => text.includes(s)),
        "a secret in an answer",
      ).toBe(false);
    }
  });
});

describe("featurewise serve: start-up and rate limit", () => {
  it("refuses to start without keys, and without keys away from 127.0.0.1", async () => {
    const env = { REDIS_URL: redis.url, FEATUREWISE_QUEUE_PREFIX: prefix };
    const none = await runCli(["serve", "--port", "0"], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no --keys file/);
    const open = await runCli(
      ["serve", "--port", "0", "--insecure-no-auth", "--host", "0.0.0.0"],
      env,
    );
    expect(open.code).toBe(2);
    expect(open.stderr).toMatch(/--insecure-no-auth serves only on 127.0.0.1/);
  });

  it("answers 429 RATE_LIMITED past the per-key limit", async () => {
    const limited = await startServe(["--insecure-no-auth", "--rate-limit", "3"], {
      REDIS_URL: redis.url,
      FEATUREWISE_QUEUE_PREFIX: prefix,
    });
    try {
      const statuses: number[] = [];
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers are read loosely here; the contract test checks their shapes
      let last: any = null;
      for (let i = 0; i < 5; i++) {
        const r = await call("GET", `${limited.url}/v1/fits`, null);
        statuses.push(r.status);
        last = r.body;
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(last).toMatchObject({ code: "RATE_LIMITED", status: 429 });
    } finally {
      await limited.stop();
    }
  });
});
