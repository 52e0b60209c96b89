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
const { model, options } = workerData as SessionThreadData;

type Ort = typeof OrtModule;
const mod = (await import("onnxruntime-node")) as Ort & { default?: Ort };
const ort = mod.default ?? mod;
const session = await makeSession();
if (session !== null) serve(session);

/**
 * The session, its metadata posted; or null, ONNX Runtime's message posted
 * as it is (the caller tells an unreadable model by it) and the port closed,
 * so the thread ends by going idle. It does not throw: the parent stops its
 * other threads only once each has made or refused its session, since a
 * thread terminated while ONNX Runtime makes a session aborts the process
 * ("terminate called after throwing an instance of 'Napi::Error'").
 */
async function makeSession(): Promise<InferenceSession | null> {
  try {
    const made = await ort.InferenceSession.create(model, options);
    port.postMessage({
      ready: true,
      inputs: plain(made.inputMetadata),
      outputs: plain(made.outputMetadata),
    } satisfies SessionReply);
    return made;
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    port.postMessage({ ready: false, error } satisfies SessionReply);
    port.close();
    return null;
  }
}

/** Metadata as plain objects, so they travel in a message. */
function plain(meta: readonly InferenceSession.ValueMetadata[]): InferenceSession.ValueMetadata[] {
  return meta.map((m) =>
    m.isTensor
      ? { name: m.name, isTensor: true, type: m.type, shape: [...m.shape] }
      : { name: m.name, isTensor: false },
  );
}

/** Runs each batch posted on `session`, until the order to release it. */
function serve(session: InferenceSession): void {
  const input = session.inputNames[0]!;
  const outputs = session.outputNames;
  port.on("message", (req: SessionRequest) => {
    if (req === "release") {
      void session.release().then(() => port.close());
      return;
    }
    const batch = new Float32Array(req.buffer, 0, req.length);
    session.run({ [input]: new ort.Tensor("float32", batch, req.dims) }).then(
      (results) => {
        const data = outputs.map((name) => {
          const t = results[name] as Tensor;
          return { data: t.data as Float32Array, dims: t.dims };
        });
        // The input's buffer goes back with the outputs, for the next batch.
        const reply: SessionReply = { id: req.id, outputs: data, buffer: req.buffer };
        port.postMessage(reply, [req.buffer]);
      },
      (err: unknown) => port.postMessage({ id: req.id, error: String(err) } satisfies SessionReply),
    );
  });
}
