/**
 * A key as operators may see it: its last 4 characters at most. The same rule as
 * src/providers/redact.ts, copied because resilience may not import providers.
 */
export function maskKey(key: string): string {
  return key.length <= 4 ? '****' : `…${key.slice(-4)}`;
}
