import type { IncomingMessage, ServerResponse } from 'node:http';
import { LRUCache } from 'lru-cache';
import { rightsScope, type Consumer } from '../../domain/index.js';
import type { Admission, OperationThrottle } from '../limits-plugin.js';
import { CACHE_HEADER } from './plugin.js';

/**
 * One answer of the whole-response cache as it went out: the bytes and the headers that do not
 * depend on the moment (Age and the RateLimit fields are added per request).
 */
export interface ReadyAnswer {
  readonly body: Buffer;
  readonly contentType: string;
  /** When the response cache stored the answer, and when it stops being fresh (epoch ms). */
  readonly storedAt: number;
  readonly expiresAt: number;
  /** The operation's name (`anonymous` when unnamed), for the operation metrics and log. */
  readonly operation: string;
  /** Counts one more answer of this operation (seconds from the request's arrival): bound once, told per request. */
  readonly report: (seconds: number) => void;
}

/** What the lane did with a request. */
export type LaneOutcome =
  /** Answered: nothing else may touch the response. */
  | { readonly answered: true }
  /**
   * Not answered. `prepaid`: the consumer's throttle already charged this request and refused it;
   * the full path must answer that refusal without charging again (PrepaidThrottle).
   */
  | { readonly answered: false; readonly prepaid?: Admission };

export interface AnswerLaneOptions {
  /** The per-consumer throttle: a request answered here spends its budget as any other. */
  readonly throttle?: OperationThrottle | undefined;
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly now?: () => number;
  /**
   * The report of each answer of an operation (its name) given here, bound once when the answer
   * is kept and told each time with its time from arrival (s): the operation metrics and log
   * Apollo's lifecycle reports for the rest.
   */
  readonly reportFor: (operation: string) => (seconds: number) => void;
}

/** Operation names with a bound report kept at once. */
const MAX_REPORTS = 1_000;

const NO_HEADERS: readonly string[] = [];
const NOT_ANSWERED: LaneOutcome = { answered: false };
const ANSWERED: LaneOutcome = { answered: true };

/**
 * The whole-response cache's hits, answered in the node:http handler before Apollo parses
 * anything: a repeated query costs a map lookup, the consumer's throttle, and the write.
 *
 * Keyed by what a response depends on, taken from the request as it came: the consumer's
 * profile and rights scope, the Accept header (which picks the content type), the Content-Type
 * (which decides how the body is read), and the body's exact text (a GET: its query string, and
 * whether it carries the CSRF-preflight header Apollo asks of a GET). An answer enters the lane only
 * after the full path (parse, validation, every limit, the rights check, the shared response
 * cache) answered that very text from the cache for the same profile and scope with a 200, so
 * everything those checks decide from the request was already decided and would be decided the
 * same again: the document's limits, the cost against the profile's budget, the rights. What does change
 * per request is checked here: freshness (the response cache's own `expiresAt`), and the
 * consumer's request budget, charged once, with the RateLimit fields it answers. A body that
 * differs by one space is simply a miss, answered by the full path, which then adds it.
 *
 * Bounded by entries and bytes (least recently used out first); it holds what this instance
 * already serves from the response cache, never longer, so a response is never older here than
 * there.
 */
export class AnswerLane {
  private readonly answers: LRUCache<string, ReadyAnswer>;
  private readonly now: () => number;
  /** Requests the full path answered from the response cache, by the request object Apollo was handed (`request.http`). */
  private readonly hits = new WeakMap<object, Pick<ReadyAnswer, 'storedAt' | 'expiresAt' | 'operation'>>();
  /** Each operation's report, bound on its first answer kept. */
  private readonly reports = new Map<string, (seconds: number) => void>();

