import net from 'node:net';

// Pure helpers for client addresses (no request, no database): unit-tested in tests/unit/limit-keys.test.ts.

/**
 * A forwarded or socket address as one canonical IP string, or null when it is not an address.
 * Accepts `1.2.3.4`, `1.2.3.4:5678` (some load balancers add the port), `2001:db8::1`,
 * `[2001:db8::1]:443`, and IPv4-mapped IPv6 (`::ffff:1.2.3.4` → `1.2.3.4`), after a SIP URI's or a
 * socket's scheme (`sip:1.2.3.4:5060`, `udp:[2001:db8::1]:5060`, as switches log a peer), with any
 * URI parameters (`sip:1.2.3.4:5061;transport=tls`) left out. IPv6
 * comes back in its RFC 5952 form (lower case, compressed), so two spellings of one address are one
 * string.
 */
export function normalizeIp(raw: string | null | undefined): string | null {
  if (!raw) return null;
  // A SIP switch writes a peer as a URI or a socket ("sip:1.2.3.4:5060", Kamailio's $su and
  // location.received; "udp:[2001:db8::9]:5060", its socket form): the address is what follows.
  let s = raw.trim().replace(/^(?:sips?|udp|tcp|tls|sctp|wss?):(?=[[\d])/i, '');
  // URI parameters after the host and port (RFC 3261 §19.1.1): Kamailio's $su and location.received
  // carry ";transport=tcp|tls|sctp|ws|wss" for every transport but UDP.
  s = s.replace(/;.*$/, '');
  if (s.length > 64) return null;
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(s);
  if (bracketed) s = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/.test(s)) s = s.slice(0, s.lastIndexOf(':'));
  s = s.replace(/%.*$/, ''); // an IPv6 zone id names the host's own interface, not the client
  const kind = net.isIP(s);
  if (kind === 4) return s;
  if (kind !== 6) return null;
  // RFC 5952's one text form (WHATWG URL writes it: lower case, longest zero run as "::", an
  // embedded IPv4 tail in hex), so `2001:DB8:0:0::9` and `2001:db8::9` compare equal.
  let canonical: string;
  try {
    canonical = new URL(`http://[${s}]/`).hostname.slice(1, -1);
  } catch {
    return s.toLowerCase(); // not seen: Node's isIP and its URL parser agree on IPv6
  }
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!mapped) return canonical;
  const [hi, lo] = [parseInt(mapped[1], 16), parseInt(mapped[2], 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
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
