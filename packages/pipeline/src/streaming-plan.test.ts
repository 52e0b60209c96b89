import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DecodeSettings } from "@featurewise/core";
import {
  FolderSource,
  ListingFingerprint,
  writeSyntheticImages,
  type ShardSpec,
} from "@featurewise/dataset";
import { StreamingPlan } from "./streaming-plan.js";

const root = mkdtempSync(path.join(tmpdir(), "fw-streaming-plan-"));
const dir = path.join(root, "images");
const decode: DecodeSettings = { colorMode: "rgb", targetSize: null, interpolation: "nearest" };
const options = { imagesPerShard: 4, decode };
beforeAll(async () => {
  await writeSyntheticImages(dir, { count: 10, height: 5, width: 6, perFolder: 0 });
  // Sorts first and is not an image: the shape comes from the first image that decodes.
  writeFileSync(path.join(dir, "0-not-an-image.png"), "hello");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function all(specs: AsyncIterable<ShardSpec>): Promise<ShardSpec[]> {
  const out: ShardSpec[] = [];
  for await (const s of specs) out.push(s);
  return out;
}

describe("StreamingPlan", () => {
  it("cuts the listing into shards with their items, and fingerprints it as listed", async () => {
    const source = new FolderSource(dir);
    let listedCalls = 0;
    const plan = new StreamingPlan(source, options, () => listedCalls++);
    expect(plan.listed).toBeNull();
    expect(() => plan.listing()).toThrow(/before the listing ended/);
    const shards = await all(plan.shards());
    expect(shards.map((s) => s.kind === "range" && [s.id, s.count, s.items?.length])).toEqual([
      ["shard-000000", 4, 4],
      ["shard-000001", 4, 4],
      ["shard-000002", 3, 3],
    ]);
    const expected = new ListingFingerprint();
    for await (const item of source.list()) expected.add(item);
    expect(plan.listing()).toEqual({ fingerprint: expected.digest(), listed: 11 });
    expect(plan.listed).toBe(11);
    expect(listedCalls).toBe(0); // called every 1,000 items
  });

  it("lets go of a shard's items once handed out; the image shape does not take them", async () => {
    const plan = new StreamingPlan(new FolderSource(dir), options);
    expect(await plan.imageShape()).toEqual({ height: 5, width: 6, channels: 3 });
    const first = await all(plan.shards());
    expect(first.every((s) => s.kind === "range" && s.items !== undefined)).toBe(true);
    const again = await all(plan.shards());
    expect(again.map((s) => s.id)).toEqual(first.map((s) => s.id));
    expect(again.every((s) => s.kind === "range" && s.items === undefined)).toBe(true);
  });

  it("two readers share one listing", async () => {
    const plan = new StreamingPlan(new FolderSource(dir), options);
    const [a, b] = await Promise.all([all(plan.shards()), all(plan.shards())]);
    expect(a.length + b.length).toBe(6);
    expect(a.map((s) => s.id)).toEqual(b.map((s) => s.id));
  });

  it("asks checkShape about the shape it decides, before handing it out", async () => {
    const asked: unknown[] = [];
    const plan = new StreamingPlan(new FolderSource(dir), {
      ...options,
      checkShape: (shape) => void asked.push(shape),
    });
    const shape = await plan.imageShape();
    expect(shape).toMatchObject({ height: 5, width: 6, channels: 3 });
    expect(asked).toContainEqual(shape);
  });

  it("an empty folder: EMPTY_SOURCE at the end of the listing", async () => {
    const empty = mkdtempSync(path.join(root, "empty-"));
    const plan = new StreamingPlan(new FolderSource(empty), options);
    await expect(all(plan.shards())).rejects.toMatchObject({ code: "EMPTY_SOURCE" });
  });

  it("no decodable image: EMPTY_SOURCE naming how many were tried", async () => {
    const junk = mkdtempSync(path.join(root, "junk-"));
    writeFileSync(path.join(junk, "a.png"), "x");
    writeFileSync(path.join(junk, "b.png"), "y");
    const plan = new StreamingPlan(new FolderSource(junk), options);
    await expect(plan.imageShape()).rejects.toThrow(/none of the 2 files is a decodable image/);
  });
});
