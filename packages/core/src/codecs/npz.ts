/**
 * NumPy `.npz` archives: ZIP files of `.npy` members (https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT).
 * Writing produces stored (uncompressed) entries like `np.savez`; reading
 * accepts stored and deflated entries, so `np.savez_compressed` files load too.
 * ZIP64 is not supported (no entry or archive of 4 GiB or more).
 */
import { ErrorCodes, FeaturewiseError } from "../errors.js";
import { concatBytes } from "./concat-bytes.js";
import { crc32 } from "./crc32.js";
import { inflateRaw } from "./inflate-raw.js";

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const END_SIG = 0x06054b50;
const LOCAL_SIZE = 30;
const CENTRAL_SIZE = 46;
const END_SIZE = 22;
const VERSION_NEEDED = 20; // 2.0: deflate, folders
const VERSION_MADE_BY = (3 << 8) | 20; // Unix, 2.0 (as Python's zipfile)
const FLAG_UTF8 = 0x0800;
const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1; // fixed timestamp: deterministic output
const UNIX_MODE_0600 = 0o100600 << 16; // regular file, rw------- (as Python's zipfile)
const LIMIT_32 = 0xffffffff;

function invalid(message: string): FeaturewiseError {
  return new FeaturewiseError(ErrorCodes.INVALID_ARGUMENT, message);
}

function corrupt(message: string): FeaturewiseError {
  return new FeaturewiseError(ErrorCodes.CORRUPT_ARTIFACT, message);
}

/**
 * Builds a ZIP archive of stored (uncompressed) entries, the layout `np.savez`
 * writes, with CRC-32s, local headers, a central directory and an end record.
 * Output is deterministic (fixed 1980-01-01 timestamps).
 * @param entries - [member name, e.g. "mean.npy"; its bytes, e.g. from encodeNpy], in archive order
 * @throws FeaturewiseError INVALID_ARGUMENT for an entry of 4 GiB or more, an
 *   archive past 4 GiB, more than 65535 entries, or an empty, duplicate or overlong name
 */
export function encodeNpz(entries: ReadonlyArray<[name: string, npy: Uint8Array]>): Uint8Array {
  return concatBytes(encodeNpzParts(entries.map(([name, npy]) => [name, [npy]])));
}

/**
 * {@link encodeNpz} as the archive's consecutive pieces, each entry's data
 * given as parts that the result refers to, not copies (a 75 MB whitening
 * matrix is not copied into the archive): write them in order.
 */
export function encodeNpzParts(
  entries: ReadonlyArray<[name: string, parts: readonly Uint8Array[]]>,
): Uint8Array[] {
  if (entries.length > 0xffff)
    throw invalid(`npz: ${entries.length} entries exceed the ZIP limit of 65535`);
  const encoder = new TextEncoder();
  const seen = new Set<string>();
  const sizes = entries.map(([, parts]) => parts.reduce((sum, p) => sum + p.length, 0));
  const names = entries.map(([name], i) => {
    if (name.length === 0) throw invalid("npz: empty entry name");
    if (seen.has(name)) throw invalid(`npz: duplicate entry name '${name}'`);
    seen.add(name);
    if (sizes[i]! >= 2 ** 32 - 1)
      throw invalid(`npz: entry '${name}' has ${sizes[i]} bytes; 4 GiB or more needs ZIP64`);
    const bytes = encoder.encode(name);
    if (bytes.length > 0xffff)
      throw invalid(`npz: entry name of ${bytes.length} bytes is too long`);
    return bytes;
  });
  let localTotal = 0;
  let centralTotal = 0;
  entries.forEach((_, i) => {
    localTotal += LOCAL_SIZE + names[i]!.length + sizes[i]!;
    centralTotal += CENTRAL_SIZE + names[i]!.length;
  });
  if (localTotal + centralTotal > LIMIT_32)
    throw invalid(`npz: archive of ${localTotal + centralTotal} bytes needs ZIP64`);

  const out: Uint8Array[] = [];
  const directory = new Uint8Array(centralTotal + END_SIZE);
  const dir = new DataView(directory.buffer);
  let pos = 0;
  let central = 0;
  entries.forEach(([name, parts], i) => {
    const nameBytes = names[i]!;
    const size = sizes[i]!;
    const flags = /^[\x20-\x7e]*$/.test(name) ? 0 : FLAG_UTF8;
    const crc = parts.reduce((c, p) => crc32(p, c), 0);
    const local = new Uint8Array(LOCAL_SIZE + nameBytes.length);
    const view = new DataView(local.buffer);
    view.setUint32(0, LOCAL_SIG, true);
    view.setUint16(4, VERSION_NEEDED, true);
    view.setUint16(6, flags, true);
    view.setUint16(8, 0, true); // stored
    view.setUint16(10, 0, true); // time 00:00:00
    view.setUint16(12, DOS_DATE_1980_01_01, true);
    view.setUint32(14, crc, true);
    view.setUint32(18, size, true);
    view.setUint32(22, size, true);
    view.setUint16(26, nameBytes.length, true);
    view.setUint16(28, 0, true);
    local.set(nameBytes, LOCAL_SIZE);
    out.push(local, ...parts);
    const offset = pos;
    pos += local.length + size;

    dir.setUint32(central, CENTRAL_SIG, true);
    dir.setUint16(central + 4, VERSION_MADE_BY, true);
    dir.setUint16(central + 6, VERSION_NEEDED, true);
    dir.setUint16(central + 8, flags, true);
    dir.setUint16(central + 10, 0, true);
    dir.setUint16(central + 12, 0, true);
    dir.setUint16(central + 14, DOS_DATE_1980_01_01, true);
    dir.setUint32(central + 16, crc, true);
    dir.setUint32(central + 20, size, true);
    dir.setUint32(central + 24, size, true);
    dir.setUint16(central + 28, nameBytes.length, true);
    // extra length, comment length, disk start, internal attributes: 0
    dir.setUint32(central + 38, UNIX_MODE_0600 >>> 0, true);
    dir.setUint32(central + 42, offset, true);
    directory.set(nameBytes, central + CENTRAL_SIZE);
    central += CENTRAL_SIZE + nameBytes.length;
  });
  dir.setUint32(central, END_SIG, true);
  dir.setUint16(central + 8, entries.length, true);
  dir.setUint16(central + 10, entries.length, true);
  dir.setUint32(central + 12, centralTotal, true);
  dir.setUint32(central + 16, localTotal, true);
  out.push(directory);
  return out;
}

