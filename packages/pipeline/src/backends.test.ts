import { describe, expect, it } from "vitest";
import { LoadedBackends } from "./backends.js";

describe("LoadedBackends", () => {
  it('loads each backend once; "auto" is the worker\'s backend', () => {
    const backends = new LoadedBackends("js");
    const js = backends.get("js");
    expect(js.la.name).toBe("js");
    expect(backends.get("auto")).toBe(js);
    expect(backends.get("js")).toBe(js);
  });

  it("names the flag and the choices for an unknown backend", () => {
    expect(() => new LoadedBackends("js").get("gpu9")).toThrow(
      /--backend gpu9: expected one of .*js/,
    );
  });
});
