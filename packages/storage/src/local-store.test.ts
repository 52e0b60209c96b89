import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalStore } from "./local-store.js";
import { parentLocation } from "./uri.js";

const dir = mkdtempSync(path.join(tmpdir(), "fw-local-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function keys(it: AsyncIterable<{ key: string }>): Promise<string[]> {
  const out: string[] = [];
  for await (const o of it) out.push(o.key);
  return out;
}

/** Reads a stream to its end (or its error). */
async function drain(it: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const piece of it) if (piece !== undefined) n++;
  return n;
}

describe("LocalStore", () => {
  it("lists in byte order and starts after a key without entering folders before it", async () => {
    const store = new LocalStore(dir);
    const names = [
      "a.png",
      "a/x.png",
      "a/y/z.png",
      "a-b.png",
      "b/1.png",
      "b/2.png",
      "c.png",
      "ü.png",
    ];
    for (const k of names) await store.put(k, new TextEncoder().encode(k));
    const all = await keys(store.list());
    expect(all).toEqual([
      "a-b.png",
      "a.png",
      "a/x.png",
      "a/y/z.png",
      "b/1.png",
      "b/2.png",
      "c.png",
      "ü.png",
    ]);
    for (const [i, after] of all.entries()) {
      expect(await keys(store.list("", { startAfter: after }))).toEqual(all.slice(i + 1));
    }
    expect(await keys(store.list("", { startAfter: "a/" }))).toEqual(all.slice(2));
    expect(await keys(store.list("", { startAfter: "a.png", limit: 3 }))).toEqual(all.slice(2, 5));
    expect(await keys(store.list("", { limit: 0 }))).toEqual([]);
  });

  it("streams objects in and out", async () => {
    const store = new LocalStore(dir);
    async function* parts() {
      yield new Uint8Array([1, 2]);
      yield new Uint8Array([3]);
    }
    await store.put("s/streamed.bin", parts());
    const chunks: Uint8Array[] = [];
    for await (const c of store.getStream("s/streamed.bin")) chunks.push(c);
    expect([...Buffer.concat(chunks)]).toEqual([1, 2, 3]);
    await expect(drain(store.getStream("missing.bin"))).rejects.toMatchObject({
      code: "NOT_FOUND",
    });

    // Many pieces, some large: written in gathered batches, in order, nothing lost.
    const sizes = Array.from({ length: 2500 }, (_, i) =>
      i % 500 === 7 ? 3 << 20 : (i * 37) % 300,
    );
    const pieces = sizes.map((n, i) => new Uint8Array(n).fill(i & 0xff));
    await store.put(
      "s/pieces.bin",
      (async function* () {
        yield* pieces;
      })(),
    );
    expect(Buffer.from(await store.get("s/pieces.bin")).equals(Buffer.concat(pieces))).toBe(true);
  });

  it("reads an object into a buffer it fits, else into a new one", async () => {
    const store = new LocalStore(dir);
    await store.put("g/five.bin", new Uint8Array([1, 2, 3, 4, 5]));
    const buffer = new Uint8Array(8).fill(9);
    const got = await store.getInto("g/five.bin", buffer);
    expect([...got]).toEqual([1, 2, 3, 4, 5]);
    expect(got.buffer).toBe(buffer.buffer);
    expect(got.byteOffset).toBe(0);
    const small = new Uint8Array(4);
    const grown = await store.getInto("g/five.bin", small);
    expect([...grown]).toEqual([1, 2, 3, 4, 5]);
    expect(grown.buffer).not.toBe(small.buffer);
    expect([...small]).toEqual([0, 0, 0, 0]);
    await expect(store.getInto("missing.bin", buffer)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("splits object URIs into folder and name", () => {
    expect(parentLocation("s3://bkt/run/x.npy")).toEqual({ parent: "s3://bkt/run", name: "x.npy" });
    expect(parentLocation("s3://bkt/x.npy")).toEqual({ parent: "s3://bkt/", name: "x.npy" });
    expect(parentLocation("/tmp/out/x.npy")).toEqual({ parent: "/tmp/out", name: "x.npy" });
  });
});
