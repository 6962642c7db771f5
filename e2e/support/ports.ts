// Free ports for the servers that tests and benches start: portals, switch simulators, PostgreSQL
// clusters, nginx, Kamailio, SIPp, baresip.
//
// A port the kernel picks (listen on port 0) comes from its ephemeral range, the range it also draws
// the local port of every outgoing connection from, and one closed a moment ago is soon handed out
// again: between the pick and the server's own listen (seconds, for a Next server or a PostgreSQL
// cluster), a browser's or a client's connection, or another test worker's pick, could take it (seen
// in CI: a portal that never listened while its readiness check reached another test's portal;
// baresip's "Address already in use" on its TCP side). These functions pick at random BELOW the
// ephemeral range, where the kernel never hands out a port by itself, check that the port can be
// listened on now, and never give the same port twice in one process. Parallel workers (separate
// processes) can still meet, with a chance of about 1 in 12 000 per pair of picks; the servers that
// start slowly (e2e/support/kamailio-portal.ts startPortal, tests/kamailio/harness.ts startUas) also
// start again elsewhere when their port was taken.
// Hand-written: get-port-please (in node_modules through Lighthouse) scans a range in order, so
// parallel workers would all take its first free port.
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';

/**
 * The first port of the kernel's ephemeral range (Linux `net.ipv4.ip_local_port_range`, ip(7); its
 * default 32768–60999), or 32768 where it cannot be read (another OS; IANA's dynamic range starts at
 * 49152, RFC 6335 §6, so 32768 is below it too).
 */
function ephemeralStart(): number {
  try {
    const first = Number(
      fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
    );
    if (Number.isInteger(first) && first > 1024) return first;
  } catch {
    // not Linux: the default below
  }
  return 32768;
}

/** Ports handed out by this process, never handed out again (a server may not be listening yet). */
const handedOut = new Set<number>();

/** The range picks come from: [low, high], inclusive, all below the ephemeral range. */
export function pickRange(start = ephemeralStart()): { low: number; high: number } {
  const high = start - 1;
  return { low: Math.max(1025, Math.min(20_000, high - 1_000)), high };
}

function canListenTcp(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

function canBindUdp(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    sock.once('error', () => {
      try {
        sock.close();
      } catch {
        // never bound
      }
      resolve(false);
    });
    sock.bind({ port, address: host, exclusive: true }, () => sock.close(() => resolve(true)));
  });
}

async function pick(free: (port: number) => Promise<boolean>, what: string): Promise<number> {
  const { low, high } = pickRange();
  for (let tries = 0; tries < 200; tries++) {
    const port = crypto.randomInt(low, high + 1);
    if (handedOut.has(port)) continue;
    if (await free(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free ${what} port found in ${low}–${high} after 200 tries`);
}

/**
 * A TCP port on `host` (default 127.0.0.1) that nothing listens on now, below the ephemeral range
 * (see above): for a server the caller starts next. Rejects when 200 random picks are all taken.
 */
export function freeTcpPort(host = '127.0.0.1'): Promise<number> {
  return pick((port) => canListenTcp(port, host), 'TCP');
}

/**
 * A port on `host` (default 127.0.0.1) free for UDP and for TCP alike, below the ephemeral range: a
 * SIP endpoint (Kamailio, SIPp, baresip) may listen on both transports with the one number.
 */
export function freeUdpPort(host = '127.0.0.1'): Promise<number> {
  return pick(async (port) => (await canBindUdp(port, host)) && (await canListenTcp(port, host)), 'UDP');
}
