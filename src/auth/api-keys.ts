import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKeySetting } from '../config/auth.js';

/** Longest API key looked at; anything longer is no key of ours. */
const MAX_KEY_LENGTH = 512;

/** The SHA-256 of an API key, as AUTH_API_KEYS lists it (hex). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * API keys known only by their SHA-256: a leaked config holds no usable key. Every configured hash
 * is compared, in constant time, whatever matches, so response timing says nothing about which
 * bytes of a guess were right.
 */
export class ApiKeys {
  constructor(private readonly keys: readonly ApiKeySetting[]) {}

  find(key: string): ApiKeySetting | undefined {
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) return undefined;
    const digest = createHash('sha256').update(key, 'utf8').digest();
    let found: ApiKeySetting | undefined;
    for (const candidate of this.keys) {
      if (timingSafeEqual(candidate.sha256, digest)) found ??= candidate;
    }
    return found;
  }
}
