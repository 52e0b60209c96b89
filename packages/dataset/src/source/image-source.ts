import type { ObjectInfo } from "@featurewise/storage";

/** A listed input: a key under the source and what is known about it before reading. */
export type SourceItem = ObjectInfo;

/**
 * Where a fit's images come from. Listing is streamed in byte order of the
 * keys; `read` returns one item's bytes.
 */
export interface ImageSource {
  /** The source as the user named it, as a URI. */
  readonly uri: string;
  list(): AsyncIterable<SourceItem>;
  read(key: string): Promise<Uint8Array>;
}
