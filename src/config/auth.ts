import { z } from 'zod';
import { boolean, integer, keyList } from './fields.js';
import { ALL_RIGHTS, PUBLIC_RIGHTS, Right } from '../domain/index.js';

/**
 * The AUTH_* settings: who may call the gateway and what each rights profile grants.
 */

/**
 * What one rights profile grants. An object, not a bare list, so per-profile limits (throttling,
 * quotas) can sit beside the rights: add their fields here and to the parsing in `profilesSetting`.
 */
export interface ProfileSetting {
  readonly rights: readonly Right[];
}

export type ProfileSettings = Readonly<Record<string, ProfileSetting>>;

const BASIC_RIGHTS: readonly Right[] = [...PUBLIC_RIGHTS, 'HISTORY', 'PROVIDER_STATUS'];
const PRO_RIGHTS: readonly Right[] = [...BASIC_RIGHTS, 'QUOTES_REALTIME', 'FUNDAMENTALS', 'ECONOMICS', 'STREAMING'];

/** The built-in profiles; AUTH_PROFILES replaces the rights of any of them and adds new ones. */
export const DEFAULT_PROFILES: ProfileSettings = {
  public: { rights: PUBLIC_RIGHTS },
  basic: { rights: BASIC_RIGHTS },
  pro: { rights: PRO_RIGHTS },
  // Pro's rights and cross-source consensus (a call to every provider per request); its limits differ too.
  enterprise: { rights: [...PRO_RIGHTS, 'QUOTES_CONSENSUS'] },
  admin: { rights: ALL_RIGHTS },
};

/** The profile of callers without credentials. */
export const PUBLIC_PROFILE = 'public';

const PROFILE_NAME = /^[a-z][a-z0-9_-]{0,63}$/;
/** Consumer ids end up in logs, audit entries and metric labels: keep them plain. */
const CONSUMER_ID = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;

/** `{"basic":["QUOTES_DELAYED","HISTORY"],"partner":{"rights":["QUOTES_REALTIME"]}}` */
export const profilesSetting = z.string().transform((text, context): ProfileSettings => {
  const fail = (message: string): never => {
    context.addIssue({ code: 'custom', message });
    return z.NEVER as never;
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail('expected JSON like {"basic":["QUOTES_DELAYED","HISTORY"]}');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('expected a JSON object of profile name → list of rights');
  const profiles: Record<string, ProfileSetting> = { ...DEFAULT_PROFILES };
  for (const [name, value] of Object.entries(json)) {
    if (!PROFILE_NAME.test(name)) return fail(`profile "${name}": names are lower-case letters, digits, "_" or "-"`);
    // A profile is its list of rights, or an object with `rights` (room for per-profile settings).
    const rights: unknown = Array.isArray(value) ? value : typeof value === 'object' && value !== null && Object.keys(value).join() === 'rights' ? (value as { rights: unknown }).rights : undefined;
    if (!Array.isArray(rights)) return fail(`profile "${name}": expected a list of rights or {"rights":[…]}`);
    const unknown = rights.find((right) => !Right.safeParse(right).success);
    if (unknown !== undefined) return fail(`profile "${name}": ${JSON.stringify(unknown)} is not a right (rights: ${ALL_RIGHTS.join(', ')})`);
    profiles[name] = { rights: [...new Set(rights as Right[])] };
  }
  return profiles;
});

/** One configured API key: only its SHA-256 is known to the gateway. */
export interface ApiKeySetting {
  /** SHA-256 of the key, 32 bytes. */
  readonly sha256: Buffer;
  readonly consumerId: string;
  readonly profile: string;
}

export const API_KEYS_FORMAT =
  'expected comma-separated entries "<sha256 hex of the key>:<consumer id>:<profile>" (consumer id: letters, digits, ".", "_", "@", "-")';

/** `AUTH_API_KEYS=9f86d0…:acme:pro,2c26b4…:ops:admin` */
export const apiKeysSetting = z.string().transform((text, context): readonly ApiKeySetting[] => {
  const keys: ApiKeySetting[] = [];
  for (const [index, entry] of text.split(',').map((item) => item.trim()).filter(Boolean).entries()) {
    const [hash, consumerId, profile, ...rest] = entry.split(':');
    const problem =
      rest.length > 0 || hash === undefined || consumerId === undefined || profile === undefined
        ? 'not three fields'
        : !/^[0-9a-f]{64}$/i.test(hash)
          ? 'the hash is not 64 hex digits'
          : !CONSUMER_ID.test(consumerId)
            ? 'the consumer id has characters other than letters, digits, ".", "_", "@", "-"'
            : !PROFILE_NAME.test(profile)
              ? 'the profile is not a profile name'
              : undefined;
    // Entry numbers, not contents: even hashes are kept out of error lines.
    if (problem) {
      context.addIssue({ code: 'custom', message: `entry ${index + 1}: ${problem}; ${API_KEYS_FORMAT}` });
      return z.NEVER;
    }
    keys.push({ sha256: Buffer.from(hash!, 'hex'), consumerId: consumerId!, profile: profile! });
  }
  const hashes = new Set(keys.map((key) => key.sha256.toString('hex')));
  if (hashes.size !== keys.length) {
    context.addIssue({ code: 'custom', message: 'the same key hash is listed twice' });
    return z.NEVER;
  }
  return keys;
});

/**
 * Where RS256/ES256 verification keys come from: an https URL (a loopback http URL is accepted
 * too, for local identity providers and tests), or a JWKS file.
 */
export type JwksSource = { readonly kind: 'url'; readonly url: string } | { readonly kind: 'file'; readonly path: string };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export const jwksSetting = z.string().transform((text, context): JwksSource => {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return { kind: 'file', path: text };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    context.addIssue({ code: 'custom', message: 'not a valid URL' });
    return z.NEVER;
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) return { kind: 'url', url: url.href };
  context.addIssue({ code: 'custom', message: 'expected an https URL (http only on localhost/127.0.0.1/[::1]) or a file path' });
  return z.NEVER;
});

