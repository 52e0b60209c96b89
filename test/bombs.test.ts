import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeTar, syntheticPixels } from "@featurewise/dataset";
import sharp from "sharp";
import { pngBomb, writeTarGzBomb } from "./helpers/bombs.js";
import { runCli } from "./helpers/cli.js";

const GiB = 1 << 30;
const MB = 1e6;

interface FitSummary {
  n: number;
  skipped: number;
  skippedItems: Array<{ key: string; reason: string }>;
  seconds: number;
  peakRssBytes: number;
}

/**
 * Decompression bombs through the CLI: a 32x32 PNG whose data inflates to
 * 1 GiB and a .tar.gz holding a 1 GiB member are skipped with their reason,
 * the whole fit staying small (issue 17, item 1: 24 s and 3.27 GB, 2.2 GB).
 */
describe("decompression bombs in a fit", () => {
  const work = mkdtempSync(path.join(tmpdir(), "fw-bombs-"));
  const png = (i: number) =>
    sharp(syntheticPixels(i, { height: 32, width: 32, channels: 3, seed: 9 }), {
      raw: { width: 32, height: 32, channels: 3 },
    })
      .png()
      .toBuffer();

  beforeAll(async () => {
    mkdirSync(`${work}/folder`);
    for (let i = 0; i < 3; i++) writeFileSync(`${work}/folder/${i}.png`, await png(i));
    writeFileSync(`${work}/folder/bomb.png`, await pngBomb(32, 32, GiB));
    const members = async (ids: number[]) =>
      encodeTar(
        await Promise.all(ids.map(async (i) => ({ name: `s/${i}.png`, data: await png(i) }))),
      ).subarray(0, -1024);
    await writeTarGzBomb(
      `${work}/bomb.tar.gz`,
      await members([0, 1, 2]),
      "s/3.png",
      GiB,
      await members([4]),
    );
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  async function fit(source: string, out: string): Promise<FitSummary> {
    const r = await runCli([
      "fit",
      source,
      "--std",
      "--max-skipped",
      "50%",
      "--out",
      `${work}/${out}`,
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as FitSummary;
  }

  it("a PNG whose 32x32 header hides 1 GiB of data is skipped, the fit staying under 300 MB", async () => {
    const s = await fit(`${work}/folder`, "out-png");
    expect(s).toMatchObject({ n: 3, skipped: 1 });
    expect(s.skippedItems).toEqual([
      {
        key: "bomb.png",
        reason:
          "PNG image data inflates past 68,640 bytes, but its 32x32 header promises 3,104 (decompression bomb guard)",
      },
    ]);
    expect(s.peakRssBytes).toBeLessThan(300 * MB);
    expect(s.seconds).toBeLessThan(5);
  });

  it("a .tar.gz member of 1 GiB is skipped by its header's size, never inflated, the fit staying under 300 MB", async () => {
    const s = await fit(`${work}/bomb.tar.gz`, "out-tar");
    expect(s.n).toBe(3);
    expect(s.skippedItems).toEqual([
      {
        key: "bomb.tar.gz/s/3",
        reason:
          'image member "s/3.png" is 1,073,741,824 bytes, over the limit of 268,435,456 for one image (FEATUREWISE_MAX_IMAGE_BYTES); not read',
      },
      {
        key: "bomb.tar.gz",
        reason: expect.stringMatching(
          /bomb\.tar\.gz: the rest of the tar is not read: member "s\/3\.png" at byte \d+ is 1,073,741,824 bytes/,
        ) as unknown as string,
      },
    ]);
    expect(s.peakRssBytes).toBeLessThan(300 * MB);
    expect(s.seconds).toBeLessThan(5);
  });
});
