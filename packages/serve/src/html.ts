/** Small helpers for the server-rendered pages: escaping and the page frame. */

/** Text safe inside HTML elements and attribute values. */
export function esc(value: unknown): string {
  return String(value)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d232b;background:#f6f7f9}
header{background:#1d232b;color:#fff;padding:.6em 1.2em;display:flex;gap:1.5em;align-items:center}
header a{color:#cfe3ff;text-decoration:none}main{padding:1em 1.2em;max-width:1100px}
table{border-collapse:collapse;width:100%;background:#fff}td,th{padding:.35em .6em;border-bottom:1px solid #e3e6ea;text-align:left;vertical-align:top}
.state{font-weight:600}.succeeded{color:#13795b}.failed{color:#b42318}.cancelled{color:#8a6d00}
progress{width:12em}code,pre{font:12px ui-monospace,monospace;background:#eef1f5;padding:.1em .3em}
pre{padding:.6em;overflow:auto;max-height:30em}textarea{width:100%;font:12px ui-monospace,monospace}
button{padding:.35em .9em}.err{color:#b42318}`;

/** A whole page with the console's header. */
export function page(title: string, body: string, script = ""): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)} · featurewise</title><style>${STYLE}</style></head>
<body><header><strong>featurewise</strong><a href="/">runs</a><a href="/docs">API</a></header>
<main>${body}</main>${script === "" ? "" : `<script>${script}</script>`}</body></html>`;
}