export const JWT_SECRET_MIN_LENGTH = 32;

export interface AuthSettings {
  readonly jwt: {
    /** HS256 shared secret (UTF-8). */
    readonly secret: string | undefined;
    readonly jwks: JwksSource | undefined;
    /** Accepted `iss` values; unchecked when empty. */
    readonly issuers: readonly string[];
    /** Accepted `aud` values (a token must name one); unchecked when empty. */
    readonly audiences: readonly string[];
    readonly clockToleranceS: number;
  };
  readonly apiKeys: readonly ApiKeySetting[];
  /** Without credentials a caller gets 401 instead of the public profile. */
  readonly required: boolean;
  /** Every profile by name; always has `public`. */
  readonly profiles: ProfileSettings;
  /** The profile of callers without credentials (see `anonymousProfile`). */
  readonly anonymousProfile: string;
  /** No credentials are configured and AUTH_ANONYMOUS_PROFILE is unset outside production: anonymous callers get `admin`. */
  readonly openDevelopment: boolean;
}

/** The profile anonymous callers get in open development mode: every right, so `npm start` lets a developer try everything. */
export const OPEN_DEVELOPMENT_PROFILE = 'admin';

/**
 * The profile of callers without credentials: AUTH_ANONYMOUS_PROFILE when set; otherwise `public`,
 * except outside production with no credentials configured at all (no AUTH_JWT_SECRET, AUTH_JWKS
 * or AUTH_API_KEYS): then the gateway runs in open development mode and anonymous callers get
 * `admin`, logged as a warning at start-up. A gateway that can tell consumers apart, or runs with
 * NODE_ENV=production, never hands out more than `public` unless told to.
 */
export function anonymousProfile(options: {
  readonly setting: string | undefined;
  readonly production: boolean;
  readonly credentialsConfigured: boolean;
}): { readonly profile: string; readonly openDevelopment: boolean } {
  if (options.setting !== undefined) return { profile: options.setting, openDevelopment: false };
  if (!options.production && !options.credentialsConfigured) return { profile: OPEN_DEVELOPMENT_PROFILE, openDevelopment: true };
  return { profile: PUBLIC_PROFILE, openDevelopment: false };
}

