/** What an S3 request is: a ListObjectsV2 page, an object GET, or anything else. */
export type RequestKind = "list" | "get" | "other";

/** One request the proxy saw; times in ms since the proxy started. */
export interface ProxiedRequest {
  readonly kind: RequestKind;
  readonly start: number;
  /** When the response ended (or the connection closed); null while open. */
  readonly end: number | null;
}

/** A running latency proxy on 127.0.0.1. */
export interface LatencyProxy {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly delayMs: number;
  /** Every request since start (or the last {@link reset}), in arrival order. */
  readonly requests: readonly ProxiedRequest[];
  /** Requests of each kind open now. */
  readonly inFlight: Readonly<Record<RequestKind, number>>;
  /** The most requests of each kind open at once. */
  readonly maxInFlight: Readonly<Record<RequestKind, number>>;
  /** ms since the proxy started, on the clock of {@link requests}. */
  now(): number;
  /** Object GET answers kept (with `cacheGets`). */
  cached(): number;
  /** Requests of `kind` seen. */
  count(kind: RequestKind): number;
  /**
   * Time-weighted mean of the requests of `kind` open at once, from the
   * first one's arrival to the last one's end (finished requests only).
   */
  meanInFlight(kind: RequestKind): number;
  /** Requests of `kind` open at each `stepMs` from the first arrival to the last end. */
  inFlightOverTime(kind: RequestKind, stepMs: number): number[];
  /** Forgets the requests seen; the maxima restart from what is open now. */
  reset(): void;
  stop(): Promise<void>;
}

/** What an S3 request is, from its method and path-style URL. */
export function requestKind(method: string, url: string): RequestKind;

/**
 * Starts a proxy that holds every request `delayMs` before forwarding it to
 * 127.0.0.1:`targetPort` unchanged, and records each request's kind, arrival
 * and end; with `cacheGets`, repeated object GETs are answered from memory.
 */
export function startLatencyProxy(
  targetPort: number,
  options: {
    readonly delayMs: number;
    /**
     * Keep each object GET's 200 answer and serve repeats from memory (after
     * the delay), taking s3rver's CPU per GET out of a bench. @defaultValue false
     */
    readonly cacheGets?: boolean;
  },
): Promise<LatencyProxy>;
