/** One stored object as a listing shows it. */
export interface ObjectInfo {
  /** Key relative to the store's root, "/"-separated. */
  readonly key: string;
  readonly size: number;
  /** Content tag when the store has one (S3 ETag, without quotes); local files have none. */
  readonly etag?: string;
  /**
   * Why this listed entry is not read (a symlinked folder not followed, a
   * dangling symlink, a fifo or socket, a folder removed while listed): a
   * reader skips it with this reason, or fails naming it, and never opens
   * it. Only local folders list such entries. @defaultValue readable
   */
  readonly unreadable?: string;
}

/** What `put` takes: the whole object, or its bytes as a stream of chunks. */
export type ObjectBody = Uint8Array | AsyncIterable<Uint8Array>;

/** Where a listing starts. */
export interface ListOptions {
  /** Only keys after this one (relative to the store's root, byte order). @defaultValue none */
  readonly startAfter?: string;
  /** At most this many objects; the store asks for no more than it needs. @defaultValue all */
  readonly limit?: number;
}

/**
 * One interface over every place artifacts and images live (local folder, S3).
 * Keys are relative to the store's root URI and use "/" as separator.
 */
export interface ObjectStore {
  /** The root this store was opened on, as a URI (file:///abs or s3://bucket/prefix). */
  readonly root: string;
  /** The whole object. Throws NOT_FOUND when it does not exist. */
  get(key: string): Promise<Uint8Array>;
  /**
   * The whole object like `get`, read into `buffer` when it fits (the result
   * is then a view on its first bytes), else into a new buffer. Lets a reader
   * of many large objects reuse one buffer instead of allocating each (fresh
   * memory costs a page fault per page on first touch). Optional.
   */
  getInto?(key: string, buffer: Uint8Array): Promise<Uint8Array>;
  /**
   * The object as a stream of chunks, for objects too large to hold (tar
   * shards). A dropped connection resumes where it stopped; errors are
   * thrown from the iteration.
   */
  getStream(key: string): AsyncIterable<Uint8Array>;
  /**
   * Writes the whole object, replacing any old one; readers never see a
   * partial object. Large objects are uploaded in parts.
   */
  put(key: string, body: ObjectBody): Promise<void>;
  /**
   * Writes a small object only if none exists under `key`; false when one
   * does. Local folders: an atomic hard link (the object appears whole or
   * not at all). S3: a conditional PUT (`If-None-Match: *`); a server that
   * ignores the condition (s3rver does) overwrites and returns true, so a
   * caller that needs exclusion reads the object back to confirm.
   */
  putIfAbsent(key: string, body: Uint8Array): Promise<boolean>;
  /** Metadata, or null when the object does not exist. */
  head(key: string): Promise<ObjectInfo | null>;
  /**
   * Objects under the folder `prefix` (relative to root; "" for all), in
   * byte order of their keys, streamed page by page.
   */
  list(prefix?: string, options?: ListOptions): AsyncIterable<ObjectInfo>;
  /** Removes the object; no error when it does not exist. */
  delete(key: string): Promise<void>;
  /** A printable URI for `key`, for messages. */
  uriOf(key: string): string;
  /** The local file behind `key`, for stores on the local filesystem (so a worker can read it itself). */
  localPath?(key: string): string;
}

/** Compares two keys by the bytes of their UTF-8 encoding (S3's listing order). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
