import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * V8 frees file and pixel buffers (external memory) only when it collects,
 * and it collects less often the longer a process runs, so RSS would creep
 * up with the number of images read (measured: 105 → 129 MiB for 2,000 vs
 * 20,000 small files). A full collection every `images` images keeps it flat
 * (97 vs 100 MiB) for a few ms each.
 * @returns a function to call once per image
 */
export function collectEvery(images: number): (count?: number) => void {
  setFlagsFromString("--expose-gc");
  const collect = runInNewContext("gc") as () => void;
  let since = 0;
  return (count = 1) => {
    since += count;
    if (since >= images) {
      since = 0;
      collect();
    }
  };
}
