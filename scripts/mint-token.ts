/**
 * Mints a development JWT for the gateway, signed HS256 with AUTH_JWT_SECRET:
 *
 *   AUTH_JWT_SECRET=… npm run -s token -- --profile pro --sub alice [--rights HISTORY,ECONOMICS]
 *                                         [--ttl 3600] [--iss …] [--aud …]
 *
 * Prints the token alone on stdout, so `TOKEN=$(npm run -s token -- …)` works. Production tokens
 * come from your identity provider (AUTH_JWKS); this is for local use and tests.
 */
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { JWT_SECRET_MIN_LENGTH } from '../src/config/auth.js';
import { Right } from '../src/domain/index.js';

const USAGE = 'usage: npm run -s token -- --profile <name> --sub <consumer id> [--rights R1,R2] [--ttl seconds] [--iss issuer] [--aud audience]';

function fail(message: string): never {
  process.stderr.write(`mint-token: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function options(): ReturnType<typeof parseOptions> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  try {
    return parseOptions();
  } catch (error) {
    // parseArgs throws on an unknown or valueless option; its message names it.
    return fail(error instanceof Error ? error.message : String(error));
  }
}

function parseOptions() {
  return parseArgs({
    options: {
      profile: { type: 'string' },
      sub: { type: 'string' },
      rights: { type: 'string' },
      ttl: { type: 'string', default: '3600' },
      iss: { type: 'string' },
      aud: { type: 'string' },
    },
    strict: true,
  });
}

const { values } = options();

const secret = process.env['AUTH_JWT_SECRET'];
if (!secret || secret.length < JWT_SECRET_MIN_LENGTH) fail(`set AUTH_JWT_SECRET (at least ${JWT_SECRET_MIN_LENGTH} characters), the same the gateway runs with`);
if (!values.profile) fail('--profile is required (public, basic, pro, enterprise, admin, or one of AUTH_PROFILES)');
if (!values.sub) fail('--sub is required: the consumer id audit and throttling will see');
const ttl = Number(values.ttl);
if (!Number.isInteger(ttl) || ttl < 1) fail('--ttl must be a whole number of seconds ≥ 1');
const rights = values.rights === undefined ? undefined : values.rights.split(',').map((item) => item.trim()).filter(Boolean);
const unknown = rights?.find((right) => !Right.safeParse(right).success);
if (unknown !== undefined) fail(`"${unknown}" is not a right (${Right.options.join(', ')})`);

let jwt = new SignJWT({ rights_profile: values.profile, ...(rights ? { rights } : {}) })
  .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
  .setSubject(values.sub)
  .setIssuedAt()
  .setExpirationTime(`${ttl}s`);
if (values.iss) jwt = jwt.setIssuer(values.iss);
if (values.aud) jwt = jwt.setAudience(values.aud);
process.stdout.write(`${await jwt.sign(new TextEncoder().encode(secret))}\n`);
