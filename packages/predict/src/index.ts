import "./builtin-runtimes.js";

export {
  MODEL_ENTRY_NAMES,
  modelFilesFromMemory,
  modelFilesFromStore,
  openModelPath,
  type ModelFiles,
  type ModelStore,
} from "./model-files.js";
export {
  formatShape,
  INPUT_LAYOUTS,
  resolveInputLayout,
  type InputLayout,
  type ResolvedInput,
  type TensorInfo,
} from "./model-input.js";
export {
  DEVICES,
  type Device,
  type LoadedModel,
  type ModelRuntime,
  type OutputTensor,
  type RuntimeLoadOptions,
} from "./runtime.js";
export {
  registerRuntime,
  runtimeNames,
  selectRuntime,
  type SelectedModel,
} from "./runtime-registry.js";
export { ORT_CUDA_PROVIDER } from "./runtimes/onnx-runtime.js";
