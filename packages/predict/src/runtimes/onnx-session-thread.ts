/**
 * Worker-thread entry of {@link OnnxSessionThreads}: one ONNX Runtime CPU
 * session of the model, running the batches posted to it one at a time.
 * ONNX Runtime's Node binding runs a batch synchronously on the thread that
 * calls it; here that thread is this one, so the main thread keeps
 * decoding, standardizing and writing parts meanwhile.
 */
import { parentPort, workerData } from "node:worker_threads";
import type * as OrtModule from "onnxruntime-node";
import type { InferenceSession, Tensor } from "onnxruntime-node";
import type { SessionReply, SessionRequest, SessionThreadData } from "./onnx-session-threads.js";

if (parentPort === null) throw new Error("onnx-session-thread must run in a worker thread");
const port = parentPort;
const { model, options, input, outputs } = workerData as SessionThreadData;

type Ort = typeof OrtModule;
const mod = (await import("onnxruntime-node")) as Ort & { default?: Ort };
const ort = mod.default ?? mod;
let session: InferenceSession;
try {
  session = await ort.InferenceSession.create(model, options);
  port.postMessage({ ready: true } satisfies SessionReply);
} catch (err) {
  port.postMessage({ ready: false, error: String(err) } satisfies SessionReply);
  throw err;
}

port.on("message", (req: SessionRequest) => {
  if (req === "release") {
    void session.release().then(() => port.close());
    return;
  }
  session.run({ [input]: new ort.Tensor("float32", req.batch, req.dims) }).then(
    (results) => {
      const data = outputs.map((name) => {
        const t = results[name] as Tensor;
        return { data: t.data as Float32Array, dims: t.dims };
      });
      port.postMessage({ id: req.id, outputs: data } satisfies SessionReply);
    },
    (err: unknown) => port.postMessage({ id: req.id, error: String(err) } satisfies SessionReply),
  );
});
