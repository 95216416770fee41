import { responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import type { BarProblem } from '../domain/index.js';
import type { ResponsePath } from './stale.js';

/** A problem as `extensions.dataProblems` lists it: what, on which date, in words. */
export interface ListedProblem {
  readonly kind: BarProblem['kind'];
  readonly date: string;
  readonly message: string;
}

export interface NotedProblems {
  /** The field whose answer has them, as `errors[].path` names fields (e.g. `["priceHistory"]`). */
  readonly path: ResponsePath;
  readonly problems: readonly ListedProblem[];
}

/**
 * The data problems found in one request's answers (a price history's gaps, duplicates, bad bars),
 * noted by the resolvers that check what they pass on and sent by the server as
 * `extensions.dataProblems`, so a client that selected none of the per-item fields still learns
 * of them. Costs one empty object per request until something is noted.
 */
export class DataProblems {
  private found: NotedProblems[] | undefined;

  get isEmpty(): boolean {
    return this.found === undefined;
  }

  get entries(): readonly NotedProblems[] {
    return this.found ?? [];
  }

  note(info: GraphQLResolveInfo, problems: readonly BarProblem[]): void {
    if (problems.length === 0) return;
    (this.found ??= []).push({
      path: responsePathAsArray(info.path),
      problems: problems.map(({ kind, date, message }) => ({ kind, date, message })),
    });
  }
}
