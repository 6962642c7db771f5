import net from 'node:net';

/**
 * One HTTP/1.1 request written by hand to the server at `origin` (http://host:port), for request
 * targets a browser or Playwright's client never sends (`OPTIONS *`, `GET http://other.example/…`):
 * `head` is the request line and headers without the final blank line; `Connection: close` is added.
 * Resolves with the status code and the response headers (names lowercased).
 */
export function rawRequest(
  origin: string,
  head: string,
): Promise<{ status: number; headers: Record<string, string> }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let got = '';
    socket.setEncoding('latin1');
    socket.setTimeout(15_000, () => socket.destroy(new Error(`no answer to ${head.split('\r\n')[0]}`)));
    socket.on('data', (d: string) => (got += d));
    socket.on('error', reject);
    socket.on('close', () => {
      const [statusLine, ...lines] = got.slice(0, got.indexOf('\r\n\r\n')).split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
      if (!status) return reject(new Error(`not an HTTP answer: ${JSON.stringify(got.slice(0, 80))}`));
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      resolve({ status, headers });
    });
    socket.write(`${head}\r\nConnection: close\r\n\r\n`);
  });
}
