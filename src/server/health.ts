import type { ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

export type Lifecycle = 'starting' | 'ready' | 'stopping';

/** What `/readyz` reports beside the verdict, for operators. */
export type ReadinessDetail = Readonly<Record<string, unknown>>;

/** `/healthz`: the process is up and serving HTTP. Cheap on purpose: probes call it often. */
export function sendHealth(response: ServerResponse): void {
  sendJson(response, 200, { status: 'ok' });
}

/** `/readyz`: 200 only between start-up and the first shutdown signal, so balancers drain us. */
export function sendReadiness(response: ServerResponse, lifecycle: Lifecycle, detail: ReadinessDetail): void {
  sendJson(response, lifecycle === 'ready' ? 200 : 503, { status: lifecycle, ...detail });
}

/** `/metrics`: the registry's text, never cached. */
export async function sendMetrics(response: ServerResponse, registry: Registry): Promise<void> {
  const text = await registry.metrics();
  response.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
  response.end(text);
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  response.end(text);
}
