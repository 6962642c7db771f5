import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Db } from './db';
import { julianToMs, msToJulian, nowIso } from './db';
import { getAccount, setInternationalCalling, type IntlState } from './accounts';
import { deleteAllowance, purgeExpiredAllowances, putAllowances } from './allowances';
import { reportedUserAgent } from '../../../lib/devices/user-agent';
import { countryCodeSchema, putDestinationAllowancesBodySchema } from '../../../lib/switch/schemas';
import { ACCOUNT_NUMBER_RE, SIP_USERNAME_RE, setSubscriberPassword, validatePassword } from './provision';

// The switch API, CONTRACTS §3, served by the companion next to Kamailio. It writes the same
// SQLite file Kamailio reads on every REGISTER (subscriber.ha1) and INVITE (accounts), so a change
// applies to the next SIP request without a reload. Why not Kamailio's xhttp: see
// docs/reference-switch.md ("Why a companion").

export interface ApiOptions {
  token: string;
  realm: string;
  graceSeconds: number;
  host?: string; // 127.0.0.1
  port: number; // 0 = any free port
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Keep successful idempotent answers this long (default 24 h). */
  idempotencyTtlMs?: number;
  log?: (line: string) => void;
}

export interface ApiServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY = 16 * 1024;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface Reply {
  status: number;
  body?: unknown;
}

