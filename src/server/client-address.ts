import type { IncomingMessage } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';

/**
 * The network address a request comes from, as the key of the anonymous public's throttle: one
 * caller without credentials spending its budget must not spend everyone else's.
 *
 * `trustedProxyHops` (TRUST_PROXY_HOPS) is how many reverse proxies stand in front of the gateway
 * and append to `X-Forwarded-For`. With none (the default) the header is ignored, since any client
 * can write it and would get a fresh budget per request; with N, the address N hops back from the
 * socket's peer is the client's, and what lies further back is the client's own claim, not trusted.
 *
 * An IPv6 address is reduced to its /64: one host usually holds a whole /64, so per-address
 * budgets would be no limit at all. IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is the IPv4 address.
 */
export function clientAddress(request: IncomingMessage, trustedProxyHops: number): string | undefined {
  // Without proxies the address is the socket's peer: worked out once per keep-alive connection.
  if (trustedProxyHops === 0) {
    const known = peerAddresses.get(request.socket);
    if (known !== undefined) return known;
    const peer = request.socket.remoteAddress;
    const address = peer === undefined ? undefined : throttleAddress(peer);
    if (address !== undefined) peerAddresses.set(request.socket, address);
    return address;
  }
  const chain = trustedProxyHops > 0 ? forwardedFor(request.headers['x-forwarded-for']) : [];
  const peer = request.socket.remoteAddress;
  if (peer) chain.push(peer);
  const address = chain[Math.max(0, chain.length - 1 - trustedProxyHops)];
  return address === undefined ? undefined : throttleAddress(address);
}

const peerAddresses = new WeakMap<object, string>();

function forwardedFor(header: string | string[] | undefined): string[] {
  if (header === undefined) return [];
  return (Array.isArray(header) ? header.join(',') : header)
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** The address as a budget key: IPv4 as is, IPv6 by its /64, anything unparsable as given (bounded). */
export function throttleAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1] && isIPv4(mapped[1])) return mapped[1];
  if (isIPv4(address)) return address;
  const bare = address.replace(/%.*$/, '');
  if (isIPv6(bare)) return `${expandIPv6(bare).slice(0, 4).join(':')}::/64`;
  return address.slice(0, 64);
}

/** Eight hextets, `::` filled with zeros and an embedded IPv4 tail as two hextets. */
function expandIPv6(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const groups = (part: string): string[] => {
    if (part === '') return [];
    return part.split(':').flatMap((group) => {
      if (!group.includes('.')) return [group];
      const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
      return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    });
  };
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const zeros = Array.from({ length: Math.max(0, 8 - front.length - back.length) }, () => '0');
  return [...front, ...zeros, ...back].map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''));
}
