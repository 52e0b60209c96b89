import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticImages } from "@featurewise/dataset";
import { BIN, runCli, type CliRun } from "./helpers/cli.js";
import { deletePrefix, uniquePrefix, useRedis, type TestRedis } from "./helpers/redis.js";

let redis: TestRedis;
let work: string;
let images: string;
const prefix = uniquePrefix("hints");

beforeAll(async () => {
  redis = await useRedis();
  work = mkdtempSync(path.join(tmpdir(), "fw-cluster-hints-"));
  images = path.join(work, "images");
  await writeSyntheticImages(images, { count: 4, height: 8, width: 8 });
});

afterAll(async () => {
  await deletePrefix(redis.url, prefix);
  await redis?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Environment without any cluster settings: only flags name the cluster. */
const NO_CLUSTER_ENV = { REDIS_URL: "", FEATUREWISE_QUEUE_PREFIX: "" };

describe("what the CLI tells about reaching a cluster (issue 17, item 12)", () => {
  it("--detach without a Redis is a usage error, not a silent embedded fit", async () => {
    const r = await runCli(["fit", images, "--out", `${work}/out`, "--detach"], NO_CLUSTER_ENV);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /--detach needs a cluster: pass --redis redis:\/\/host:6379 or set REDIS_URL/,
    );
  });

  it("the Ctrl-C hint of a watched cluster fit is a command that works as printed", async () => {
    // No worker serves this prefix: the fit stays queued while the CLI watches it.
    const args = ["fit", images, "--std", "--out", `${work}/out2`, "--redis", redis.url];
    const child = spawn(BIN, args, {
      env: { ...process.env, ...NO_CLUSTER_ENV, FEATUREWISE_QUEUE_PREFIX: prefix },
    });
    let stderr = "";
    const submitted = new Promise<void>((resolve) =>
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        if (/submitted fit/.test(stderr)) resolve();
      }),
    );
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
    await submitted;
    // The watch (and its Ctrl-C handler) starts right after the submission is reported.
    await new Promise((resolve) => setTimeout(resolve, 500));
    child.kill("SIGINT");
    expect(await closed, stderr).toBe(130);
    const m =
      /featurewise (status \S+ --redis \S+ --queue-prefix \S+) \| featurewise (cancel .*)$/m.exec(
        stderr,
      );
    expect(m, stderr).not.toBeNull();
    expect(m![1]).toContain(`--queue-prefix ${prefix}`);
    // Run the hint exactly as printed, from a shell that has no REDIS_URL.
    const status: CliRun = await runCli([...m![1]!.split(" "), "--json"], NO_CLUSTER_ENV);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ state: "queued" });
    const cancel = await runCli(m![2]!.split(" "), NO_CLUSTER_ENV);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toMatch(/cancelled/);
  });
});
