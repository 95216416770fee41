import type { ProfileSettings } from '../config/auth.js';
import type { Consumer, Right } from '../domain/index.js';
import { unauthenticated } from './errors.js';

/**
 * Rights profiles by name, resolved once: a consumer of a profile shares its frozen rights set
 * unless the token adds rights of its own.
 */
export class Profiles {
  private readonly rights = new Map<string, ReadonlySet<Right>>();

  constructor(settings: ProfileSettings) {
    for (const [name, profile] of Object.entries(settings)) this.rights.set(name, new Set(profile.rights));
  }

  has(name: string): boolean {
    return this.rights.has(name);
  }

  /**
   * The consumer `id` of `profile`, with `extra` rights on top of the profile's. An unknown
   * profile is refused (see README: a token naming a profile this gateway does not know is not a
   * token for this gateway).
   */
  consumer(id: string, profile: string, extra: readonly Right[] = []): Consumer {
    const base = this.rights.get(profile);
    if (!base) throw unauthenticated('unknown_profile', `The credentials name the rights profile ${quoted(profile)}, which this gateway does not know.`);
    const rights = extra.some((right) => !base.has(right)) ? new Set([...base, ...extra]) : base;
    return Object.freeze({ id, profile, rights, anonymous: false });
  }

  /** The caller without credentials: `anonymous`, with the `public` profile's rights. */
  anonymous(publicProfile: string): Consumer {
    return Object.freeze({ id: 'anonymous', profile: publicProfile, rights: this.rights.get(publicProfile) ?? new Set<Right>(), anonymous: true });
  }
}

/** A value from a token, quoted for a message: JSON-escaped and cut short. */
export function quoted(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
}
