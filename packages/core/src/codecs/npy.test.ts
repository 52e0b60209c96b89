import { describe, expect, it } from "vitest";
import { isFeaturewiseError } from "../errors.js";
import { decodeNpy, encodeNpy } from "./npy.js";

const latin1 = (b: Uint8Array) => String.fromCharCode(...b);

/** The bytes np.save writes before the data: magic, version 1.0, u16 length, padded dict. */
function numpyPrefix(dict: string, total: number): string {
  const len = total - 10;
  return (
    "\x93NUMPY\x01\x00" +
    String.fromCharCode(len & 0xff, len >> 8) +
    dict.padEnd(len - 1, " ") +
    "\n"
  );
}

function expectCorrupt(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(isFeaturewiseError(err, "CORRUPT_ARTIFACT"), String(err)).toBe(true);
    expect((err as Error).message).toMatch(pattern);
    return;
  }
  throw new Error("expected a CORRUPT_ARTIFACT error");
}

describe("encodeNpy header bytes (as numpy 1.24 / 2.x write them)", () => {
  it.each([
    [
      "np.zeros(3)",
      new Float64Array(3),
      [3],
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }",
    ],
    [
      "np.zeros((3,1,1))",
      new Float64Array(3),
      [3, 1, 1],
      "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 1, 1), }",
    ],
    [
      "np.float32(0) 0-d",
      new Float32Array(1),
      [],
      "{'descr': '<f4', 'fortran_order': False, 'shape': (), }",
    ],
    [
      "np.zeros((2,3), uint8)",
      new Uint8Array(6),
      [2, 3],
      "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }",
    ],
  ] as const)("%s", (_label, data, shape, dict) => {
    const out = encodeNpy(data, shape);
    expect(latin1(out.subarray(0, 128))).toBe(numpyPrefix(dict, 128));
    expect(out.length).toBe(128 + data.byteLength);
  });

  it("keeps numpy's 21-digit growth room for the first axis (shape of 15 ones → 192-byte header)", () => {
    const shape = new Array<number>(15).fill(1);
    const out = encodeNpy(new Uint8Array(1), shape);
    expect(out.length).toBe(192 + 1);
    expect(out[191]).toBe(0x0a);
    const text = latin1(out.subarray(10, 192));
    expect(
      text.startsWith(`{'descr': '|u1', 'fortran_order': False, 'shape': (${shape.join(", ")}), }`),
    ).toBe(true);
  });

  it("switches to format 2.0 when the header exceeds 65535 bytes", () => {
    const shape = new Array<number>(30000).fill(1);
    const out = encodeNpy(new Uint8Array(1), shape);
    expect(out[6]).toBe(2);
    expect((out.length - 1) % 64).toBe(0);
    expect(decodeNpy(out).shape).toEqual(shape);
  });

  it("rejects a shape that does not match the data", () => {
    expect(() => encodeNpy(new Float64Array(4), [3])).toThrow(/holds 3 values but data has 4/);
    expect(() => encodeNpy(new Float64Array(4), [-4])).toThrow(/non-negative/);
  });
});

describe("npy round trip", () => {
  it.each([
    [
      "float64",
      new Float64Array([1.5, -0, Number.MAX_VALUE, Number.MIN_VALUE, NaN, -Infinity]),
      [2, 3],
    ],
    ["float32", new Float32Array([1, 2, 3, 4.25]), [4]],
    ["uint8", new Uint8Array([0, 1, 254, 255]), [2, 2, 1]],
    ["empty", new Float64Array(0), [0, 5]],
    ["0-d", new Float64Array([42]), []],
  ] as const)("%s", (dtype, data, shape) => {
    const back = decodeNpy(encodeNpy(data, shape));
    expect(back.shape).toEqual(shape);
    expect(back.data.constructor).toBe(data.constructor);
    expect(Array.from(back.data)).toEqual(Array.from(data));
    expect(back.dtype).toBe(dtype === "empty" || dtype === "0-d" ? "float64" : dtype);
  });

  it("copies data out of an unaligned view", () => {
    const file = encodeNpy(new Float64Array([1, 2, 3]), [3]);
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    const back = decodeNpy(shifted.subarray(1));
    expect(back.data.byteOffset % 8).toBe(0);
    expect(Array.from(back.data)).toEqual([1, 2, 3]);
  });

  it("encodes a typed-array view over a larger buffer", () => {
    const big = new Float64Array([9, 1, 2, 9]);
    expect(Array.from(decodeNpy(encodeNpy(big.subarray(1, 3), [2])).data)).toEqual([1, 2]);
  });

  it("accepts '<u1', any key order, double quotes and version 3", () => {
    const dict = `{"shape": (2,), "fortran_order": False, "descr": "<u1"}`;
    const headerLen = 128 - 12;
    const file = new Uint8Array(12 + headerLen + 2);
    file.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 3, 0, headerLen, 0, 0, 0]);
    file.set(new TextEncoder().encode(dict.padEnd(headerLen - 1, " ") + "\n"), 12);
    file.set([7, 8], 12 + headerLen);
    const back = decodeNpy(file);
    expect(back.dtype).toBe("uint8");
    expect(Array.from(back.data)).toEqual([7, 8]);
  });
});

describe("decodeNpy rejects malformed files", () => {
  const good = encodeNpy(new Float64Array([1, 2, 3]), [3]);
  const withHeader = (dict: string) => {
    const bytes = new Uint8Array(good);
    bytes.set(new TextEncoder().encode(dict.padEnd(117, " ")), 10);
    return bytes;
  };

  it("bad magic, version, truncation, trailing bytes", () => {
    const badMagic = new Uint8Array(good);
    badMagic[1] = 0x4f;
    expectCorrupt(() => decodeNpy(badMagic), /magic/);
    const badVersion = new Uint8Array(good);
    badVersion[6] = 4;
    expectCorrupt(() => decodeNpy(badVersion), /version 4\.0/);
    expectCorrupt(
      () => decodeNpy(good.subarray(0, good.length - 1)),
      /needs 24 data bytes, found 23 \(truncated\)/,
    );
    expectCorrupt(() => decodeNpy(good.subarray(0, 60)), /runs past the end/);
    const longer = new Uint8Array(good.length + 8);
    longer.set(good);
    expectCorrupt(() => decodeNpy(longer), /trailing bytes/);
  });

  it("unsupported dtype, fortran order, garbled header", () => {
    expectCorrupt(
      () => decodeNpy(withHeader("{'descr': '>f8', 'fortran_order': False, 'shape': (3,), }")),
      /descr '>f8'/,
    );
    expectCorrupt(
      () => decodeNpy(withHeader("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }")),
      /descr '<i8'/,
    );
    expectCorrupt(
      () => decodeNpy(withHeader("{'descr': '<f8', 'fortran_order': True, 'shape': (3,), }")),
      /fortran_order True/,
    );
    expectCorrupt(
      () => decodeNpy(withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (3,) ")),
      /cannot parse header/,
    );
    expectCorrupt(() => decodeNpy(withHeader("{'descr': '<f8', 'shape': (3,), }")), /header keys/);
    expectCorrupt(
      () =>
        decodeNpy(withHeader("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (3,), }")),
      /structured/,
    );
  });
});
