import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FitProgress, runEmbeddedFit } from "@featurewise/fit";
import { fitOptions } from "./helpers/s3-datasets.js";

const COUNT = 3000;

/** Progress of a streaming fit over a real folder (issue 17, item 10). */
describe("progress events of an embedded fit", () => {
  const work = mkdtempSync(path.join(tmpdir(), "fw-progress-"));
  beforeAll(async () => {
    const png = await sharp(Buffer.alloc(4 * 4 * 3, 7), {
      raw: { width: 4, height: 4, channels: 3 },
    })
      .png()
      .toBuffer();
    mkdirSync(`${work}/images`);
    for (let i = 0; i < COUNT; i++)
      writeFileSync(`${work}/images/${String(i).padStart(5, "0")}.png`, png);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("carry images done (never going back) while the listing still runs, and the total once it ends", async () => {
    const events: FitProgress[] = [];
    // The listing advances as shards are taken (one at a time here), so it ends well after the first image.
    await runEmbeddedFit(
      fitOptions(`${work}/images`, `${work}/out`, { imagesPerShard: 100 }),
      (p) => events.push(p),
      { shardConcurrency: 1 },
    );
    const listing = events.filter((e) => e.total === null);
    expect(listing.length).toBeGreaterThan(0);
    expect(listing.some((e) => e.done > 0)).toBe(true);
    for (let i = 1; i < events.length; i++)
      expect(
        events[i]!.done,
        `event ${i} after ${JSON.stringify(events[i - 1])}`,
      ).toBeGreaterThanOrEqual(events[i - 1]!.done);
    const listed = events.filter((e) => e.phase === "listing");
    expect(listed.map((e) => e.listed)).toEqual([1000, 2000, 3000]);
    expect(listed.every((e) => e.done > 0)).toBe(true);
    const last = events.at(-1)!;
    expect(last).toMatchObject({ phase: "finalizing", done: COUNT, total: COUNT });
  });
});
