import { ErrorReply } from '@redis/client';
import type { RedisCommands, RedisLink } from '../../stores/redis-link.js';
import type { PubSubFlavour } from './cluster-events.js';

export interface PubSubChoice {
  readonly flavour: PubSubFlavour;
  readonly redisVersion: string;
}

/**
 * Sharded pub/sub (SSUBSCRIBE/SPUBLISH, Redis ≥ 7) when the server has it. On Redis Cluster a
 * classic PUBLISH is broadcast over the cluster bus to every node, so with many symbols every node
 * carries every tick; a sharded channel lives on the shard that owns its slot, so a tick travels
 * only to that shard and the subscribers connected to it. On one server both cost the same, so
 * sharded is never worse. Older servers do not know the commands: classic there, and wherever
 * the server will not say its version.
 */
export function flavourOf(redisVersion: string): PubSubFlavour {
  const major = Number.parseInt(redisVersion.split('.')[0] ?? '', 10);
  return Number.isFinite(major) && major >= 7 ? 'sharded' : 'classic';
}

/** redis_version from INFO server's text (`redis_version:7.0.15`). */
export function redisVersionOf(info: string): string {
  return /^redis_version:(\S+)/m.exec(info)?.[1] ?? '0';
}

/**
 * Decided once per link: every part of an instance that publishes and subscribes on the link
 * must agree (an SPUBLISH reaches only SSUBSCRIBErs), and the server does not change version
 * under a live connection often enough to ask again. A failed ask is not remembered, so the next
 * use asks again once Redis is back.
 */
const choices = new WeakMap<RedisLink, Promise<PubSubChoice>>();

export function pubSubChoice(link: RedisLink, commands: RedisCommands): Promise<PubSubChoice> {
  let choice = choices.get(link);
  if (choice === undefined) {
    choice = commands.info('server').then(
      (info) => {
        const redisVersion = redisVersionOf(String(info));
        return { flavour: flavourOf(redisVersion), redisVersion };
      },
      (error: unknown) => {
        // The server answered but refused INFO (an ACL, a renamed command): classic works on every version.
        if (error instanceof ErrorReply) return { flavour: 'classic' as const, redisVersion: 'unknown' };
        throw error;
      },
    );
    choices.set(link, choice);
    choice.catch(() => {
      if (choices.get(link) === choice) choices.delete(link);
    });
  }
  return choice;
}