/** AUTH_ANONYMOUS_PROFILE: a profile name. */
export const anonymousProfileSetting = z.string().regex(PROFILE_NAME, 'expected a profile name (lower-case letters, digits, "_" or "-")');

/** Why these auth settings cannot work together (one ConfigError line), or undefined. */
export function authSettingsProblem(auth: AuthSettings): string | undefined {
  if (auth.profiles[auth.anonymousProfile] === undefined) {
    return `Invalid AUTH_ANONYMOUS_PROFILE: "${auth.anonymousProfile}" is not one of ${Object.keys(auth.profiles).join(', ')} (AUTH_PROFILES adds profiles)`;
  }
  const unknown = auth.apiKeys.find((key) => auth.profiles[key.profile] === undefined);
  if (unknown) {
    return `Invalid AUTH_API_KEYS: consumer "${unknown.consumerId}" has profile "${unknown.profile}", which is not one of ${Object.keys(auth.profiles).join(', ')} (AUTH_PROFILES adds profiles)`;
  }
  if (auth.required && auth.jwt.secret === undefined && auth.jwt.jwks === undefined && auth.apiKeys.length === 0) {
    return 'Invalid AUTH_REQUIRED: with no AUTH_JWT_SECRET, AUTH_JWKS or AUTH_API_KEYS no caller could authenticate';
  }
  return undefined;
}

const authEnvSchema = z.object({
  /** HS256 secret that consumer JWTs are signed with (at least 32 characters); never logged. */
  AUTH_JWT_SECRET: z.string().min(JWT_SECRET_MIN_LENGTH, `use at least ${JWT_SECRET_MIN_LENGTH} characters`).optional(),
  /** RS256/ES256 verification keys: a JWKS https URL (fetched and cached) or a JWKS file path. */
  AUTH_JWKS: jwksSetting.optional(),
  /** Accepted JWT issuers (`iss`), comma-separated; unchecked when unset. */
  AUTH_ISSUER: keyList.optional(),
  /** Accepted JWT audiences (`aud`), comma-separated; unchecked when unset. */
  AUTH_AUDIENCE: keyList.optional(),
  /** Seconds of clock skew allowed when checking `exp` and `nbf`. */
  AUTH_CLOCK_TOLERANCE_S: integer(0, 300).default(5),
  /** API keys, stored hashed: `<sha256 hex>:<consumer id>:<profile>`, comma-separated. */
  AUTH_API_KEYS: apiKeysSetting.optional(),
  /** Refuse callers without credentials (401) instead of serving them the `public` profile. */
  AUTH_REQUIRED: boolean.default(false),
  /** Rights of profiles, as JSON `{"basic":["QUOTES_DELAYED","HISTORY"]}`: replaces built-in ones, adds new ones. */
  AUTH_PROFILES: profilesSetting.optional(),
  /**
   * Profile of callers without credentials. Default `public`; but outside production with no
   * AUTH_JWT_SECRET, AUTH_JWKS or AUTH_API_KEYS the gateway runs in open development mode and
   * anonymous callers get `admin` (every right), with a warning at start-up.
   */
  AUTH_ANONYMOUS_PROFILE: anonymousProfileSetting.optional(),
});

export const authEnv = authEnvSchema.shape;

export function authSettings(env: z.infer<typeof authEnvSchema>, production: boolean): AuthSettings {
  const { profile, openDevelopment } = anonymousProfile({
    setting: env.AUTH_ANONYMOUS_PROFILE,
    production,
    credentialsConfigured: env.AUTH_JWT_SECRET !== undefined || env.AUTH_JWKS !== undefined || (env.AUTH_API_KEYS ?? []).length > 0,
  });
  return {
    jwt: {
      secret: env.AUTH_JWT_SECRET,
      jwks: env.AUTH_JWKS,
      issuers: env.AUTH_ISSUER ?? [],
      audiences: env.AUTH_AUDIENCE ?? [],
      clockToleranceS: env.AUTH_CLOCK_TOLERANCE_S,
    },
    apiKeys: env.AUTH_API_KEYS ?? [],
    required: env.AUTH_REQUIRED,
    profiles: env.AUTH_PROFILES ?? DEFAULT_PROFILES,
    anonymousProfile: profile,
    openDevelopment,
  };
}
