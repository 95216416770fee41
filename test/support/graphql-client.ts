import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

export interface GraphQLResponse<TData> {
  readonly status: number;
  readonly headers: Headers;
  readonly data?: TData | null;
  readonly errors?: ReadonlyArray<{
    readonly message: string;
    readonly path?: ReadonlyArray<string | number>;
    readonly extensions?: Record<string, unknown>;
  }>;
  /** Response-level extensions, e.g. `stale`: the paths of answers served stale. */
  readonly extensions?: Record<string, unknown>;
}

/** POSTs a typed operation the way a browser client would, and returns status, headers and body. */
export function execute<TData, TVariables>(
  url: string,
  document: TypedDocumentNode<TData, TVariables>,
  variables?: TVariables,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<TData>> {
  return postQuery<TData>(url, print(document), variables, headers);
}

/** POSTs a document's text as `execute` does: for documents no codegen type describes (built to break limits, say). */
export async function postQuery<TData>(url: string, query: string, variables?: unknown, headers: Record<string, string> = {}): Promise<GraphQLResponse<TData>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<TData>, 'status' | 'headers'>;
  return { status: response.status, headers: response.headers, ...body };
}
