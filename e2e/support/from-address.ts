import net from 'node:net';
import { E2E_PORT } from './env';

/**
 * A TCP relay to the portal whose connections come from `localAddress` (any 127.x.y.z works on
 * Linux's loopback), so a browser context can be "another client address" without a proxy: the
 * portal runs with TRUSTED_PROXY_HOPS=0 and sees the relay's source address as the socket peer.
 * Open pages on `url` (cookies are per host, not per port, so each context keeps its own).
 */
export async function fromAddress(localAddress: string): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: E2E_PORT, localAddress });
    sockets.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
