import type { Storage } from "@featurewise/storage";
import type { BufferPool, Decoder, SelectedBackend } from "@featurewise/pipeline";

/** What the shard, reduce and finalize jobs need from the process that runs them. */
export interface JobContext {
  /** Opens the source and the artifact's store. */
  readonly storage: Storage;
  /**
   * The compute backend for a job that asks for `requested` ("auto" means
   * this worker's preference); loaded once per name and reused.
   */
  backend(requested: string): SelectedBackend;
  /** Decodes batches of images (a decode pool shared by the jobs of this thread). */
  readonly decoder: Decoder;
  /** Decode batches in flight per shard. */
  readonly decodeInFlight: number;
  /** Accumulator memory that one shard job hands on to the next (fresh memory costs page faults). */
  readonly buffers?: BufferPool;
}
