import type { IncomingMessage } from 'node:http';

/** A request body that breaks our rules; the message is safe to show the client. */
export class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** What the client sees in `extensions`: a code, and for a broken limit, the limit named. */
    readonly extensions: Readonly<Record<string, string | number>> = { code: 'BAD_REQUEST' },
  ) {
    super(message);
  }
}

/**
 * The connection failed while the body was arriving: the client went away (closed its tab, timed
 * out, dropped off the network). Its doing, not the gateway's: logged without alarm, and there
 * is nobody left to answer.
 */
export class ClientGoneError extends Error {
  /** What Node said of the connection (`aborted`, ECONNRESET). */
  readonly reason: string;

  constructor(cause: Error) {
    super(`the client went away before its request body was complete (${cause.message})`, { cause });
    this.reason = cause.message;
  }
}

/** 413: the body is larger than the limit (LIMIT_MAX_BODY_BYTES), which the error names. */
function tooLarge(maxBytes: number): BodyError {
  return new BodyError(413, `Request body exceeds ${maxBytes} bytes (maxBodyBytes).`, { code: 'BAD_USER_INPUT', limit: 'maxBodyBytes', max: maxBytes });
}

/**
 * Reads a request body up to `maxBytes`, refusing more as it arrives (a Content-Length is a
 * claim, not a guarantee). JSON bodies are parsed; anything else is handed on as text for Apollo
 * to judge, as its own integrations do.
 *
 * Listeners rather than `for await`: leaving a `for await` over the request early destroys it,
 * which detaches it from its socket and leaves that socket paused. The 413 still went out, but the
 * keep-alive connection was dead: the client's next request on it got no answer until the
 * keep-alive timeout reset it (seen with chunked bodies, which have no Content-Length to refuse
 * up front). Now an oversized body is refused and its remainder read and discarded, as Node does
 * for any body a handler leaves unread, so the connection stays usable; Node's `requestTimeout`
 * still bounds a body that never ends.
 */
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  return parseBody(request, await readBodyText(request, maxBytes));
}

/** The body's text, up to `maxBytes` (readBody, unparsed: the response cache's lane keys on it). */
export async function readBodyText(request: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const text = await new Promise<string>((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const onData = (part: Buffer): void => {
      size += part.length;
      if (size > maxBytes) {
        stopListening();
        request.resume(); // keep flowing with no 'data' listener: the rest is discarded
        reject(tooLarge(maxBytes));
        return;
      }
      parts.push(part);
    };
    const onEnd = (): void => {
      stopListening();
      // A small body comes in one chunk: read it where it lies rather than copy it first.
      resolve(parts.length === 1 ? (parts[0] as Buffer).toString('utf8') : Buffer.concat(parts, size).toString('utf8'));
    };
    // A request stream fails only with its connection (parse errors go to the server's
    // 'clientError'): Node reports a client that drops mid-body as ECONNRESET "aborted".
    const onError = (error: Error): void => {
      stopListening();
      reject(new ClientGoneError(error));
    };
    const stopListening = (): void => {
      request.off('data', onData).off('end', onEnd).off('error', onError);
    };
    request.on('data', onData).on('end', onEnd).on('error', onError);
  });
  return text;
}

/** A body's text as Apollo takes it: parsed when it is JSON, else the text for Apollo to judge. */
export function parseBody(request: IncomingMessage, text: string): unknown {
  if (!isJson(request.headers['content-type'])) return text;
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BodyError(400, 'Request body is not valid JSON.');
  }
}

export function isJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  if (contentType === 'application/json') return true;
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

/**
 * Deepest nesting of a request's `variables` (`{"symbols": ["AAPL"]}` is 2). Checked as the body
 * is read, before anything walks them: the response cache's key (JSON.stringify) and the
 * coercion of variables recurse, and 400,000 nested arrays overflowed the stack (a 500).
 */
export const MAX_VARIABLE_DEPTH = 32;
/** Most values (objects, arrays and scalars alike) in a request's `variables`. */
export const MAX_VARIABLE_VALUES = 10_000;

/**
 * Refuses (400 BAD_USER_INPUT, `extensions.limit`) variables nested deeper than MAX_VARIABLE_DEPTH
 * or holding more than MAX_VARIABLE_VALUES values, whether used by the operation or not. Iterative,
 * and it stops at the first excess, so checking costs at most MAX_VARIABLE_VALUES steps.
 */
export function checkVariables(variables: unknown): void {
  const pending: Array<readonly [unknown, number]> = [[variables, 1]];
  let values = 0;
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, depth] = next;
    values += 1;
    if (values > MAX_VARIABLE_VALUES) {
      throw new BodyError(400, `Variables hold more than ${MAX_VARIABLE_VALUES} values (maxVariableValues).`, { code: 'BAD_USER_INPUT', limit: 'maxVariableValues', max: MAX_VARIABLE_VALUES });
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_VARIABLE_DEPTH) {
      throw new BodyError(400, `Variables are nested more than ${MAX_VARIABLE_DEPTH} levels deep (maxVariableDepth).`, { code: 'BAD_USER_INPUT', limit: 'maxVariableDepth', max: MAX_VARIABLE_DEPTH });
    }
    for (const child of Array.isArray(value) ? value : Object.values(value)) pending.push([child, depth + 1]);
  }
}

/**
 * The variables a GraphQL request over HTTP carries: the `variables` of a POST's JSON body, or of
 * a GET's query string (JSON text there, which Apollo parses again; text that is not JSON is left
 * for Apollo to refuse).
 */
export function requestVariables(method: string | undefined, body: unknown, search: URLSearchParams): unknown {
  if (method === 'POST') return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)['variables'] : undefined;
  const text = search.get('variables');
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
