import type { GraphQLFormattedError } from 'graphql';

/** One refusal as an operator counts it: the error code and what caused it. */
export interface Refusal {
  readonly code: string;
  /** The limit (`maxDepth`, `costBudget`, …), spent budget (`requests`, `providerCalls`), auth reason or missing right. */
  readonly cause: string;
}

/** Causes are names our code gives (limits, budgets, reasons, rights); anything else folds into one label value. */
const CAUSE = /^[A-Za-z_]{1,40}$/;

/** The codes a refusal carries, and the extension that names its cause. */
const CAUSE_FIELD: Readonly<Record<string, string>> = {
  QUERY_TOO_COMPLEX: 'limit',
  BAD_USER_INPUT: 'limit',
  GRAPHQL_VALIDATION_FAILED: 'limit',
  RATE_LIMITED: 'budget',
  UNAUTHENTICATED: 'reason',
  FORBIDDEN: 'right',
};

/**
 * Whether an error a client is about to see is the gateway refusing the consumer (an abuse limit,
 * a spent budget, credentials, a right) rather than a failure, and why. A provider's own
 * RATE_LIMITED carries no `budget` and is not a refusal of the consumer; a BAD_USER_INPUT names a
 * limit only when one was broken.
 */
export function refusalOf(extensions: GraphQLFormattedError['extensions']): Refusal | undefined {
  const code = extensions?.['code'];
  const field = typeof code === 'string' && Object.hasOwn(CAUSE_FIELD, code) ? CAUSE_FIELD[code] : undefined;
  if (typeof code !== 'string' || field === undefined) return undefined;
  const cause = extensions?.[field];
  if (typeof cause !== 'string') {
    // FORBIDDEN with RIGHTS_DENIAL=request lists every denied right in `denied` instead.
    return code === 'FORBIDDEN' || code === 'UNAUTHENTICATED' ? { code, cause: 'other' } : undefined;
  }
  return { code, cause: CAUSE.test(cause) ? cause : 'other' };
}

/**
 * The refusal of a whole request by an abuse limit or a spent budget, among the errors a client is
 * sent; what the audit trail records as REFUSED. A field denied for want of a right is not one (it
 * is recorded as a denial where it is decided), nor are credentials refused before a consumer is known,
 * nor a field refused for a spent provider-call budget (an error at a path: the rest answered).
 */
export function wholeRequestRefusal(errors: readonly GraphQLFormattedError[] | undefined): Refusal | undefined {
  for (const error of errors ?? []) {
    if (error.path !== undefined) continue;
    const refusal = refusalOf(error.extensions);
    if (refusal && refusal.code !== 'FORBIDDEN' && refusal.code !== 'UNAUTHENTICATED') return refusal;
  }
  return undefined;
}
