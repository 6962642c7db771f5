import fs from 'node:fs';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { freeTcpPort, freeUdpPort, pickRange } from '@/e2e/support/ports';

// The free ports of the servers tests start come from below the kernel's ephemeral range, where no
// outgoing connection's local port can take them between the pick and the server's listen.
describe('free ports for test servers', () => {
  it('picks below the ephemeral range, never under 1025', () => {
    expect(pickRange(32768)).toEqual({ low: 20_000, high: 32_767 });
    expect(pickRange(10_000)).toEqual({ low: 8_999, high: 9_999 });
    expect(pickRange(1_500)).toEqual({ low: 1_025, high: 1_499 });
  });

  it('hands out distinct ports below this machine’s ephemeral range that can be listened on', async () => {
    const first = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0]);
    const ports = [];
    for (let i = 0; i < 40; i++) ports.push(i % 2 ? await freeTcpPort() : await freeUdpPort());
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of ports) expect(port).toBeLessThan(first);
    const port = await freeTcpPort();
    const srv = net.createServer();
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((r) => srv.close(r));
  });
});
