import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import type { ObjectStore } from "@featurewise/storage";
import { runCli, runCliFinding, type CliRun } from "./cli.js";

/** The artifact files that must be byte-identical between embedded and cluster fits. */
export const BINARY_FILES = ["mean.npy", "std.npy", "moments.fwm", "stats.npz"] as const;

/** The `fit --json` summary fields the tests look at. */
export interface FitSummary {
  readonly fitId?: string;
  readonly n: number;
  readonly skipped: number;
  readonly skippedItems: Array<{ key: string; reason: string }>;
  readonly artifact: string;
  readonly seconds: number;
}

/** Runs `featurewise fit` in this process' way (embedded): REDIS_URL is cleared. */
export async function embeddedFit(args: readonly string[], env: Record<string, string> = {}) {
  const r = await runCli(["fit", ...args, "--json"], { ...env, REDIS_URL: "" });
  if (r.code !== 0) throw new Error(`embedded fit exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as FitSummary;
}

/** Runs `featurewise fit --redis <url>` with the queue prefix; resolves with the whole run. */
export function clusterFit(
  redisUrl: string,
  prefix: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<CliRun> {
  return runCli(["fit", ...args, "--redis", redisUrl, "--json"], {
    ...env,
    FEATUREWISE_QUEUE_PREFIX: prefix,
  });
}

/** Like {@link clusterFit}, also reporting the fit id as soon as it is submitted. */
export function clusterFitWithId(
  redisUrl: string,
  prefix: string,
  args: readonly string[],
  env: Record<string, string> = {},
): { fitId: Promise<string>; done: Promise<CliRun> } {
  const { found, done } = runCliFinding(
    ["fit", ...args, "--redis", redisUrl, "--json"],
    { ...env, FEATUREWISE_QUEUE_PREFIX: prefix },
    /submitted fit (\S+)/,
  );
  return { fitId: found, done };
}

/** Parses a successful run's `--json` summary, failing with its stderr otherwise. */
export function summaryOf(run: CliRun): FitSummary {
  if (run.code !== 0) throw new Error(`fit exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as FitSummary;
}

/** Asserts that `files` are byte-identical in a local artifact and another (local or S3) one. */
export async function expectSameArtifact(
  localDir: string,
  other: ObjectStore | string,
  files: readonly string[] = BINARY_FILES,
): Promise<void> {
  for (const name of files) {
    const a = readFileSync(path.join(localDir, name));
    const b =
      typeof other === "string"
        ? readFileSync(path.join(other, name))
        : Buffer.from(await other.get(name));
    expect(a.equals(b), `${name} differs`).toBe(true);
  }
}

/**
 * Asserts that two local artifacts' stats.json say the same apart from
 * when they were made and how long it took (`createdAt`, `timings`: they
 * differ between runs of the same fit).
 */
export function expectSameStatsJson(localDir: string, otherDir: string): void {
  const read = (dir: string): unknown => {
    const doc = JSON.parse(readFileSync(path.join(dir, "stats.json"), "utf8")) as {
      timings?: unknown;
      createdAt?: unknown;
    };
    expect(doc.timings, `${dir}/stats.json has timings`).toBeDefined();
    expect(doc.createdAt, `${dir}/stats.json has createdAt`).toBeDefined();
    delete doc.timings;
    delete doc.createdAt;
    return doc;
  };
  expect(read(otherDir)).toEqual(read(localDir));
}
