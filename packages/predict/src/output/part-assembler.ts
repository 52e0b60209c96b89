/** Collecting a part's batches of model outputs, in key order, into one {@link PredictionPart}. */
import type { OutputTensor } from "../runtime.js";
import { invalid, type PartOutput, type PredictionPart } from "./prediction-part.js";
import { topK } from "./top-k.js";

/** Options of {@link PartAssembler}. */
export interface PartAssemblerOptions {
  /**
   * Adds the k best classes of one output to each row.
   * `output` defaults to the model's first output; `labels` (one per class) adds `top_k_label`.
   * @defaultValue none
   */
  readonly topK?: {
    readonly k: number;
    readonly output?: string;
    readonly labels?: readonly string[];
  };
  /**
   * Each output's row shape when the model states it, so that a part without
   * rows (every image of its shard skipped) still has its columns' shapes.
   * @defaultValue learnt from the first batch
   */
  readonly rowShapes?: ReadonlyMap<string, readonly number[]>;
}

/** Appends batches (rows in key order) and hands out the whole part. */
export class PartAssembler {
  private readonly keys: string[] = [];
  private readonly chunks = new Map<string, Float32Array[]>();
  private readonly rowShapes = new Map<string, readonly number[]>();

  /**
   * @param index - the part's number (`part-000042`)
   * @param outputNames - the model's outputs, in the model's order
   */
  constructor(
    readonly index: number,
    private readonly outputNames: readonly string[],
    private readonly options: PartAssemblerOptions = {},
  ) {
    for (const name of outputNames) this.chunks.set(name, []);
    for (const [name, shape] of options.rowShapes ?? []) this.rowShapes.set(name, shape);
  }

  /** The rows added so far. */
  get rows(): number {
    return this.keys.length;
  }

  /**
   * Adds one batch: `keys.length` rows of every output (batch first).
   * @throws FeaturewiseError INVALID_ARGUMENT when an output is missing or its shape disagrees
   */
  add(keys: readonly string[], outputs: ReadonlyMap<string, OutputTensor>): void {
    for (const name of this.outputNames) {
      const out = outputs.get(name);
      if (out === undefined) throw invalid(`part ${this.index}: the batch has no output "${name}"`);
      const [batch, ...rowShape] = out.dims;
      const known = this.rowShapes.get(name);
      if (batch !== keys.length || (known !== undefined && known.join() !== rowShape.join())) {
        throw invalid(
          `part ${this.index}: output "${name}" has shape [${out.dims.join(",")}]; expected [${keys.length},${(known ?? rowShape).join(",")}]`,
        );
      }
      this.rowShapes.set(name, rowShape);
      // Copy: a runtime may reuse or free its output buffers after the next run.
      this.chunks.get(name)!.push(Float32Array.from(out.data));
    }
    this.keys.push(...keys);
  }

  /** The whole part. @throws FeaturewiseError INVALID_ARGUMENT for a top-k that does not fit its output */
  finish(): PredictionPart {
    const outputs: PartOutput[] = this.outputNames.map((name) => ({
      name,
      rowShape: this.rowShapes.get(name) ?? [],
      data: concat(this.chunks.get(name)!),
    }));
    const top = this.options.topK;
    if (top === undefined) return { index: this.index, keys: this.keys, outputs };
    const scored = outputs.find((o) => o.name === (top.output ?? this.outputNames[0]));
    if (scored === undefined) throw invalid(`top-k: the model has no output "${top.output}"`);
    if (scored.rowShape.length !== 1) {
      throw invalid(
        `top-k: output "${scored.name}" has rows of shape [${scored.rowShape.join(",")}]; expected one score per class`,
      );
    }
    const classes = scored.rowShape[0]!;
    if (top.labels !== undefined && top.labels.length !== classes) {
      throw invalid(
        `top-k: ${top.labels.length} labels; output "${scored.name}" has ${classes} classes`,
      );
    }
    const best =
      this.keys.length === 0
        ? { k: top.k, index: new Int32Array(0), score: new Float32Array(0) }
        : topK(scored.data, top.k, classes);
    return {
      index: this.index,
      keys: this.keys,
      outputs,
      topK: top.labels === undefined ? best : { ...best, labels: top.labels },
    };
  }
}

function concat(chunks: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
