/**
 * The binary "partial moments" format (`.fwm`), used for partial results of a
 * distributed fit and for an artifact's moments file.
 *
 * Layout, all integers and floats little-endian:
 *
 * | offset        | size          | content                                               |
 * |---------------|---------------|-------------------------------------------------------|
 * | 0             | 8             | magic, ASCII `FWMOMNT1`                               |
 * | 8             | 4             | u32 `H`: header length in bytes (padding included)   |
 * | 12            | H             | UTF-8 JSON header, padded with spaces (0x20)          |
 * | 12 + H        | payloadBytes  | payload: float64 values                               |
 *
 * `12 + H` is a multiple of 8, so the payload can be viewed as a Float64Array.
 * The header is, with keys in this order:
 * `{"version":1,"kind":"full"|"diagonal","dim":D,"n":N,"dtype":"float64",
 *   "layout":"packed-lower-rowmajor"|"diagonal","payloadBytes":P,"crc32":C}`
 * where C is the CRC-32 (zip polynomial) of the payload bytes.
 *
 * Payload: the mean (D values) followed by the co-moment:
 * - kind "full", layout "packed-lower-rowmajor": for i in 0..D-1, for j in 0..i,
 *   M[i][j] — D·(D+1)/2 values;
 * - kind "diagonal", layout "diagonal": M[i][i] for i in 0..D-1 — D values.
 *
 * So P = 8·(D + D·(D+1)/2) or 8·2D, and the file is exactly 12 + H + P bytes.
 */
import { ErrorCodes, FeaturewiseError } from "../errors.js";
import type { Moments, MomentsKind, PackedMoments } from "../moments.js";
import { crc32 } from "./crc32.js";
import { lowerTriangleRows, unpackLowerSymmetric } from "./packed-lower.js";
import { concatBytes } from "./concat-bytes.js";
import { littleEndianBytes, viewFloat64LE } from "./little-endian.js";

/** The 8 magic bytes that open a moments file. */
export const MOMENTS_MAGIC = "FWMOMNT1";

const PREFIX = 12;
const MAX_HEADER_BYTES = 1 << 16;

type Layout = "packed-lower-rowmajor" | "diagonal";

interface MomentsHeader {
  version: 1;
  kind: MomentsKind;
  dim: number;
  n: number;
  dtype: "float64";
  layout: Layout;
  payloadBytes: number;
  crc32: number;
}

function corrupt(message: string): FeaturewiseError {
  return new FeaturewiseError(ErrorCodes.CORRUPT_ARTIFACT, `moments: ${message}`);
}

function payloadValues(kind: MomentsKind, dim: number): number {
  return dim + (kind === "full" ? (dim * (dim + 1)) / 2 : dim);
}

/**
 * Encodes moments in the binary format above. Bit-deterministic: the same
 * Moments give the same bytes. For "full", only the lower triangle (i >= j) of
 * `comoment` is read.
 * @throws FeaturewiseError INVALID_ARGUMENT when the array lengths do not match
 *   `kind` and `dim`, or `n` is not a finite non-negative number
 */
export function encodeMoments(m: Moments): Uint8Array {
  return concatBytes(encodeMomentsParts(m));
}

/**
 * {@link encodeMoments} as pieces to write in order: the magic and header,
 * then the payload as views on the moments' own arrays (on a little-endian
 * host), so nothing is copied: a shard's 38 MB partial at D=3072 is written
 * straight from its accumulator. The pieces are valid while the moments are
 * left unchanged.
 * @throws FeaturewiseError as {@link encodeMoments}
 */
