/** Registers the runtimes featurewise ships, in `auto`'s order. Their libraries load on first use. */
import { registerRuntime } from "./runtime-registry.js";
import { onnxRuntime } from "./runtimes/onnx-runtime.js";
import { tfjsRuntime } from "./runtimes/tfjs-runtime.js";

registerRuntime(onnxRuntime);
registerRuntime(tfjsRuntime);
