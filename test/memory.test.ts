import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticImages } from "@featurewise/dataset";
import { runCliOk } from "./helpers/cli.js";

/**
 * Streaming: a fit's peak RSS does not grow with the number of images.
 * 20,000 32x32 PNGs must peak within ±20% of 2,000 (the images are never
 * held together; only the listing grows, by ~100 bytes an image).
 */
describe("memory does not grow with the number of images", () => {
  const work = mkdtempSync(path.join(tmpdir(), "fw-memory-"));
  beforeAll(async () => {
    await writeSyntheticImages(`${work}/big`, { count: 20_000 });
    await writeSyntheticImages(`${work}/small`, { count: 2_000 });
  }, 600_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const peak = async (dir: string, flags: string[]): Promise<number> => {
    const r = await runCliOk([
      "fit",
      `${work}/${dir}`,
      "--out",
      `${work}/out-${dir}`,
      "--json",
      ...flags,
    ]);
    return (JSON.parse(r.stdout) as { peakRssBytes: number }).peakRssBytes;
  };

  for (const flags of [
    ["--std", "--rescale", "1/255"],
    ["--zca", "--size", "16x16"],
  ]) {
    it(`fit ${flags.join(" ")}: 20,000 images peak within 20% of 2,000`, async () => {
      const small = await peak("small", flags);
      const big = await peak("big", flags);
      console.log(
        `peak RSS, fit ${flags.join(" ")}: 2,000 images ${(small / 2 ** 20).toFixed(0)} MiB, 20,000 images ${(big / 2 ** 20).toFixed(0)} MiB`,
      );
      expect(big / small).toBeGreaterThan(0.8);
      expect(big / small).toBeLessThan(1.2);
    }, 600_000);
  }
});
