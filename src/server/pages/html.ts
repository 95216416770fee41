import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/** Text as HTML element content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** A CSP source allowing exactly this inline `<script>` or `<style>` text, so no nonce is needed and pages stay static. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * Answers a page of the gateway's own. The policy allows nothing from another host: the pages
 * must work offline, and they are no place for anyone else's scripts.
 */
export function sendHtml(response: ServerResponse, html: string, contentSecurityPolicy: string): void {
  response.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    // The console may show the schema to one caller and not another (INTROSPECTION_PROFILES).
    'cache-control': 'no-store',
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  response.end(html);
}

/** The directives every page shares: no other origin, no framing, no forms, no <base>. */
export const BASE_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; img-src data:";

/** The gateway's styles, shared by its pages (one hash for the policy). */
export const PAGE_STYLE = `
:root { color-scheme: light dark; --muted: #6b7280; --line: #d1d5db; --accent: #2563eb; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.5rem; margin: 0.5rem 0; } h2 { font-size: 1.1rem; margin: 1.5rem 0 0.5rem; }
code, pre, textarea, input, select { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: rgba(127, 127, 127, 0.1); border: 1px solid var(--line); border-radius: 6px; padding: 0.75rem; overflow: auto; }
a { color: var(--accent); }
.muted { color: var(--muted); }
.note { border-left: 4px solid #f59e0b; background: rgba(245, 158, 11, 0.1); padding: 0.5rem 0.75rem; }
.grid { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1rem; }
@media (max-width: 50rem) { .grid { grid-template-columns: minmax(0, 1fr); } }
label { display: block; font-weight: 600; margin: 0.5rem 0 0.25rem; }
textarea, input, select { box-sizing: border-box; width: 100%; border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem; background: transparent; color: inherit; }
textarea#query { height: 18rem; } textarea#variables { height: 5rem; }
.row { display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; margin-top: 0.5rem; }
.row select { width: auto; } .row input { flex: 1; width: auto; min-width: 12rem; }
button { font: inherit; border: 1px solid var(--line); border-radius: 6px; padding: 0.35rem 0.9rem; background: transparent; color: inherit; cursor: pointer; }
button.primary { background: var(--accent); border-color: var(--accent); color: white; font-weight: 600; }
#result { min-height: 18rem; max-height: 40rem; margin: 0; }
#schema-sdl { max-height: 40rem; }
`;

/** The start of each page of ours, through `</head>`: PAGE_STYLE inline, which the pages' CSP allows by hash. */
export function pageHead(title: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}</style>
</head>`;
}
