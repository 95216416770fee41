/**
 * Makes a new API key for a consumer and prints the key (give it to the consumer) and the
 * AUTH_API_KEYS entry (give it to the gateway: it holds only the key's SHA-256):
 *
 *   npm run -s api-key -- --consumer acme --profile pro
 *   npm run -s api-key -- --consumer acme --profile pro --key <existing key>   # hash a key you have
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { hashApiKey } from '../src/auth/api-keys.js';
import { apiKeysSetting } from '../src/config/auth.js';

const { values } = parseArgs({
  options: { consumer: { type: 'string' }, profile: { type: 'string' }, key: { type: 'string' } },
  strict: true,
});

if (!values.consumer || !values.profile) {
  process.stderr.write('usage: npm run -s api-key -- --consumer <id> --profile <name> [--key <existing key>]\n');
  process.exit(2);
}
const key = values.key ?? `mg_${randomBytes(24).toString('base64url')}`;
const entry = `${hashApiKey(key)}:${values.consumer}:${values.profile}`;
// The same parser the gateway uses, so a bad consumer id or profile name fails here, not at start-up.
const parsed = apiKeysSetting.safeParse(entry);
if (!parsed.success) {
  process.stderr.write(`api-key: ${parsed.error.issues[0]?.message ?? 'invalid entry'}\n`);
  process.exit(2);
}
process.stdout.write(`key (for the consumer):        ${key}\nAUTH_API_KEYS entry (gateway): ${entry}\n`);
