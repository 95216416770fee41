import { z } from 'zod';
import { boolean, integer, keyList } from './fields.js';
import { DEVELOPMENT_ORIGINS, originEntryProblem, publicOrigin, publicOriginProblem } from './cors.js';

/** The HTTP/WebSocket server's settings: where it listens, who may reach it from a browser, what it shows, how it stops. */

const serverEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** TCP port of the HTTP and WebSocket server. */
  PORT: integer(0, 65_535).default(4000),
  /** Interface to listen on. */
  HOST: z.string().min(1).default('0.0.0.0'),
  /**
   * Reverse proxies in front of the gateway that append to X-Forwarded-For. With 0 the header is
   * ignored (anyone can write it); the client address throttles callers without credentials.
   */
  TRUST_PROXY_HOPS: integer(0, 10).default(0),
  /**
   * Browser origins that may call the gateway, comma-separated: `*`, exact origins, or `*` for the
   * leftmost host label or the port. Unset: local dev servers and Apollo Studio outside
   * production, none (same origin only) in production.
   */
  CORS_ORIGINS: keyList
    .check((context) => {
      for (const entry of context.value) {
        const problem = originEntryProblem(entry);
        if (problem) context.issues.push({ code: 'custom', message: problem, input: context.value });
      }
    })
    .optional(),
  /**
   * The gateway's own origin as browsers reach it (`https://api.example.com`). When set, a page
   * counts as same-origin (allowed over HTTP and WebSocket without a CORS_ORIGINS entry) only if
   * its Origin is exactly this; unset, it is compared with the request's Host, which a
   * DNS-rebinding page controls.
   */
  PUBLIC_ORIGIN: z
    .string()
    .check((context) => {
      const problem = publicOriginProblem(context.value);
      if (problem) context.issues.push({ code: 'custom', message: problem, input: context.value });
    })
    .transform(publicOrigin)
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/**
 * Declared apart from `serverEnv` because the environment schema lists them further down, and the
 * schema's key order decides which of several bad settings start-up reports.
 */
const serverFeatureEnvSchema = z.object({
  /** Schema introspection; on unless NODE_ENV=production. */
  INTROSPECTION: boolean.optional(),
  /** Apollo Sandbox on GET /graphql; on unless NODE_ENV=production. */
  SANDBOX: boolean.optional(),
  /** How long in-flight requests may run after SIGTERM before sockets are closed. */
  SHUTDOWN_GRACE_MS: integer(0, 120_000).default(10_000),
  /**
   * Bytes queued on a graphql-ws socket (past what the kernel took) above which its subscriptions
   * read nothing more until it drains back: each symbol's newest item waits in the hub instead.
   */
  WS_HIGH_WATER_BYTES: integer(1_024, 64 * 1024 * 1024).default(64 * 1024),
  /**
   * How long a subscriber may stay above the mark (SSE: one event not taken by the socket) before
   * it is closed: graphql-ws with 4508, SSE by ending the response. 0: never.
   */
  STREAM_SLOW_CLOSE_MS: integer(0, 600_000).default(10_000),
  /** permessage-deflate on graphql-ws sockets: off unless set (a zlib context per socket, CPU per message). */
  WS_PERMESSAGE_DEFLATE: boolean.default(false),
  /**
   * How far the JS heap may grow past what is live before a full collection, in percent (V8's
   * `--heap-growing-percent`, set at start). Under a steady allocation rate (ticks streaming to
   * thousands of subscribers) V8 by itself lets it reach 4× what is live. 0: V8's own.
   */
  HEAP_GROWTH_PERCENT: integer(0, 400).default(30),
  /**
   * V8's allocation-site pretenuring (objects of a site that survived once allocated straight in
   * the old generation); off by default (src/app/heap-growth.ts says why).
   */
  HEAP_PRETENURING: boolean.default(false),
});

export const serverEnv = serverEnvSchema.shape;
export const serverFeatureEnv = serverFeatureEnvSchema.shape;
type ServerEnv = z.infer<typeof serverEnvSchema> & z.infer<typeof serverFeatureEnvSchema>;

export type LogLevel = z.infer<typeof serverEnvSchema>['LOG_LEVEL'];

export interface ServerSettings {
  readonly port: number;
  readonly host: string;
  readonly shutdownGraceMs: number;
  readonly introspection: boolean;
  readonly sandbox: boolean;
  readonly production: boolean;
  /** TRUST_PROXY_HOPS: how far back in X-Forwarded-For the client's address is (src/server/client-address.ts). */
  readonly trustedProxyHops: number;
  /** CORS_ORIGINS, or its default for the environment (src/server/cors.ts). */
  readonly corsOrigins: readonly string[];
  /** PUBLIC_ORIGIN, normalised; absent: same-origin pages are told by the Host they sent. */
  readonly publicOrigin: string | undefined;
  /** WS_HIGH_WATER_BYTES, STREAM_SLOW_CLOSE_MS, WS_PERMESSAGE_DEFLATE: slow subscribers (src/server/delivery.ts). */
  readonly backpressure: { readonly highWaterBytes: number; readonly slowCloseMs: number; readonly perMessageDeflate: boolean };
  /** HEAP_GROWTH_PERCENT: the heap's headroom over what is live, in percent; 0 leaves V8's own (src/app/heap-growth.ts). */
  readonly heapGrowthPercent: number;
  /** HEAP_PRETENURING: whether V8 may allocate the objects of a site straight in the old generation (src/app/heap-growth.ts). */
  readonly heapPretenuring: boolean;
}

export function serverSettings(env: ServerEnv): ServerSettings {
  const production = env.NODE_ENV === 'production';
  return {
    port: env.PORT,
    host: env.HOST,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    introspection: env.INTROSPECTION ?? !production,
    sandbox: env.SANDBOX ?? !production,
    production,
    trustedProxyHops: env.TRUST_PROXY_HOPS,
    corsOrigins: env.CORS_ORIGINS ?? (production ? [] : DEVELOPMENT_ORIGINS),
    publicOrigin: env.PUBLIC_ORIGIN,
    backpressure: { highWaterBytes: env.WS_HIGH_WATER_BYTES, slowCloseMs: env.STREAM_SLOW_CLOSE_MS, perMessageDeflate: env.WS_PERMESSAGE_DEFLATE },
    heapGrowthPercent: env.HEAP_GROWTH_PERCENT,
    heapPretenuring: env.HEAP_PRETENURING,
  };
}
