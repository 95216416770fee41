import type { z } from 'zod';
import { ProviderFailureKind } from '../../domain/index.js';
import type { RemoteContext } from './remote-context.js';

/** The first few problems zod found, short enough for a log line. */
export function describeIssues(error: z.ZodError, most = 3): string {
  return error.issues
    .slice(0, most)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

/**
 * The payload read through its schema, or BAD_RESPONSE naming the first field that did not fit,
 * with the body kept (redacted) as the upstream words for the log.
 */
export function parsePayload<S extends z.ZodType>(context: RemoteContext, schema: S, body: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'payload';
  throw context.http.failure(
    ProviderFailureKind.BAD_RESPONSE,
    `${what}: answer does not match ${context.name}'s documented format (${where}: ${issue?.message ?? 'invalid'})`,
    JSON.stringify(body) ?? String(body),
  );
}
