/**
 * Copying float arrays to and from little-endian bytes. On little-endian hosts
 * (all mainstream JS engines) this is a plain byte copy; a DataView loop is the
 * fallback on big-endian hosts.
 */

/** True when the platform stores typed-array elements little-endian. */
export const HOST_LITTLE_ENDIAN: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A float typed array constructor this module handles. */
export type FloatArrayKind = "float64" | "float32";

/**
 * Reads `count` little-endian floats starting at `bytes[offset]` into a new,
 * aligned typed array (the input need not be aligned).
 */
export function readFloatsLE(
  kind: "float64",
  bytes: Uint8Array,
  offset: number,
  count: number,
): Float64Array;
export function readFloatsLE(
  kind: "float32",
  bytes: Uint8Array,
  offset: number,
  count: number,
): Float32Array;
export function readFloatsLE(
  kind: FloatArrayKind,
  bytes: Uint8Array,
  offset: number,
  count: number,
): Float64Array | Float32Array {
  const size = kind === "float64" ? 8 : 4;
  const out = kind === "float64" ? new Float64Array(count) : new Float32Array(count);
  if (HOST_LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes.subarray(offset, offset + count * size));
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * size);
    for (let i = 0; i < count; i++)
      out[i] = size === 8 ? view.getFloat64(i * 8, true) : view.getFloat32(i * 4, true);
  }
  return out;
}

/**
 * `count` little-endian float64 values starting at `bytes[offset]`, without a
 * copy where possible: a view on `bytes` (sharing its memory) when the host is
 * little-endian and the values are 8-byte aligned, else a copy (readFloatsLE).
 */
export function viewFloat64LE(bytes: Uint8Array, offset: number, count: number): Float64Array {
  const start = bytes.byteOffset + offset;
  if (HOST_LITTLE_ENDIAN && start % 8 === 0) return new Float64Array(bytes.buffer, start, count);
  return readFloatsLE("float64", bytes, offset, count);
}

/**
 * The little-endian bytes of `values`: a view on their memory on a
 * little-endian host, else a converted copy.
 */
export function littleEndianBytes(values: Float64Array | Float32Array): Uint8Array {
  if (HOST_LITTLE_ENDIAN)
    return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const bytes = new Uint8Array(values.byteLength);
  writeFloatsLE(values, bytes, 0);
  return bytes;
}

/** Writes `src` as little-endian floats into `dst` starting at `dst[offset]`. */
export function writeFloatsLE(
  src: Float64Array | Float32Array,
  dst: Uint8Array,
  offset: number,
): void {
  if (HOST_LITTLE_ENDIAN) {
    dst.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), offset);
    return;
  }
  const view = new DataView(dst.buffer, dst.byteOffset + offset, src.byteLength);
  if (src instanceof Float64Array)
    for (let i = 0; i < src.length; i++) view.setFloat64(i * 8, src[i]!, true);
  else for (let i = 0; i < src.length; i++) view.setFloat32(i * 4, src[i]!, true);
}
