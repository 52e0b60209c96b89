import { mkdtempSync, promises as fsp, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { FolderSource } from "./folder-source.js";
import type { SourceItem } from "./image-source.js";
import { withoutItems, type ShardSpec } from "./shards.js";
import { withOpenShard } from "./with-open-shard.js";

const FILES = 3000;
const dir = mkdtempSync(path.join(tmpdir(), "fw-store-source-"));
beforeAll(() => {
  // One flat folder; the bytes need not be images to be listed and read.
  for (let i = 0; i < FILES; i++) {
    writeFileSync(path.join(dir, `f-${String(i).padStart(5, "0")}.bin`), `${i}`);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function planOf(source: FolderSource): Promise<ShardSpec[]> {
  const specs: ShardSpec[] = [];
  for await (const s of source.planShards(source.list(), { imagesPerShard: 1024 })) specs.push(s);
  return specs;
}

/** Reads every item of a shard through withOpenShard; returns the keys read. */
async function readAll(source: FolderSource, spec: ShardSpec): Promise<string[]> {
  return withOpenShard(source, spec, async (shard) => {
    for (const item of shard.items) await shard.read(item.key);
    return shard.items.map((i: SourceItem) => i.key);
  });
}

describe("StoreSource shards of a flat folder", () => {
  it("reads a planned shard without listing the folder again", async () => {
    const source = new FolderSource(dir);
    const specs = await planOf(source);
    expect(specs.map((s) => (s.kind === "range" ? s.count : -1))).toEqual([1024, 1024, 952]);
    const readdir = vi.spyOn(fsp, "readdir");
    const keys = await readAll(source, specs[2]!);
    expect(readdir).not.toHaveBeenCalled();
    expect(keys).toHaveLength(952);
    expect(keys[0]).toBe("f-02048.bin");
    // Same through readShard (what resolves the image shape).
    let n = 0;
    for await (const entry of source.readShard(specs[1]!)) if ("bytes" in entry) n++;
    expect(n).toBe(1024);
    expect(readdir).not.toHaveBeenCalled();
  });

  it("re-lists a shard that carries no items (and so reads the folder again)", async () => {
    const source = new FolderSource(dir);
    const spec = withoutItems((await planOf(source))[2]!);
    expect(JSON.stringify(spec).length).toBeLessThan(200);
    const readdir = vi.spyOn(fsp, "readdir");
    const keys = await readAll(source, spec);
    expect(readdir).toHaveBeenCalledTimes(1);
    expect(keys[0]).toBe("f-02048.bin");
  });

  it("a file removed since the plan is a failed read naming it, not a changed shard", async () => {
    const sub = mkdtempSync(path.join(tmpdir(), "fw-store-source-gone-"));
    try {
      for (const k of ["a.bin", "b.bin", "c.bin"]) writeFileSync(path.join(sub, k), k);
      const source = new FolderSource(sub);
      const [spec] = await planOf(source);
      rmSync(path.join(sub, "b.bin"));
      const outcome = await withOpenShard(source, spec!, async (shard) =>
        Promise.all(
          shard.items.map((i) =>
            shard.read(i.key).then(
              () => "read",
              (e: unknown) => (e as { code: string }).code,
            ),
          ),
        ),
      );
      expect(outcome).toEqual(["read", "NOT_FOUND", "read"]);
    } finally {
      rmSync(sub, { recursive: true, force: true });
    }
  });

  it("refuses a shard whose items do not match its count and last key", async () => {
    const source = new FolderSource(dir);
    const spec = (await planOf(source))[0]!;
    if (spec.kind !== "range") throw new Error("expected a range shard");
    const bad = { ...spec, items: spec.items!.slice(1) };
    await expect(readAll(source, bad)).rejects.toThrow(/should carry 1024 items/);
  });
});
