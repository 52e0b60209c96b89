/** Options shared by the native backends. */

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
