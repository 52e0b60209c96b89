import { promises as fs } from "node:fs";
import path from "node:path";
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import { LocalStore, type FolderWalkOptions } from "@featurewise/storage";
import type { SourceItem } from "./image-source.js";
import { StoreSource } from "./store-source.js";

/**
 * Every file under a local folder, recursively, in byte order of relative
 * paths; or one file, when the path names a file (its key is its name).
 * Symlinked files are read (as Keras' `os.walk` does), symlinked folders
 * entered only with `followLinks`; entries not read are listed with the
 * reason (see `FolderWalk`), so they are skipped and counted, never dropped.
 */
export class FolderSource extends StoreSource {
  private readonly file: string | null;

  /**
   * @param target - a folder, or one file
   * @param options - how the folder is walked
   * @param isFile - whether `target` is a file (then the store is its folder)
   */
  constructor(
    private readonly target: string,
    options: FolderWalkOptions = {},
    isFile = false,
  ) {
    const store = new LocalStore(isFile ? path.dirname(target) : target, options);
    super(store, isFile ? store.uriOf(path.basename(target)) : store.root);
    this.file = isFile ? path.basename(target) : null;
  }

  override async *list(): AsyncIterable<SourceItem> {
    const st = await fs.stat(this.target).catch((err: NodeJS.ErrnoException) => err);
    if (st instanceof Error) {
      const why = st.code === "ENOENT" ? "does not exist" : `cannot be read (${st.message})`;
      throw new FeaturewiseError(ErrorCodes.NOT_FOUND, `source ${this.target} ${why}`, {
        cause: st,
      });
    }
    if (this.file !== null) {
      const info = await this.store.head(this.file);
      if (info === null) {
        throw new FeaturewiseError(ErrorCodes.NOT_FOUND, `source ${this.target} is not a file`);
      }
      yield info;
      return;
    }
    if (!st.isDirectory()) {
      throw new FeaturewiseError(
        ErrorCodes.INVALID_ARGUMENT,
        `source ${this.target} is neither a folder nor a file (a fifo, socket or device)`,
      );
    }
    yield* this.store.list();
  }
}
