import { describe, expect, it } from "vitest";
import { planRangeShards, withoutItems, type RangeShardSpec } from "./shards.js";

async function plan(sizes: number[], imagesPerShard: number, bytesPerShard: number | null = null) {
  async function* listing() {
    for (const [i, size] of sizes.entries()) yield { key: `k${i}`, size };
  }
  const out: RangeShardSpec[] = [];
  for await (const s of planRangeShards(listing(), { imagesPerShard, bytesPerShard })) out.push(s);
  return out;
}

describe("planRangeShards", () => {
  it("cuts contiguous key ranges by count, each starting after the last key of the one before", async () => {
    const shards = await plan([1, 1, 1, 1, 1], 2);
    expect(shards.map((s) => [s.id, s.startAfter, s.lastKey, s.count])).toEqual([
      ["shard-000000", null, "k1", 2],
      ["shard-000001", "k1", "k3", 2],
      ["shard-000002", "k3", "k4", 1],
    ]);
    // Each shard carries its items, so reading it never lists the source again.
    expect(shards.map((s) => s.items?.map((i) => i.key))).toEqual([
      ["k0", "k1"],
      ["k2", "k3"],
      ["k4"],
    ]);
    expect(JSON.stringify(withoutItems(shards[1]!)).length).toBeLessThan(200);
  });

  it("also closes a shard when its bytes reach the limit", async () => {
    const shards = await plan([5, 5, 20, 1, 1], 100, 10);
    expect(shards.map((s) => [s.count, s.bytes])).toEqual([
      [2, 10],
      [1, 20],
      [2, 2],
    ]);
  });

  it("plans nothing for an empty listing", async () => {
    expect(await plan([], 3)).toEqual([]);
  });
});
