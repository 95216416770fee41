import type { RedisClientType } from '@redis/client';

/**
 * Whether a Redis connection can take commands now, without ever making a caller wait long for
 * it. While the link's first connect is under way, the first ask waits for it a little (so a
 * fresh instance shares its budgets from the first call); later asks never wait, so a Redis that
 * is down costs each call nothing but the switch to memory.
 */
export class RedisReadiness {
  private firstWait: Promise<boolean> | undefined;

  constructor(
    private readonly client: RedisClientType,
    private readonly waitMs: number,
  ) {}

  ready(): Promise<boolean> | boolean {
    if (this.client.isReady) return true;
    // isOpen without isReady: connecting (the first time, or again after an outage).
    if (this.firstWait === undefined && this.client.isOpen) this.firstWait = this.waitForReady();
    // Pending: join the first wait. Settled: it already said how the start went; answer now.
    return this.firstWait?.then(() => this.client.isReady) ?? false;
  }

  /** What a log line says of the connection when it is not ready. */
  get state(): string {
    return this.client.isReady ? 'ready' : this.client.isOpen ? 'connecting' : 'closed';
  }

  private waitForReady(): Promise<boolean> {
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
