/**
 * ONNX Runtime sessions on worker threads (`--sessions`) change where batches
 * run, never what they give: the same parts, byte for byte, as one session on
 * the main thread, however many sessions and batches are in flight.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, runCliOk } from "./helpers/cli.js";
import { imageFixture, readManifest } from "./helpers/predict.js";

let tmp: string;
let stats: string;
const fixture = imageFixture("cifar-cnn");
const model = path.join(fixture.model, "model.onnx");

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), "fw-predict-sessions-"));
  stats = path.join(tmp, "art");
  await runCliOk(["fit", fixture.images, "--out", stats, "--center", "--std"]);
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Predicts the fixture's images in batches of 3, parts of 7 images; returns the output folder. */
async function predict(name: string, ...more: string[]): Promise<string> {
  const out = path.join(tmp, name);
  await runCliOk([
    "predict",
    fixture.images,
    "--model",
    model,
    "--stats",
    stats,
    "--out",
    out,
    "--batch-size",
    "3",
    "--images-per-shard",
    "7",
    "--threads",
    "1",
    ...more,
  ]);
  return out;
}

describe("predict --sessions", () => {
  it("1 or 3 sessions on worker threads write the parts one session on the main thread writes", async () => {
    const main = await predict("main", "--sessions", "0");
    const parts = readdirSync(main).filter((n) => n.endsWith(".parquet"));
    expect(parts.length).toBeGreaterThan(1);
    for (const sessions of ["1", "3"]) {
      const out = await predict(`sessions-${sessions}`, "--sessions", sessions);
      expect(readManifest(out).model.reason).toBe(readManifest(main).model.reason);
      expect(readdirSync(out).filter((n) => n.endsWith(".parquet"))).toEqual(parts);
      for (const part of parts) {
        expect(
          readFileSync(path.join(out, part)).equals(readFileSync(path.join(main, part))),
          `${part} with --sessions ${sessions}`,
        ).toBe(true);
      }
    }
  }, 120_000);

  it("--sessions takes a whole number, 0 or more", async () => {
    const r = await runCli([
      "predict",
      fixture.images,
      "--model",
      model,
      "--stats",
      stats,
      "--out",
      path.join(tmp, "bad"),
      "--sessions",
      "-1",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--sessions "-1": expected a whole number, 0 or more/);
  });
});
