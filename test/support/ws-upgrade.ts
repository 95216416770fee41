import WebSocket from 'ws';

/**
 * The HTTP status a graphql-ws upgrade from `origin` gets (101 once open, else the refusal's
 * status), with `headers` such as Host or X-Forwarded-Host: how the origin checks are observed.
 */
export function upgradeStatus(wsUrl: string, origin: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws', { origin, headers });
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('error', () => undefined);
  });
}
