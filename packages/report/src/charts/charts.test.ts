import { describe, expect, it } from "vitest";
import { barChartSvg } from "./bar-chart.js";
import { histogramCounts, histogramSvg } from "./histogram.js";
import { logDecades, spectrumSvg } from "./spectrum.js";
import { cssRgb, swatchesSvg } from "./swatches.js";
import { escapeXml, formatTick } from "./svg.js";

/** The numbers of an attribute across all elements that carry `marker`. */
function attr(svg: string, marker: string, name: string): number[] {
  return [...svg.matchAll(new RegExp(`<[^>]*${marker}[^>]*>`, "g"))].map((m) =>
    Number(new RegExp(`${name}="([^"]*)"`).exec(m[0])![1]),
  );
}

function wellFormed(svg: string): void {
  expect(svg.startsWith("<svg ")).toBe(true);
  expect(svg.endsWith("</svg>")).toBe(true);
  expect(svg).not.toMatch(/NaN|undefined|Infinity/);
}

describe("histogramCounts", () => {
  it("counts values into equal bins, the range's ends and beyond in the end bins, NaN left out", () => {
    const counts = histogramCounts([0, 0.1, 0.49, 0.5, 0.99, 1, -3, 7, NaN], [0, 1], 2);
    expect(Array.from(counts)).toEqual([4, 4]);
    expect(Array.from(histogramCounts([0, 63.9, 64, 255], [0, 256], 4))).toEqual([2, 1, 0, 1]);
  });
  it("refuses no bins or an empty range", () => {
    expect(() => histogramCounts([1], [0, 1], 0)).toThrow(/bins/);
    expect(() => histogramCounts([1], [1, 1], 4)).toThrow(/hi > lo/);
  });
});

describe("histogramSvg", () => {
  const svg = histogramSvg({
    title: "Pixels <before>",
    range: [0, 255],
    series: [
      { label: "R", colour: "#f00", counts: [1, 3, 0, 0] },
      { label: "G&B", colour: "#0f0", counts: [0, 0, 0, 10] },
    ],
  });
  it("draws one step line per series and a legend entry for each, escaped", () => {
    wellFormed(svg);
    expect(svg.match(/class="series"/g)).toHaveLength(2);
    expect(svg).toContain(">G&amp;B<");
    expect(svg).toContain("Pixels &lt;before&gt;");
  });
  it("scales each series to its share: the tallest bin of each reaches the top of the plot", () => {
    const paths = [...svg.matchAll(/class="series" d="([^"]*)"/g)].map((m) => m[1]!);
    const tops = paths.map((d) =>
      Math.min(...[...d.matchAll(/V([\d.]+)/g)].map((m) => Number(m[1]))),
    );
    // R's tallest share is 3/4, G's 10/10: G reaches higher (smaller y) than R.
    expect(tops[1]).toBeLessThan(tops[0]!);
    expect(svg).toContain(">255<");
  });
});

describe("spectrumSvg", () => {
  it("spans whole decades around the values and the epsilon", () => {
    expect(logDecades([100, 1, 0.01])).toEqual([-2, 2]);
    expect(logDecades([5, 0, -1])).toEqual([0, 1]);
    expect(logDecades([])).toEqual([0, 1]);
  });
  it("draws the positive values falling, one decade a tick, and the epsilon line between the values it separates", () => {
    const svg = spectrumSvg({
      title: "spectrum",
      values: [100, 1, 0.01, 0, -1e-18],
      epsilonLevel: 0.1,
      epsilonLabel: "ε=0.1",
    });
    wellFormed(svg);
    const points = /class="spectrum" points="([^"]*)"/.exec(svg)![1]!.split(" ");
    expect(points).toHaveLength(3);
    const ys = points.map((p) => Number(p.split(",")[1]));
    expect(ys[0]).toBeLessThan(ys[1]!);
    expect(ys[1]).toBeLessThan(ys[2]!);
    const eps = attr(svg, 'class="epsilon"', "y1")[0]!;
    expect(eps).toBeGreaterThan(ys[1]!);
    expect(eps).toBeLessThan(ys[2]!);
    for (const d of [-2, -1, 0, 1, 2]) expect(svg).toContain(`>1e${d}<`);
    expect(svg).toContain(">ε=0.1<");
  });
  it("places values on a log scale: equal ratios, equal steps", () => {
    const svg = spectrumSvg({ title: "s", values: [1000, 10, 0.1], epsilonLevel: null });
    expect(svg).not.toContain('class="epsilon"');
    const ys = /points="([^"]*)"/
      .exec(svg)![1]!
      .split(" ")
      .map((p) => Number(p.split(",")[1]));
    expect(Math.abs(ys[1]! - ys[0]! - (ys[2]! - ys[1]!))).toBeLessThan(0.02);
  });
});

describe("barChartSvg", () => {
  it("draws bars in order, their lengths in proportion, long labels cut and escaped", () => {
    const svg = barChartSvg({
      title: "Top-1",
      bars: [
        { label: "cat", value: 10 },
        { label: "a <very> long label that goes on and on", value: 5 },
        { label: "none", value: 0 },
      ],
    });
    wellFormed(svg);
    const widths = attr(svg, 'fill="#1f5fa8"', "width");
    expect(widths).toHaveLength(3);
    expect(widths[1]! / widths[0]!).toBeCloseTo(0.5, 2);
    expect(widths[2]).toBe(0);
    expect(svg).toContain("a &lt;very&gt; long label tha…");
  });
});

describe("swatchesSvg", () => {
  it("fills each swatch with its colour, clamped to 0–255", () => {
    expect(cssRgb([-4, 127.6, 300])).toBe("rgb(0, 128, 255)");
    expect(cssRgb([NaN, 1, 2])).toBe("rgb(0, 1, 2)");
    const svg = swatchesSvg("mean", [
      { label: "R", rgb: [200, 0, 0], caption: "0.78" },
      { label: "G", rgb: [0, 100, 0], caption: "0.39" },
    ]);
    wellFormed(svg);
    expect(svg.match(/class="swatch"/g)).toHaveLength(2);
    expect(svg).toContain('fill="rgb(200, 0, 0)"');
    expect(svg).toContain(">0.39<");
  });
});

describe("text helpers", () => {
  it("escapes markup and formats ticks short", () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
    );
    expect(formatTick(63.75)).toBe("63.8");
    expect(formatTick(0)).toBe("0");
    expect(formatTick(1.5e-7)).toBe("1.5e-7");
    expect(formatTick(2e6)).toBe("2.0e6");
  });
});
