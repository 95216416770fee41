import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { rightsScope } from '../domain/index.js';
import type { GraphQLContext } from './context.js';
import { sharesResults } from './shared-selection.js';

/**
 * graphql-js's `subscribe`, except that subscribers of the same stream item share its execution.
 *
 * graphql-js executes the selection once per item per subscriber. The hub hands every watcher of a
 * symbol the same Quote object, so ten subscribers of AAPL asking the same thing executed the same
 * selection on the same object ten times per tick: 17% of a loaded gateway's CPU, plus the garbage.
 * Here the first subscriber to read an item executes it and the others of the same scope take its
 * result. The scope is everything the result may depend on: the document (shared by query text),
 * the operation, the variables and the consumer's rights (a field's `@requiresRight` check reads
 * nothing else). Only documents whose every selected field depends on nothing more share
 * (shared-selection.ts: no `age`, no `company`), and only results without errors: an error is
 * worded for its consumer and a denial is audited per consumer, so those execute per subscriber.
 *
 * Each subscription's items are executed one after the other, as graphql-js does. An item's shared
 * result is kept for the turn of the event loop it was executed in (`turnResults`): the hub hands
 * an item to all its watchers in one synchronous delivery, so every subscriber reading at once (a
 * pushed one with room, a pulled one whose read resolves in the same turn) finds it; one that reads
 * later (held back by a full socket) executes its own, the same. Not kept on the item in a WeakMap,
 * as it was: V8's young-generation collector visits the values of a WeakMap's entries as strong
 * references while the entry is there, so results and payloads kept that way outlived their tick
 * and were promoted to the old generation. V8's heap sampler on a loaded gateway (1,400 sockets of
 * bench/stream-fanout, objects not collected by a young-generation GC, 12 s): 17 MB with the
 * WeakMaps, the top site the payloads kept beside the results; 12 MB without.
 */
export async function subscribeSharingResults(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source;
  return new SharedResultStream(source[Symbol.asyncIterator](), args, shareScope(args));
}

/** The scope whose subscribers may share a result of `args`, or undefined when each executes its own. */
export function shareScope(args: ExecutionArgs): string | undefined {
  const consumer = (args.contextValue as Partial<GraphQLContext> | undefined)?.consumer;
  if (!consumer || !sharesResults(args.schema, args.document, args.operationName)) return undefined;
  let documentId = documentIds.get(args.document);
  if (documentId === undefined) documentIds.set(args.document, (documentId = nextDocumentId++));
  return `${documentId}\n${args.operationName ?? ''}\n${JSON.stringify(args.variableValues ?? {})}\n${rightsScope(consumer)}`;
}

/** A number per document, for scopes: two documents of one query text are one object (operation-checks.ts). */
const documentIds = new WeakMap<object, number>();
let nextDocumentId = 0;

type ScopedResults = Map<string, Promise<ExecutionResult> | ExecutionResult>;

/** Per item executed in this turn of the event loop, by scope: its result, or its execution under way. */
let turnResults: Map<object, ScopedResults> | undefined;
/**
 * The last settled result taken or made, by item and scope: the hub hands an item to its watchers
 * one after the other, and watchers of one symbol asking the same thing share a scope, so most
 * reads find their result here with two comparisons instead of two map lookups. Of this turn only.
 */
let lastItem: object | undefined;
let lastScope: string | undefined;
let lastResult: ExecutionResult | undefined;
const endTurn = (): void => {
  turnResults = undefined;
  lastItem = lastScope = lastResult = undefined;
};

function remember(item: object, scope: string, result: ExecutionResult): ExecutionResult {
  lastItem = item;
  lastScope = scope;
  lastResult = result;
  return result;
}

/** The shared results of `item` in this turn; the turn's map is dropped in its check phase. */
function scopedResultsOf(item: object, create: boolean): ScopedResults | undefined {
  if (turnResults === undefined) {
    if (!create) return undefined;
    turnResults = new Map();
    setImmediate(endTurn);
  }
  let byScope = turnResults.get(item);
  if (byScope === undefined && create) turnResults.set(item, (byScope = new Map()));
  return byScope;
}

/** The result of `args` on `item`: the one shared in `scope` when there is one, else executed (and shared when error-free). */
export function resultFor(args: ExecutionArgs, item: unknown, scope: string | undefined): Promise<ExecutionResult> | ExecutionResult {
  if (scope === undefined || typeof item !== 'object' || item === null) return execute({ ...args, rootValue: item });
  if (item === lastItem && scope === lastScope && lastResult !== undefined) return lastResult;
  const shared = scopedResultsOf(item, false)?.get(scope);
  if (shared !== undefined) return 'then' in shared ? shared.then((result) => (result.errors ? execute({ ...args, rootValue: item }) : result)) : remember(item, scope, shared);
  const own = execute({ ...args, rootValue: item });
  const scopes = scopedResultsOf(item, true) as ScopedResults;
  if (!('then' in own)) {
    if (own.errors) return own;
    scopes.set(scope, own);
    return remember(item, scope, own);
  }
  const settled = own.then((result) => {
    // Settled: later readers take the value itself; an error result is not theirs to take.
    if (result.errors) scopes.delete(scope);
    else scopes.set(scope, result);
    return result;
  });
  scopes.set(scope, settled);
  return settled;
}

export const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };
const asStep = (value: ExecutionResult): IteratorYieldResult<ExecutionResult> => ({ value, done: false });

/**
 * The subscription's results: each source item executed (or its shared result taken). A class, as
 * the hub's Watch is, so a subscription holds one object rather than a generator and its closures.
 * `return()` goes straight to the source, which ends a pending read at once.
 */
export class SharedResultStream implements AsyncIterableIterator<ExecutionResult> {
  constructor(
    private readonly source: AsyncIterator<unknown>,
    private readonly args: ExecutionArgs,
    private readonly scope: string | undefined,
  ) {}

  // Not `async`: a shared result is at hand as the source's item is, so the step resolves with it
  // rather than behind two more awaits (per item per subscriber, the path this file exists for).
  next(): Promise<IteratorResult<ExecutionResult>> {
    return this.source.next().then((step) => {
      if (step.done) return DONE;
      let result: Promise<ExecutionResult> | ExecutionResult;
      try {
        result = resultFor(this.args, step.value, this.scope);
      } catch (error) {
        return this.failed(error);
      }
      return 'then' in result ? result.then(asStep, (error: unknown) => this.failed(error)) : asStep(result);
    });
  }

  /** As graphql-js's mapAsyncIterator: a failed execution ends the source before the error goes on. */
  private async failed(error: unknown): Promise<never> {
    await this.source.return?.();
    throw error;
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    await this.source.return?.();
    return DONE;
  }

  async throw(error?: unknown): Promise<IteratorResult<ExecutionResult>> {
    await this.source.return?.();
    throw error;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ExecutionResult> {
    return this;
  }
}
