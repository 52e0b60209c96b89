import { describe, expect, it } from "vitest";
import { isFeaturewiseError } from "../errors.js";
import { crc32 } from "./crc32.js";
import { concatBytes } from "./concat-bytes.js";
import { decodeNpy, encodeNpy, encodeNpyParts } from "./npy.js";
import { decodeNpz, encodeNpz, encodeNpzParts } from "./npz.js";

async function expectCorrupt(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isFeaturewiseError(err, "CORRUPT_ARTIFACT"), String(err)).toBe(true);
  expect((err as Error).message).toMatch(pattern);
}

const mean = encodeNpy(new Float64Array([1, 2, 3]), [3, 1, 1]);
const std = encodeNpy(new Float32Array([4, 5]), [2]);

describe("npz", () => {
  it("in pieces: the same bytes, and the arrays viewed rather than copied", () => {
    const w = new Float64Array([0.5, -1, 2, 7]);
    const npy = encodeNpyParts(w, [2, 2]);
    expect(concatBytes(npy)).toEqual(encodeNpy(w, [2, 2]));
    expect(npy[1]!.buffer).toBe(w.buffer);
    const parts = encodeNpzParts([
      ["mean.npy", [mean]],
      ["w.npy", npy],
    ]);
    expect(concatBytes(parts)).toEqual(
      encodeNpz([
        ["mean.npy", mean],
        ["w.npy", concatBytes(npy)],
      ]),
    );
    expect(parts.some((p) => p.buffer === w.buffer)).toBe(true);
  });

  it("round-trips entries in order", async () => {
    const zip = encodeNpz([
      ["mean.npy", mean],
      ["std.npy", std],
      ["empty.npy", new Uint8Array(0)],
    ]);
    const back = await decodeNpz(zip);
    expect([...back.keys()]).toEqual(["mean.npy", "std.npy", "empty.npy"]);
    expect(back.get("mean.npy")).toEqual(mean);
    expect(Array.from(decodeNpy(back.get("std.npy")!).data)).toEqual([4, 5]);
    expect(back.get("empty.npy")!.length).toBe(0);
  });

  it("writes a well-formed layout: local header, stored data, CRC, end record", () => {
    const zip = encodeNpz([["mean.npy", mean]]);
    const view = new DataView(zip.buffer);
    expect(view.getUint32(0, true)).toBe(0x04034b50);
    expect(view.getUint16(8, true)).toBe(0); // stored
    expect(view.getUint32(14, true)).toBe(crc32(mean));
    expect(view.getUint32(18, true)).toBe(mean.length);
    expect(new TextDecoder().decode(zip.subarray(30, 38))).toBe("mean.npy");
    expect(zip.subarray(38, 38 + mean.length)).toEqual(mean);
    const end = zip.length - 22;
    expect(view.getUint32(end, true)).toBe(0x06054b50);
    expect(view.getUint16(end + 10, true)).toBe(1);
    expect(view.getUint32(end + 16, true)).toBe(38 + mean.length);
  });

  it("is deterministic", () => {
    expect(encodeNpz([["a.npy", mean]])).toEqual(encodeNpz([["a.npy", mean]]));
  });

  it("handles non-ASCII names and an archive comment", async () => {
    const zip = encodeNpz([["moyenne-é.npy", mean]]);
    const withComment = new Uint8Array(zip.length + 5);
    withComment.set(zip);
    withComment.set(new TextEncoder().encode("hello"), zip.length);
    new DataView(withComment.buffer).setUint16(zip.length - 2, 5, true);
    expect([...(await decodeNpz(withComment)).keys()]).toEqual(["moyenne-é.npy"]);
  });

  it("refuses bad arguments", () => {
    expect(() => encodeNpz([["", mean]])).toThrow(/empty entry name/);
    expect(() =>
      encodeNpz([
        ["a", mean],
        ["a", std],
      ]),
    ).toThrow(/duplicate/);
    // A fake 4 GiB entry: only its length is inspected before refusing.
    const huge = { length: 2 ** 32 } as unknown as Uint8Array;
    expect(() => encodeNpz([["big.npy", huge]])).toThrow(/4 GiB/);
  });

  it("detects corruption: flipped data byte (CRC), truncation, garbage", async () => {
    const zip = encodeNpz([["mean.npy", mean]]);
    const flipped = new Uint8Array(zip);
    flipped[30 + 8 + 130] = flipped[30 + 8 + 130]! ^ 0x01;
    await expectCorrupt(decodeNpz(flipped), /entry 'mean.npy': CRC-32/);
    await expectCorrupt(decodeNpz(zip.subarray(0, zip.length - 1)), /end-of-central-directory/);
    await expectCorrupt(decodeNpz(zip.subarray(0, 100)), /end-of-central-directory/);
    await expectCorrupt(decodeNpz(new Uint8Array(0)), /end-of-central-directory/);
    const badMethod = new Uint8Array(zip);
    new DataView(badMethod.buffer).setUint16(30 + 8 + mean.length + 10, 12, true);
    await expectCorrupt(decodeNpz(badMethod), /compression method 12/);
    const badLocal = new Uint8Array(zip);
    badLocal[0] = 0;
    await expectCorrupt(decodeNpz(badLocal), /no local header/);
  });

  it("reads deflated entries and rejects corrupt deflate data", async () => {
    // Build a method-8 archive by hand from a deflate-raw stream made with CompressionStream.
    const payload = new TextEncoder().encode("abcabcabcabcabcabcabcabc featurewise ".repeat(50));
    const compressed = new Uint8Array(
      await new Response(
        new Blob([payload]).stream().pipeThrough(new CompressionStream("deflate-raw")),
      ).arrayBuffer(),
    );
    const stored = encodeNpz([["x.npy", compressed]]);
    const zip = new Uint8Array(stored);
    const view = new DataView(zip.buffer);
    const cd = 30 + 5 + compressed.length;
    for (const [at, crcAt] of [
      [8, 14],
      [cd + 10, cd + 16],
    ] as const) {
      view.setUint16(at, 8, true);
      view.setUint32(crcAt, crc32(payload), true);
      view.setUint32(crcAt + 8, payload.length, true); // uncompressed size
    }
    const back = await decodeNpz(zip);
    expect(back.get("x.npy")).toEqual(payload);

    const broken = new Uint8Array(zip);
    broken.fill(0xff, 35, 45);
    await expectCorrupt(decodeNpz(broken), /entry 'x.npy'/);
  });
});
