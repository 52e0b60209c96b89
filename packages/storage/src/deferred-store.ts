import type { ListOptions, ObjectBody, ObjectInfo, ObjectStore } from "./object-store.js";

/**
 * An object store opened on first use: `open` runs once, when the first
 * operation needs the store. The S3 stores come this way, so that a process
 * that never touches S3 never loads the AWS SDK (a third of the CLI's
 * start-up time).
 */
export class DeferredStore implements ObjectStore {
  private store: Promise<ObjectStore> | null = null;
  readonly root: string;

  /** @param names - the store's root and key URIs, known without opening it */
  constructor(
    private readonly names: { readonly root: string; uriOf(key: string): string },
    private readonly open: () => Promise<ObjectStore>,
  ) {
    this.root = names.root;
  }

  async get(key: string): Promise<Uint8Array> {
    return (await this.opened()).get(key);
  }

  async *getStream(key: string): AsyncIterable<Uint8Array> {
    yield* (await this.opened()).getStream(key);
  }

  async put(key: string, body: ObjectBody): Promise<void> {
    return (await this.opened()).put(key, body);
  }

  async putIfAbsent(key: string, body: Uint8Array): Promise<boolean> {
    return (await this.opened()).putIfAbsent(key, body);
  }

  async head(key: string): Promise<ObjectInfo | null> {
    return (await this.opened()).head(key);
  }

  async *list(prefix?: string, options?: ListOptions): AsyncIterable<ObjectInfo> {
    yield* (await this.opened()).list(prefix, options);
  }

  async delete(key: string): Promise<void> {
    return (await this.opened()).delete(key);
  }

  uriOf(key: string): string {
    return this.names.uriOf(key);
  }

  private opened(): Promise<ObjectStore> {
    this.store ??= this.open();
    return this.store;
  }
}
