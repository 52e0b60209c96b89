/**
 * How many ONNX Runtime sessions a prediction starts by default. Two
 * sessions of one thread beat one of two on 2 cores for small images
 * (bench/RESULTS.md), but each session holds the activations of the batch it
 * runs: at 224x224x3, batches of 64 (38.5 MB of float32 each) took ~600 MB a
 * session, and one session ran as fast as two, since decoding the JPEGs, not
 * the model, took the cores. So a second session starts only when two
 * batches fit in {@link BATCH_BYTES_IN_FLIGHT}.
 */
import type { ImageShape } from "@featurewise/core";

/**
 * Bytes of input tensors in the model at once (one batch larger than this
 * still runs, alone): the bound of the run's {@link BatchGate}, and what
 * decides the default number of sessions.
 */
export const BATCH_BYTES_IN_FLIGHT = 64 * 2 ** 20;

/**
 * Sessions to start when `--sessions` is not given.
 * @param imageShape - the images' shape when known before any is read (the artifact's, or `--size`)
 */
export function defaultSessions(
  cores: number,
  batchSize: number,
  imageShape: ImageShape | null,
): number {
  if (cores < 2) return 1;
  if (imageShape === null) return 2;
  const batchBytes = batchSize * imageShape.height * imageShape.width * imageShape.channels * 4;
  return 2 * batchBytes <= BATCH_BYTES_IN_FLIGHT ? 2 : 1;
}