export function encodeMomentsParts(m: Moments): Uint8Array[] {
  const { kind, dim, n } = m;
  const invalid = (msg: string) =>
    new FeaturewiseError(ErrorCodes.INVALID_ARGUMENT, `moments: ${msg}`);
  if (kind !== "full" && kind !== "diagonal") throw invalid(`unknown kind ${JSON.stringify(kind)}`);
  if (!Number.isSafeInteger(dim) || dim < 0)
    throw invalid(`dim ${dim} is not a non-negative integer`);
  if (!Number.isFinite(n) || n < 0) throw invalid(`n ${n} is not a finite non-negative number`);
  if (m.mean.length !== dim) throw invalid(`mean has ${m.mean.length} values, dim is ${dim}`);
  const comomentLen = kind === "full" ? dim * dim : dim;
  if (m.comoment.length !== comomentLen)
    throw invalid(`${kind} comoment has ${m.comoment.length} values, expected ${comomentLen}`);

  const payload = payloadRuns(m).map(littleEndianBytes);
  const crc = payload.reduce((c, bytes) => crc32(bytes, c), 0);
  const header: MomentsHeader = {
    version: 1,
    kind,
    dim,
    n,
    dtype: "float64",
    layout: kind === "full" ? "packed-lower-rowmajor" : "diagonal",
    payloadBytes: 8 * payloadValues(kind, dim),
    crc32: crc,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLen = Math.ceil((PREFIX + json.length) / 8) * 8 - PREFIX;
  const head = new Uint8Array(PREFIX + headerLen);
  head.set(new TextEncoder().encode(MOMENTS_MAGIC), 0);
  new DataView(head.buffer).setUint32(8, headerLen, true);
  head.set(json, PREFIX);
  head.fill(0x20, PREFIX + json.length);
  return [head, ...payload];
}

/**
 * The payload's values as consecutive runs of the moments' own arrays: the
 * mean, then the rows of the co-moment's lower triangle ("full") or its diagonal.
 */
function payloadRuns(m: Moments): Float64Array[] {
  if (m.kind === "diagonal") return [m.mean, m.comoment];
  return [m.mean, ...lowerTriangleRows(m.comoment, m.dim)];
}

function parseHeader(text: string): MomentsHeader {
  let h: unknown;
  try {
    h = JSON.parse(text);
  } catch {
    throw corrupt(`header is not valid JSON: ${JSON.stringify(text.slice(0, 200))}`);
  }
  if (typeof h !== "object" || h === null) throw corrupt("header is not a JSON object");
  const r = h as Record<string, unknown>;
  if (r["version"] !== 1)
    throw corrupt(`unsupported version ${JSON.stringify(r["version"])} (supported: 1)`);
  if (r["kind"] !== "full" && r["kind"] !== "diagonal")
    throw corrupt(`unknown kind ${JSON.stringify(r["kind"])}`);
  if (r["dtype"] !== "float64")
    throw corrupt(`unsupported dtype ${JSON.stringify(r["dtype"])} (supported: float64)`);
  const layout = r["kind"] === "full" ? "packed-lower-rowmajor" : "diagonal";
  if (r["layout"] !== layout)
    throw corrupt(
      `layout ${JSON.stringify(r["layout"])} does not match kind "${r["kind"]}" (expected "${layout}")`,
    );
  for (const key of ["dim", "payloadBytes", "crc32"]) {
    const v = r[key];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
      throw corrupt(`header field ${key} is ${JSON.stringify(v)}, not a non-negative integer`);
  }
  const n = r["n"];
  if (typeof n !== "number" || !Number.isFinite(n) || n < 0)
    throw corrupt(`header field n is ${JSON.stringify(n)}, not a non-negative number`);
  return h as MomentsHeader;
}

/**
 * Decodes the binary moments format. A "full" co-moment is unpacked into a
 * dim×dim row-major Float64Array with BOTH triangles filled (symmetric).
 * @throws FeaturewiseError CORRUPT_ARTIFACT naming what is wrong: magic,
 *   header, sizes (truncated or trailing bytes) or CRC-32
 */
export function decodeMoments(bytes: Uint8Array): Moments {
  const { kind, dim, n, mean, comoment } = decodePackedMoments(bytes);
  const full = kind === "full" ? unpackLowerSymmetric(comoment, dim) : comoment.slice();
  return { kind, dim, n, mean: mean.slice(), comoment: full };
}

/**
 * Decodes the binary moments format without unpacking: the payload as it is
 * stored, for `mergePackedInto`. The arrays are views on `bytes` where
 * the payload is 8-byte aligned in memory on a little-endian host (a copy
 * otherwise), so they share its memory and should be treated as read-only.
 * @throws FeaturewiseError CORRUPT_ARTIFACT as {@link decodeMoments}
 */
export function decodePackedMoments(bytes: Uint8Array): PackedMoments {
  if (bytes.length < PREFIX)
    throw corrupt(`file of ${bytes.length} bytes is too short for the magic and header length`);
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== MOMENTS_MAGIC)
    throw corrupt(`bad magic ${JSON.stringify(magic)}, expected "${MOMENTS_MAGIC}"`);
  const headerLen = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(
    8,
    true,
  );
  if (headerLen > MAX_HEADER_BYTES || PREFIX + headerLen > bytes.length) {
    throw corrupt(
      `header length ${headerLen} exceeds the file (${bytes.length} bytes) or the ${MAX_HEADER_BYTES}-byte limit`,
    );
  }
  if ((PREFIX + headerLen) % 8 !== 0)
    throw corrupt(`payload offset ${PREFIX + headerLen} is not a multiple of 8`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(
      bytes.subarray(PREFIX, PREFIX + headerLen),
    );
  } catch {
    throw corrupt("header is not valid UTF-8");
  }
  const h = parseHeader(text);
  const count = payloadValues(h.kind, h.dim);
  if (h.payloadBytes !== count * 8)
    throw corrupt(
      `payloadBytes ${h.payloadBytes} does not match ${h.kind} dim ${h.dim} (expected ${count * 8})`,
    );
  const found = bytes.length - PREFIX - headerLen;
  if (found !== h.payloadBytes) {
    throw corrupt(
      `payload is ${found} bytes, header says ${h.payloadBytes}` +
        (found < h.payloadBytes ? " (truncated)" : " (trailing bytes)"),
    );
  }
  const payload = bytes.subarray(PREFIX + headerLen);
  const actual = crc32(payload);
  if (actual !== h.crc32) throw corrupt(`payload CRC-32 is ${actual}, header says ${h.crc32}`);
  const values = viewFloat64LE(bytes, PREFIX + headerLen, count);
  const mean = values.subarray(0, h.dim);
  return { kind: h.kind, dim: h.dim, n: h.n, mean, comoment: values.subarray(h.dim) };
}
