/**
 * Field extensions of a field whose value depends on who asks beyond their rights (`Quote.company`:
 * its provider call is charged to the caller, its staleness goes to the caller's response). A
 * subscription selecting one executes each item for each subscriber, never once for all
 * (graphql/shared-results.ts).
 */
export const PER_CALLER = { perCaller: true } as const;

/** Whether a field's extensions mark it as answered per caller. */
export function isPerCaller(extensions: Readonly<Record<string, unknown>> | null | undefined): boolean {
  return extensions?.['perCaller'] === true;
}
