import "./builtin-runtimes.js";
import "./output/builtin-formats.js";

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
  probeRuntimes,
  registerRuntime,
  runtimeNames,
  selectRuntime,
  type RuntimeStatus,
  type SelectedModel,
} from "./runtime-registry.js";
export { ORT_CUDA_PROVIDER } from "./runtimes/onnx-runtime.js";
export {
  checkPart,
  partBaseName,
  RESERVED_COLUMNS,
  type EncodedFile,
  type PartOutput,
  type PartTopK,
  type PredictionPart,
} from "./output/prediction-part.js";
export {
  partFormat,
  partFormatNames,
  registerPartFormat,
  type PartFormat,
} from "./output/part-format.js";
export { PartAssembler, type PartAssemblerOptions } from "./output/part-assembler.js";
export { float32Text } from "./output/float-text.js";
export { parseLabels, topK, type TopK } from "./output/top-k.js";
export {
  runPredict,
  type PredictProgress,
  type PredictResult,
  type PredictRuntime,
} from "./pipeline/run-predict.js";
export type { ModelBatch } from "./pipeline/shard-predictor.js";
export type { ManifestColumn, PredictManifest } from "./pipeline/manifest.js";
export { MANIFEST, RUN_MARKER, recordName, type PartRecord } from "./pipeline/run-output.js";
export {
  EXPORT_METADATA_KEY,
  exportModel,
  type ExportModelOptions,
  type ExportModelResult,
} from "./export/export-model.js";
