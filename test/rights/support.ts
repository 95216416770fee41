import { apiKeyEntry } from '../support/api-keys.js';

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
    .map((profile) => apiKeyEntry(KEYS[profile], CONSUMERS[profile], profile))
    .join(',');
}

export function as(profile: Profile): Record<string, string> {
  return { 'x-api-key': KEYS[profile] };
}

export { sample } from '../support/metrics.js';
