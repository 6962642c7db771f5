import { z } from 'zod';
import emailAddresses from 'email-addresses';
import ipaddr from 'ipaddr.js';
import { asciiEmail } from '@/lib/auth/email-address';
import { isHttpBaseUrl } from '@/lib/server/http-url';

// CONTRACTS §2. Read and validated once; every other module asks this one.

/**
 * Default of POSTGRES_STATEMENT_TIMEOUT_MS: the longest one statement may run (server side), ms.
 * Here, not beside the other limits in lib/server/db/pg-limits.ts: that module loads node-postgres,
 * and this one is loaded by the proxy on every request path, which never touches the database.
 */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 10_000;

// Secrets and tokens with leading or trailing whitespace are refused, not trimmed. A trailing newline
// is what a secret mounted from a file (`openssl rand … > f`, a Kubernetes secret `--from-file`) carries;
// trimming it silently would make Tollgate's key differ from the switch's whenever the other side kept it,
// and a refusal at start (naming the variable) is found at once, where a wrong HMAC key shows up only
// as 401s on every switch event. Refusing also means an all-blank value never passes a length check.
const SURROUNDING_SPACE = 'has leading or trailing whitespace (a newline from a secrets file?): remove it';
const noSurroundingSpace = (v: string) => v === v.trim();

/** A key of at least 32 bytes (UTF-8), no surrounding whitespace; `missing` is the message when it is absent. */
const key32 = (missing?: string) =>
  z
    .string(missing ? { error: missing } : undefined)
    .refine(noSurroundingSpace, SURROUNDING_SPACE)
    .refine((v) => Buffer.byteLength(v) >= 32, 'must be at least 32 bytes');

/**
 * A bearer token: at least 16 characters, no white space anywhere. An `Authorization: Bearer <token>`
 * header holds one token with no space in it (RFC 6750 §2.1 b64token), so a token with a space could
 * never be matched (the metrics endpoint reads the one word after "Bearer").
 */
const token16 = (missing?: string) =>
  z
    .string(missing ? { error: missing } : undefined)
    .refine(noSurroundingSpace, SURROUNDING_SPACE)
    .refine(
      (v) => !noSurroundingSpace(v) || !/\s/.test(v),
      'must not contain white space (a bearer token is one word, RFC 6750 §2.1)',
    )
    .refine((v) => v.length >= 16, 'must be at least 16 characters');

/** A base URL (lib/server/http-url.ts isHttpBaseUrl): absolute http(s) with a host, no white space, query or fragment. */
const httpUrl = (invalid: string, missing = invalid) =>
  z
    .string({ error: missing })
    .refine(noSurroundingSpace, SURROUNDING_SPACE)
    .refine(
      (v) => !/[?#]/.test(v),
      'must not have a query (?) or a fragment (#): Tollgate appends paths to it',
    )
    .refine(
      (v) => !noSurroundingSpace(v) || !hasCredentials(v),
      'must not carry a user or password (user:password@): fetch refuses such a URL, and tokens and secrets have variables of their own',
    )
    // Each fault named once: the messages above, or this one.
    .refine(
      (v) => !noSurroundingSpace(v) || /[?#]/.test(v) || hasCredentials(v) || isHttpBaseUrl(v),
      invalid,
    );

/** Whether `v` parses as a URL with a user or password in it (`https://svc:secret@host`). */
function hasCredentials(v: string): boolean {
  try {
    const u = new URL(v);
    return u.username !== '' || u.password !== '';
  } catch {
    return false;
  }
}

/** smtp:// or smtps:// with a host (and, when given, a numeric port: `new URL` refuses any other). */
const smtpUrl = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return (u.protocol === 'smtp:' || u.protocol === 'smtps:') && u.hostname !== '';
  } catch {
    return false;
  }
}, 'must be smtp://host[:port] or smtps://host[:port], e.g. smtp://user:pass@mail.example.com:587');

/**
 * A From header as nodemailer takes it: one RFC 5322 mailbox (§3.4), `address` or
 * `Display Name <address>`, parsed by the email-addresses library (a group, a list or an obsolete form
 * is refused). The address must also be one the project's email module can send to (asciiEmail: its
 * domain converts to ASCII); not z.email(), which refuses single-label domains such as the documented
 * default's `localhost`.
 */
export function isMailFrom(v: string): boolean {
  const parsed = emailAddresses.parseOneAddress({ input: v.trim(), rfc6532: true, rejectTLD: false });
  return parsed?.type === 'mailbox' && asciiEmail(parsed.address) !== null;
}

