/**
 * Where a model's bytes come from. A runtime reads its entry file (`model.onnx`,
 * `model.json`) and, for TensorFlow.js, the weight files the entry names, all
 * through {@link ModelFiles}, so a folder, an object store (S3) or memory can
 * serve them alike.
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";

/** A model's files, by path relative to the model's folder ("/"-separated). */
export interface ModelFiles {
  /** The entry file, relative to the folder: e.g. `model.onnx` or `model.json`. */
  readonly entry: string;
  /** A printable location of the entry, for messages and records. */
  readonly uri: string;
  /** The bytes of `relativePath`; throws NOT_FOUND when it does not exist. */
  read(relativePath: string): Promise<Uint8Array>;
}

/** The slice of an object store a model can be read from (`@featurewise/storage`'s ObjectStore fits). */
export interface ModelStore {
  get(key: string): Promise<Uint8Array>;
  uriOf(key: string): string;
}

/** Entry files looked for, in this order, when a model location is a folder. */
export const MODEL_ENTRY_NAMES = ["model.onnx", "model.json"] as const;

/**
 * The model at a local path: a file (`m.onnx`, `model.json`) or a folder
 * holding `model.onnx` or `model.json`.
 * @throws FeaturewiseError NOT_FOUND when the path does not exist;
 *   MODEL_INVALID when a folder holds no model entry
 */
export async function openModelPath(location: string): Promise<ModelFiles> {
  const full = path.resolve(location);
  const info = await stat(full).catch((err: unknown) => {
    throw new FeaturewiseError(ErrorCodes.NOT_FOUND, `model ${location}: no such file or folder`, {
      cause: err,
    });
  });
  let folder = path.dirname(full);
  let entry = path.basename(full);
  if (info.isDirectory()) {
    folder = full;
    const found = await firstExisting(full, MODEL_ENTRY_NAMES);
    if (found === undefined) {
      throw new FeaturewiseError(
        ErrorCodes.MODEL_INVALID,
        `model ${location}: the folder holds none of ${MODEL_ENTRY_NAMES.join(", ")}`,
      );
    }
    entry = found;
  }
  return {
    entry,
    uri: path.join(folder, entry),
    read: (relativePath) => readModelFile(folder, relativePath),
  };
}

/**
 * The model whose entry is `key` in `store` (e.g. `models/cnn/model.json` on
 * S3); weight files are read beside it.
 */
export function modelFilesFromStore(store: ModelStore, key: string): ModelFiles {
  const slash = key.lastIndexOf("/");
  const folder = slash < 0 ? "" : key.slice(0, slash + 1);
  return {
    entry: key.slice(slash + 1),
    uri: store.uriOf(key),
    read: (relativePath) => store.get(folder + checkRelative(relativePath, store.uriOf(key))),
  };
}

/** A model held in memory (tests, a model fetched once and cached by a worker). */
export function modelFilesFromMemory(
  entry: string,
  files: ReadonlyMap<string, Uint8Array>,
  uri = `memory:${entry}`,
): ModelFiles {
  return {
    entry,
    uri,
    read: async (relativePath) => {
      const bytes = files.get(relativePath);
      if (bytes === undefined) {
        throw new FeaturewiseError(ErrorCodes.NOT_FOUND, `model ${uri}: no file ${relativePath}`);
      }
      return bytes;
    },
  };
}

async function firstExisting(
  folder: string,
  names: readonly string[],
): Promise<string | undefined> {
  for (const name of names) {
    const info = await stat(path.join(folder, name)).catch(() => null);
    if (info?.isFile()) return name;
  }
  return undefined;
}

async function readModelFile(folder: string, relativePath: string): Promise<Uint8Array> {
  const file = path.join(folder, checkRelative(relativePath, folder));
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code === "ENOENT" ? "NOT_FOUND" : "IO_ERROR";
    throw new FeaturewiseError(ErrorCodes[code], `model file ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** Weight paths come from model.json: keep them inside the model's folder. */
function checkRelative(relativePath: string, where: string): string {
  const parts = relativePath.split("/");
  if (relativePath.startsWith("/") || parts.includes("..") || relativePath === "") {
    throw new FeaturewiseError(
      ErrorCodes.MODEL_INVALID,
      `model ${where}: file path "${relativePath}" must stay inside the model's folder`,
    );
  }
  return relativePath;
}
