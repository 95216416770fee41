import type { Redis } from 'ioredis';

/**
 * Whether a Redis client can take commands now, without ever making a caller wait long for it.
 * A client made with `lazyConnect` connects on the first ask, and that first ask waits for it a
 * little (so a fresh instance shares its budget from the first call); later asks never wait, so a
 * Redis that is down costs each call nothing but the switch to memory.
 */
export class RedisReadiness {
  private firstWait: Promise<boolean> | undefined;

  constructor(
    private readonly client: Redis,
    private readonly waitMs: number,
  ) {}

  ready(): Promise<boolean> | boolean {
    if (this.client.status === 'ready') return true;
    if (this.firstWait === undefined && ['wait', 'connecting', 'connect'].includes(this.client.status)) {
      this.firstWait = this.waitForReady();
    }
    // Pending: join the first wait. Settled: it already said how the start went; answer now.
    return this.firstWait?.then(() => this.client.status === 'ready') ?? false;
  }

  private waitForReady(): Promise<boolean> {
    if (this.client.status === 'wait') {
      // A failed connect is reported by the client's 'error' events and retried by its own strategy.
      this.client.connect().catch(() => undefined);
    }
    return new Promise<boolean>((resolve) => {
      const done = (ready: boolean): void => {
        clearTimeout(timer);
        this.client.off('ready', onReady);
        this.client.off('error', onFailure);
        this.client.off('end', onFailure);
        resolve(ready);
      };
      const onReady = (): void => done(true);
      // A refused connection says enough: no point waiting out the timer.
      const onFailure = (): void => done(false);
      const timer = setTimeout(() => done(false), this.waitMs);
      timer.unref();
      this.client.once('ready', onReady);
      this.client.once('error', onFailure);
      this.client.once('end', onFailure);
    });
  }
}
