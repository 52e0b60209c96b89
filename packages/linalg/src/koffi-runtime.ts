/**
 * koffi, loaded on first use so that a platform without its prebuilt native
 * module still gets the `js` backend (and a one-line reason) instead of an
 * import failure.
 */
import { createRequire } from "node:module";
import type Koffi from "koffi";
import type { LibraryHandle } from "koffi";
import { backendUnavailable, firstLine } from "./backend-unavailable.js";

/** The koffi module object. */
export type KoffiModule = typeof Koffi;
/** A declared native function: callable synchronously, or through `.async(...args, callback)`. */
export type NativeFunction = ReturnType<LibraryHandle["func"]>;

let koffi: KoffiModule | null = null;

/**
 * The koffi module.
 * @throws FeaturewiseError BACKEND_UNAVAILABLE when its native module cannot be loaded
 */
export function loadKoffi(): KoffiModule {
  if (koffi !== null) return koffi;
  try {
    koffi = createRequire(import.meta.url)("koffi") as KoffiModule;
  } catch (err) {
    throw backendUnavailable(
      `koffi (the FFI module) failed to load: ${firstLine(err)}; reinstall with npm install koffi`,
      err,
    );
  }
  return koffi;
}

/**
 * Loads a shared library with dlopen.
 * @throws FeaturewiseError BACKEND_UNAVAILABLE with dlopen's first line
 */
export function openLibrary(path: string, label: string): LibraryHandle {
  const k = loadKoffi();
  try {
    return k.load(path);
  } catch (err) {
    throw backendUnavailable(`${label} at ${path} failed to load: ${firstLine(err)}`, err);
  }
}

/**
 * Declares a function of `lib` from a C prototype.
 * @throws FeaturewiseError BACKEND_UNAVAILABLE when the symbol is missing
 */
export function declare(lib: LibraryHandle, prototype: string, where: string): NativeFunction {
  try {
    return lib.func(prototype);
  } catch (err) {
    throw backendUnavailable(`${where} lacks ${prototype}: ${firstLine(err)}`, err);
  }
}

/**
 * Calls `fn` on koffi's worker threads and resolves with its C return value,
 * so that the event loop keeps running during a long native call. Typed
 * arrays passed in are used in place (not copied): the caller must keep them
 * unchanged until the promise settles.
 */
export function callAsync(fn: NativeFunction, ...args: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    fn.async(...args, (err: unknown, result: unknown) => {
      if (err !== null && err !== undefined) reject(err as Error);
      else resolve(result);
    });
  });
}