  constructor(private readonly options: AnswerLaneOptions) {
    this.now = options.now ?? Date.now;
    this.answers = new LRUCache<string, ReadyAnswer>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      sizeCalculation: (answer, key) => answer.body.length + key.length,
    });
  }

  /**
   * The lane's key for a request of `consumer` carrying `payload`: a POST's body text, or a GET's
   * path and query string. With them go the headers Apollo reads to decide how to answer it: Accept,
   * Content-Type and whether a CSRF-preflight header was sent (Apollo refuses a GET without one).
   */
  keyOf(request: IncomingMessage, consumer: Consumer, payload: string): string {
    const headers = request.headers;
    const preflight = headers['apollo-require-preflight'] || headers['x-apollo-operation-name'] ? '1' : '0';
    return `${request.method ?? ''}\u0000${consumer.profile}\u0000${rightsScope(consumer)}\u0000${headers.accept ?? ''}\u0000${headers['content-type'] ?? ''}\u0000${preflight}\u0000${payload}`;
  }

  /**
   * Answers the request from the lane when it holds a fresh answer and the consumer's budget admits
   * it. At once, without a promise, when the budget's count is at hand (the hot path).
   */
  answer(key: string, consumer: Consumer, response: ServerResponse, arrivedAt: number, headers: readonly string[] = NO_HEADERS): LaneOutcome | Promise<LaneOutcome> {
    const answer = this.answers.get(key);
    if (answer === undefined) return NOT_ANSWERED;
    const at = this.now();
    if (answer.expiresAt <= at) {
      this.answers.delete(key);
      return NOT_ANSWERED;
    }
    const admission = this.options.throttle?.admit(consumer);
    if (admission instanceof Promise) return admission.then((admitted) => this.send(answer, admitted, response, headers, at, arrivedAt));
    return this.send(answer, admission, response, headers, at, arrivedAt);
  }

  /** `headers`: what the caller left to be written with the answer (CORS), name/value pairs. */
  private send(answer: ReadyAnswer, admission: Admission | undefined, response: ServerResponse, headers: readonly string[], at: number, arrivedAt: number): LaneOutcome {
    if (admission && !admission.admitted) return { answered: false, prepaid: admission };
    // One writeHead with every header as pairs: a setHeader each (validated, lower-cased, kept in
    // a map, then read back) cost about 5 % of a cached request.
    const pairs = headers.slice();
    pairs.push(CACHE_HEADER, 'HIT', 'age', String(Math.max(0, Math.floor((at - answer.storedAt) / 1000))));
    if (admission) {
      const window = admission.requests;
      pairs.push(
        'ratelimit-limit',
        String(window.limit),
        'ratelimit-remaining',
        String(window.remaining),
        'ratelimit-reset',
        String(Math.ceil(window.resetAfterMs / 1000)),
        'ratelimit-policy',
        `${window.limit};w=60`,
      );
    }
    pairs.push('content-type', answer.contentType, 'content-length', String(answer.body.length));
    response.writeHead(200, pairs);
    response.end(answer.body);
    answer.report((performance.now() - arrivedAt) / 1000);
    return ANSWERED;
  }

  /** The response cache answered `request` (Apollo's `request.http`; its plugin's `onHit`). */
  noteHit(request: object, cached: { readonly storedAt: number; readonly expiresAt: number }, operationName: string | undefined): void {
    this.hits.set(request, { storedAt: cached.storedAt, expiresAt: cached.expiresAt, operation: operationName ?? 'anonymous' });
  }

  /**
   * After the full path answered the request with `key`: keeps the answer when it came from the
   * response cache (a 200 with the cache's own data, nothing of the request's own in it), until it
   * stops being fresh. Answers the cache just stored are left to their first hit.
   */
  rememberHit(key: string, request: object | undefined, status: number, contentType: string | undefined, body: string): void {
    const hit = request && this.hits.get(request);
    if (hit === undefined || status !== 200 || contentType === undefined || hit.expiresAt <= this.now()) return;
    let report = this.reports.get(hit.operation);
    if (report === undefined) {
      // Operation names are the clients' to choose: past a bound, start over rather than grow.
      if (this.reports.size >= MAX_REPORTS) this.reports.clear();
      this.reports.set(hit.operation, (report = this.options.reportFor(hit.operation)));
    }
    this.answers.set(key, { ...hit, contentType, body: Buffer.from(body), report });
  }

  get size(): number {
    return this.answers.size;
  }
}

/** The response cache's hits kept ready to send in each instance. */
const GATEWAY_LANE_BOUNDS = { maxEntries: 10_000, maxBytes: 32 * 1024 * 1024 };

/** The gateway's lane, at its bounds. */
export function gatewayAnswerLane(throttle: OperationThrottle | undefined, reportFor: AnswerLaneOptions['reportFor']): AnswerLane {
  return new AnswerLane({ throttle, ...GATEWAY_LANE_BOUNDS, reportFor });
}

/**
 * The throttle as operationLimits sees it, for requests the lane already charged: a request the
 * lane took to the throttle and was refused is answered by the full path, whose gate must give
 * that same refusal (429, Retry-After, audit) without spending the budget a second time.
 * Keyed by the request's own consumer object, made for that request alone.
 */
export class PrepaidThrottle implements OperationThrottle {
  private readonly prepaid = new WeakMap<object, Admission>();

  constructor(private readonly throttle: OperationThrottle) {}

  admit(consumer: { readonly id: string; readonly profile: string }): Admission | Promise<Admission> {
    const admission = this.prepaid.get(consumer);
    if (admission === undefined) return this.throttle.admit(consumer);
    this.prepaid.delete(consumer);
    return admission;
  }

  prepay(consumer: object, admission: Admission): void {
    this.prepaid.set(consumer, admission);
  }
}
