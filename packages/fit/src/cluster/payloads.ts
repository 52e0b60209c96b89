/**
 * The data of each kind of job, as zod schemas. Every job is validated when
 * it is submitted and again when a worker takes it, so a malformed job
 * (another version's, or a hand-made one) fails at once, unrecoverably,
 * naming the field. Jobs carry keys, counts and small shard specs, never
 * matrices: a partial is 8·D(D+1)/2 bytes and lives in the object store.
 */
import { z } from "zod";
import { type DecodeSettings, type ImageShape, type MomentsKind } from "@featurewise/core";
import {
  dataFormatSchema as dataFormat,
  decodeSettingsSchema as decodeSettings,
  fitOptionsSchema,
  onErrorSchema as onError,
  invalidOptions,
  shardSpecSchema,
} from "@featurewise/core/options";
import type { ShardSpec } from "@featurewise/dataset";
import type { FitOptions, OnError } from "../fit-options.js";
import type { RetrySettings } from "@featurewise/queue/client";
import { FIT_ID_PATTERN } from "./fit-queues.js";
import type { NodeKeys } from "./fit-names.js";

const fitId = z.string().regex(FIT_ID_PATTERN);
const count = z.number().int().nonnegative();
const positiveInt = z.number().int().positive();

const imageShape: z.ZodType<ImageShape> = z.object({
  height: positiveInt,
  width: positiveInt,
  channels: positiveInt,
});

const shardSpec: z.ZodType<ShardSpec> = shardSpecSchema;

const nodeKeys: z.ZodType<NodeKeys> = z.object({ moments: z.string(), sidecar: z.string() });

const retry: z.ZodType<RetrySettings> = z.object({ attempts: positiveInt, backoffMs: count });

/** A fit as submitted: lists the source, plans the shards and adds the flow. */
export interface CoordinatorPayload {
  readonly v: 1;
  readonly fitId: string;
  /** Epoch ms of the submission (the fit's timings start here). */
  readonly submittedAt: number;
  readonly options: FitOptions;
  readonly retry: RetrySettings;
}

/** One shard: its spec and what decoding needs. */
export interface ShardPayload {
  readonly v: 1;
  readonly fitId: string;
  /** The artifact's location; partials go under its `.featurewise/<fitId>/`. */
  readonly out: string;
  readonly source: string;
  readonly spec: ShardSpec;
  readonly decode: DecodeSettings;
  readonly dataFormat: FitOptions["dataFormat"];
  readonly imageShape: ImageShape;
  readonly kind: MomentsKind;
  readonly onError: OnError;
  readonly backend: string;
  /** Where this shard's partial goes. */
  readonly output: NodeKeys;
}

/** One node of the reduce tree: merges `inputs` in order into `output`. */
export interface ReducePayload {
  readonly v: 1;
  readonly fitId: string;
  readonly out: string;
  /** From 1; level 0 is the shards. */
  readonly level: number;
  readonly index: number;
  readonly inputs: readonly NodeKeys[];
  readonly output: NodeKeys;
}

/** The root: the merged moments become the artifact. */
export interface FinalizePayload {
  readonly v: 1;
  readonly fitId: string;
  readonly submittedAt: number;
  readonly options: FitOptions;
  readonly imageShape: ImageShape;
  /**
   * The members of the merge tree's top node (shards, or the reduce nodes
   * below the top), which finalize merges in order into fresh moments, as a
   * reduce job would: the top node is not written and read back.
   */
  readonly inputs: readonly NodeKeys[];
  /**
   * Merge the top node into fresh moments once more: the embedded
   * TreeMerger does so when the top node was closed full.
   */
  readonly wrap: boolean;
  readonly shards: number;
  /** Images listed, or null when only reading the shards tells (tar sources). */
  readonly listed: number | null;
  readonly fingerprint: string;
}

const schemas = {
  coordinator: z.object({
    v: z.literal(1),
    fitId,
    submittedAt: count,
    options: fitOptionsSchema,
    retry,
  }) satisfies z.ZodType<CoordinatorPayload>,
  shard: z.object({
    v: z.literal(1),
    fitId,
    out: z.string().min(1),
    source: z.string().min(1),
    spec: shardSpec,
    decode: decodeSettings,
    dataFormat,
    imageShape,
    kind: z.enum(["full", "diagonal"]),
    onError,
    backend: z.string().min(1),
    output: nodeKeys,
  }) satisfies z.ZodType<ShardPayload>,
  reduce: z.object({
    v: z.literal(1),
    fitId,
    out: z.string().min(1),
    level: positiveInt,
    index: count,
    inputs: z.array(nodeKeys).min(1),
    output: nodeKeys,
  }) satisfies z.ZodType<ReducePayload>,
  finalize: z.object({
    v: z.literal(1),
    fitId,
    submittedAt: count,
    options: fitOptionsSchema,
    imageShape,
    inputs: z.array(nodeKeys).min(1),
    wrap: z.boolean(),
    shards: positiveInt,
    listed: count.nullable(),
    fingerprint: z.string(),
  }) satisfies z.ZodType<FinalizePayload>,
};

/** The payload type of each queue. */
export interface Payloads {
  coordinator: CoordinatorPayload;
  shard: ShardPayload;
  reduce: ReducePayload;
  finalize: FinalizePayload;
}

/** True when `kind` is one of the fit's queues (has a payload schema). */
export function isPayloadKind(kind: string): kind is keyof Payloads {
  return Object.hasOwn(schemas, kind);
}

/**
 * Validates the data of a job of queue `kind`.
 * @throws FeaturewiseError INVALID_ARGUMENT naming every field that is wrong
 */
export function parsePayload<K extends keyof Payloads>(kind: K, data: unknown): Payloads[K] {
  const result = schemas[kind].safeParse(data);
  if (!result.success) throw invalidOptions(`${kind} job`, result.error);
  return result.data as Payloads[K];
}
