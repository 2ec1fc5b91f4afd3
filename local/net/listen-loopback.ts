import type { Server } from 'node:http';

/**
 * Starts `server` listening on 127.0.0.1 (never another interface) and resolves with the port it
 * got: `port`, or the one the system chose for 0. Rejects when the port cannot be had.
 *
 * @example
 * const port = await listenLoopback(createServer(handler), 0);
 */
export function listenLoopback(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.removeListener('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
