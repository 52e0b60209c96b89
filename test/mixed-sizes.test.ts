import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticPixels, writeSyntheticImages } from "@featurewise/dataset";
import { runCli } from "./helpers/cli.js";

/** A PNG of `h`x`w` synthetic pixels at `file`. */
async function writePng(file: string, h: number, w: number, seed = 3): Promise<void> {
  const raw = syntheticPixels(0, { height: h, width: w, channels: 3, seed });
  await sharp(raw, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toFile(file);
}

/** Images of mixed sizes without --size (issue 17, item 2): never a silent fit on a remainder. */
describe("mixed image sizes without --size", () => {
  const work = mkdtempSync(path.join(tmpdir(), "fw-mixed-sizes-"));
  const oddFirst = path.join(work, "odd-first");
  const halves = path.join(work, "halves");

  beforeAll(async () => {
    // 300 8x8 PNGs, and one 20x24 PNG that sorts before all of them.
    await writeSyntheticImages(oddFirst, { count: 300, height: 8, width: 8, perFolder: 0 });
    await writePng(path.join(oddFirst, "0000-odd.png"), 20, 24);
    // 10 8x8 and 10 12x12.
    await writeSyntheticImages(path.join(halves, "a"), { count: 10, height: 8, width: 8 });
    await writeSyntheticImages(path.join(halves, "b"), { count: 10, height: 12, width: 12 });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("one odd image that sorts first is skipped; it does not decide the dataset's size", async () => {
    const r = await runCli(["fit", oddFirst, "--std", "--out", `${work}/out-odd`, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ n: 300, skipped: 1 });
    const stats = JSON.parse(readFileSync(`${work}/out-odd/stats.json`, "utf8")) as {
      imageShape: number[];
      skipped: { items: Array<{ key: string; reason: string }> };
    };
    expect(stats.imageShape).toEqual([8, 8, 3]);
    expect(stats.skipped.items).toEqual([
      { key: "0000-odd.png", reason: expect.stringMatching(/20x24x3, expected 8x8x3/) },
    ]);
  });

  it("a fit that skips more than --max-skipped fails (exit 1) with the sizes seen and a hint", async () => {
    const r = await runCli(["fit", halves, "--std", "--out", `${work}/out-halves`]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/skipped 10 of 20 images, more than --max-skipped 1% allows/);
    expect(lines[0]).toMatch(/image size is 8x8x3; other sizes seen: 12x12x3 \(10\)/);
    expect(lines[0]).toMatch(/pass --size HxW/);
    expect(() => readFileSync(`${work}/out-halves/stats.json`)).toThrow();
  });

  it("--max-skipped takes a count or a fraction, and refuses anything else", async () => {
    const ok = await runCli([
      "fit",
      halves,
      "--out",
      `${work}/o1`,
      "--max-skipped",
      "50%",
      "--json",
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ n: 10, skipped: 10 });
    const count = await runCli(["fit", halves, "--out", `${work}/o2`, "--max-skipped", "9"]);
    expect(count.code).toBe(1);
    expect(count.stderr).toMatch(/more than --max-skipped 9 allows/);
    const bad = await runCli(["fit", halves, "--out", `${work}/o3`, "--max-skipped", "lots"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /--max-skipped "lots": expected a count of images like 25, or a fraction like 1% or 0\.01/,
    );
  });
});
