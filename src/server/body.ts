import type { IncomingMessage } from 'node:http';

/** A request body that breaks our rules; the message is safe to show the client. */
export class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a request body up to `maxBytes`, refusing more as it arrives (a Content-Length is a
 * claim, not a guarantee). JSON bodies are parsed; anything else is handed on as text for Apollo
 * to judge, as its own integrations do.
 */
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw new BodyError(413, `Request body exceeds ${maxBytes} bytes.`);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of request as AsyncIterable<Buffer>) {
    size += part.length;
    if (size > maxBytes) throw new BodyError(413, `Request body exceeds ${maxBytes} bytes.`);
    parts.push(part);
  }
  const text = Buffer.concat(parts, size).toString('utf8');
  if (!isJson(request.headers['content-type'])) return text;
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BodyError(400, 'Request body is not valid JSON.');
  }
}

function isJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}
