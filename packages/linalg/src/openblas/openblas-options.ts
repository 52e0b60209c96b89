/** Options of the openblas backend, and the environment OpenBLAS should load under. */

/** Options of the `openblas` backend. */
export interface OpenBlasOptions {
  /**
   * OpenBLAS threads. OpenBLAS keeps one thread pool per process, so this
   * applies to every openblas instance. Fewer threads than cores pays off
   * when other work (image decoding) keeps cores busy: OpenBLAS's threads
   * spin while they wait for each other. On 2 cores with one kept busy, an
   * eigh of 1000² took 2–5.5 s with 2 threads and 0.45–1.3 s with 1.
   * @defaultValue OPENBLAS_NUM_THREADS when set, else one per core (OpenBLAS's own choice)
   */
  readonly threads?: number;
}

/**
 * Sets OPENBLAS_THREAD_TIMEOUT=4 unless it is set. OpenBLAS's idle threads
 * spin (sched_yield) for 2^28 cycles before they sleep; between a fit's SYRK
 * calls that took 3.8 s of system CPU from the decode threads in a
 * 20,000-image ZCA fit on 2 cores (2^4 cycles: 1.7 s, and 0.2 s less wall
 * time). OpenBLAS reads it once, when it loads, from the process' real
 * environment: call this on the main thread (a worker thread's process.env
 * is a copy) before any thread loads the library.
 */
export function shortenOpenBlasSpin(env: NodeJS.ProcessEnv = process.env): void {
  env["OPENBLAS_THREAD_TIMEOUT"] ??= "4";
}
