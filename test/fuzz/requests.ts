import { request } from 'node:http';
import fc from 'fast-check';
import { nastyString } from './documents.js';

/**
 * Everything around the document: variables, operationName, headers, and how the request travels
 * (POST JSON, GET with a query string). Variables are written as JSON text by hand, not with
 * JSON.stringify of an object, so `__proto__` keys and nesting past the gateway's bounds reach the
 * wire exactly as an attacker would send them.
 */

/** JSON text of a value, as a tree of choices. */
type Json = null | boolean | number | string | { readonly list: readonly Json[] } | { readonly entries: ReadonlyArray<readonly [string, Json]> };

const key = fc.oneof(fc.constantFrom('a', 'b', 's', 'n', '__proto__', 'constructor', 'prototype', 'toString', ''), nastyString.filter((text) => text.length < 100));

const { json } = fc.letrec<{ json: Json }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    nastyString,
    fc.array(tie('json'), { maxLength: 4 }).map((list) => ({ list })),
    fc.array(fc.tuple(key, tie('json')), { maxLength: 4 }).map((entries) => ({ entries })),
  ),
}));

function text(value: Json): string {
  if (value === null || typeof value === 'boolean') return String(value);
  // JSON has no NaN or Infinity; send them as the bare words a sloppy client would.
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : (['NaN', 'Infinity', '-Infinity'][Number.isNaN(value) ? 0 : value > 0 ? 1 : 2] as string);
  if (typeof value === 'string') return JSON.stringify(value);
  if ('list' in value) return `[${value.list.map(text).join(',')}]`;
  return `{${value.entries.map(([name, item]) => `${JSON.stringify(name)}:${text(item)}`).join(',')}}`;
}

/** The `variables` member's text, or undefined to leave it out. */
export const variables: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 4, arbitrary: fc.array(fc.tuple(key, json), { maxLength: 5 }).map((entries) => text({ entries })) },
  { weight: 1, arbitrary: json.map(text) },
  // Nested past maxVariableDepth (32), up to the 400,000 of the issue, and arrays past maxVariableValues (10,000).
  { weight: 1, arbitrary: fc.integer({ min: 20, max: 400_000 }).map((depth) => `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`) },
  { weight: 1, arbitrary: fc.integer({ min: 5_000, max: 60_000 }).map((count) => `{"s":[${Array.from({ length: count }, () => '"A"').join(',')}]}`) },
  { weight: 1, arbitrary: fc.constantFrom('"{\\"a\\":1}"', '[]', '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"x":1}}}', '{"a":1,"a":2}') },
);

export const operationName: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.constantFrom('Q', 'Other', 'Attack', '__proto__', 'constructor', 'toString', '', 'Nope') },
  { weight: 1, arbitrary: nastyString },
);

/** Credentials the gateway knows, minted before the run (tokens need the gateway's secret). */
export interface Credentials {
  readonly validTokens: readonly string[];
  readonly badTokens: readonly string[];
  readonly apiKeys: readonly string[];
}

/** A header value Node will put on the wire (it refuses control characters and code points past 0xff). */
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((code) => code !== 0x7f).map((code) => String.fromCharCode(code)), maxLength: 300 });

