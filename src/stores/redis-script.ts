import { createHash } from 'node:crypto';
import type { RedisClientType } from '@redis/client';

/**
 * A Lua script run by its SHA1 (EVALSHA), loaded with EVAL the first time a server does not
 * know it (NOSCRIPT: a restart, a failover, SCRIPT FLUSH). Redis then runs it atomically, which
 * is why the flight, the quota windows and the dead-letter list use scripts rather than several
 * round trips. node-redis defines scripts only when the client is created; the parts share one
 * client, so each carries its own scripts this way instead.
 */
export class RedisScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: RedisClientType, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    const options = { keys: [...keys], arguments: args.map(String) };
    try {
      return await client.evalSha(this.sha, options);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(this.source, options);
    }
  }
}