/**
 * A whole number written in decimal digits only, `min`–`max`, `def` when unset; `message` on anything
 * else. Not z.coerce.number(): Number() reads a blank (` `) as 0 (PASSWORD_MIN_SCORE=" " started with
 * every password accepted), and `1e3`, `0x10` or `5000.0` as numbers nobody wrote.
 */
const wholeNumber = (min: number, max: number, def: number, message?: string) => {
  const error = message ?? `must be a whole number from ${min} to ${max}`;
  return z
    .string({ error })
    .regex(/^[0-9]{1,9}$/, error)
    .transform(Number)
    .pipe(z.number().min(min, error).max(max, error))
    .default(def);
};

/**
 * True when a postgresql:// URL names its server: a host, or a Unix socket directory in `?host=`
 * (libpq's connection URI, PostgreSQL docs §32.1.1). `postgresql://` alone started, and failed later.
 * A user and password before an empty host (`postgresql://tollgate:s3cret@/tollgate?host=/run/postgresql`,
 * a socket with a password, which libpq and node-postgres take) make `new URL` throw: the URL is read
 * again without them (review, session 39: refused, with a message suggesting the `?host=` it had).
 */
function postgresHost(v: string): boolean {
  const withoutUser = v.replace(/^(postgres(?:ql)?:\/\/)[^@/?#]*@(?=\/)/i, '$1');
  for (const text of [v, withoutUser]) {
    try {
      const u = new URL(text);
      return u.hostname !== '' || Boolean(u.searchParams.get('host'));
    } catch {
      // the next reading, or not a URL
    }
  }
  return false;
}

/**
 * Why one entry of PROVIDER_SIP_ADDRESSES is refused, or null when it is one: an IPv4 address in four
 * decimal parts (not `127.1` or `0x7f.0.0.1`, which ipaddr.js also reads, and nobody's firewall
 * shows), an IPv6 address without a zone (`%eth0` names an interface of this machine), either with a
 * CIDR prefix (`203.0.113.0/24`, `2001:db8::/32`) whose address has no bits set past the prefix and
 * that is no wider than /8 (IPv4) or /16 (IPv6), or a
 * host name of two or more labels whose last one is not all digits (`sip.example.net`; `10.0.0.300`
 * is a mistyped address, not a name).
 */
function sipAddressProblem(entry: string): string | null {
  const address = (a: string) =>
    ipaddr.IPv4.isValidFourPartDecimal(a) || (!a.includes('%') && ipaddr.IPv6.isValid(a));
  const slash = entry.indexOf('/');
  if (slash >= 0) {
    const [a, prefix] = [entry.slice(0, slash), entry.slice(slash + 1)];
    if (!address(a) || !/^[0-9]{1,3}$/.test(prefix) || !ipaddr.isValidCIDR(entry))
      return `"${entry}" is not a CIDR range: write an address, "/" and a prefix length, e.g. 203.0.113.0/24 or 2001:db8::/32`;
    const [net, bits] = ipaddr.parseCIDR(entry);
    const first =
      net.kind() === 'ipv4'
        ? ipaddr.IPv4.networkAddressFromCIDR(entry)
        : ipaddr.IPv6.networkAddressFromCIDR(entry);
    if (first.toNormalizedString() !== net.toNormalizedString())
      return `"${entry}" has bits set after its /${bits} prefix: write ${first.toString()}/${bits}`;
    // Customers are told to let only these reach their SIP ports: a typo such as 0.0.0.0/0 would tell
    // every one of them to let the whole internet in (review, 2026-12-07).
    const widest = net.kind() === 'ipv4' ? 8 : 16;
    if (bits < widest)
      return `"${entry}" is wider than /${widest}: customers are told to let only these addresses reach their SIP ports, so list the provider's own ranges`;
    return null;
  }
  if (address(entry)) return null;
  const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;
  const labels = entry.replace(/\.$/, '').split('.');
  if (
    entry.length <= 253 &&
    labels.length >= 2 &&
    labels.every((l) => label.test(l)) &&
    /[a-z]/i.test(labels.at(-1)!)
  )
    return null;
  return `"${entry}" is not an IPv4 or IPv6 address, a CIDR range (203.0.113.0/24) or a host name (sip.example.net)`;
}

/**
 * PROVIDER_SIP_ADDRESSES: a comma-separated list (white space around each entry ignored) of the
 * addresses, CIDR ranges or host names the provider's SIP traffic comes from (sipAddressProblem),
 * as the customer's firewall must let through. Parsed to the entries as written, in their order,
 * without repeats. An empty entry (`a,,b`, a trailing comma) is refused: a list pasted with one
 * missing.
 */
const sipAddresses = z.string().transform((v, ctx) => {
  if (v.trim() === '') {
    ctx.addIssue({ code: 'custom', message: 'must not be blank: list the addresses, or leave it unset' });
    return [];
  }
  const entries = v.split(',').map((e) => e.trim());
  for (const e of entries) {
    const problem =
      e === '' ? 'has an empty entry (two commas in a row, or one at an end)' : sipAddressProblem(e);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }
  return [...new Set(entries)];
});

const PORT_RANGE = 'must be a TCP port number (1-65535)';
/** A TCP port 1–65535 (never 0: "any free port" is not a place anyone can reach), `def` when unset. */
const tcpPort = (def: number) => wholeNumber(1, 65_535, def, PORT_RANGE);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z
    .string({ error: 'is required (file:./data/tollgate.db or postgresql://…)' })
    .refine(
      (v) => v.startsWith('file:') || /^postgres(ql)?:\/\//.test(v),
      'must start with file: or postgresql://',
    )
    .refine(
      (v) => !v.startsWith('file:') || v.length > 'file:'.length,
      'must name the SQLite file after file:, e.g. file:./data/tollgate.db',
    )
    .refine(
      (v) => !/^postgres(ql)?:/.test(v) || postgresHost(v),
      'must name the PostgreSQL server, e.g. postgresql://tollgate@db.internal:5432/tollgate (or ?host=/run/postgresql)',
    ),
  APP_URL: httpUrl('must be an absolute http(s) URL, e.g. https://portal.example.com'),
  AUTH_SECRET: key32('is required (at least 32 bytes)'),
  /** During a rotation only: the AUTH_SECRET being retired (sessions and sealed TOTP secrets made with it still open). */
  AUTH_SECRET_PREVIOUS: key32().optional(),
  SWITCH_API_URL: httpUrl(
    'must be an absolute http(s) URL with a host, e.g. https://switch.example.com:8443',
    "is required: the switch API's base http(s) URL",
  ),
  SWITCH_API_TOKEN: token16('is required: bearer token for the switch API'),
  SWITCH_API_TIMEOUT_MS: wholeNumber(
    100,
    60_000,
    5000,
    'must be a whole number of milliseconds from 100 to 60000',
  ),
  SWITCH_WEBHOOK_SECRET: key32('is required: HMAC key for switch events'),
  /** During a rotation only: the webhook secret being retired; events signed with it are still accepted. */
  SWITCH_WEBHOOK_SECRET_PREVIOUS: key32().optional(),
  SMTP_URL: smtpUrl.optional(),
  MAIL_FROM: z
    .string()
    .refine(isMailFrom, 'must be an address or "Name <address>", e.g. Tollgate <no-reply@example.com>')
    .default('Tollgate <no-reply@localhost>'),
  PASSWORD_MIN_SCORE: wholeNumber(0, 4, 3, 'must be a zxcvbn score: a whole number from 0 to 4'),
  /** zxcvbn guesses (log10) a new SIP password must reach; 18 ≈ 3 years of one GPU on a captured MD5 digest. */
  SIP_PASSWORD_MIN_GUESSES_LOG10: wholeNumber(
    10,
    40,
    18,
    'must be a whole number from 10 to 40 (log10 of guesses)',
  ),
  /** Unset: emails say "your VoIP provider" in the recipient's language (mail.providerDefault). */
  PROVIDER_NAME: z
    .string()
    .refine((v) => v.trim() !== '', 'must not be blank')
    .optional(),
  SUPPORT_CONTACT: z
    .string()
    .refine((v) => v.trim() !== '', 'must not be blank')
    .default('support@example.com'),
  /**
   * The addresses the provider's SIP traffic comes from, which a customer's firewall should let alone
   * reach ports 5060 and 5061 (sipAddresses). Unset: pages and mails tell the customer to ask support
   * (SUPPORT_CONTACT) for the list.
   */
  PROVIDER_SIP_ADDRESSES: sipAddresses.optional(),
  /** Demo only: enables the dev mailbox and the simulator controls. Never set in production. */
  TOLLGATE_DEMO: z.enum(['0', '1']).default('0'),
  /** Where the switch simulator listens, for the demo-only "place a fraud block" control. */
  SWITCH_SIM_CONTROL_URL: httpUrl('must be an absolute http(s) URL, e.g. http://127.0.0.1:4010').optional(),
  /**
   * How many reverse proxies in front of Tollgate append to X-Forwarded-For. 0 (the default): none, the
   * client is the socket's peer and X-Forwarded-For is ignored. n: the client address is the entry n
   * places from the right; entries further left were written by the client itself (lib/server/request-meta.ts).
   * Above 0, the X-Request-Id that proxy sets is also kept as the request id (lib/server/request-id.ts).
   */
  TRUSTED_PROXY_HOPS: wholeNumber(0, 10, 0, 'must be a whole number of proxies from 0 (none in front) to 10'),
  /** Bearer token for GET /api/metrics (CONTRACTS §7); unset, the endpoint answers 404. */
  METRICS_TOKEN: token16().optional(),
  /** pino level of the server's log lines, in any case (`DEBUG` is debug: lib/server/log.ts reads it so). */
  LOG_LEVEL: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']))
    .default('info'),
  /** Run the outbox workers inside the web process (default). Set 0 to run them elsewhere. */
  TOLLGATE_WORKERS: z.enum(['0', '1']).default('1'),
  /** How often the reconciler compares accounts with the switch's GET (docs/switch-api.md). */
  RECONCILE_INTERVAL_MS: wholeNumber(
    1000,
    3_600_000,
    60_000,
    'must be a whole number of milliseconds from 1000 to 3600000',
  ),
  /**
   * Days a finished row of the working tables is kept (lib/server/retention.ts): a switch event's body,
   * a switch operation or a mail done with. GDPR Art. 5(1)(e), storage limitation. At least 7: past the
   * switch's 3-day retry horizon (docs/switch-api.md part 2) and the mail outbox's 3 days of retries.
   */
  RETENTION_DAYS: wholeNumber(7, 3650, 90, 'must be a whole number of days from 7 to 3650'),
  /**
   * SQLite only: how long a statement waits in all for another process's write lock before failing
   * (on timers: the process serves meanwhile; lib/server/db/serialized-sqlite.ts).
   */
  SQLITE_BUSY_TIMEOUT_MS: wholeNumber(
    50,
    120_000,
    10_000,
    'must be a whole number of milliseconds from 50 to 120000',
  ),
  /**
   * PostgreSQL only: the longest one statement may run before the server cancels it (the client gives
   * up on an unanswering server 5 s later; lib/server/db/pg-limits.ts has the other limits).
   */
  POSTGRES_STATEMENT_TIMEOUT_MS: wholeNumber(
    1000,
    3_600_000,
    DEFAULT_STATEMENT_TIMEOUT_MS,
    'must be a whole number of milliseconds from 1000 to 3600000',
  ),
  /** `npm start` only: the TCP port the server listens on. */
  PORT: tcpPort(3000),
  /** `npm start` only: the address the server binds; localhost by default (README: 127.0.0.1 behind nginx). */
  HOST: z
    .string()
    .refine((v) => v.trim() !== '' && noSurroundingSpace(v), 'must be a host name or address')
    .default('localhost'),
});

