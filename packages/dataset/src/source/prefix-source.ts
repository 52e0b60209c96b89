import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import type { ObjectStore } from "@featurewise/storage";
import type { SourceItem } from "./image-source.js";
import { StoreSource } from "./store-source.js";

/**
 * Every object under an S3 prefix (treated as a folder), in byte order of
 * keys. A prefix with no objects is reported as not found, as S3 has no
 * empty folders.
 */
export class PrefixSource extends StoreSource {
  constructor(store: ObjectStore) {
    super(store);
  }

  override async *list(): AsyncIterable<SourceItem> {
    let any = false;
    for await (const item of this.store.list()) {
      any = true;
      yield item;
    }
    if (!any) {
      throw new FeaturewiseError(
        ErrorCodes.NOT_FOUND,
        `source ${this.uri}: no objects under this prefix`,
      );
    }
  }
}
