import type http from 'node:http';
import net from 'node:net';

// After a stop begins, an idle keep-alive connection stays open at least this long (and while any
// request is in flight), so that a request the client already sent on it is answered, not reset.
const IDLE_LINGER_MS = 1000;

export interface Drain {
  /**
   * Stops listening; answers what arrives on open connections with `Connection: close`; closes each
   * connection once it is idle; resolves when all are closed (forcibly after `graceMs`).
   */
  stop(graceMs: number): Promise<void>;
}

/** Tracks `httpServer`'s connections and requests so that a stop drains them instead of resetting them. */
export function drainable(httpServer: http.Server): Drain {
  // Requests in flight on each open connection.
  const connections = new Map<net.Socket, number>();
  const responses = new Set<http.ServerResponse>();
  let draining = false;

  httpServer.on('connection', (socket: net.Socket) => {
    connections.set(socket, 0);
    socket.once('close', () => connections.delete(socket));
  });
  // Before the application's handler, which may answer at once.
  httpServer.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const socket = req.socket;
    connections.set(socket, (connections.get(socket) ?? 0) + 1);
    responses.add(res);
    if (draining) res.setHeader('connection', 'close');
    res.once('close', () => {
      responses.delete(res);
      const left = (connections.get(socket) ?? 1) - 1;
      if (connections.has(socket)) connections.set(socket, left);
      // A response that started before the stop may have promised to keep the connection open.
      if (draining && left === 0) socket.end();
    });
  });

  return {
    async stop(graceMs) {
      draining = true;
      const started = Date.now();
      for (const res of responses) if (!res.headersSent) res.setHeader('connection', 'close');
      // net.Server's close stops listening only; http.Server's would also drop idle keep-alive
      // connections at once, resetting requests already sent on them.
      const closed = new Promise<void>((resolve) => net.Server.prototype.close.call(httpServer, () => resolve()));
      const inFlight = () => responses.size > 0;
      while ((inFlight() || Date.now() - started < IDLE_LINGER_MS) && Date.now() - started < graceMs) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      for (const [socket, requests] of connections) if (requests === 0) socket.end();
      const forced = setTimeout(() => {
        for (const socket of connections.keys()) socket.destroy();
      }, Math.max(0, graceMs - (Date.now() - started)));
      await closed;
      clearTimeout(forced);
    },
  };
}