const sha256 = (s: string | Buffer): Buffer => createHash('sha256').update(s).digest();

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > MAX_BODY) {
      reject(
        new ApiError(413, 'payload_too_large', `request body is limited to ${MAX_BODY} bytes`, {
          Connection: 'close',
        }),
      );
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      if (tooBig) return; // keep draining, so that the 413 can still be sent
      size += c.length;
      if (size > MAX_BODY) {
        tooBig = true;
        reject(
          new ApiError(413, 'payload_too_large', `request body is limited to ${MAX_BODY} bytes`, {
            Connection: 'close',
          }),
        );
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJsonObject(raw: Buffer, req: http.IncomingMessage): Record<string, unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json')
    throw new ApiError(415, 'unsupported_media_type', 'Content-Type must be application/json');
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ApiError(400, 'malformed_json', 'request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError(400, 'invalid_body', 'request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

function onlyKeys(body: Record<string, unknown>, allowed: string[]): void {
  const extra = Object.keys(body).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw new ApiError(400, 'invalid_body', `unknown field(s): ${extra.join(', ')}`);
}

function boundedString(body: Record<string, unknown>, key: string, max: number): string {
  const v = body[key];
  if (typeof v !== 'string' || v.trim().length === 0 || v.trim().length > max) {
    throw new ApiError(400, 'invalid_body', `${key} must be a non-empty string of at most ${max} characters`);
  }
  return v.trim();
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new ApiError(400, 'invalid_path', 'malformed percent-encoding in path');
  }
}

/** `sip:1.2.3.4:5060`, `sip:[2001:db8::1]:5060;transport=udp` → the IP. */
function hostOfSipUri(uri: string | null): string | null {
  if (!uri) return null;
  const m = /^sips?:(?:[^@;]*@)?(\[[^\]]+\]|[^:;>]+)/i.exec(uri.trim().replace(/^<|>$/g, ''));
  return m ? m[1].replace(/^\[|\]$/g, '') : null;
}

/**
 * A binding's `userAgent` as the API sends it (docs/switch-api.md, `GET …/registrations`), from
 * `location.user_agent`: `""` for NULL, blank, or the `n/a` Kamailio's registrar (5.x, registrar
 * module `save()`) writes when it records no User-Agent (none, an empty one, or one of 255 bytes or
 * more, which kamailio.cfg now refuses first); the portal's own reading (lib/devices/user-agent.ts
 * reportedUserAgent), so the two cannot differ. Otherwise the text as stored.
 */
export function userAgentOfBinding(stored: string | null): string {
  return stored === null ? '' : reportedUserAgent(stored);
}

/** 405 with an Allow header unless the request's method is `allowed`. */
function allowOnly(method: string, allowed: 'GET' | 'PUT' | 'DELETE'): void {
  if (method !== allowed) throw new ApiError(405, 'method_not_allowed', `use ${allowed}`, { Allow: allowed });
}

/** 400 unless `number` looks like an account number (ACC-1001). */
function checkAccountNumber(number: string): void {
  if (!ACCOUNT_NUMBER_RE.test(number))
    throw new ApiError(400, 'invalid_account_number', 'account number must look like ACC-1001');
}

/** 400 unless `username` is a SIP username. */
function checkUsername(username: string): void {
  if (!SIP_USERNAME_RE.test(username))
    throw new ApiError(400, 'invalid_username', 'not a valid SIP username');
}

/** 404 unless the switch has an account `number`. */
function requireAccount(db: Db, number: string): void {
  if (!db.prepare('SELECT 1 FROM accounts WHERE number = ?').get(number))
    throw new ApiError(404, 'account_not_found', `no account ${number}`);
}

export function startApi(db: Db, o: ApiOptions): Promise<ApiServer> {
  const log = o.log ?? ((line: string) => console.log(line));
  const tokenHash = sha256(o.token);
  const ttl = o.idempotencyTtlMs ?? 86_400_000;

  const findKey = db.prepare(
    'SELECT method, path, request_hash, status, response_body FROM idempotency_keys WHERE key = ?',
  );
  const saveKey = db.prepare(
    'INSERT INTO idempotency_keys (key, method, path, request_hash, status, response_body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const purgeKeys = db.prepare('DELETE FROM idempotency_keys WHERE created_at < ?');

  function authorize(req: http.IncomingMessage): void {
    const h = req.headers.authorization ?? '';
    const m = /^Bearer ([^\s]+)$/.exec(h);
    // Compare digests: equal length, constant time, and the token's length is not leaked.
    if (!m || !timingSafeEqual(sha256(m[1]), tokenHash)) {
      throw new ApiError(401, 'unauthorized', 'missing or invalid bearer token', {
        'WWW-Authenticate': 'Bearer',
      });
    }
  }

  /**
   * Runs a mutation at most once per Idempotency-Key. better-sqlite3 is synchronous and the whole
   * check-apply-record runs in one transaction, so two requests with one key cannot interleave.
   * BEGIN IMMEDIATE takes the write lock first (waiting out Kamailio's writes via busy_timeout): a
   * deferred transaction that reads and then writes fails at once with SQLITE_BUSY when a Kamailio
   * process committed in between, and SQLite's busy handler cannot help with that case.
   * Only successful answers are kept (a rejected request applied nothing and may be retried).
   */
  function idempotent(
    req: http.IncomingMessage,
    path: string,
    raw: Buffer,
    apply: () => Reply,
  ): Reply & { replayed?: boolean } {
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key.length === 0) {
      throw new ApiError(
        400,
        'idempotency_key_missing',
        'Idempotency-Key header is required on this request',
      );
    }
    if (!UUID_RE.test(key))
      throw new ApiError(400, 'idempotency_key_invalid', 'Idempotency-Key must be a UUID');
    const requestHash = sha256(Buffer.concat([Buffer.from(`${req.method} ${path}\n`), raw])).toString('hex');
    return db
      .transaction((): Reply & { replayed?: boolean } => {
        const prior = findKey.get(key.toLowerCase()) as
          | { method: string; path: string; request_hash: string; status: number; response_body: string }
          | undefined;
        if (prior) {
          if (prior.request_hash !== requestHash) {
            throw new ApiError(
              422,
              'idempotency_key_reused',
              'this Idempotency-Key was already used for a different request',
            );
          }
          return {
            status: prior.status,
            body: prior.response_body === '' ? undefined : JSON.parse(prior.response_body),
            replayed: true,
          };
        }
        const reply = apply();
        if (reply.status >= 200 && reply.status < 300) {
          saveKey.run(
            key.toLowerCase(),
            req.method ?? '',
            path,
            requestHash,
            reply.status,
            reply.body === undefined ? '' : JSON.stringify(reply.body),
            Date.now(),
          );
        }
        return reply;
      })
      .immediate();
  }

  async function route(
    req: http.IncomingMessage,
  ): Promise<Reply & { replayed?: boolean; headers?: Record<string, string> }> {
    const url = new URL(req.url ?? '/', 'http://switch.invalid');
    const parts = url.pathname.split('/').filter((p) => p !== '');
    const method = req.method ?? 'GET';

    if (url.pathname === '/healthz') {
      allowOnly(method, 'GET');
      db.prepare('SELECT 1').get();
      return { status: 200, body: { ok: true } };
    }

    // Authenticate before saying anything about paths, methods or bodies.
    authorize(req);

    if (parts[0] !== 'v1' || parts.length < 3 || parts.length > 5)
      throw new ApiError(404, 'not_found', 'no such endpoint');

    if (parts[1] === 'accounts') {
      const number = decodeSegment(parts[2]);
      if (parts.length === 3) {
        allowOnly(method, 'GET');
        checkAccountNumber(number);
        const account = getAccount(db, number);
        if (!account) throw new ApiError(404, 'account_not_found', `no account ${number}`);
        return { status: 200, body: account };
      }
      if (parts[3] === 'international-calling' && parts.length === 4) {
        allowOnly(method, 'PUT');
        checkAccountNumber(number);
        const raw = await readBody(req);
        const body = parseJsonObject(raw, req);
        onlyKeys(body, ['state', 'reason', 'actor']);
        if (body.state !== 'allowed' && body.state !== 'blocked') {
          throw new ApiError(400, 'invalid_body', 'state must be "allowed" or "blocked"');
        }
        const state = body.state as IntlState;
        const reason = boundedString(body, 'reason', 500);
        const actor = boundedString(body, 'actor', 200);
        const key = String(req.headers['idempotency-key'] ?? '');
        return idempotent(req, url.pathname, raw, () => {
          const account = setInternationalCalling(db, number, {
            state,
            reason,
            actor,
            source: 'api',
            idempotencyKey: key,
            graceSeconds: o.graceSeconds,
          });
          if (!account) throw new ApiError(404, 'account_not_found', `no account ${number}`);
          log(`api: ${number} international calling -> ${state} by ${JSON.stringify(actor)}`);
          return { status: 200, body: account };
        });
      }
      if (parts[3] === 'destination-allowances' && parts.length === 4) {
        allowOnly(method, 'PUT');
        checkAccountNumber(number);
        const raw = await readBody(req);
        // The wire shape is the one the portal's client sends (lib/switch/schemas.ts).
        const parsed = putDestinationAllowancesBodySchema.safeParse(parseJsonObject(raw, req));
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new ApiError(
            400,
            'invalid_body',
            `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
          );
        }
        const body = parsed.data;
        const untilMs = Date.parse(body.until);
        return idempotent(req, url.pathname, raw, () => {
          requireAccount(db, number);
          if (untilMs <= Date.now()) throw new ApiError(422, 'until_in_past', 'until must lie in the future');
          const allowances = putAllowances(db, number, {
            countries: body.countries,
            untilMs,
            reason: body.reason,
            actor: body.actor,
          });
          log(
            `api: ${number} destination allowance ${body.countries.join(',')} until ${new Date(untilMs).toISOString()} by ${JSON.stringify(body.actor)}`,
          );
          return { status: 200, body: { accountNumber: number, allowances } };
        });
      }
      if (parts[3] === 'destination-allowances' && parts.length === 5) {
        allowOnly(method, 'DELETE');
        checkAccountNumber(number);
        const country = decodeSegment(parts[4]);
        if (!countryCodeSchema.safeParse(country).success)
          throw new ApiError(400, 'invalid_country', 'countries are ISO 3166-1 alpha-2 codes such as SO');
        return idempotent(req, url.pathname, Buffer.alloc(0), () => {
          requireAccount(db, number);
          // An allowance that is gone already (expired, or ended before) is the state the caller wants.
          if (deleteAllowance(db, number, country))
            log(`api: ${number} destination allowance ${country} ended`);
          return { status: 204 };
        });
      }
      throw new ApiError(404, 'not_found', 'no such endpoint');
    }

    if (parts[1] === 'sip-credentials' && parts.length === 4) {
      const username = decodeSegment(parts[2]);
      if (parts[3] === 'password') {
        allowOnly(method, 'PUT');
        checkUsername(username);
        const raw = await readBody(req);
        const body = parseJsonObject(raw, req);
        onlyKeys(body, ['password']);
        const problem = validatePassword(body.password);
        if (problem) throw new ApiError(400, 'invalid_body', problem);
        const password = body.password as string;
        // The password itself is never logged or stored; the idempotency record keeps a hash of
        // the request (to spot a reused key) and an empty 204 body.
        return idempotent(req, url.pathname, raw, () => {
          if (!setSubscriberPassword(db, o.realm, username, password)) {
            throw new ApiError(404, 'sip_credential_not_found', `no SIP credential ${username}`);
          }
          log(`api: new password for ${username}; its registrations were ended`);
          return { status: 204 };
        });
      }
      if (parts[3] === 'registrations') {
        allowOnly(method, 'GET');
        checkUsername(username);
        if (!db.prepare('SELECT 1 FROM subscriber WHERE username = ?').get(username)) {
          throw new ApiError(404, 'sip_credential_not_found', `no SIP credential ${username}`);
        }
        const rows = db
          .prepare(
            `SELECT contact, received, user_agent, expires FROM location
              WHERE username = ? AND typeof(expires) IN ('real', 'integer') AND expires > ? ORDER BY expires DESC`,
          )
          .all(username, msToJulian(Date.now())) as {
          contact: string;
          received: string | null;
          user_agent: string | null;
          expires: number;
        }[];
        return {
          status: 200,
          body: {
            registrations: rows.map((r) => ({
              contact: r.contact,
              sourceIp: hostOfSipUri(r.received) ?? hostOfSipUri(r.contact) ?? '',
              userAgent: userAgentOfBinding(r.user_agent),
              expiresAt: nowIso(julianToMs(r.expires)),
            })),
          },
        };
      }
    }
    throw new ApiError(404, 'not_found', 'no such endpoint');
  }

  function send(
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    if (res.headersSent) return;
    const payload = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
      ...(body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...(body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(payload)) }),
      ...headers,
    });
    res.end(payload);
  }

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    route(req)
      .then((r) =>
        send(res, r.status, r.body, {
          ...(r.replayed ? { 'Idempotent-Replayed': 'true' } : {}),
          ...(r.headers ?? {}),
        }),
      )
      .catch((e: unknown) => {
        if (e instanceof ApiError) {
          send(res, e.status, { error: { code: e.code, message: e.message } }, e.headers);
          return;
        }
        const code = (e as { code?: string }).code;
        if (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code)) {
          // Rolled back: "not known to be applied" is the truth here.
          send(
            res,
            503,
            { error: { code: 'switch_busy', message: 'the switch database is busy; retry' } },
            { 'Retry-After': '1' },
          );
          return;
        }
        log(`api: internal error on ${req.method} ${req.url}: ${e instanceof Error ? e.message : String(e)}`);
        send(res, 500, { error: { code: 'internal_error', message: 'internal error' } });
      });
  };

  const server = o.tls
    ? https.createServer({ cert: o.tls.cert, key: o.tls.key }, handler)
    : http.createServer(handler);
  server.requestTimeout = 15_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  const purge = setInterval(() => {
    try {
      purgeKeys.run(Date.now() - ttl);
    } catch {
      /* next time */
    }
  }, 3_600_000);
  purge.unref();
  // The switch drops expired allowances by itself (Kamailio already ignores them at their `until`).
  const sweep = setInterval(() => {
    try {
      purgeExpiredAllowances(db);
    } catch {
      /* next time */
    }
  }, 60_000);
  sweep.unref();

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : o.port;
      const host = (o.host ?? '127.0.0.1').includes(':') ? `[${o.host}]` : (o.host ?? '127.0.0.1');
      resolve({
        url: `${o.tls ? 'https' : 'http'}://${host}:${port}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            clearInterval(purge);
            clearInterval(sweep);
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
