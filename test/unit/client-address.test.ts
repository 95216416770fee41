import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress, throttleAddress } from '../../src/server/client-address.js';

/** What clientAddress reads of a request: its headers and the socket's peer. */
function request(peer: string | undefined, forwardedFor?: string | string[]): IncomingMessage {
  return { headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }, socket: { remoteAddress: peer } } as unknown as IncomingMessage;
}

describe('the client address of a request', () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    expect(clientAddress(request('203.0.113.7', '198.51.100.1'), 0)).toBe('203.0.113.7');
  });

  it('is the address the trusted proxies appended, not what the client wrote before them', () => {
    // client wrote "6.6.6.6", the edge proxy appended the real client, the inner proxy the edge.
    const chain = request('10.0.0.2', '6.6.6.6, 198.51.100.23, 10.0.0.1');
    expect(clientAddress(chain, 1)).toBe('10.0.0.1');
    expect(clientAddress(chain, 2)).toBe('198.51.100.23');
    // Several X-Forwarded-For headers read as one list.
    expect(clientAddress(request('10.0.0.2', ['6.6.6.6', '198.51.100.23, 10.0.0.1']), 2)).toBe('198.51.100.23');
  });

  it('is the furthest address known when fewer hops are recorded than are trusted', () => {
    expect(clientAddress(request('10.0.0.2'), 2)).toBe('10.0.0.2');
    expect(clientAddress(request('10.0.0.2', '198.51.100.23'), 3)).toBe('198.51.100.23');
    expect(clientAddress(request(undefined), 0)).toBeUndefined();
  });

  it('reads IPv4-mapped IPv6 as IPv4 and IPv6 by its /64, so one host cannot rotate through its own prefix', () => {
    expect(throttleAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(throttleAddress('2001:db8:aa:bb:1:2:3:4')).toBe('2001:db8:aa:bb::/64');
    expect(throttleAddress('2001:db8:aa:bb::9')).toBe(throttleAddress('2001:0DB8:00aa:bb:ffff:1:2:3'));
    expect(throttleAddress('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(throttleAddress('::1')).toBe('0:0:0:0::/64');
    expect(throttleAddress('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(throttleAddress('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0::/64');
  });

  it('keeps an address it cannot parse, bounded, rather than dropping the caller into a shared budget', () => {
    expect(throttleAddress('unknown')).toBe('unknown');
    expect(throttleAddress('x'.repeat(500))).toHaveLength(64);
  });
});
