import { createHash } from 'node:crypto';

/** Obviously fake API keys, one per built-in profile, and the AUTH_API_KEYS entry that admits them. */
export const KEYS = {
  public: 'test-rights-key-public-0001',
  basic: 'test-rights-key-basic-0001',
  pro: 'test-rights-key-pro-0001',
  admin: 'test-rights-key-admin-0001',
} as const;

export const CONSUMERS = { public: 'pub-consumer', basic: 'basic-consumer', pro: 'pro-consumer', admin: 'ops' } as const;

export type Profile = keyof typeof KEYS;

export function apiKeysSetting(): string {
  return (Object.keys(KEYS) as Profile[])
    .map((profile) => `${createHash('sha256').update(KEYS[profile]).digest('hex')}:${CONSUMERS[profile]}:${profile}`)
    .join(',');
}

export function as(profile: Profile): Record<string, string> {
  return { 'x-api-key': KEYS[profile] };
}

/** The value of one Prometheus sample from /metrics text, 0 when absent. */
export function sample(metrics: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([^{\s]+)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const text = match[2] ?? '';
    if (Object.entries(labels).every(([key, value]) => text.includes(`${key}="${value}"`))) total += Number(match[3]);
  }
  return total;
}
