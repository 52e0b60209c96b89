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
  decodeMoments,
  encodeMoments,
  ErrorCodes,
  FeaturewiseError,
  mergeInto,
  type Moments,
  type SkippedItem,
} from "@featurewise/core";
import type { ObjectStore } from "@featurewise/storage";
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
  await store.put(keys.moments, encodeMoments(moments));
}

/** A node's moments (the co-moment unpacked to both triangles). */
export async function readNodeMoments(store: ObjectStore, keys: NodeKeys): Promise<Moments> {
  return decodeMoments(await store.get(keys.moments));
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
 * moments, then each input merged in, in order. The next input is read
 * while the current one is merged, so memory holds the running node, one
 * decoded input and one encoded input, whatever the fan-in.
 */
export async function mergeNodes(
  store: ObjectStore,
  inputs: readonly NodeKeys[],
): Promise<{ moments: Moments; sidecar: NodeSidecar }> {
  const read = (keys: NodeKeys) => {
    const p = Promise.all([store.get(keys.moments), readSidecar(store, keys)]);
    p.catch(() => {}); // awaited in order below; a failure ahead of its turn is not unhandled
    return p;
  };
  let acc: Moments | null = null;
  let images = 0;
  const skipped: SkippedItem[] = [];
  let next = inputs.length > 0 ? read(inputs[0]!) : null;
  for (let i = 0; next !== null; i++) {
    const [bytes, side] = await next;
    next = i + 1 < inputs.length ? read(inputs[i + 1]!) : null;
    const part = decodeMoments(bytes);
    acc ??= createMoments(part.kind, part.dim);
    mergeInto(acc, part);
    images += side.images;
    skipped.push(...side.skipped);
  }
  if (acc === null) throw new Error("mergeNodes needs at least one input");
  return { moments: acc, sidecar: { v: 1, images, n: acc.n, skipped } };
}
