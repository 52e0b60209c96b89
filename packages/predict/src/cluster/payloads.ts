/**
 * The data of the predict run's jobs, as zod schemas, validated when a job
 * is queued and again when a worker takes it. Jobs carry the options, keys,
 * shard specs and locations, never tensors or pixels: a worker reads the
 * images, the model and the artifact from their locations.
 */
import { z } from "zod";
import type { DecodeSettings, ImageShape, PredictOptions } from "@featurewise/core";
import {
  decodeSettingsSchema,
  invalidOptions,
  predictOptionsSchema,
  shardSpecSchema,
} from "@featurewise/core/options";
import type { RetrySettings } from "@featurewise/queue/client";
import type { ShardSpec } from "@featurewise/dataset";
import type { ManifestHead } from "../pipeline/manifest.js";
import { PREDICT_ID_PATTERN } from "./predict-names.js";

const predictId = z.string().regex(PREDICT_ID_PATTERN);
const count = z.number().int().nonnegative();
const positiveInt = z.number().int().positive();
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

const imageShape: z.ZodType<ImageShape> = z.object({
  height: positiveInt,
  width: positiveInt,
  channels: positiveInt,
});

/** A prediction as submitted: plans the parts and adds the run's flow. */
export interface PlanPayload {
  readonly v: 1;
  readonly predictId: string;
  /** Epoch ms of the submission (the run's timings start here). */
  readonly submittedAt: number;
  readonly options: PredictOptions;
  readonly retry: RetrySettings;
}

/** One part: a shard of the plan through the model. */
export interface PartPayload {
  readonly v: 1;
  readonly predictId: string;
  /** The run's identity sha256, as planned: the part job must arrive at the same. */
  readonly runId: string;
  readonly options: PredictOptions;
  readonly imageShape: ImageShape;
  readonly spec: ShardSpec;
  /** The model as planned: its sha256 (the cache's key) and the runtime that reads it. */
  readonly model: { readonly sha256: string; readonly runtime: string };
  /** sha256 of the artifact's stats.json, or null under `--no-stats`. */
  readonly artifactSha256: string | null;
}

/** The root: every part done, the manifest is written. */
export interface ManifestPayload {
  readonly v: 1;
  readonly predictId: string;
  readonly submittedAt: number;
  readonly options: PredictOptions;
  readonly imageShape: ImageShape;
  /** The decode settings that applied (the artifact's, or the options'). */
  readonly decode: DecodeSettings;
  readonly parts: number;
  /** The manifest but what the parts tell, decided by the plan. */
  readonly head: ManifestHead;
}

const retry: z.ZodType<RetrySettings> = z.object({ attempts: positiveInt, backoffMs: count });

const manifestHead = z.custom<ManifestHead>(
  (v) =>
    typeof v === "object" &&
    v !== null &&
    typeof (v as { runId?: unknown }).runId === "string" &&
    typeof (v as { model?: unknown }).model === "object",
  { message: "expected the manifest's head (runId, model, ...)" },
);

const schemas = {
  plan: z.object({
    v: z.literal(1),
    predictId,
    submittedAt: count,
    options: predictOptionsSchema,
    retry,
  }) satisfies z.ZodType<PlanPayload>,
  part: z.object({
    v: z.literal(1),
    predictId,
    runId: sha256,
    options: predictOptionsSchema,
    imageShape,
    spec: shardSpecSchema as z.ZodType<ShardSpec>,
    model: z.object({ sha256, runtime: z.string().min(1) }),
    artifactSha256: sha256.nullable(),
  }) satisfies z.ZodType<PartPayload>,
  manifest: z.object({
    v: z.literal(1),
    predictId,
    submittedAt: count,
    options: predictOptionsSchema,
    imageShape,
    decode: decodeSettingsSchema,
    parts: positiveInt,
    head: manifestHead,
  }) satisfies z.ZodType<ManifestPayload>,
};

/** The payload of each kind of predict job. */
export interface PredictPayloads {
  plan: PlanPayload;
  part: PartPayload;
  manifest: ManifestPayload;
}

/**
 * Validates a predict job's data.
 * @throws FeaturewiseError INVALID_ARGUMENT naming every field that is wrong
 */
export function parsePredictPayload<K extends keyof PredictPayloads>(
  kind: K,
  data: unknown,
): PredictPayloads[K] {
  const result = schemas[kind].safeParse(data);
  if (!result.success) throw invalidOptions(`predict ${kind} job`, result.error);
  return result.data as PredictPayloads[K];
}
