import { describe, expect, it } from "vitest";
import { isFeaturewiseError } from "../errors.js";
import { createMoments, mergeInto, mergePackedInto, type Moments } from "../moments.js";
import { concatBytes } from "./concat-bytes.js";
import {
  decodeMoments,
  decodePackedMoments,
  encodeMoments,
  encodeMomentsParts,
} from "./moments-codec.js";

function fullMoments(dim: number, n = 7): Moments {
  const mean = new Float64Array(dim).map((_, i) => i * 0.5 - 1);
  const comoment = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j <= i; j++) {
      const v = Math.sin(i * 31 + j * 7) * 1e3;
      comoment[i * dim + j] = v;
      comoment[j * dim + i] = v;
    }
  }
  return { kind: "full", dim, n, mean, comoment };
}

function expectCorrupt(fn: () => unknown, pattern: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(isFeaturewiseError(err, "CORRUPT_ARTIFACT"), String(err)).toBe(true);
  expect((err as Error).message).toMatch(pattern);
}

describe("moments codec", () => {
  it("round-trips full moments, filling both triangles", () => {
    const m = fullMoments(5);
    const back = decodeMoments(encodeMoments(m));
    expect(back.kind).toBe("full");
    expect(back.dim).toBe(5);
    expect(back.n).toBe(7);
    expect(back.mean).toEqual(m.mean);
    expect(back.comoment).toEqual(m.comoment);
  });

  it("reads only the lower triangle when encoding", () => {
    const m = fullMoments(4);
    const lowerOnly = m.comoment.slice();
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) lowerOnly[i * 4 + j] = 999;
    const bytes = encodeMoments({ ...m, comoment: lowerOnly });
    expect(bytes).toEqual(encodeMoments(m));
    expect(decodeMoments(bytes).comoment).toEqual(m.comoment);
  });

  it("gives the same bytes as pieces that view the moments' arrays", () => {
    const m = fullMoments(6);
    const parts = encodeMomentsParts(m);
    expect(concatBytes(parts)).toEqual(encodeMoments(m));
    expect(
      parts.slice(1).every((p) => p.buffer === m.mean.buffer || p.buffer === m.comoment.buffer),
    ).toBe(true);
    // Row 2 of the lower triangle is comoment[12..14], viewed in place.
    const row2 = new Float64Array(parts[4]!.buffer, parts[4]!.byteOffset, 3);
    expect(Array.from(row2)).toEqual(Array.from(m.comoment.subarray(12, 15)));
  });

  it("round-trips diagonal and empty moments", () => {
    const m: Moments = {
      kind: "diagonal",
      dim: 3,
      n: 2,
      mean: new Float64Array([1, 2, 3]),
      comoment: new Float64Array([4, 5, 6]),
    };
    const back = decodeMoments(encodeMoments(m));
    expect(back).toEqual(m);
    const empty: Moments = {
      kind: "full",
      dim: 0,
      n: 0,
      mean: new Float64Array(0),
      comoment: new Float64Array(0),
    };
    expect(decodeMoments(encodeMoments(empty))).toEqual(empty);
  });

  it("writes the documented layout", () => {
    const bytes = encodeMoments(fullMoments(3, 10));
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe("FWMOMNT1");
    const headerLen = new DataView(bytes.buffer).getUint32(8, true);
    expect((12 + headerLen) % 8).toBe(0);
    const header = JSON.parse(
      new TextDecoder().decode(bytes.subarray(12, 12 + headerLen)),
    ) as Record<string, unknown>;
    expect(Object.keys(header)).toEqual([
      "version",
      "kind",
      "dim",
      "n",
      "dtype",
      "layout",
      "payloadBytes",
      "crc32",
    ]);
    expect(header).toMatchObject({
      version: 1,
      kind: "full",
      dim: 3,
      n: 10,
      dtype: "float64",
      layout: "packed-lower-rowmajor",
      payloadBytes: 8 * (3 + 6),
    });
    const payload = new Float64Array(bytes.slice(12 + headerLen).buffer);
    const m = fullMoments(3, 10);
    // mean, then M00, M10, M11, M20, M21, M22
    expect(Array.from(payload)).toEqual([
      ...m.mean,
      m.comoment[0],
      m.comoment[3],
      m.comoment[4],
      m.comoment[6],
      m.comoment[7],
      m.comoment[8],
    ]);
  });

  it("is bit-deterministic, NaN and -0 included", () => {
    const m = fullMoments(6);
    m.comoment[7] = -0;
    m.mean[1] = NaN;
    const again = { ...m, mean: m.mean.slice(), comoment: m.comoment.slice() };
    expect(encodeMoments(again)).toEqual(encodeMoments(m));
    expect(encodeMoments(m)).not.toEqual(encodeMoments(fullMoments(6)));
    expect(Object.is(decodeMoments(encodeMoments(m)).comoment[7], -0)).toBe(true);
  });

  it("rejects inconsistent arguments", () => {
    const m = fullMoments(3);
    expect(() => encodeMoments({ ...m, dim: 4 })).toThrow(/mean has 3 values, dim is 4/);
    expect(() => encodeMoments({ ...m, comoment: new Float64Array(3) })).toThrow(/expected 9/);
    expect(() => encodeMoments({ ...m, n: NaN })).toThrow(/n NaN/);
  });

  it("detects corruption: magic, flipped payload byte, truncation, header damage", () => {
    const good = encodeMoments(fullMoments(4));
    const headerLen = new DataView(good.buffer).getUint32(8, true);
    const flipMagic = good.slice();
    flipMagic[0] = 0x66;
    expectCorrupt(() => decodeMoments(flipMagic), /bad magic/);
    const flipPayload = good.slice();
    flipPayload[good.length - 3]! ^= 0x10;
    expectCorrupt(() => decodeMoments(flipPayload), /CRC-32/);
    expectCorrupt(() => decodeMoments(good.subarray(0, good.length - 8)), /truncated/);
    expectCorrupt(() => decodeMoments(good.subarray(0, 5)), /too short/);
    const longer = new Uint8Array(good.length + 8);
    longer.set(good);
    expectCorrupt(() => decodeMoments(longer), /trailing bytes/);
    const flipHeader = good.slice();
    flipHeader[13] = 0x7b; // the JSON text's opening quote
    expectCorrupt(() => decodeMoments(flipHeader), /header is not valid JSON/);
    const flipKey = good.slice();
    flipKey[14] = 0x7b; // "version" → "v{rsion": still JSON, but no version
    expectCorrupt(() => decodeMoments(flipKey), /unsupported version undefined/);
    const badLen = good.slice();
    new DataView(badLen.buffer).setUint32(8, headerLen + 1000, true);
    expectCorrupt(() => decodeMoments(badLen), /header length/);
    const badDim = new TextDecoder()
      .decode(good.subarray(12, 12 + headerLen))
      .replace('"dim":4', '"dim":5');
    const withBadDim = good.slice();
    withBadDim.set(new TextEncoder().encode(badDim), 12);
    expectCorrupt(() => decodeMoments(withBadDim), /payloadBytes 112 does not match full dim 5/);
  });

  it("round-trips D=3072 (times printed; the bound lives in the benchmark)", () => {
    const dim = 3072;
    const comoment = new Float64Array(dim * dim);
    for (let i = 0; i < comoment.length; i++) comoment[i] = i % 1009;
    const m: Moments = {
      kind: "full",
      dim,
      n: 50000,
      mean: new Float64Array(dim).fill(0.25),
      comoment,
    };
    // Best of two runs, printed for reference only.
    let bytes: Uint8Array = new Uint8Array(0);
    let encodeMs = Infinity;
    for (let run = 0; run < 2; run++) {
      const start = performance.now();
      bytes = encodeMoments(m);
      encodeMs = Math.min(encodeMs, performance.now() - start);
    }
    const t = performance.now();
    const back = decodeMoments(bytes);
    const decodeMs = performance.now() - t;
    console.log(
      `moments codec D=3072 (${(bytes.length / 2 ** 20).toFixed(1)} MiB): encode ${encodeMs.toFixed(0)} ms, decode ${decodeMs.toFixed(0)} ms`,
    );
    expect(back.comoment[5 * dim + 3]).toBe(comoment[5 * dim + 3]);
    expect(back.comoment[3 * dim + 5]).toBe(comoment[5 * dim + 3]);
  });
});