export type Env = z.infer<typeof schema>;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Tollgate configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates the whole environment (CONTRACTS §2). A variable set to the empty string counts as unset
 * (its default applies): the blank lines of a `.env` template. Throws ConfigError listing every problem,
 * each prefixed with the variable's name.
 */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  const problems = result.success
    ? []
    : result.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`);
  // Judged on the values as given, not on the parsed whole, so that it is listed with the other
  // problems: an operator who fixed those was told about this one only on the next start (break-25).
  const nodeEnv = schema.shape.NODE_ENV.safeParse(cleaned.NODE_ENV).data;
  const demo = schema.shape.TOLLGATE_DEMO.safeParse(cleaned.TOLLGATE_DEMO).data;
  if (cleaned.SMTP_URL === undefined && demo !== '1' && nodeEnv === 'production')
    problems.push('SMTP_URL: is required outside the demo (smtp://user:pass@host:587)');
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  return result.data;
}

/**
 * Domains no operator's relay can send as, nor a customer write to: `localhost` and the names RFC 2606
 * and RFC 6761 reserve (`example.com`/`.net`/`.org`, `.example`, `.test`, `.invalid`, `.localhost`),
 * and the private-use names a relay or a desk may have inside a network but not outside it
 * (`.local` RFC 6762, `.internal`, `home.arpa` RFC 8375, `localdomain`).
 */
const RESERVED_DOMAIN =
  /(^|\.)(localhost|localdomain|local|internal|home\.arpa|example|test|invalid|example\.(com|net|org))\.?$/i;

/** The domain of the one mailbox in `v` (an address or "Name <address>"), lower-cased; null when none. */
function mailDomain(v: string): string | null {
  const parsed = emailAddresses.parseOneAddress({ input: v.trim(), rfc6532: true, rejectTLD: false });
  return parsed?.type === 'mailbox' ? parsed.domain.toLowerCase() : null;
}

/**
 * What a production start should tell its operator without refusing to start (the test and demo
 * setups use these values): each a sentence led by the variable's name. Outside production, and in the
 * demo, none. Logged once at start-up (instrumentation.ts register). Today:
 * - MAIL_FROM at a reserved domain (the default `no-reply@localhost`): no relay may send as it, and
 *   what goes out fails DMARC (RFC 7489), so Gmail and Microsoft 365 refuse it or file it as spam;
 * - SUPPORT_CONTACT an address at a reserved domain (the default `support@example.com`): every message
 *   and page tells customers to write to it;
 * - SMTP_URL that may send in clear to a relay not named by a loopback address (`?requireTLS=false`
 *   and the like), or that accepts any certificate (`?tls.rejectUnauthorized=false`): every sign-in
 *   link can be read on the path (docs/email.md);
 * - SMTP_URL that names a relay on this machine by a name (`smtp://localhost:25`, no TLS option): STARTTLS
 *   will be required of it, as of any relay not named by a loopback address, and a local relay
 *   without it takes no mail (ETLS) while readiness shows `smtp` degraded.
 * `smtpRisks` is lib/mail/transport.ts smtpUrlRisks.
 */
