/**
 * Worker-thread entry of the {@link DecodePool}: reads (when given a path)
 * and decodes a batch of images per message, and posts the pixels back
 * (transferred, not copied).
 */
import { readFileSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { isFeaturewiseError } from "@featurewise/core";
import { decodeImage } from "./decode.js";
import { collectEvery } from "./steady-memory.js";
import type { DecodeOutcome, DecodeReply, DecodeRequest, PackedOutcome } from "./decode-pool.js";

const port = parentPort;
if (port === null) throw new Error("decode-worker must run in a worker thread");

async function decodeOne(input: Uint8Array | string, req: DecodeRequest): Promise<DecodeOutcome> {
  try {
    const bytes = typeof input === "string" ? readFileSync(input) : input;
    return { image: await decodeImage(bytes, req.options) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { error: { message, code: isFeaturewiseError(err) ? err.code : "IO_ERROR" } };
  }
}

const steady = collectEvery(1000);

port.on("message", (req: DecodeRequest) => {
  steady(req.inputs.length);
  void Promise.all(req.inputs.map((input) => decodeOne(input, req))).then((results) => {
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
  });
});
