// A TCP relay on loopback that can cut every connection once a given number of bytes
// has gone through: a dropped link to the directory in the middle of an apply.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface FlakyProxy {
  readonly url: string;
  /** Cut all connections once this many client->server bytes have passed (once). */
  cutAfter(bytes: number): void;
  /** How many times connections were cut. */
  readonly cuts: number;
  close(): Promise<void>;
}

export async function startFlakyProxy(targetPort: number): Promise<FlakyProxy> {
  const sockets = new Set<Socket>();
  let threshold = Infinity;
  let passed = 0;
  let cuts = 0;
  const cutAll = () => {
    cuts++;
    threshold = Infinity;
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  const server: Server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (d) => {
      passed += d.length;
      upstream.write(d);
      if (passed >= threshold) cutAll();
    });
    upstream.on('data', (d) => client.write(d));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `ldap://127.0.0.1:${port}`,
    cutAfter(bytes) {
      passed = 0;
      threshold = bytes;
    },
    get cuts() {
      return cuts;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
