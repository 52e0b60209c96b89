/**
 * The `tfjs` backend: `tf.matMul` from @tensorflow/tfjs-node(-gpu) when one
 * is installed. Those packages download libtensorflow when installed, so they
 * are never dependencies of featurewise; this module only loads them if present.
 *
 * TensorFlow.js has no float64 tensors: SYRK and GEMM run in float32 (the
 * SYRK update is added into the float64 accumulator), so statistics are not
 * Keras-exact to 1e-9 on this backend. eigh uses the js reference.
 */
import { createRequire } from "node:module";
import { JsLinearAlgebra, type LinearAlgebra } from "@featurewise/core";
import { backendUnavailable, firstLine } from "../backend-unavailable.js";
import { checkGemmArgs, checkSyrkArgs } from "../check-args.js";
import type { EighResult } from "../eigen-order.js";
import { addLowerFromFloat32, scaleLower } from "../lower-triangle.js";

/** The slice of the TensorFlow.js API this backend uses. */
interface TfTensor {
  data(): Promise<ArrayLike<number>>;
  dispose(): void;
}
interface TfModule {
  tensor2d(values: Float32Array, shape: [number, number], dtype: "float32"): TfTensor;
  matMul(a: TfTensor, b: TfTensor, transposeA?: boolean, transposeB?: boolean): TfTensor;
}

/** The packages tried, fastest first. */
export const TFJS_PACKAGES = ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"] as const;

/** {@link LinearAlgebra} on TensorFlow.js (float32 matMul; eigh by the js reference). */
export class TfjsLinearAlgebra implements LinearAlgebra {
  readonly name = "tfjs";
  private readonly reference = new JsLinearAlgebra();

  constructor(
    private readonly tf: TfModule,
    /** The package that was loaded. */
    readonly packageName: string,
  ) {}

  /**
   * Loads the first installed package of {@link TFJS_PACKAGES}.
   * @throws FeaturewiseError BACKEND_UNAVAILABLE naming the package to install
   */
  static load(): TfjsLinearAlgebra {
    const require = createRequire(import.meta.url);
    const problems: string[] = [];
    for (const name of TFJS_PACKAGES) {
      try {
        require.resolve(name);
      } catch {
        continue; // not installed
      }
      try {
        return new TfjsLinearAlgebra(require(name) as TfModule, name);
      } catch (err) {
        problems.push(`${name}: ${firstLine(err)}`);
      }
    }
    if (problems.length > 0)
      throw backendUnavailable(`tfjs failed to load (${problems.join("; ")})`);
    throw backendUnavailable(
      "@tensorflow/tfjs-node is not installed: npm install @tensorflow/tfjs-node (or @tensorflow/tfjs-node-gpu)",
    );
  }

  /** See {@link LinearAlgebra.syrk}; the product is computed in float32. */
  async syrk(
    a: Float64Array,
    k: number,
    n: number,
    c: Float64Array,
    alpha: number,
    beta: number,
  ): Promise<void> {
    checkSyrkArgs(a, k, n, c);
    if (n === 0 || k === 0 || alpha === 0) {
      scaleLower(c, n, beta);
      return;
    }
    const x = this.tf.tensor2d(Float32Array.from(a.subarray(0, k * n)), [k, n], "float32");
    const g = this.tf.matMul(x, x, true, false);
    try {
      const update = Float32Array.from(await g.data());
      scaleLower(c, n, beta);
      addLowerFromFloat32(c, update, n, alpha);
    } finally {
      x.dispose();
      g.dispose();
    }
  }

  /** See {@link LinearAlgebra.gemm}; computed in float32. */
  async gemm(
    a: Float64Array,
    b: Float64Array,
    m: number,
    k: number,
    n: number,
  ): Promise<Float64Array> {
    checkGemmArgs(a, b, m, k, n);
    if (m === 0 || n === 0 || k === 0) return new Float64Array(m * n);
    const ta = this.tf.tensor2d(Float32Array.from(a.subarray(0, m * k)), [m, k], "float32");
    const tb = this.tf.tensor2d(Float32Array.from(b.subarray(0, k * n)), [k, n], "float32");
    const tc = this.tf.matMul(ta, tb);
    try {
      return Float64Array.from(await tc.data());
    } finally {
      ta.dispose();
      tb.dispose();
      tc.dispose();
    }
  }

  /** See {@link LinearAlgebra.eigh}: the js reference (tfjs has no symmetric eigensolver). */
  eigh(a: Float64Array, n: number): Promise<EighResult> {
    return this.reference.eigh(a, n);
  }
}
