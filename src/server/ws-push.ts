import type { ExecutionResult, GraphQLFormattedError } from 'graphql';
import type { ResultSink } from '../graphql/pushed-results.js';
import type { DeliveryTap } from './delivery.js';
import type { ConnectionWriter } from './ws-transport.js';

/**
 * One pushed subscription's end of a graphql-ws connection (graphql/pushed-results.ts): its
 * results written as the protocol's `next` messages, under the connection's drain.
 *
 * graphql-ws would validate and serialise each message itself, once per subscriber. Here the
 * payload of a result without errors is serialised and UTF-8 encoded once, for every subscriber
 * that shares it (graphql/shared-results.ts), and each message is those bytes behind the
 * subscription's own id, one frame (ws-frames.ts).
 * A result with errors is formatted for its consumer (`format`, as graphql-ws's `onNext` does)
 * and serialised alone.
 */
export class PushedSubscriptionSink implements ResultSink {
  /** `{"id":…,"type":"next","payload":`, with the id escaped once, and as UTF-8 bytes, encoded once. */
  private readonly prefix: string;
  private readonly prefixBytes: Buffer;
  private resumeQueued = false;
  private readonly written: (() => void) | undefined;

  constructor(
    private readonly writer: ConnectionWriter,
    id: string,
    private readonly format: (errors: NonNullable<ExecutionResult['errors']>) => GraphQLFormattedError[],
    tap: DeliveryTap | undefined,
  ) {
    this.prefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
    this.prefixBytes = Buffer.from(this.prefix);
    this.written = tap && (() => tap.written());
  }

  hasRoom(resume: () => void): boolean {
    const drain = this.writer.drain;
    if (drain.hasRoom) return true;
    // Told once per wait, however many items arrive meanwhile.
    if (!this.resumeQueued) {
      this.resumeQueued = true;
      void drain.ready().then(() => {
        this.resumeQueued = false;
        resume();
      });
    }
    return false;
  }

  write(result: ExecutionResult): void {
    if (result.errors) this.writer.send(`${this.prefix}${JSON.stringify({ ...result, errors: this.format(result.errors) })}}`, this.written);
    else this.writer.sendJoined(this.prefixBytes, payloadOf(result), this.written);
  }
}

/**
 * Where a shared result keeps its payload as sent (with the message's closing brace), encoded by
 * the first subscriber to send it. A property of the result (ours, and a symbol JSON skips) rather
 * than a WeakMap entry, whose value V8's young-generation collector keeps as long as the entry is
 * there: payloads kept that way were the top site of what a loaded gateway promoted to the old
 * generation (graphql/shared-results.ts has the figures).
 */
const PAYLOAD = Symbol('payload');

function payloadOf(result: ExecutionResult & { [PAYLOAD]?: Buffer }): Buffer {
  return (result[PAYLOAD] ??= Buffer.from(`${JSON.stringify(result)}}`));
}
