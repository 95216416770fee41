import { createHash } from 'node:crypto';

/** The AUTH_API_KEYS entry of a key: the gateway holds only its SHA-256. */
export function apiKeyEntry(key: string, consumer: string, profile: string): string {
  return `${createHash('sha256').update(key, 'utf8').digest('hex')}:${consumer}:${profile}`;
}
