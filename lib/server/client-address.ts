import net from 'node:net';

// Pure helpers for client addresses (no request, no database): unit-tested in tests/unit/limit-keys.test.ts.

/**
 * A forwarded or socket address as one canonical IP string, or null when it is not an address.
 * Accepts `1.2.3.4`, `1.2.3.4:5678` (some load balancers add the port), `2001:db8::1`,
 * `[2001:db8::1]:443`, and IPv4-mapped IPv6 (`::ffff:1.2.3.4` → `1.2.3.4`). IPv6 is lower-cased.
 */
export function normalizeIp(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let s = raw.trim();
  if (s.length > 64) return null;
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(s);
  if (bracketed) s = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/.test(s)) s = s.slice(0, s.lastIndexOf(':'));
  s = s.replace(/%.*$/, ''); // an IPv6 zone id names the host's own interface, not the client
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(s);
  if (mapped) s = mapped[1];
  const kind = net.isIP(s);
  if (kind === 4) return s;
  if (kind === 6) return s.toLowerCase();
  return null;
}

/**
 * The unit a per-address limit counts: the IPv4 address itself, or the /64 network of an IPv6 address
 * (one customer line gets a whole /64 and can rotate through it at will), or `unknown` for a request
 * whose address could not be read — one shared bucket, so a garbage or missing address never skips a limit.
 */
export function addressBucket(ip: string | null): string {
  const n = normalizeIp(ip);
  if (!n) return 'unknown';
  if (net.isIPv4(n)) return n;
  return `${expandIpv6(n).slice(0, 4).join(':')}::/64`;
}

/** Eight 4-digit hextets of an IPv6 address (an embedded IPv4 tail becomes two hextets). */
function expandIpv6(ip: string): string[] {
  let s = ip;
  const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(s);
  if (v4) {
    const [a, b, c, d] = v4[1].split('.').map(Number);
    s = `${s.slice(0, -v4[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, null];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const middle = tail === null ? [] : Array<string>(8 - h.length - t.length).fill('0');
  return [...h, ...middle, ...t].map((x) => x.padStart(4, '0'));
}
