import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import { DEFAULT_STORAGE_CONFIG } from "@featurewise/storage";
import { ByteReader } from "./byte-reader.js";

/** One regular file of a tar archive. */
export interface TarMember {
  /** Path inside the archive (after GNU long-name and pax `path` records). */
  readonly name: string;
  readonly size: number;
  /** Byte offset of the member's data in the archive. */
  readonly offset: number;
  /** The data, when `wantData` asked for it; null otherwise. */
  readonly data: Uint8Array | null;
  /** A wanted member larger than {@link TarReadOptions.maxMemberBytes}: never read into memory. */
  readonly tooLarge?: true;
}

/** How members are held. */
export interface TarReadOptions {
  /**
   * Largest member whose data is read into memory (the header's size is
   * checked before a byte of it is read). A wanted member over it comes with
   * `data: null, tooLarge: true`.
   * @defaultValue {@link DEFAULT_MAX_IMAGE_BYTES}
   */
  readonly maxMemberBytes?: number;
  /**
   * What follows a member that is too large: `"skip"` reads past it holding
   * nothing; `"stop"` ends the archive there with a DECODE_FAILED error
   * (for a compressed archive, where reading past it means inflating all of it).
   * @defaultValue "skip"
   */
  readonly afterTooLarge?: "skip" | "stop";
}

/** Largest image read into memory unless configured otherwise (256 MiB): the storage configuration's default. */
export const DEFAULT_MAX_IMAGE_BYTES = DEFAULT_STORAGE_CONFIG.maxImageBytes;
/** Largest GNU long-name or pax record read: real ones are a few hundred bytes. */
const MAX_RECORD_BYTES = 1024 * 1024;
const BLOCK = 512;
const decoder = new TextDecoder();

/**
 * Streams the regular files of a tar archive (POSIX ustar, GNU long names
 * `L`, pax extended headers `x` with `path` and `size`). Only members for
 * which `wantData(name)` is true are held in memory; others are skipped as
 * they stream past. Directories, links and global pax headers are passed
 * over. A stream that ends inside a header or a member, or a header whose
 * checksum is wrong, throws DECODE_FAILED naming `uri`. No member is held
 * beyond `options.maxMemberBytes`, and no header record beyond 1 MiB.
 */
export async function* readTarMembers(
  chunks: AsyncIterable<Uint8Array>,
  uri: string,
  wantData: (name: string) => boolean,
  options: TarReadOptions = {},
): AsyncIterable<TarMember> {
  const maxMemberBytes = options.maxMemberBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  const reader = new ByteReader(chunks);
  let longName: string | null = null;
  let pax: Map<string, string> | null = null;
  try {
    for (;;) {
      const at = reader.position;
      const header = await reader.read(BLOCK);
      if (header.length === 0) return; // no end-of-archive blocks: lenient, like Python's tarfile
      if (header.length < BLOCK) throw truncated(uri, `inside the header at byte ${at}`);
      if (header.every((b) => b === 0)) return; // end of archive
      checkChecksum(header, uri, at);
      const type = String.fromCharCode(header[156]!);
      let size = parseNumber(header.subarray(124, 136), uri, at);
      const paxSize = pax?.get("size");
      if (paxSize !== undefined) size = Number(paxSize);
      if (!Number.isSafeInteger(size) || size < 0)
        throw corrupt(
          uri,
          `bad member size ${JSON.stringify(paxSize)} in a pax record before byte ${at}`,
        );
      const name = pax?.get("path") ?? longName ?? headerName(header);
      const dataAt = reader.position;
      const padded = Math.ceil(size / BLOCK) * BLOCK;
      if (type === "L" || type === "x" || type === "g") {
        if (size > MAX_RECORD_BYTES) {
          throw corrupt(
            uri,
            `a ${type} header record of ${size} bytes at byte ${at} (at most ${MAX_RECORD_BYTES})`,
          );
        }
        const body = await reader.read(padded);
        if (body.length < padded)
          throw truncated(uri, `inside a ${type} header record at byte ${at}`);
        if (type === "L") longName = cString(body.subarray(0, size));
        else if (type === "x") pax = parsePax(body.subarray(0, size));
        continue;
      }
      longName = null;
      pax = null;
      const regular = type === "0" || type === "\0" || type === "7";
      const wanted = regular && wantData(name);
      if (wanted && size > maxMemberBytes) {
        yield { name, size, offset: dataAt, data: null, tooLarge: true };
        if (options.afterTooLarge === "stop") {
          throw new FeaturewiseError(
            ErrorCodes.DECODE_FAILED,
            `${uri}: the rest of the tar is not read: member ${JSON.stringify(name)} at byte ${dataAt} is ` +
              `${count(size)} bytes, over the limit of ${count(maxMemberBytes)} for one image, and reading ` +
              `past it means inflating all of it`,
          );
        }
      }
      if (wanted && size <= maxMemberBytes) {
        const data = await reader.read(size);
        if (data.length < size) throw truncatedMember(uri, name, size, data.length);
        const pad = padded - size;
        if ((await reader.skip(pad)) < pad) throw truncatedMember(uri, name, size, size);
        yield { name, size, offset: dataAt, data };
      } else {
        const got = await reader.skip(padded);
        if (got < padded) throw truncatedMember(uri, name, size, Math.min(got, size));
        if (regular && !wanted) yield { name, size, offset: dataAt, data: null };
      }
    }
  } finally {
    await reader.close();
  }
}

