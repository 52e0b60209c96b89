import { describe, expect, it } from "vitest";
import { countOf, formatRate } from "./summary.js";

describe("the CLI summary's wording", () => {
  it("says 1 image, 2 images, and no rate where there is none to say", () => {
    expect(countOf(1, "image")).toBe("1 image");
    expect(countOf(0, "image")).toBe("0 images");
    expect(countOf(20000, "image")).toBe("20000 images");
    expect(formatRate(1, 0.5)).toBe("");
    expect(formatRate(10, 0)).toBe("");
    expect(formatRate(3, 20)).toBe("0.15 images/s, ");
    expect(formatRate(20000, 1.3)).toBe("15385 images/s, ");
    expect(formatRate(50, 1)).toBe("50 images/s, ");
  });
});
