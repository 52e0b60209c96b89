import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  createMoments,
  decodeMoments,
  encodeMoments,
  isFeaturewiseError,
  mergeInto,
  type Moments,
  type MomentsKind,
} from "@featurewise/core";
import { LocalStore, type ObjectStore } from "@featurewise/storage";
import { shardKeys } from "./fit-names.js";
import { mergeNodes, writeNode } from "./tree-nodes.js";

const dir = mkdtempSync(path.join(tmpdir(), "fw-tree-nodes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Moments whose values round in every operation. */
function partial(kind: MomentsKind, dim: number, i: number): Moments {
  const m = createMoments(kind, dim);
  m.n = i === 2 ? 0 : 3 * i + 1;
  for (let j = 0; j < dim; j++) m.mean[j] = Math.sin(i * 7 + j) * 1e3;
  for (let k = 0; k < m.comoment.length; k++) m.comoment[k] = Math.cos(i + k * 0.3) * 1e4;
  return m;
}

/** The same store, read only through `get`. */
function withoutGetInto(store: LocalStore): ObjectStore {
  return Object.assign(Object.create(store) as LocalStore, { getInto: undefined });
}

function bitsOf(a: Float64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

describe("mergeNodes", () => {
  for (const [kind, dim] of [
    ["full", 9],
    ["diagonal", 9],
  ] as const) {
    it(`merges ${kind} nodes bit-identically to decoding them and merging in order`, async () => {
      const store = new LocalStore(path.join(dir, kind));
      const parts = [0, 1, 2, 3, 4].map((i) => partial(kind, dim, i));
      const keys = parts.map((_, i) => shardKeys("fit", `shard-${i}`));
      for (const [i, m] of parts.entries()) {
        const skipped = i === 1 ? [{ key: "bad.png", reason: "not an image" }] : [];
        await writeNode(store, keys[i]!, m, {
          v: 1,
          images: m.n + skipped.length,
          n: m.n,
          skipped,
        });
      }
      const expected = createMoments(kind, dim);
      for (const m of parts) mergeInto(expected, decodeMoments(encodeMoments(m)));

      for (const reader of [store, withoutGetInto(store)]) {
        const { moments, sidecar } = await mergeNodes(reader, keys);
        expect(moments.n).toBe(expected.n);
        expect(bitsOf(moments.mean)).toEqual(bitsOf(expected.mean));
        expect(bitsOf(moments.comoment)).toEqual(bitsOf(expected.comoment));
        expect(sidecar).toEqual({
          v: 1,
          images: expected.n + 1,
          n: expected.n,
          skipped: [{ key: "bad.png", reason: "not an image" }],
        });
      }
    });
  }

  it("names a corrupt input", async () => {
    const store = new LocalStore(path.join(dir, "corrupt"));
    const keys = [0, 1].map((i) => shardKeys("fit", `shard-${i}`));
    for (const [i, k] of keys.entries()) {
      const m = partial("full", 4, i + 1);
      await writeNode(store, k, m, { v: 1, images: m.n, n: m.n, skipped: [] });
    }
    const bytes = await store.get(keys[1]!.moments);
    bytes[bytes.length - 1]! ^= 0x01;
    await store.put(keys[1]!.moments, bytes);
    const err: unknown = await mergeNodes(store, keys).catch((e: unknown) => e);
    expect(isFeaturewiseError(err, "CORRUPT_ARTIFACT"), String(err)).toBe(true);
    expect((err as Error).message).toMatch(
      /shard-1\.fwm: moments: payload CRC-32 is \d+, header says \d+/,
    );
  });
});
