import { concatBytes } from "@featurewise/core";

/** One file to put in a tar archive. */
export interface TarInput {
  /** Path inside the archive ("/"-separated). */
  readonly name: string;
  readonly data: Uint8Array;
}

const BLOCK = 512;
const encoder = new TextEncoder();

/**
 * A POSIX ustar archive of regular files, in the given order, ending with
 * the two zero blocks (names over 100 bytes get a GNU long-name record).
 * For writing small WebDataset shards in tests, demos and benchmarks.
 */
export function encodeTar(files: Iterable<TarInput>): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const f of files) {
    const name = encoder.encode(f.name);
    if (name.length > 100) {
      blocks.push(
        header("././@LongLink", name.length + 1, "L"),
        padded(concatBytes([name, new Uint8Array(1)])),
      );
    }
    blocks.push(header(f.name, f.data.length, "0"), padded(f.data));
  }
  blocks.push(new Uint8Array(2 * BLOCK));
  return concatBytes(blocks);
}

function header(name: string, size: number, type: string): Uint8Array {
  const h = new Uint8Array(BLOCK);
  const put = (text: string, at: number, len: number): void => {
    h.set(encoder.encode(text).subarray(0, len), at);
  };
  put(name, 0, 100);
  put("0000644\0", 100, 8);
  put("0000000\0", 108, 8);
  put("0000000\0", 116, 8);
  put(`${size.toString(8).padStart(11, "0")}\0`, 124, 12);
  put("00000000000\0", 136, 12);
  put("        ", 148, 8);
  put(type, 156, 1);
  put("ustar\0", 257, 6);
  put("00", 263, 2);
  let sum = 0;
  for (const b of h) sum += b;
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8);
  return h;
}

function padded(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / BLOCK) * BLOCK);
  out.set(data);
  return out;
}
