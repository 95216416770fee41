import { describe, expect, it } from 'vitest';
import type { RedisLink } from '../../src/stores/redis-link.js';
import { createClusterSource, type ClusterSource } from '../../src/streaming/cluster/cluster-source.js';
import { flavourOf, redisVersionOf } from '../../src/streaming/cluster/pubsub-flavour.js';
import { ownRedis, sparePort } from '../cache/redis-server.js';
import { CountingUpstream, Watcher } from './cluster-fixtures.js';
import { SHARED_REDIS_URL, openLink, uniquePrefix, useSharedRedis, type Closable } from '../support/shared-redis.js';

/**
 * The fan-out across instances on a real Redis: each simulated instance has its own node-redis
 * link and its own counting upstream, as separate gateways would.
 */

const LEASE_MS = 400;
const RETRY_MS = Math.floor(LEASE_MS / 3);
const SYMBOLS = Array.from({ length: 20 }, (_, index) => `SYM${index}`);

let prefix = uniquePrefix('cluster-source');
const opened: Closable[] = [];
const admin = useSharedRedis(() => prefix, opened);

interface Instance {
  readonly name: string;
  readonly link: RedisLink;
  readonly upstream: CountingUpstream;
  readonly source: ClusterSource;
  /** performance.now() of each became-owner event, per symbol (the last one). */
  readonly ownedAt: Map<string, number>;
  readonly log: { warn: number; info: number };
  /** A crash: the link goes first, so nothing (no release) reaches Redis; then its timers and feeds stop. */
  kill(): Promise<void>;
}

function instance(name: string, url = SHARED_REDIS_URL, upstreamLagMs = 0): Instance {
  const link = openLink(url);
  const upstream = new CountingUpstream(upstreamLagMs);
  const log = { warn: 0, info: 0 };
  const source = createClusterSource({
    link,
    local: upstream,
    prefix,
    leaseMs: LEASE_MS,
    instanceId: name,
    log: { warn: () => (log.warn += 1), info: () => (log.info += 1) },
  });
  const ownedAt = new Map<string, number>();
  source.events.onBecameOwner(({ symbol }) => ownedAt.set(symbol, performance.now()));
  opened.push({
    close: async () => {
      await source.close();
      link.close();
    },
  });
  return {
    name,
    link,
    upstream,
    source,
    ownedAt,
    log,
    kill: async () => {
      link.close();
      await source.close();
    },
  };
}

const POLL = { timeout: 10_000, interval: 50 };
const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);
const everyoneGets = (watchers: Watcher[], symbols: readonly string[], atLeast: Map<Watcher, Map<string, number>> = new Map()): boolean =>
  watchers.every((watcher) => symbols.every((symbol) => watcher.count(symbol) > (atLeast.get(watcher)?.get(symbol) ?? 2)));
const counts = (watchers: Watcher[]): Map<Watcher, Map<string, number>> => new Map(watchers.map((watcher) => [watcher, new Map(SYMBOLS.map((symbol) => [symbol, watcher.count(symbol)]))]));