function headerName(h: Uint8Array): string {
  const name = cString(h.subarray(0, 100));
  const magic = decoder.decode(h.subarray(257, 263));
  // POSIX ustar splits long paths into prefix (345..500) and name; GNU tar uses that area otherwise.
  const prefix = magic === "ustar\0" ? cString(h.subarray(345, 500)) : "";
  return prefix === "" ? name : `${prefix}/${name}`;
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return decoder.decode(end < 0 ? bytes : bytes.subarray(0, end));
}

/** Octal ASCII, or GNU base-256 when the top bit of the first byte is set. */
function parseNumber(field: Uint8Array, uri: string, at: number): number {
  if ((field[0]! & 0x80) !== 0) {
    let v = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) v = v * 256 + field[i]!;
    return v;
  }
  const text = cString(field).trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text))
    throw corrupt(uri, `bad number ${JSON.stringify(text)} in the header at byte ${at}`);
  return parseInt(text, 8);
}

function checkChecksum(h: Uint8Array, uri: string, at: number): void {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  const field = cString(h.subarray(148, 156)).trim();
  const stored = /^[0-7]+$/.test(field) ? parseInt(field, 8) : NaN;
  if (stored !== sum)
    throw corrupt(uri, `header checksum mismatch at byte ${at} (not a tar file, or corrupt)`);
}

/** pax records: "<len> <key>=<value>\n". */
function parsePax(body: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < body.length) {
    const space = body.indexOf(0x20, i);
    if (space < 0) break;
    const len = Number(decoder.decode(body.subarray(i, space)));
    if (!Number.isInteger(len) || len <= 0) break;
    const record = decoder.decode(body.subarray(space + 1, i + len - 1));
    const eq = record.indexOf("=");
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    i += len;
  }
  return out;
}

/** "1,073,741,824": byte counts in messages. */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}

function corrupt(uri: string, why: string): FeaturewiseError {
  return new FeaturewiseError(ErrorCodes.DECODE_FAILED, `${uri}: corrupt tar: ${why}`);
}

function truncated(uri: string, where: string): FeaturewiseError {
  return new FeaturewiseError(
    ErrorCodes.DECODE_FAILED,
    `${uri}: truncated tar: the file ends ${where}`,
  );
}

function truncatedMember(uri: string, name: string, size: number, got: number): FeaturewiseError {
  return truncated(
    uri,
    `inside member ${JSON.stringify(name)} (${got} of ${size} bytes, or its padding)`,
  );
}
