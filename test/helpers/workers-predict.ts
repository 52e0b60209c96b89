/** Running `featurewise predict` embedded and on the cluster in tests, and comparing their outputs. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import type { ObjectStore } from "@featurewise/storage";
import { runCli, runCliFinding, type CliRun } from "./cli.js";

/** The `predict --json` summary fields the tests look at. */
export interface PredictSummary {
  readonly predictId?: string;
  readonly n: number;
  readonly skipped: number;
  readonly parts: number;
  readonly partsReused: number;
  readonly runId: string;
  readonly output: string;
}

/** Runs `featurewise predict` in this process' way (embedded): REDIS_URL is cleared. */
export async function embeddedPredict(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<PredictSummary> {
  const r = await runCli(["predict", ...args, "--json"], { ...env, REDIS_URL: "" });
  if (r.code !== 0) throw new Error(`embedded predict exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as PredictSummary;
}

/** `featurewise predict --redis <url>` on `prefix`; reports the run's id as soon as it is submitted. */
export function clusterPredictWithId(
  redisUrl: string,
  prefix: string,
  args: readonly string[],
  env: Record<string, string> = {},
): { predictId: Promise<string>; done: Promise<CliRun> } {
  const { found, done } = runCliFinding(
    ["predict", ...args, "--redis", redisUrl, "--json"],
    { ...env, FEATUREWISE_QUEUE_PREFIX: prefix },
    /submitted (predict-\S+)/,
  );
  return { predictId: found, done };
}

/** Parses a successful run's `--json` summary, failing with its stderr otherwise. */
export function predictSummaryOf(run: CliRun): PredictSummary {
  if (run.code !== 0) throw new Error(`predict exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as PredictSummary;
}

/** An output's files by name (a local folder, or a store). */
async function outputFiles(where: string | ObjectStore): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  if (typeof where === "string") {
    for (const name of readdirSync(where)) files.set(name, readFileSync(path.join(where, name)));
  } else {
    for await (const info of where.list(""))
      files.set(info.key, Buffer.from(await where.get(info.key)));
  }
  return files;
}

/**
 * Asserts that two prediction outputs hold the same files, every part, record
 * and the run's marker byte-identical, and the same manifest but its timings.
 * @returns the number of part files compared
 */
export async function expectSamePrediction(
  expected: string | ObjectStore,
  actual: string | ObjectStore,
  /** Where the model was read from may differ (a local file, its copy on S3): same sha256. */
  options: { sameModelElsewhere?: boolean } = {},
): Promise<number> {
  const a = await outputFiles(expected);
  const b = await outputFiles(actual);
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  let parts = 0;
  for (const [name, bytes] of a) {
    if (name === "manifest.json") continue;
    expect(bytes.equals(b.get(name)!), `${name} differs`).toBe(true);
    if (name.startsWith("part-") && !name.endsWith(".record.json")) parts++;
  }
  const manifest = (buf: Buffer): unknown => {
    const m = JSON.parse(buf.toString()) as { timings?: unknown; model: { location?: string } };
    delete m.timings;
    if (options.sameModelElsewhere === true) delete m.model.location;
    return m;
  };
  expect(manifest(b.get("manifest.json")!)).toEqual(manifest(a.get("manifest.json")!));
  return parts;
}

/** The keys of every row of an `--format jsonl` output, in part order. */
export function jsonlKeys(out: string): string[] {
  const m = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8")) as {
    parts: { files: { name: string }[] }[];
  };
  return m.parts.flatMap((p) =>
    readFileSync(path.join(out, p.files[0]!.name), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { key: string }).key),
  );
}
