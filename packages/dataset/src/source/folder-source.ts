import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import { LocalStore } from "@featurewise/storage";
import { promises as fs } from "node:fs";
import type { ImageSource, SourceItem } from "./image-source.js";

/** Every file under a local folder, recursively, in byte order of relative paths. */
export class FolderSource implements ImageSource {
  readonly uri: string;
  private readonly store: LocalStore;

  constructor(private readonly dir: string) {
    this.store = new LocalStore(dir);
    this.uri = this.store.root;
  }

  async *list(): AsyncIterable<SourceItem> {
    const st = await fs.stat(this.dir).catch(() => null);
    if (st === null || !st.isDirectory()) {
      throw new FeaturewiseError(ErrorCodes.NOT_FOUND, `source ${this.dir} is not a folder`);
    }
    yield* this.store.list();
  }

  read(key: string): Promise<Uint8Array> {
    return this.store.get(key);
  }
}