/** Headers of one request: array values are sent as that many separate headers. */
export function headers(credentials: Credentials): fc.Arbitrary<Record<string, string | string[]>> {
  const token = fc.constantFrom(...credentials.validTokens, ...credentials.badTokens);
  const authorization = fc.oneof(
    token.map((value) => `Bearer ${value}`),
    headerText,
    headerText.map((value) => `Bearer ${value}`),
    fc.constantFrom('Bearer', 'Bearer ', 'bearer x', 'Basic YTpi', 'Bearer a.b.c', `Bearer ${'a'.repeat(8_000)}`),
    fc.tuple(token, token).map(([first, second]) => [`Bearer ${first}`, `Bearer ${second}`]),
  );
  const apiKey = fc.oneof(fc.constantFrom(...credentials.apiKeys), headerText, fc.tuple(fc.constantFrom(...credentials.apiKeys), headerText).map(([first, second]) => [first, second]));
  const contentType = fc.oneof(
    { weight: 8, arbitrary: fc.constant('application/json') },
    { weight: 2, arbitrary: fc.constantFrom('application/json; charset=utf-8', 'application/graphql-response+json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/graphql', 'application/json; charset=latin1', '') },
    { weight: 1, arbitrary: headerText },
  );
  // Mostly one credential or none, so most runs get past authentication to the document; the rest
  // send garbage, forgeries and two credentials at once.
  const credential = fc.oneof(
    { weight: 3, arbitrary: fc.constant({}) },
    { weight: 3, arbitrary: fc.constantFrom(...credentials.validTokens).map((value) => ({ authorization: `Bearer ${value}` })) },
    { weight: 2, arbitrary: fc.constantFrom(...credentials.apiKeys.slice(0, -1)).map((value) => ({ 'x-api-key': value })) },
    { weight: 3, arbitrary: fc.record({ authorization, 'x-api-key': apiKey }, { requiredKeys: [] }) },
  );
  const rest = fc.record(
    {
      'content-type': contentType,
      accept: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('application/json', 'application/graphql-response+json', '*/*') }, { weight: 1, arbitrary: fc.constantFrom('text/html', 'text/event-stream', 'multipart/mixed', 'image/png') }),
      origin: fc.constantFrom('https://evil.example', 'null'),
    },
    { requiredKeys: ['content-type', 'accept'] },
  );
  // GET needs the CSRF preflight header; leaving it out now and then checks the refusal has a code.
  const preflight = fc.constantFrom<Record<string, string>>({ 'apollo-require-preflight': 'true' }, { 'apollo-require-preflight': 'true' }, { 'apollo-require-preflight': 'true' }, {});
  return fc
    .tuple(credential, rest, preflight)
    .map((parts) => Object.fromEntries(parts.flatMap((part) => Object.entries(part)).filter((entry): entry is [string, string | string[]] => entry[1] !== undefined)));
}

/** One HTTP request of the fuzzer, as data (so fast-check can print and shrink it). */
export interface FuzzRequest {
  readonly method: 'POST' | 'GET';
  readonly query: string | undefined;
  readonly variables: string | undefined;
  readonly operationName: string | undefined;
  readonly headers: Record<string, string | string[]>;
}

export interface HttpAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly ms: number;
}

/** Node's parser refuses a request line plus headers past 16 KiB (431) before the gateway sees it. */
export const MAX_GET_URL = 12_000;

/** Sends one fuzz request; a GET whose URL would pass MAX_GET_URL is sent as the POST it came from. */
export function send(url: string, fuzz: FuzzRequest, timeoutMs: number): Promise<HttpAnswer> {
  let target = url;
  let body: string | undefined;
  const parts: Array<[string, string]> = [];
  if (fuzz.query !== undefined) parts.push(['query', fuzz.query]);
  if (fuzz.variables !== undefined) parts.push(['variables', fuzz.variables]);
  if (fuzz.operationName !== undefined) parts.push(['operationName', fuzz.operationName]);
  const search = new URLSearchParams(parts).toString();
  const method = fuzz.method === 'GET' && search.length + url.length < MAX_GET_URL ? 'GET' : 'POST';
  if (method === 'GET') target = `${url}?${search}`;
  else body = `{${parts.map(([name, value]) => `${JSON.stringify(name)}:${name === 'variables' ? value : JSON.stringify(value)}`).join(',')}}`;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const outgoing = request(target, { method, headers: { ...fuzz.headers, ...(body === undefined ? {} : { 'content-length': Buffer.byteLength(body) }) }, signal: AbortSignal.timeout(timeoutMs) }, (response) => {
      let text = '';
      const contentType = String(response.headers['content-type'] ?? '');
      const answer = (): HttpAnswer => ({ status: response.statusCode ?? 0, contentType, body: text, ms: performance.now() - started });
      // A subscription over SSE streams until the client leaves: its first whole event is the answer.
      const streaming = contentType.startsWith('text/event-stream');
      response.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
        if (streaming && text.includes('\n\n')) {
          resolve(answer());
          response.destroy();
        }
      });
      response.on('end', () => resolve(answer()));
      response.on('error', (error) => (streaming && text.includes('\n\n') ? undefined : reject(error)));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