/** Moments with values that round in every operation (not small integers). */
function roughMoments(kind: Moments["kind"], dim: number, n: number, seed: number): Moments {
  const m = createMoments(kind, dim);
  m.n = n;
  for (let j = 0; j < dim; j++) m.mean[j] = 100 * Math.sin(seed + j * 1.7) + 0.1 * seed;
  for (let k = 0; k < m.comoment.length; k++)
    m.comoment[k] = 1e4 * Math.abs(Math.cos(seed * 3.1 + k));
  return m;
}

/** The same bytes at an address that is not 8-byte aligned. */
function misaligned(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes.length + 3).subarray(3);
  copy.set(bytes);
  return copy;
}

function bitsOf(a: Float64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

describe("merging encoded moments without unpacking", () => {
  const cases: Array<[Moments["kind"], number]> = [
    ["full", 1],
    ["full", 7],
    ["full", 33],
    ["diagonal", 5],
    ["diagonal", 33],
  ];
  for (const [kind, dim] of cases) {
    it(`equals decode + mergeInto bit for bit (${kind}, dim ${dim}, aligned and not)`, () => {
      const parts = [3, 0, 1, 250, 17].map((n, i) => encodeMoments(roughMoments(kind, dim, n, i)));
      const expected = createMoments(kind, dim);
      for (const bytes of parts) mergeInto(expected, decodeMoments(bytes));
      for (const place of [(b: Uint8Array) => b, misaligned]) {
        const acc = createMoments(kind, dim);
        for (const bytes of parts) mergePackedInto(acc, decodePackedMoments(place(bytes)));
        expect(acc.n).toBe(expected.n);
        expect(bitsOf(acc.mean)).toEqual(bitsOf(expected.mean));
        expect(bitsOf(acc.comoment)).toEqual(bitsOf(expected.comoment));
      }
    });
  }

  it("views an aligned payload in place and copies a misaligned one", () => {
    const bytes = encodeMoments(fullMoments(4));
    const packed = decodePackedMoments(bytes);
    expect(packed.comoment.buffer).toBe(bytes.buffer);
    expect(packed.comoment.length).toBe(10);
    expect(Array.from(packed.comoment.subarray(0, 3))).toEqual([
      fullMoments(4).comoment[0],
      fullMoments(4).comoment[4],
      fullMoments(4).comoment[5],
    ]);
    const moved = misaligned(bytes);
    expect(decodePackedMoments(moved).comoment.buffer).not.toBe(moved.buffer);
    expect(decodePackedMoments(moved)).toEqual(packed);
  });

  it("rejects corrupt bytes and mismatched moments with clear errors", () => {
    const good = encodeMoments(fullMoments(4));
    const flipped = good.slice();
    flipped[good.length - 3]! ^= 0x10;
    expectCorrupt(() => decodePackedMoments(flipped), /payload CRC-32 is \d+, header says \d+/);
    expectCorrupt(() => decodePackedMoments(good.subarray(0, good.length - 8)), /truncated/);
    expectCorrupt(() => decodePackedMoments(new Uint8Array(40)), /bad magic/);
    expect(() => mergePackedInto(createMoments("full", 5), decodePackedMoments(good))).toThrow(
      /cannot merge full moments of dim 4 into full of dim 5/,
    );
    expect(() => mergePackedInto(createMoments("diagonal", 4), decodePackedMoments(good))).toThrow(
      /cannot merge full moments of dim 4 into diagonal/,
    );
  });
});
