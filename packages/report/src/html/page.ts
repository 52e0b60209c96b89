/**
 * The report's HTML: one self-contained document (CSS inline, pictures as
 * data: URIs or inline SVG, no script). Its Content-Security-Policy allows
 * nothing from the network, so a browser opening it fetches nothing.
 */
import { escapeXml } from "../charts/svg.js";

const CSS = `
body { font-family: sans-serif; margin: 24px; color: #222; max-width: 1100px; }
h1 { font-size: 22px; } h2 { font-size: 17px; border-bottom: 1px solid #ccc; padding-bottom: 4px; margin-top: 28px; }
table { border-collapse: collapse; font-size: 13px; }
td, th { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: middle; }
th { background: #f4f4f4; }
figure { display: inline-block; margin: 8px 16px 8px 0; vertical-align: top; }
figcaption { font-size: 12px; color: #555; max-width: 560px; }
img.pixels { image-rendering: pixelated; border: 1px solid #ccc; }
.note { color: #8a5a00; font-size: 13px; }
code { font-size: 12px; }
`;

/** The report's sections in one document. */
export function htmlPage(title: string, sections: readonly string[]): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>${escapeXml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
${sections.join("\n")}
</body>
</html>
`;
}

/** A titled section; `body` is HTML. */
export function section(title: string, body: string, id?: string): string {
  const idAttr = id === undefined ? "" : ` id="${escapeXml(id)}"`;
  return `<section${idAttr}><h2>${escapeXml(title)}</h2>\n${body}\n</section>`;
}

/** A two-column table of names and values (the values escaped). */
export function factsTable(rows: readonly (readonly [string, string])[]): string {
  const body = rows
    .map(([k, v]) => `<tr><th>${escapeXml(k)}</th><td>${escapeXml(v)}</td></tr>`)
    .join("");
  return `<table class="facts">${body}</table>`;
}

/** A table with a header row; cells are HTML (escape text with {@link escapeXml}). */
export function htmlTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = `<tr>${header.map((h) => `<th>${escapeXml(h)}</th>`).join("")}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("");
  return `<table>${head}${body}</table>`;
}

/** A figure: a picture or chart (HTML or inline SVG) and its caption. */
export function figure(content: string, caption: string): string {
  return `<figure>${content}<figcaption>${escapeXml(caption)}</figcaption></figure>`;
}

/**
 * An `<img>` of a data: URI of a `width`×`height` picture, shown enlarged by
 * a whole factor (without smoothing) to at least `minWidth` pixels wide.
 */
export function pixelImage(
  dataUri: string,
  alt: string,
  width: number,
  height: number,
  minWidth = 128,
): string {
  const k = Math.max(1, Math.ceil(minWidth / width));
  return `<img class="pixels" src="${dataUri}" alt="${escapeXml(alt)}" width="${width * k}" height="${height * k}">`;
}

/** A warning line in the report (something that could not be shown, and why). */
export function note(text: string): string {
  return `<p class="note">${escapeXml(text)}</p>`;
}

/** The skipped inputs with their reasons, at most `max` rows and a count of the rest. */
export function skippedTable(
  items: readonly { key: string; reason: string }[],
  count: number,
  max = 100,
): string {
  if (count === 0) return "<p>No input was skipped.</p>";
  const rows = items.slice(0, max).map((s) => [escapeXml(s.key), escapeXml(s.reason)]);
  const more = count - rows.length;
  return (
    htmlTable(["key", "reason"], rows) +
    (more > 0 ? `<p>… and ${more} more (the full list is in the run's JSON).</p>` : "")
  );
}
