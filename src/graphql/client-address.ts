import type http from 'node:http';
import net from 'node:net';
import { canonicalAddress } from '../config';

/**
 * The client's address: the socket's peer, unless the peer is one of `trustedProxies`; then the
 * right-most address of `X-Forwarded-For` that is not itself a trusted proxy (the left-most entries
 * are whatever the client chose to send, so they are never believed).
 */
export function clientAddressOf(req: http.IncomingMessage, trustedProxies: readonly string[]): string {
  const peer = canonicalAddress(req.socket.remoteAddress ?? 'unknown');
  if (trustedProxies.length === 0 || !trustedProxies.includes(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((hop) => hop.trim());
  for (let i = hops.length - 1; i >= 0; i--) {
    if (net.isIP(hops[i]) === 0) return peer;
    const hop = canonicalAddress(hops[i]);
    if (!trustedProxies.includes(hop)) return hop;
  }
  return peer;
}