describe('cluster tick source on Redis', () => {
  it('three instances on the same 20 symbols: one upstream per symbol, every watcher gets every tick', async () => {
    prefix = uniquePrefix('cluster-source');
    const instances = ['a', 'b', 'c'].map((name) => instance(name));
    const chosen: string[] = [];
    for (const each of instances) each.source.events.onPubSubChosen(({ flavour }) => chosen.push(flavour));
    const watchers = instances.flatMap((each) => [new Watcher(each.source, SYMBOLS), new Watcher(each.source, SYMBOLS.slice(0, 5))]);

    await expect.poll(() => everyoneGets(watchers.filter((_, index) => index % 2 === 0), SYMBOLS) && everyoneGets(watchers.filter((_, index) => index % 2 === 1), SYMBOLS.slice(0, 5)), POLL).toBe(true);
    // Steady state: a few more rounds renew the leases and change nothing.
    const before = counts(watchers);
    await expect.poll(() => everyoneGets(watchers.filter((_, index) => index % 2 === 0), SYMBOLS, before), POLL).toBe(true);

    expect(sum(instances.map((each) => each.upstream.totalStarts))).toBe(SYMBOLS.length);
    expect(sum(instances.map((each) => each.upstream.totalRunning))).toBe(SYMBOLS.length);
    const owners = instances.flatMap((each) => each.source.ownedSymbols());
    expect(owners.sort()).toEqual([...SYMBOLS].sort());
    expect(instances.every((each) => each.source.mode === 'cluster')).toBe(true);
    const version = redisVersionOf(await admin.info('server'));
    expect(chosen).toEqual(instances.map(() => flavourOf(version)));

    // Every instance saw the same ticks, and exactly the ticks the owner's upstream emitted, over the window all of them covered.
    for (const symbol of SYMBOLS.slice(0, 3)) {
      const lists = watchers.filter((_, index) => index % 2 === 0).map((watcher) => watcher.received.get(symbol)!);
      const from = Math.max(...lists.map((list) => list[0]!));
      const to = Math.min(...lists.map((list) => list[list.length - 1]!));
      const window = (list: number[]): number[] => list.filter((at) => at >= from && at <= to);
      const emitted = instances.map((each) => each.upstream.emitted.get(symbol) ?? []).find((list) => list.length > 0)!;
      for (const list of lists) expect(window(list)).toEqual(window(emitted));
    }
    expect(watchers.every((watcher) => watcher.older === 0 && watcher.errors.length === 0)).toBe(true);
    // Every tick, relayed or the owner's own echo, says when the owner received it: the start of the hub's latency.
    const ages = watchers.flatMap((watcher) => watcher.receiptAges);
    expect(ages.filter((age) => !(age >= 0 && age < 5_000))).toEqual([]);
  });

  it('the owner dies: another instance takes over within lease + retry, and the survivors keep receiving', async () => {
    prefix = uniquePrefix('cluster-source');
    const instances = ['a', 'b', 'c'].map((name) => instance(name));
    const watchers = instances.map((each) => new Watcher(each.source, SYMBOLS));
    await expect.poll(() => everyoneGets(watchers, SYMBOLS), POLL).toBe(true);

    const victim = instances.reduce((most, each) => (each.source.ownedSymbols().length > most.source.ownedSymbols().length ? each : most));
    const orphaned = victim.source.ownedSymbols();
    expect(orphaned.length).toBeGreaterThan(0);
    const survivors = instances.filter((each) => each !== victim);
    const survivorWatchers = watchers.filter((_, index) => instances[index] !== victim);
    const killedAt = performance.now();
    await victim.kill();

    await expect.poll(() => survivors.flatMap((each) => each.source.ownedSymbols()).sort(), POLL).toEqual([...SYMBOLS].sort());
    const takeoverMs = Math.max(...orphaned.map((symbol) => Math.max(...survivors.map((each) => each.ownedAt.get(symbol) ?? 0)) - killedAt));
    console.info(`takeover of ${orphaned.length} symbols: ${Math.round(takeoverMs)} ms (lease ${LEASE_MS} ms, retry ${RETRY_MS} ms)`);
    // The bound plus a margin for a loaded test machine (rounds run on timers).
    expect(takeoverMs).toBeLessThanOrEqual(LEASE_MS + RETRY_MS + 300);

    const after = counts(survivorWatchers);
    await expect.poll(() => everyoneGets(survivorWatchers, SYMBOLS, after), POLL).toBe(true);
    expect(sum(survivors.map((each) => each.upstream.totalRunning))).toBe(SYMBOLS.length);
    expect(survivorWatchers.every((watcher) => watcher.older === 0 && watcher.errors.length === 0)).toBe(true);
  });

  it('the last watcher leaving releases the lease and stops the feed; another watching instance takes it', async () => {
    prefix = uniquePrefix('cluster-source');
    const [a, b] = [instance('a'), instance('b')];
    const ownerKey = `${prefix}:owner:AAPL`;
    const channel = `${prefix}:ticks:AAPL`;
    const first = new Watcher(a.source, ['AAPL']);
    await expect.poll(() => a.source.ownedSymbols(), POLL).toEqual(['AAPL']);
    const second = new Watcher(b.source, ['AAPL']);
    await expect.poll(() => second.count('AAPL'), POLL).toBeGreaterThan(2);
    const released: string[] = [];
    a.source.events.onOwnershipEnded(({ symbol, reason }) => released.push(`${symbol}:${reason}`));

    first.stop();
    expect(released).toEqual(['AAPL:released']);
    expect(a.upstream.totalRunning).toBe(0);
    await expect.poll(() => admin.get(ownerKey), POLL).toMatch(/^b:/);
    const seen = second.count('AAPL');
    await expect.poll(() => second.count('AAPL'), POLL).toBeGreaterThan(seen + 2);
    expect(b.upstream.totalRunning).toBe(1);

    second.stop();
    expect(b.upstream.totalRunning).toBe(0);
    await expect.poll(() => admin.get(ownerKey), POLL).toBeNull();
    await expect.poll(async () => Object.values(await admin.pubSubShardNumSub(channel)).concat(Object.values(await admin.pubSubNumSub(channel))), POLL).toEqual([0, 0]);
    expect(second.older + first.older).toBe(0);
  });

  it('a successor whose upstream is behind never shows a watcher an older tick', async () => {
    prefix = uniquePrefix('cluster-source');
    const a = instance('a');
    const watchA = new Watcher(a.source, ['AAPL']);
    await expect.poll(() => a.source.ownedSymbols(), POLL).toEqual(['AAPL']);
    // b's upstream stamps its ticks 5 s in the past: once b owns AAPL, its ticks are older than a's were.
    const b = instance('b', SHARED_REDIS_URL, 5_000);
    const watchB = new Watcher(b.source, ['AAPL']);
    await expect.poll(() => watchB.count('AAPL'), POLL).toBeGreaterThan(2);

    await a.kill();
    await expect.poll(() => b.source.ownedSymbols(), POLL).toEqual(['AAPL']);
    // Counted once b owns AAPL: a's last ticks may still have been on their way while it died.
    const seen = watchB.count('AAPL');
    const emitted = b.upstream.emitted.get('AAPL')?.length ?? 0;
    await expect.poll(() => b.upstream.emitted.get('AAPL')?.length ?? 0, POLL).toBeGreaterThan(emitted + 10);
    expect(watchB.older).toBe(0);
    expect(watchB.count('AAPL')).toBe(seen);
    expect(watchA.older).toBe(0);
  });

  it('closing leaves nothing behind: no feed, no lease, no channel listener', async () => {
    prefix = uniquePrefix('cluster-source');
    const a = instance('a');
    new Watcher(a.source, SYMBOLS.slice(0, 5));
    await expect.poll(() => a.source.ownedSymbols().length, POLL).toBe(5);
    await a.source.close();
    expect(a.upstream.totalRunning).toBe(0);
    expect(await admin.keys(`${prefix}:*`)).toEqual([]);
    const subscriber = a.link.subscriber();
    expect(subscriber.getPubSubListeners('SHARDED').size + subscriber.getPubSubListeners('CHANNELS').size).toBe(0);
  });

  it('no Redis at all (a closed port): watchers are fed from the local upstream, told once, no error', async () => {
    prefix = uniquePrefix('cluster-source');
    const a = instance('a', `redis://127.0.0.1:${await sparePort()}`);
    const fellBack: number[] = [];
    a.source.events.onFellBackToLocal(({ symbols }) => fellBack.push(symbols));
    const watcher = new Watcher(a.source, SYMBOLS.slice(0, 3));
    await expect.poll(() => everyoneGets([watcher], SYMBOLS.slice(0, 3)), POLL).toBe(true);
    expect(a.source.mode).toBe('local');
    expect(a.upstream.totalRunning).toBe(3);
    expect(fellBack).toEqual([3]);
    expect(a.log).toEqual({ warn: 1, info: 0 });
    expect(watcher.errors).toEqual([]);
  });

  it('Redis goes down and comes back: local feeds meanwhile, then one upstream per symbol again, never an older tick', async () => {
    const redis = await ownRedis();
    await redis.start();
    opened.push({ close: () => redis.stop() });
    prefix = uniquePrefix('cluster-source');
    const symbols = SYMBOLS.slice(0, 5);
    const [a, b] = [instance('a', redis.url), instance('b', redis.url)];
    const watchers = [new Watcher(a.source, symbols), new Watcher(b.source, symbols)];
    await expect.poll(() => everyoneGets(watchers, symbols), POLL).toBe(true);
    expect(a.upstream.totalRunning + b.upstream.totalRunning).toBe(symbols.length);

    await redis.stop();
    await expect.poll(() => [a.source.mode, b.source.mode], POLL).toEqual(['local', 'local']);
    expect(a.upstream.totalRunning + b.upstream.totalRunning).toBe(2 * symbols.length);
    const during = counts(watchers);
    await expect.poll(() => everyoneGets(watchers, symbols, during), POLL).toBe(true);

    await redis.start();
    await expect.poll(() => [a.source.mode, b.source.mode], { timeout: 15_000, interval: 50 }).toEqual(['cluster', 'cluster']);
    await expect.poll(() => a.upstream.totalRunning + b.upstream.totalRunning, POLL).toBe(symbols.length);
    const after = counts(watchers);
    await expect.poll(() => everyoneGets(watchers, symbols, after), POLL).toBe(true);

    expect([a.log, b.log]).toEqual([
      { warn: 1, info: 1 },
      { warn: 1, info: 1 },
    ]);
    expect(watchers.map((watcher) => [watcher.older, watcher.errors.length])).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });
});
