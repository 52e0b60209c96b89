/**
 * NumPy `.npy` files (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html)
 * for C-ordered little-endian float64, float32 and uint8 arrays.
 */
import { ErrorCodes, FeaturewiseError } from "../errors.js";
import { littleEndianBytes, readFloatsLE } from "./little-endian.js";
import { concatBytes } from "./concat-bytes.js";
import { NPY_DESCR, formatNpyHeaderDict, parseNpyHeaderDict, type NpyDtype } from "./npy-header.js";

export type { NpyDtype } from "./npy-header.js";

/** A decoded npy array: C order (row-major, last axis fastest). */
export interface NpyArray {
  readonly data: Float64Array | Float32Array | Uint8Array;
  readonly shape: number[];
  readonly dtype: NpyDtype;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const ALIGN = 64;

function dtypeOf(data: Float64Array | Float32Array | Uint8Array): NpyDtype {
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Float32Array) return "float32";
  return "uint8";
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Encodes an array as a `.npy` file, byte-identical to what `np.save` writes
 * for a C-contiguous array of the same dtype and shape: format 1.0 (2.0 only
 * when the header would not fit in 65535 bytes), header padded with spaces and
 * a final `\n` so the data starts at a multiple of 64.
 * @param data - the values in C order (row-major); its length must equal the product of `shape`
 * @param shape - the dimensions, outermost first; `[]` for a 0-d array
 * @throws FeaturewiseError INVALID_ARGUMENT when shape and data length disagree
 */
export function encodeNpy(
  data: Float64Array | Float32Array | Uint8Array,
  shape: readonly number[],
): Uint8Array {
  return concatBytes(encodeNpyParts(data, shape));
}

/**
 * {@link encodeNpy} as two pieces, the header and the data: on little-endian
 * hosts the data piece is a view of `data` itself, not a copy (write the
 * pieces before changing `data`).
 */
export function encodeNpyParts(
  data: Float64Array | Float32Array | Uint8Array,
  shape: readonly number[],
): Uint8Array[] {
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `npy: shape [${shape.join(", ")}] is not a list of non-negative integers`,
    );
  }
  if (product(shape) !== data.length) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `npy: shape [${shape.join(", ")}] holds ${product(shape)} values but data has ${data.length}`,
    );
  }
  const dtype = dtypeOf(data);
  const dict = new TextEncoder().encode(formatNpyHeaderDict(NPY_DESCR[dtype], shape));
  // numpy: padlen = ALIGN - ((magic 8 + length field + len(dict) + 1) % ALIGN), then '\n'
  let major = 1;
  let lengthField = 2;
  let total = 8 + lengthField + dict.length + 1;
  let headerLen = dict.length + 1 + (ALIGN - (total % ALIGN));
  if (headerLen > 0xffff) {
    major = 2;
    lengthField = 4;
    total = 8 + lengthField + dict.length + 1;
    headerLen = dict.length + 1 + (ALIGN - (total % ALIGN));
  }
  const dataStart = 8 + lengthField + headerLen;
  const out = new Uint8Array(dataStart);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, headerLen, true);
  else view.setUint32(8, headerLen, true);
  out.set(dict, 8 + lengthField);
  out.fill(0x20, 8 + lengthField + dict.length, dataStart - 1);
  out[dataStart - 1] = 0x0a;
  return [out, data instanceof Uint8Array ? data : littleEndianBytes(data)];
}

function corrupt(message: string): FeaturewiseError {
  return new FeaturewiseError(ErrorCodes.CORRUPT_ARTIFACT, message);
}

/** Headers longer than this are refused rather than parsed. */
const MAX_HEADER_BYTES = 1 << 20;

function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 4096)
    s += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return s;
}

const DESCR_TO_DTYPE: ReadonlyMap<string, NpyDtype> = new Map<string, NpyDtype>([
  ["<f8", "float64"],
  ["<f4", "float32"],
  ["|u1", "uint8"],
  ["<u1", "uint8"],
]);

/**
 * Decodes a `.npy` file (format 1.0, 2.0 or 3.0) holding a C-ordered `<f8`,
 * `<f4` or `|u1` array. The data is copied into a fresh, aligned typed array.
 * @throws FeaturewiseError CORRUPT_ARTIFACT naming what was found when the file
 *   is not npy, is truncated or has trailing bytes, or holds an unsupported
 *   dtype or Fortran order
 */
export function decodeNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) {
    throw corrupt("npy: missing the \\x93NUMPY magic string");
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if ((major !== 1 && major !== 2 && major !== 3) || minor !== 0) {
    throw corrupt(`npy: unsupported format version ${major}.${minor} (supported: 1.0, 2.0, 3.0)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthField = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthField) throw corrupt("npy: truncated in the header length");
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lengthField + headerLen;
  if (dataStart > bytes.length) {
    throw corrupt(
      `npy: header of ${headerLen} bytes runs past the end of the ${bytes.length}-byte file`,
    );
  }
  if (headerLen > MAX_HEADER_BYTES) {
    throw corrupt(`npy: header length ${headerLen} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  }
  const headerBytes = bytes.subarray(8 + lengthField, dataStart);
  const text = major === 3 ? new TextDecoder("utf-8").decode(headerBytes) : latin1(headerBytes);
  const header = parseNpyHeaderDict(text);
  const dtype = DESCR_TO_DTYPE.get(header.descr);
  if (dtype === undefined) {
    throw corrupt(`npy: unsupported descr '${header.descr}' (supported: '<f8', '<f4', '|u1')`);
  }
  if (header.fortranOrder) throw corrupt("npy: fortran_order True is not supported (C order only)");
  const count = product(header.shape);
  const itemSize = dtype === "float64" ? 8 : dtype === "float32" ? 4 : 1;
  const expected = count * itemSize;
  const found = bytes.length - dataStart;
  if (found !== expected) {
    throw corrupt(
      `npy: shape (${header.shape.join(", ")}) of ${header.descr} needs ${expected} data bytes, found ${found}` +
        (found < expected ? " (truncated)" : " (trailing bytes)"),
    );
  }
  const data =
    dtype === "uint8"
      ? bytes.slice(dataStart, dataStart + count)
      : dtype === "float64"
        ? readFloatsLE("float64", bytes, dataStart, count)
        : readFloatsLE("float32", bytes, dataStart, count);
  return { data, shape: header.shape, dtype };
}
