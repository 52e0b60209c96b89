import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FolderSource } from "@featurewise/dataset";
import { pngBomb } from "../../../test/helpers/bombs.js";
import { StreamingPlan } from "./fit-plan.js";

const ZCA = { featurewiseCenter: false, featurewiseStdNormalization: false, zcaWhitening: true };
const DECODE = { colorMode: "rgb", targetSize: null, interpolation: "nearest" } as const;

describe("StreamingPlan.imageShape", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "fw-plan-"));
  beforeAll(async () => {
    // A valid, all-black 12000x12000 RGB PNG: 432 MB of pixels in ~0.4 MB of file.
    writeFileSync(path.join(dir, "big.png"), await pngBomb(12000, 12000, 12000 * (1 + 36000)));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses a ZCA fit of 12000x12000 images from the first image's header, without decoding it", async () => {
    const plan = new StreamingPlan(new FolderSource(dir), {
      flags: ZCA,
      imagesPerShard: 16,
      decode: DECODE,
      maxZcaBytes: 2 ** 31,
    });
    const rss = process.memoryUsage.rss();
    const start = performance.now();
    const err = await plan.imageShape().then(
      () => null,
      (e: unknown) => e as Error & { code?: string },
    );
    const seconds = (performance.now() - start) / 1000;
    expect(err?.code).toBe("ZCA_TOO_LARGE");
    expect(err?.message).toMatch(/^--zca on 12000x12000x3 images needs a 432000000x432000000/);
    // Decoding it took 4.2 s and 1.36 GB (issue 17).
    expect(seconds).toBeLessThan(1);
    expect(process.memoryUsage.rss() - rss).toBeLessThan(200 << 20);
  });
});
