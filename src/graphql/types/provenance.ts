import { Field } from 'type-graphql';

/**
 * What the provenance fields every market object carries (`asOf`, `stale`, `fallbackFrom`, `age`)
 * tell a client, in one wording for all of them, so Quote, Company, FinancialStatement and
 * EconomicSeries cannot drift apart.
 */

export const STALE_DESCRIPTION =
  'True only when this value is past its freshness because the gateway asked its providers for a newer one and none could answer ' +
  '(all failed, circuit breaker open, quota spent): treat it as the last known value during an outage; the gateway keeps retrying ' +
  'in the background. False otherwise, however old the value is: an answer from cache, also one served while a background refresh ' +
  'runs, is not stale. For how old the value is, read `age`. Answers with a stale part also carry `extensions.stale` (their paths) ' +
  'and, over HTTP, the header `X-Data-Stale: true`.';

export const FALLBACK_FROM_DESCRIPTION =
  'Providers asked first that failed, in order, when a fallback provider answered; null when the first provider answered.';

/** `stale: Boolean!`, declared alike on every market object. */
export const StaleField = (): PropertyDecorator => Field(() => Boolean, { description: STALE_DESCRIPTION });

/** `fallbackFrom: [String!]`, declared alike on every market object. */
export const FallbackFromField = (): PropertyDecorator => Field(() => [String], { nullable: true, description: FALLBACK_FROM_DESCRIPTION });

export const AGE_DESCRIPTION =
  'Seconds from `asOf` to the moment the gateway answered, by the gateway\'s clock (0 when the provider\'s clock is ahead of it). ' +
  'How old this value is: compare it with what your use can accept, and ask again or warn when it is older. It grows while the value ' +
  'is served from cache and while its market is closed (the last trade stays the latest); it says nothing about an outage (`stale` does).';

/**
 * Field extensions of a field whose value depends on the moment of answering (`age`): the
 * whole-response cache keeps operations that select one out, since it would replay the value the
 * field had when the response was stored (src/server/response-cache/policy.ts).
 */
export const ANSWER_TIME = { answerTime: true } as const;

/** Whether a field's extensions mark it as answered at the moment of answering. */
export function isAnswerTime(extensions: Readonly<Record<string, unknown>> | null | undefined): boolean {
  return extensions?.['answerTime'] === true;
}

/** `age` of a value stamped `asOf`, at `nowMs`: seconds, to the millisecond, never negative. */
export function ageSeconds(asOf: Date, nowMs: number): number {
  return Math.max(0, nowMs - asOf.getTime()) / 1000;
}
