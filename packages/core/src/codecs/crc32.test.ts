import { describe, expect, it } from "vitest";
import { crc32, crc32Tables } from "./crc32.js";

const ascii = (s: string) => new TextEncoder().encode(s);

describe("crc32", () => {
  it("matches the standard check value", () => {
    expect(crc32(ascii("123456789"))).toBe(0xcbf43926);
  });

  it("is 0 for no bytes and matches known vectors", () => {
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(ascii("The quick brown fox jumps over the lazy dog"))).toBe(0x414fa339);
    expect(crc32(new Uint8Array(32))).toBe(0x190a55ad);
  });

  it("chains through the seed", () => {
    const all = ascii("hello, featurewise");
    expect(crc32(all.subarray(7), crc32(all.subarray(0, 7)))).toBe(crc32(all));
  });
});

describe("crc32 slicing-by-8 agrees with the bytewise definition", () => {
  it("for every length 0..40 and offset", () => {
    const bitwise = (b: Uint8Array): number => {
      let c = 0xffffffff;
      for (const x of b) {
        c ^= x;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    const data = new Uint8Array(48).map((_, i) => (i * 73 + 11) & 0xff);
    for (let off = 0; off < 8; off++) {
      for (let len = 0; len <= 40; len++) {
        const slice = data.subarray(off, off + len);
        expect(crc32(slice)).toBe(bitwise(slice));
      }
    }
  });
});

describe("crc32 on large inputs (zlib's where the runtime has it)", () => {
  it("equals the TypeScript tables, whole and chained through the seed", () => {
    const data = new Uint8Array(300_001).map((_, i) => (i * 2654435761) >>> 24);
    const whole = crc32Tables(data);
    expect(crc32(data)).toBe(whole);
    expect(crc32(data.subarray(100_000), crc32(data.subarray(0, 100_000)))).toBe(whole);
    expect(crc32(data.subarray(5), crc32Tables(data.subarray(0, 5)))).toBe(whole);
  });
});
