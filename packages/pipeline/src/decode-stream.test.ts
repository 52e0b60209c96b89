import { mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DecodeSettings } from "@featurewise/core";
import {
  syntheticPixels,
  writeSyntheticImages,
  type DecodeInput,
  type SourceItem,
} from "@featurewise/dataset";
import {
  decodeInOrder,
  type Decoder,
  type DecodeResult,
  type ItemReader,
} from "./decode-stream.js";

const root = mkdtempSync(path.join(tmpdir(), "fw-decode-stream-"));
const decode: DecodeSettings = { colorMode: "rgb", targetSize: null, interpolation: "nearest" };
const N = 11;
let keys: string[] = [];
beforeAll(async () => {
  keys = await writeSyntheticImages(root, { count: N, height: 3, width: 4, perFolder: 0 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const items = (): SourceItem[] => keys.map((key) => ({ key, size: 0 }));
/** Reads from the folder; `broken` keys fail to read. */
function reader(broken: string[] = [], paths = false): ItemReader {
  return {
    read: (key) =>
      broken.includes(key)
        ? Promise.reject(new Error(`cannot read ${key}`))
        : readFile(path.join(root, key)),
    ...(paths ? { localPath: (key: string) => path.join(root, key) } : {}),
  };
}

async function collect(it: AsyncIterable<DecodeResult>): Promise<DecodeResult[]> {
  const out: DecodeResult[] = [];
  for await (const r of it) out.push(r);
  return out;
}

describe("decodeInOrder", () => {
  it("decodes every item in order, in batches with several in flight", async () => {
    const results = await collect(
      decodeInOrder(items(), reader(), decode, { batch: 2, inFlight: 3 }),
    );
    expect(results.map((r) => r.item.key)).toEqual(keys);
    results.forEach((r, i) => {
      if (!("image" in r)) throw r.error;
      expect([r.image.height, r.image.width, r.image.channels]).toEqual([3, 4, 3]);
      expect(r.image.data).toEqual(
        syntheticPixels(i, { height: 3, width: 4, channels: 3, seed: 1 }),
      );
    });
  });

  it("a read failure is that item's error, at its place; the others decode", async () => {
    const results = await collect(decodeInOrder(items(), reader([keys[4]!]), decode, { batch: 3 }));
    expect(results.map((r) => ("error" in r ? r.error.message : "ok"))).toEqual(
      keys.map((k, i) => (i === 4 ? `cannot read ${k}` : "ok")),
    );
  });

  it("hands a pool local paths when the reader has them, bytes otherwise; never more batches in flight than asked", async () => {
    for (const paths of [true, false]) {
      const seen: DecodeInput[] = [];
      let inFlight = 0;
      let most = 0;
      const decoder: Decoder = async (inputs) => {
        most = Math.max(most, ++inFlight);
        seen.push(...inputs);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        return inputs.map((input) =>
          typeof input === "string" && input.endsWith(keys[2]!)
            ? { error: { message: "bad", code: "DECODE_FAILED" as const } }
            : { image: { data: new Uint8Array(1), height: 1, width: 1, channels: 1 } },
        );
      };
      const results = await collect(
        decodeInOrder(items(), reader([], paths), decode, { batch: 2, inFlight: 2, decoder }),
      );
      expect(results).toHaveLength(N);
      expect(seen.every((x) => (paths ? typeof x === "string" : x instanceof Uint8Array))).toBe(
        true,
      );
      expect(most).toBeLessThanOrEqual(2);
      const failed = results.filter((r) => "error" in r).map((r) => r.item.key);
      expect(failed).toEqual(paths ? [keys[2]] : []);
      if (paths) {
        const err = (results[2] as { error: Error & { code?: string } }).error;
        expect([err.message, err.code]).toEqual(["bad", "DECODE_FAILED"]);
      }
    }
  });

  it("an empty item list yields nothing", async () => {
    expect(await collect(decodeInOrder([], reader(), decode))).toEqual([]);
  });
});
