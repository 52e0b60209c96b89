/**
 * Nodes of the merge tree in the object store: a node's moments in the
 * `.fwm` format, and a small JSON sidecar with the images it covers and the
 * inputs it skipped, in shard order. Both are written whole (readers never
 * see half an object) and a node's bytes depend only on its inputs, so a
 * retried job rewrites exactly what an earlier attempt wrote: a skipped
 * image is listed once however often its shard ran.
 */
import { z } from "zod";
import {
  createMoments,
  decodePackedMoments,
  encodeMomentsParts,
  ErrorCodes,
  FeaturewiseError,
  isFeaturewiseError,
  mergePackedInto,
  type Moments,
  type SkippedItem,
} from "@featurewise/core";
import type { ObjectStore } from "@featurewise/storage";
import { putParts } from "@featurewise/pipeline";
import type { NodeKeys } from "./fit-names.js";

/** What a node's sidecar holds. */
export interface NodeSidecar {
  readonly v: 1;
  /** Inputs read (used and skipped). */
  readonly images: number;
  /** Images merged into the node's moments. */
  readonly n: number;
  readonly skipped: readonly SkippedItem[];
}

const sidecarSchema: z.ZodType<NodeSidecar> = z.object({
  v: z.literal(1),
  images: z.number().int().nonnegative(),
  n: z.number().int().nonnegative(),
  skipped: z.array(z.object({ key: z.string(), reason: z.string() })),
});

/** Writes a node: sidecar, then moments. */
export async function writeNode(
  store: ObjectStore,
  keys: NodeKeys,
  moments: Moments,
  sidecar: NodeSidecar,
): Promise<void> {
  await store.put(keys.sidecar, new TextEncoder().encode(JSON.stringify(sidecar)));
  await putParts(store, keys.moments, encodeMomentsParts(moments));
}

/** Runs `decode`; a corrupt node's error names the node's object. */
function naming<T>(store: ObjectStore, keys: NodeKeys, decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    if (!isFeaturewiseError(err)) throw err;
    throw new FeaturewiseError(err.code, `${store.uriOf(keys.moments)}: ${err.message}`, {
      cause: err,
    });
  }
}

/**
 * A node's sidecar.
 * @throws FeaturewiseError CORRUPT_ARTIFACT when it is not one
 */
export async function readSidecar(store: ObjectStore, keys: NodeKeys): Promise<NodeSidecar> {
  const text = new TextDecoder().decode(await store.get(keys.sidecar));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const result = sidecarSchema.safeParse(parsed);
  if (!result.success) {
    throw new FeaturewiseError(
      ErrorCodes.CORRUPT_ARTIFACT,
      `${store.uriOf(keys.sidecar)} is not a featurewise sidecar`,
    );
  }
  return result.data;
}

/**
 * Merges nodes the way the embedded TreeMerger builds a node: fresh empty
 * moments, then each input merged in, in order (bit-identical to merging the
 * decoded inputs). Inputs are merged from their encoded bytes, not unpacked,
 * and the next input is read while the current one is merged, into two
 * buffers used in turn: memory holds the running node and two encoded
 * inputs, whatever the fan-in.
 */
export async function mergeNodes(
  store: ObjectStore,
  inputs: readonly NodeKeys[],
): Promise<{ moments: Moments; sidecar: NodeSidecar }> {
  const buffers = [new ReadBuffer(store), new ReadBuffer(store)];
  const read = (i: number) => {
    const keys = inputs[i]!;
    const p = Promise.all([buffers[i % 2]!.read(keys.moments), readSidecar(store, keys)]);
    p.catch(() => {}); // awaited in order below; a failure ahead of its turn is not unhandled
    return p;
  };
  let acc: Moments | null = null;
  let images = 0;
  const skipped: SkippedItem[] = [];
  let next = inputs.length > 0 ? read(0) : null;
  for (let i = 0; next !== null; i++) {
    const [bytes, side] = await next;
    next = i + 1 < inputs.length ? read(i + 1) : null;
    const part = naming(store, inputs[i]!, () => decodePackedMoments(bytes));
    acc ??= createMoments(part.kind, part.dim);
    mergePackedInto(acc, part);
    images += side.images;
    skipped.push(...side.skipped);
  }
  if (acc === null) throw new Error("mergeNodes needs at least one input");
  return { moments: acc, sidecar: { v: 1, images, n: acc.n, skipped } };
}

/**
 * Reads objects one after another into the same memory where the store can
 * (`getInto`), growing it as needed: a node is 38 MB at D=3072, and fresh
 * memory for each would cost a page fault per page. A read's bytes are valid
 * until the next read.
 */
class ReadBuffer {
  private buffer: Uint8Array = new Uint8Array(0);

  constructor(private readonly store: ObjectStore) {}

  async read(key: string): Promise<Uint8Array> {
    if (this.store.getInto === undefined) return this.store.get(key);
    const bytes = await this.store.getInto(key, this.buffer);
    if (bytes.length > this.buffer.length) this.buffer = bytes;
    return bytes;
  }
}
