/** Opening `--model` (a file, a folder, or an s3:// key or prefix) and recording what the runtime read. */
import { ErrorCodes, FeaturewiseError, sha256Hex } from "@featurewise/core";
import { parentLocation, parseLocation, type Storage } from "@featurewise/storage";
import {
  MODEL_ENTRY_NAMES,
  modelFilesFromStore,
  openModelPath,
  type ModelFiles,
} from "../model-files.js";

/** A model's files, and the sha256 of each file read so far (by path relative to the model's folder). */
export interface RecordedModel {
  readonly files: ModelFiles;
  /** Filled as the runtime reads: after the load it lists every file the model is made of. */
  readonly read: Map<string, Uint8Array>;
}

/**
 * The model at `location`: a local file or folder, or on S3 a key naming
 * the entry (`…/model.onnx`, `…/model.json`) or a prefix holding one.
 * @throws FeaturewiseError NOT_FOUND when there is no model there
 */
export async function openModel(location: string, storage: Storage): Promise<RecordedModel> {
  const where = parseLocation(location);
  const files =
    where.scheme === "file"
      ? await openModelPath(where.path)
      : await openS3Model(location, storage);
  const read = new Map<string, Uint8Array>();
  return {
    read,
    files: {
      entry: files.entry,
      uri: files.uri,
      read: async (relativePath) => {
        const bytes = await files.read(relativePath);
        read.set(relativePath, bytes);
        return bytes;
      },
    },
  };
}

/** sha256 of every file of the model, by name, and one over them all (names sorted). */
export async function modelChecksums(
  model: RecordedModel,
): Promise<{ sha256: string; files: Record<string, string> }> {
  const files: Record<string, string> = {};
  for (const name of [...model.read.keys()].sort()) {
    files[name] = await sha256Hex([model.read.get(name)!]);
  }
  const sha256 =
    Object.keys(files).length === 1
      ? Object.values(files)[0]!
      : await sha256Hex([new TextEncoder().encode(JSON.stringify(files))]);
  return { sha256, files };
}

async function openS3Model(location: string, storage: Storage): Promise<ModelFiles> {
  const { parent, name } = parentLocation(location);
  if (/\.(onnx|json)$/i.test(name)) {
    const store = storage.open(parent);
    if ((await store.head(name)) === null) {
      throw new FeaturewiseError(ErrorCodes.NOT_FOUND, `--model ${location}: no such object`);
    }
    return modelFilesFromStore(store, name);
  }
  const store = storage.open(location);
  for (const entry of MODEL_ENTRY_NAMES) {
    if ((await store.head(entry)) !== null) return modelFilesFromStore(store, entry);
  }
  throw new FeaturewiseError(
    ErrorCodes.NOT_FOUND,
    `--model ${location}: the prefix holds none of ${MODEL_ENTRY_NAMES.join(", ")}`,
  );
}
