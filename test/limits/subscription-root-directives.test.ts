import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway, type SpawnedGateway } from '../support/gateway.js';

/**
 * Found by the fuzzer (test/fuzz/gateway.test.ts): a subscription whose root field has @skip or
 * @include with an `if` graphql-js cannot read during validation (a non-Boolean literal, or any
 * variable: validation has no variables) made graphql-js 16's SingleFieldSubscriptionsRule throw out
 * of `validate`: HTTP answered 500 and graphql-ws closed the socket with 4500, both logged as errors
 * with a stack. The spec forbids these directives there; the gateway refuses them before validating
 * (src/graphql/limits/subscription-root.ts), on both transports.
 */

const DOCUMENTS = [
  'subscription { quotes(symbols: ["AAPL"]) @skip(if: "x") { price } }',
  'subscription S($b: Boolean!) { quotes(symbols: ["AAPL"]) @include(if: $b) { price } }',
  // Through a fragment spread at the root, which the rule expands too.
  'subscription S($b: Boolean!) { ...Live } fragment Live on Subscription { quotes(symbols: ["AAPL"]) @skip(if: $b) { price } }',
];

let gateway: SpawnedGateway;
beforeAll(async () => {
  gateway = await spawnGateway({ NODE_ENV: 'production' });
});
afterAll(async () => {
  await gateway?.stop();
});

describe('@skip/@include on a subscription root field', () => {
  it.each(DOCUMENTS)('over HTTP, %s is refused with 400 GRAPHQL_VALIDATION_FAILED', async (query) => {
    const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables: { b: true } }) });
    const body = (await response.json()) as { errors?: Array<{ extensions?: Record<string, unknown> }> };
    expect({ status: response.status, code: body.errors?.[0]?.extensions?.['code'] }).toEqual({ status: 400, code: 'GRAPHQL_VALIDATION_FAILED' });
  });

  it.each(DOCUMENTS)('over graphql-ws, %s is refused with GRAPHQL_VALIDATION_FAILED, the socket left open', async (query) => {
    const client = createClient({ url: gateway.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const outcome = await new Promise<unknown>((resolve) => {
        client.subscribe({ query, variables: { b: true } }, { next: resolve, error: resolve, complete: () => resolve('complete') });
      });
      expect(outcome).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }) })]);
    } finally {
      await client.dispose();
    }
  });
});
