/**
 * Decompression bombs, built streaming so that the test itself never holds
 * what they inflate to: zeros deflated with zlib's run-length strategy
 * (1 GiB of zeros → about 1 MB).
 */
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { constants, crc32, createDeflate, createGzip, type Deflate, type Gzip } from "node:zlib";

/** Compresses `bytes` zeros through `z` (16 MiB at a time) and returns the compressed stream's pieces. */
async function zeros(z: Deflate | Gzip, bytes: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  z.on("data", (c: Buffer) => out.push(c));
  const ended = once(z, "end");
  const block = Buffer.alloc(16 << 20);
  for (let left = bytes; left > 0; left -= block.length) {
    if (!z.write(left >= block.length ? block : block.subarray(0, left))) await once(z, "drain");
  }
  z.end();
  await ended;
  return out;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A valid PNG (correct CRCs, IEND) whose IHDR says `width`x`height` 8-bit
 * RGB (Adam7-interlaced when asked: such PNGs take libvips, not the fast
 * path) but whose IDAT inflates to `inflatedBytes` zeros.
 */
export async function pngBomb(
  width: number,
  height: number,
  inflatedBytes: number,
  interlaced = false,
): Promise<Buffer> {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, interlaced ? 1 : 0], 8);
  const z = createDeflate({ level: 9, strategy: constants.Z_RLE, chunkSize: 1 << 20 });
  const idat = Buffer.concat(await zeros(z, inflatedBytes));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", idat),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

/** A ustar header block of a regular file. */
export function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, "utf8");
  h.write("0000644\0", 100);
  h.write("0000000\0", 108);
  h.write("0000000\0", 116);
  h.write(size.toString(8).padStart(11, "0") + "\0", 124);
  h.write("00000000000\0", 136);
  h.write("        ", 148);
  h.write("0", 156);
  h.write("ustar\0", 257);
  h.write("00", 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
  return h;
}

/**
 * Writes a `.tar.gz` to `path`: the members of `before` (a tar without its
 * end blocks), then `bombName`
 * holding `bombBytes` zeros, then the members of `after` and the end of the
 * archive — about 1 MB per GiB of bomb.
 */
export async function writeTarGzBomb(
  path: string,
  before: Uint8Array,
  bombName: string,
  bombBytes: number,
  after: Uint8Array,
): Promise<void> {
  const gz = createGzip({ level: 9, strategy: constants.Z_RLE, chunkSize: 1 << 20 });
  const pieces = await (async () => {
    const out: Buffer[] = [];
    gz.on("data", (c: Buffer) => out.push(c));
    const ended = once(gz, "end");
    const write = async (b: Uint8Array) => {
      if (!gz.write(b)) await once(gz, "drain");
    };
    await write(before);
    await write(tarHeader(bombName, bombBytes));
    const block = Buffer.alloc(16 << 20);
    for (let left = bombBytes; left > 0; left -= block.length)
      await write(left >= block.length ? block : block.subarray(0, left));
    await write(Buffer.alloc((512 - (bombBytes % 512)) % 512));
    await write(after);
    await write(Buffer.alloc(1024));
    gz.end();
    await ended;
    return out;
  })();
  const file = createWriteStream(path);
  for (const p of pieces) file.write(p);
  file.end();
  await once(file, "finish");
}
