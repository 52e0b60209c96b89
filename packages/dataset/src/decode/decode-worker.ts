/**
 * Worker-thread entry of the {@link DecodePool}: reads (when given a path)
 * and decodes a batch of images per message, and posts the pixels back
 * (transferred, not copied).
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { isFeaturewiseError } from "@featurewise/core/decode";
import { decodeImage } from "./decode.js";
import { collectEvery } from "./steady-memory.js";
import type { DecodeOutcome, DecodeReply, DecodeRequest, PackedOutcome } from "./decode-pool.js";

if (parentPort === null) throw new Error("decode-worker must run in a worker thread");
const port = parentPort;

/** Where files are read: reused across files, grown for larger ones. */
let scratch = Buffer.allocUnsafe(1 << 16);

/**
 * A file's bytes, in `scratch` (valid until the next read): one open, read
 * and close for files that fit, without the fstat and the fresh buffer of
 * readFileSync.
 */
function readFile(path: string): Uint8Array {
  const fd = openSync(path, "r");
  try {
    let length = readSync(fd, scratch, 0, scratch.length, 0);
    if (length === scratch.length) {
      const size = fstatSync(fd).size;
      if (size > scratch.length) scratch = Buffer.allocUnsafe(size + (size >> 2));
      length = readSync(fd, scratch, 0, scratch.length, 0);
    }
    return scratch.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

async function decodeOne(input: Uint8Array | string, req: DecodeRequest): Promise<DecodeOutcome> {
  try {
    const bytes = typeof input === "string" ? readFile(input) : input;
    return { image: await decodeImage(bytes, req.options) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { error: { message, code: isFeaturewiseError(err) ? err.code : "IO_ERROR" } };
  }
}

// On Node 20 what keeps a fit's RSS flat is the main thread's collection
// (collectEvery in the jobs' shard loop): one here every 1,000 images cost the
// 20,000-image std fit 0.35 s of CPU (1.52 s vs 1.19 s wall) for no measurable
// RSS difference. Node 24 frees these threads' buffers more lazily: the same
// fit peaked at 178-191 MiB against 148-152 for 2,000 images with a collection
// every 20,000, 5,000 or 2,000 images, and at 165-167 with one every 1,000.
// (Since inflatePngData sizes its output, 134-137 with one every 1,000 and
// 156-172 every 5,000 or 20,000.)
// (Node 22, not measured, gets the newer V8's cadence.)
const NODE_MAJOR = Number(process.versions.node.split(".")[0]);
const steady = collectEvery(NODE_MAJOR >= 22 ? 1_000 : 20_000);

/**
 * Decodes a batch and posts the reply. One input at a time, one batch at a
 * time (see `queue`): a read reuses the buffer of the previous one, which
 * libvips may still be reading until its decode settles.
 */
async function decodeBatch(req: DecodeRequest): Promise<void> {
  steady(req.inputs.length);
  const results: DecodeOutcome[] = [];
  for (const input of req.inputs) results.push(await decodeOne(input, req));
  // All pixels travel in one transferred buffer: one transfer per batch, not per image.
  const total = results.reduce((sum, r) => sum + ("image" in r ? r.image.data.length : 0), 0);
  const pixels = new Uint8Array(total);
  let offset = 0;
  const packed = results.map((r): PackedOutcome => {
    if (!("image" in r)) return r;
    const { data, height, width, channels } = r.image;
    pixels.set(data, offset);
    offset += data.length;
    return { height, width, channels, length: data.length };
  });
  const reply: DecodeReply = { id: req.id, results: packed, pixels };
  port.postMessage(reply, [pixels.buffer]);
}

let queue = Promise.resolve();
port.on("message", (req: DecodeRequest) => {
  queue = queue.then(() => decodeBatch(req));
});
