import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isFeaturewiseError } from "@featurewise/core";
import { LocalStore, Storage } from "@featurewise/storage";
import { checkFitOutput, checkTransformOutput } from "./output-checks.js";

const work = mkdtempSync(path.join(tmpdir(), "fw-out-checks-"));
const storage = new Storage();
afterAll(() => {
  storage.close();
  rmSync(work, { recursive: true, force: true });
});

async function refused(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isFeaturewiseError(err, "INVALID_ARGUMENT"), String(err)).toBe(true);
  expect((err as Error).message).toMatch(pattern);
}

describe("output locations checked before work (issue 17, items 6 and 7)", () => {
  it("refuses an S3 --out under an S3 prefix source, and the whole bucket as source", async () => {
    // Refused before any request: no server is needed.
    const inside = /is inside the source/;
    await refused(checkFitOutput(storage.open("s3://bkt/data/stats"), "s3://bkt/data"), inside);
    await refused(checkFitOutput(storage.open("s3://bkt/data"), "s3://bkt/data/"), inside);
    await refused(checkFitOutput(storage.open("s3://bkt/any/where"), "s3://bkt"), inside);
    const dir = storage.open("s3://bkt/data/run");
    await refused(checkTransformOutput(dir, "x.npy", "s3://bkt/data"), inside);
  });

  it("allows a sibling prefix, another bucket, and any output of a tar-shard source", async () => {
    const notInside = (out: string, source: string) =>
      checkFitOutput(new LocalStore(out), source).catch((e: unknown) => {
        if (/inside the source/.test(String(e))) throw e;
      });
    mkdirSync(`${work}/data`, { recursive: true });
    await notInside(`${work}/data-stats`, `${work}/data`); // a name prefix, not a folder under it
    await notInside(`${work}/data/stats`, `${work}/data/train-{0..3}.tar`);
  });

  it("sees through a symlink into the source", async () => {
    mkdirSync(`${work}/src`, { recursive: true });
    symlinkSync(`${work}/src`, `${work}/alias`);
    await refused(
      checkFitOutput(new LocalStore(`${work}/alias/stats`), `${work}/src`),
      /inside the source/,
    );
  });

  it("names what is wrong with a local --out", async () => {
    writeFileSync(`${work}/file`, "x");
    await refused(
      checkFitOutput(new LocalStore(`${work}/file`), `${work}/src`),
      /is a file; expected a folder/,
    );
    await refused(
      checkFitOutput(new LocalStore(`${work}/file/deeper/out`), `${work}/src`),
      /lies under .*file, which is a file/,
    );
    await refused(
      checkTransformOutput(new LocalStore(work), "src", `${work}/other`),
      /is a folder; expected a file name/,
    );
    await checkFitOutput(new LocalStore(`${work}/new/out`), `${work}/src`); // does not exist yet: fine
  });
});
