import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local service's server once it listens: its URL, and how it stops (dropping open connections). */
export interface LoopbackServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts `server` on 127.0.0.1 at `port` (any free one by default). */
export async function listenOnLoopback(server: Server, port = 0): Promise<LoopbackServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
