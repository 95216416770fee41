import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ANONYMOUS_PUBLIC } from '../../src/domain/index.js';
import type { Admission, OperationThrottle } from '../../src/server/limits-plugin.js';
import { AnswerLane, PrepaidThrottle, type LaneOutcome } from '../../src/server/response-cache/answer-lane.js';

/**
 * The lane on its own, on a real node:http server of the test's, with a clock the test moves:
 * what it keeps, for how long, and how a refused budget is handed to the full path.
 */

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

const admitted = (remaining: number): Admission => ({ admitted: true, requests: { limit: 10, remaining, resetAfterMs: 30_000 } });
const refused: Admission = { admitted: false, budget: 'requests', limit: 10, retryAfterMs: 30_000 };

/** One request through `lane.answer`; what the client got, and what the lane said. */
async function ask(lane: AnswerLane, key: string): Promise<{ outcome: LaneOutcome; status: number; headers: Headers; text: string }> {
  let outcome: LaneOutcome | undefined;
  const server = createServer((_request, response: ServerResponse) => {
    void Promise.resolve(lane.answer(key, ANONYMOUS_PUBLIC, response, performance.now())).then((said) => {
      outcome = said;
      if (!said.answered) response.writeHead(204).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  const text = await response.text();
  if (!outcome) throw new Error('the lane said nothing');
  return { outcome, status: response.status, headers: response.headers, text };
}

function laneOn(clock: { ms: number }, throttle?: OperationThrottle, answered: string[] = []) {
  return new AnswerLane({ throttle, maxEntries: 10, maxBytes: 1_000, now: () => clock.ms, reportFor: (operation) => () => void answered.push(operation) });
}

const hitBy = (lane: AnswerLane, key: string, context: object, storedAt: number, expiresAt: number, body = '{"data":{"quote":null}}') => {
  lane.noteHit(context, { storedAt, expiresAt }, 'Q');
  lane.rememberHit(key, context, 200, 'application/json; charset=utf-8', body);
};

describe('the answer lane', () => {
  it('answers a remembered hit with its bytes and age until it stops being fresh, then lets it go', async () => {
    const clock = { ms: 1_000_000 };
    const answered: string[] = [];
    const lane = laneOn(clock, undefined, answered);
    hitBy(lane, 'k', {}, clock.ms - 5_000, clock.ms + 10_000);

    const hit = await ask(lane, 'k');
    expect(hit.outcome).toEqual({ answered: true });
    expect(hit.text).toBe('{"data":{"quote":null}}');
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(hit.headers.get('age')).toBe('5');
    // No throttle configured: no budget to tell.
    expect(hit.headers.get('ratelimit-remaining')).toBeNull();
    expect(answered).toEqual(['Q']);

    clock.ms += 10_000;
    expect((await ask(lane, 'k')).outcome).toEqual({ answered: false });
    expect(lane.size).toBe(0);
  });

  it('keeps only answers the response cache gave, with a 200', () => {
    const clock = { ms: 1_000 };
    const lane = laneOn(clock);
    const executed = {};
    lane.rememberHit('executed', executed, 200, 'application/json', '{}');
    const notOk = {};
    lane.noteHit(notOk, { storedAt: 0, expiresAt: 5_000 }, undefined);
    lane.rememberHit('not-ok', notOk, 500, 'application/json', '{}');
    const expired = {};
    lane.noteHit(expired, { storedAt: 0, expiresAt: 1_000 }, undefined);
    lane.rememberHit('expired', expired, 200, 'application/json', '{}');
    expect(lane.size).toBe(0);
  });

  it('holds no more bytes than its bound, dropping the least recently used', () => {
    const clock = { ms: 0 };
    const lane = laneOn(clock);
    for (let index = 0; index < 5; index++) hitBy(lane, `key-${index}`, {}, 0, 60_000, 'x'.repeat(300));
    expect(lane.size).toBe(3);
  });

  it('charges the budget once: a refusal goes to the full path prepaid, and is not charged again there', async () => {
    const clock = { ms: 0 };
    const admissions = [admitted(1), refused];
    let charged = 0;
    const throttle = new PrepaidThrottle({ admit: async () => (charged++, admissions.shift() ?? refused) });
    const lane = laneOn(clock, throttle);
    hitBy(lane, 'k', {}, 0, 60_000);

    const first = await ask(lane, 'k');
    expect(first.headers.get('ratelimit-remaining')).toBe('1');
    expect(first.headers.get('ratelimit-reset')).toBe('30');
    const second = await ask(lane, 'k');
    expect(second.outcome).toEqual({ answered: false, prepaid: refused });
    expect(charged).toBe(2);

    const caller = { ...ANONYMOUS_PUBLIC };
    throttle.prepay(caller, refused);
    expect(await throttle.admit(caller)).toBe(refused);
    expect(charged).toBe(2);
    // Prepaid once: the same consumer asking again is charged as any other request.
    await throttle.admit(caller);
    expect(charged).toBe(3);
  });
});
