/**
 * Worker-thread entry of the {@link DecodePool}: decodes one image per
 * message and posts the pixels back (transferred, not copied).
 */
import { parentPort } from "node:worker_threads";
import { isFeaturewiseError } from "@featurewise/core";
import { decodeImage } from "./decode.js";
import type { DecodeRequest, DecodeReply } from "./decode-pool.js";

const port = parentPort;
if (port === null) throw new Error("decode-worker must run in a worker thread");

port.on("message", (req: DecodeRequest) => {
  decodeImage(req.bytes, req.options).then(
    (image) => {
      const reply: DecodeReply = { id: req.id, image };
      port.postMessage(reply, [image.data.buffer as ArrayBuffer]);
    },
    (err: unknown) => {
      const reply: DecodeReply = {
        id: req.id,
        error: {
          message: err instanceof Error ? err.message : String(err),
          code: isFeaturewiseError(err) ? err.code : "DECODE_FAILED",
        },
      };
      port.postMessage(reply);
    },
  );
});
