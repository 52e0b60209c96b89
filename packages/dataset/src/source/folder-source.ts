import { promises as fs } from "node:fs";
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import { LocalStore } from "@featurewise/storage";
import type { SourceItem } from "./image-source.js";
import { StoreSource } from "./store-source.js";

/** Every file under a local folder, recursively, in byte order of relative paths. */
export class FolderSource extends StoreSource {
  constructor(private readonly dir: string) {
    super(new LocalStore(dir));
  }

  override async *list(): AsyncIterable<SourceItem> {
    const st = await fs.stat(this.dir).catch(() => null);
    if (st === null || !st.isDirectory()) {
      throw new FeaturewiseError(ErrorCodes.NOT_FOUND, `source ${this.dir} is not a folder`);
    }
    yield* this.store.list();
  }
}
