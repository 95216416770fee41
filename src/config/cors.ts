/**
 * CORS_ORIGINS: which browser origins may call the gateway (enforced by src/server/cors.ts, which
 * reads the same syntax). An entry is `*`, an exact origin, or an origin with `*` for the leftmost
 * host label or for the port.
 */
const ORIGIN_ENTRY = /^(https?):\/\/(\*\.)?([a-z0-9.-]+|\[[0-9a-f:]+\])(?::(\d{1,5}|\*))?$/;

/** What is wrong with one entry, or undefined when it is one. */
export function originEntryProblem(entry: string): string | undefined {
  if (entry === '*' || ORIGIN_ENTRY.test(entry.toLowerCase())) return undefined;
  return `"${entry}" is not an origin like https://app.example.com, https://*.example.com or http://localhost:*`;
}

/** Allowed when CORS_ORIGINS is not set outside production: local dev servers (any port) and Apollo Studio's Sandbox. */
export const DEVELOPMENT_ORIGINS: readonly string[] = ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*', 'https://studio.apollographql.com'];

/**
 * PUBLIC_ORIGIN: the gateway's own origin as browsers reach it, `https://api.example.com` (scheme,
 * host and port if not the default; no path). Normalised as browsers send Origin (lower-case
 * host, default port dropped). What is wrong with it, or undefined when it is one.
 */
export function publicOriginProblem(text: string): string | undefined {
  const expected = `"${text}" is not an origin like https://api.example.com (scheme, host and port only)`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return expected;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return expected;
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/' || /[/?#]$/.test(text)) return expected;
  return undefined;
}

/** PUBLIC_ORIGIN as browsers write it in Origin. */
export function publicOrigin(text: string): string {
  return new URL(text).origin;
}