export function configWarnings(
  config: Env,
  smtpRisks: (smtpUrl: string) => ('clear' | 'anyCertificate' | 'startTlsOnThisMachine')[],
): string[] {
  if (config.NODE_ENV !== 'production' || config.TOLLGATE_DEMO === '1') return [];
  const warnings: string[] = [];
  const from = mailDomain(config.MAIL_FROM);
  if (from !== null && RESERVED_DOMAIN.test(from))
    warnings.push(
      `MAIL_FROM: ${config.MAIL_FROM} is at ${from}, a domain no relay sends as: mail from it fails DMARC and is refused or filed as spam. Set an address of your own domain (docs/email.md).`,
    );
  const support = mailDomain(config.SUPPORT_CONTACT);
  if (support !== null && RESERVED_DOMAIN.test(support))
    warnings.push(
      `SUPPORT_CONTACT: ${config.SUPPORT_CONTACT} is at ${support}, which reaches nobody, and every email and page tells customers to contact it. Set your support desk's address or phone number.`,
    );
  const risks = config.SMTP_URL ? smtpRisks(config.SMTP_URL) : [];
  if (risks.includes('clear'))
    warnings.push(
      'SMTP_URL: mail may go without TLS to a relay not named by a loopback address (requireTLS, ignoreTLS or opportunisticTLS in the URL): the relay password and every sign-in link may cross the network in clear (docs/email.md).',
    );
  if (risks.includes('startTlsOnThisMachine'))
    warnings.push(
      'SMTP_URL: the relay is on this machine by name (localhost or the like), not by a loopback address, so STARTTLS will be required of it: a relay that offers none takes no mail (ETLS) and readiness shows smtp degraded. The loopback exception reads only an address: write 127.0.0.1 or [::1] as the host (docs/email.md).',
    );
  if (risks.includes('anyCertificate'))
    warnings.push(
      "SMTP_URL: tls.rejectUnauthorized=false accepts any certificate, so any machine on the path can pose as the relay and read every sign-in link. Give the relay's CA to Node instead (NODE_EXTRA_CA_CERTS, docs/email.md).",
    );
  return warnings;
}

/**
 * One variable read by the same rule and schema as parseEnv (blank = unset = its default), for a command
 * that needs it without the whole server configuration (the operator CLI). Throws ConfigError naming it.
 */
export function envVar<K extends keyof Env>(
  name: K,
  source: Record<string, string | undefined> = process.env,
): Env[K] {
  const raw = source[name];
  const result = schema.shape[name].safeParse(raw === '' ? undefined : raw);
  if (!result.success) throw new ConfigError(result.error.issues.map((i) => `${name}: ${i.message}`));
  return result.data as Env[K];
}

/**
 * A TCP port from a variable outside the portal's own configuration (the demo's SWITCH_SIM_PORT), by
 * PORT's rule: blank or unset = `def`; anything but a whole number 1–65535 throws ConfigError naming it.
 */
export function portVar(
  name: string,
  def: number,
  source: Record<string, string | undefined> = process.env,
): number {
  const raw = source[name];
  const result = tcpPort(def).safeParse(raw === '' ? undefined : raw);
  if (!result.success) throw new ConfigError(result.error.issues.map((i) => `${name}: ${i.message}`));
  return result.data;
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

export const isDemo = () => env().TOLLGATE_DEMO === '1';
