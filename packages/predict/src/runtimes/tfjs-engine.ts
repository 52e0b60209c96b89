/**
 * Which TensorFlow.js runs the `tfjs` runtime, loaded on first use:
 * `@tensorflow/tfjs-node-gpu` (cuda) or `@tensorflow/tfjs-node` (cpu) when the
 * user installed one and its native binding loads (they download libtensorflow
 * at install time, so they are never dependencies), else `@tensorflow/tfjs`
 * with the WebAssembly backend (SIMD; single-threaded in Node: parallelism
 * comes from worker threads). The wasm binaries are read from
 * `@tensorflow/tfjs-backend-wasm/dist` in node_modules, never fetched.
 */
import { createRequire } from "node:module";
import path from "node:path";
import type * as Tf from "@tensorflow/tfjs";
import type { Device } from "../runtime.js";
import { firstLine, runtimeUnavailable } from "../runtime-errors.js";

/** A loaded TensorFlow.js and what it runs on. */
export interface TfjsEngine {
  readonly tf: typeof Tf;
  /** The package that provides the backend. */
  readonly packageName: string;
  /** tfjs' backend name (`tensorflow`, `wasm`). */
  readonly backend: string;
  readonly device: "cpu" | "cuda";
}

interface Candidate {
  readonly packageName: string;
  readonly device: "cpu" | "cuda";
  load(): Promise<TfjsEngine>;
}

const NATIVE = ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"] as const;

const CANDIDATES: readonly Candidate[] = [
  { packageName: NATIVE[0], device: "cuda", load: () => loadNative(NATIVE[0], "cuda") },
  { packageName: NATIVE[1], device: "cpu", load: () => loadNative(NATIVE[1], "cpu") },
  { packageName: "@tensorflow/tfjs-backend-wasm", device: "cpu", load: loadWasm },
];

const attempts = new Map<string, Promise<TfjsEngine>>();

/**
 * The first TensorFlow.js that loads for `device` (auto: tfjs-node-gpu,
 * tfjs-node, wasm; cpu: tfjs-node, wasm; cuda: tfjs-node-gpu), and a line
 * saying what was skipped and why.
 * @throws FeaturewiseError BACKEND_UNAVAILABLE when none loads
 */
export async function loadTfjsEngine(
  device: Device,
): Promise<{ engine: TfjsEngine; detail: string }> {
  const skipped: string[] = [];
  for (const candidate of CANDIDATES) {
    if (device !== "auto" && candidate.device !== device) continue;
    let attempt = attempts.get(candidate.packageName);
    if (attempt === undefined) {
      attempt = candidate.load();
      attempts.set(candidate.packageName, attempt);
    }
    try {
      const engine = await attempt;
      const chosen = `${engine.device} (${engine.packageName}, backend ${engine.backend})`;
      return { engine, detail: `device ${device}: ${[...skipped, chosen].join(", ")}` };
    } catch (err) {
      skipped.push(`${candidate.packageName} unavailable (${firstLine(err)})`);
    }
  }
  throw runtimeUnavailable(`tfjs device ${device}: ${skipped.join(", ")}`);
}

async function loadNative(name: string, device: "cpu" | "cuda"): Promise<TfjsEngine> {
  const require = createRequire(import.meta.url);
  try {
    require.resolve(name);
  } catch {
    throw new Error(`not installed (npm install ${name}; it downloads libtensorflow)`);
  }
  // The binding may fail to load (no libtensorflow, wrong CUDA): the import throws.
  const tf = (await import(name)) as typeof Tf & { default?: typeof Tf };
  const api = tf.default ?? tf;
  await api.ready();
  return { tf: api, packageName: name, backend: api.getBackend(), device };
}

async function loadWasm(): Promise<TfjsEngine> {
  const tfModule = (await import("@tensorflow/tfjs")) as typeof Tf & { default?: typeof Tf };
  const tf = tfModule.default ?? tfModule;
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  // A path prefix (not a URL): in Node the Emscripten loader reads it with fs.
  wasm.setWasmPaths(`${wasmDir()}/`);
  if (!(await tf.setBackend("wasm"))) throw new Error("the wasm backend failed to initialise");
  await tf.ready();
  const simd = (await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")) === true;
  return {
    tf,
    packageName: "@tensorflow/tfjs-backend-wasm",
    backend: simd ? "wasm, SIMD" : "wasm, no SIMD",
    device: "cpu",
  };
}

/** node_modules/@tensorflow/tfjs-backend-wasm/dist, where the .wasm files ship. */
function wasmDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(
    path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")),
    "dist",
  );
}