/** Finds the end-of-central-directory record, scanning back over a possible comment. */
function findEnd(bytes: Uint8Array, view: DataView): number {
  const last = bytes.length - END_SIZE;
  for (let p = last; p >= 0 && p >= last - 0xffff; p--) {
    if (
      view.getUint32(p, true) === END_SIG &&
      p + END_SIZE + view.getUint16(p + 20, true) === bytes.length
    )
      return p;
  }
  throw corrupt(
    `npz: no ZIP end-of-central-directory record in ${bytes.length} bytes (not a ZIP file, or truncated)`,
  );
}

/**
 * Reads a ZIP archive (such as an `.npz`) through its central directory.
 * @returns member name (as stored, e.g. "mean.npy") → its decompressed bytes, in directory order
 * @throws FeaturewiseError CORRUPT_ARTIFACT when the archive is malformed,
 *   truncated, ZIP64, encrypted, uses a method other than stored/deflate, or a
 *   CRC-32 does not match
 */
export async function decodeNpz(bytes: Uint8Array): Promise<Map<string, Uint8Array>> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = findEnd(bytes, view);
  const count = view.getUint16(end + 10, true);
  const cdSize = view.getUint32(end + 12, true);
  const cdOffset = view.getUint32(end + 16, true);
  if (count === 0xffff || cdSize === LIMIT_32 || cdOffset === LIMIT_32)
    throw corrupt("npz: ZIP64 archives are not supported");
  if (
    view.getUint16(end + 4, true) !== 0 ||
    view.getUint16(end + 6, true) !== 0 ||
    view.getUint16(end + 8, true) !== count
  ) {
    throw corrupt("npz: multi-disk ZIP archives are not supported");
  }
  if (cdOffset + cdSize > end)
    throw corrupt(
      `npz: central directory (${cdOffset}+${cdSize}) overlaps the end record at ${end}`,
    );
  const decoder = new TextDecoder("utf-8");
  const result = new Map<string, Uint8Array>();
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + CENTRAL_SIZE > cdOffset + cdSize || view.getUint32(p, true) !== CENTRAL_SIG) {
      throw corrupt(`npz: central directory entry ${i} at offset ${p} is malformed`);
    }
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const crc = view.getUint32(p + 16, true);
    const compressedSize = view.getUint32(p + 20, true);
    const size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const localOffset = view.getUint32(p + 42, true);
    if (p + CENTRAL_SIZE + nameLen > cdOffset + cdSize)
      throw corrupt(`npz: central directory entry ${i} is truncated`);
    const name = decoder.decode(bytes.subarray(p + CENTRAL_SIZE, p + CENTRAL_SIZE + nameLen));
    p += CENTRAL_SIZE + nameLen + extraLen + commentLen;
    const what = `npz: entry '${name}'`;
    if (result.has(name)) throw corrupt(`${what} appears twice`);
    if (flags & 1) throw corrupt(`${what} is encrypted`);
    if (compressedSize === LIMIT_32 || size === LIMIT_32 || localOffset === LIMIT_32)
      throw corrupt(`${what} needs ZIP64, which is not supported`);
    if (method !== 0 && method !== 8)
      throw corrupt(`${what} uses compression method ${method} (supported: 0 stored, 8 deflate)`);
    if (localOffset + LOCAL_SIZE > cdOffset || view.getUint32(localOffset, true) !== LOCAL_SIG) {
      throw corrupt(`${what}: no local header at offset ${localOffset}`);
    }
    const start =
      localOffset +
      LOCAL_SIZE +
      view.getUint16(localOffset + 26, true) +
      view.getUint16(localOffset + 28, true);
    if (start + compressedSize > cdOffset)
      throw corrupt(
        `${what}: data (${compressedSize} bytes at ${start}) runs into the central directory`,
      );
    const raw = bytes.subarray(start, start + compressedSize);
    let data: Uint8Array;
    if (method === 0) {
      if (compressedSize !== size)
        throw corrupt(`${what}: stored entry with sizes ${compressedSize} and ${size}`);
      data = raw.slice();
    } else {
      data = await inflateRaw(raw, size, what);
    }
    const actual = crc32(data);
    if (actual !== crc) {
      throw corrupt(
        `${what}: CRC-32 is ${actual.toString(16).padStart(8, "0")}, directory says ${crc.toString(16).padStart(8, "0")}`,
      );
    }
    result.set(name, data);
  }
  return result;
}
