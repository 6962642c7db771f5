import 'server-only';
import { env } from '@/lib/server/env';
import { isHttpBaseUrl } from '@/lib/server/http-url';
import { log } from '@/lib/server/log';
import type { SwitchResult } from './result';
import {
  accountNumberSchema,
  idempotencyKeySchema,
  issuePaths,
  readRegistrations,
  sipUsernameSchema,
  switchAccountSchema,
  switchActor,
  type SetInternationalCallingBody,
  type ReadRegistrations,
  type SwitchAccount,
} from './schemas';
import {
  deleteDestinationAllowance,
  putDestinationAllowances,
  type AllowanceCalls,
} from './client-allowances';
import { send, type SwitchLogEntry, type TransportConfig } from './transport';
import { noteAccountAnswered } from './answered';

// The switch API of CONTRACTS §3, and nothing else talks to the switch. Every call returns a
// SwitchResult (see ./result.ts) instead of throwing, so a caller cannot forget the "switch did
// not answer" case. Programming mistakes (a bad Idempotency-Key, a bad config) do throw.

export type SwitchClientOptions = {
  baseUrl: string;
  token: string;
  /** Per attempt, covering headers and body. */
  timeoutMs?: number;
  /** Extra attempts for GETs and keyed PUTs on timeout / connection error / 5xx. 0 for the outbox, which retries itself. */
  retries?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  fetch?: typeof fetch;
  /** Gets method, path, status and error kind of each failed attempt; never a body. */
  log?: (entry: SwitchLogEntry) => void;
};

export type CallOptions = { signal?: AbortSignal };

export type SwitchClient = {
  getAccount(accountNumber: string, opts?: CallOptions): Promise<SwitchResult<SwitchAccount>>;
  setInternationalCalling(
    accountNumber: string,
    change: SetInternationalCallingBody,
    idempotencyKey: string,
    opts?: CallOptions,
  ): Promise<SwitchResult<SwitchAccount>>;
  /** Resolves `{ ok: true, value: undefined }` on 204. The password appears in no result, message or log. */
  setSipPassword(
    username: string,
    password: string,
    idempotencyKey: string,
    opts?: CallOptions,
  ): Promise<SwitchResult<void>>;
  /** A credential's bindings, each read on its own (lib/switch/schemas.ts readRegistrations). */
  getRegistrations(username: string, opts?: CallOptions): Promise<SwitchResult<ReadRegistrations>>;
} & AllowanceCalls;

const defaultLog = (e: SwitchLogEntry) => log().warn({ switchCall: e }, 'switch call failed');

/**
 * The switch API's paths of the calls this client makes (docs/switch-api.md part 1), relative to
 * SWITCH_API_URL: the one place they are written, for the client and for the operator commands'
 * warnings, which name the URL they asked (lib/accounts/commands.ts). A SIP username is URL-encoded.
 */
export const switchPaths = {
  account: (accountNumber: string) => `/v1/accounts/${accountNumber}`,
  internationalCalling: (accountNumber: string) => `/v1/accounts/${accountNumber}/international-calling`,
  sipPassword: (username: string) => `/v1/sip-credentials/${encodeURIComponent(username)}/password`,
  registrations: (username: string) => `/v1/sip-credentials/${encodeURIComponent(username)}/registrations`,
};

export function createSwitchClient(options: SwitchClientOptions): SwitchClient {
  if (!isHttpBaseUrl(options.baseUrl))
    throw new Error('Switch client: baseUrl must be an http(s) URL with a host, no query or fragment');
  if (options.token === '') throw new Error('Switch client: token is empty');
  const cfg: TransportConfig = {
    baseUrl: options.baseUrl.replace(/\/+$/, ''), // keeps a path prefix such as https://host/switch-api
    token: options.token,
    timeoutMs: options.timeoutMs ?? 5000,
    retries: options.retries ?? 2,
    backoffBaseMs: options.backoffBaseMs ?? 250,
    backoffMaxMs: options.backoffMaxMs ?? 2000,
    fetch: options.fetch ?? globalThis.fetch,
    log: options.log ?? defaultLog,
    random: Math.random,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };

  return {
    async getAccount(accountNumber, opts) {
      if (!accountNumberSchema.safeParse(accountNumber).success) return invalidArgument('account number');
      const res = await send(cfg, {
        method: 'GET',
        path: switchPaths.account(accountNumber),
        signal: opts?.signal,
        check: accountCheck(accountNumber),
      });
      if (!res.ok) return res;
      const account = parseAccount(res.value, accountNumber);
      // Its 404s may now be read as "no such account" (lib/switch/answered.ts).
      if (account.ok) noteAccountAnswered();
      return account;
    },
    async setInternationalCalling(accountNumber, change, idempotencyKey, opts) {
      assertKey(idempotencyKey);
      if (!accountNumberSchema.safeParse(accountNumber).success) return invalidArgument('account number');
      const body = { state: change.state, reason: change.reason, actor: switchActor(change.actor) };
      const res = await send(cfg, {
        method: 'PUT',
        path: switchPaths.internationalCalling(accountNumber),
        body,
        idempotencyKey,
        signal: opts?.signal,
        check: accountCheck(accountNumber),
      });
      return res.ok ? parseAccount(res.value, accountNumber) : res;
    },
    async setSipPassword(username, password, idempotencyKey, opts) {
      assertKey(idempotencyKey);
      if (!sipUsernameSchema.safeParse(username).success) return invalidArgument('SIP username');
      const res = await send(cfg, {
        method: 'PUT',
        path: switchPaths.sipPassword(username),
        body: { password },
        idempotencyKey,
        secrets: [password],
        signal: opts?.signal,
      });
      return res.ok ? { ok: true, value: undefined } : res;
    },
    async getRegistrations(username, opts) {
      if (!sipUsernameSchema.safeParse(username).success) return invalidArgument('SIP username');
      const res = await send(cfg, {
        method: 'GET',
        path: switchPaths.registrations(username),
        signal: opts?.signal,
        check: (json) => (readRegistrations(json) ? null : 'registrations'),
      });
      if (!res.ok) return res;
      const read = readRegistrations(res.value);
      return read ? { ok: true, value: read } : badBody();
    },
    putDestinationAllowances: (n, body, key, opts) => (
      assertKey(key),
      putDestinationAllowances(cfg, n, body, key, opts)
    ),
    deleteDestinationAllowance: (n, country, key, opts) => (
      assertKey(key),
      deleteDestinationAllowance(cfg, n, country, key, opts)
    ),
  };
}

let shared: SwitchClient | undefined;

/** The app's client, configured from the environment (CONTRACTS §2). */
export function switchClient(overrides?: Partial<SwitchClientOptions>): SwitchClient {
  if (overrides === undefined && shared) return shared;
  const e = env();
  const client = createSwitchClient({
    baseUrl: e.SWITCH_API_URL,
    token: e.SWITCH_API_TOKEN,
    timeoutMs: e.SWITCH_API_TIMEOUT_MS,
    ...overrides,
  });
  if (overrides === undefined) shared = client;
  return client;
}

/** The transport's contract check of an account's body (see RequestSpec.check). */
function accountCheck(accountNumber: string) {
  return (json: unknown): string | null => {
    const parsed = switchAccountSchema.safeParse(json);
    if (!parsed.success) return issuePaths(parsed.error);
    return parsed.data.accountNumber === accountNumber ? null : 'accountNumber names another account';
  };
}

function parseAccount(value: unknown, accountNumber: string): SwitchResult<SwitchAccount> {
  const parsed = switchAccountSchema.safeParse(value);
  // An answer about another account is as useless as a garbled one.
  return parsed.success && parsed.data.accountNumber === accountNumber
    ? { ok: true, value: parsed.data }
    : badBody();
}

function badBody(): SwitchResult<never> {
  return {
    ok: false,
    kind: 'invalid_response',
    code: 'bad_body',
    message: 'the switch answered with a body that does not match the contract',
  };
}

function invalidArgument(what: string): SwitchResult<never> {
  // Refused before sending: a malformed path segment could address another resource.
  return {
    ok: false,
    kind: 'rejected',
    code: 'invalid_request',
    message: `invalid ${what}; nothing was sent to the switch`,
  };
}

function assertKey(key: string): void {
  if (!idempotencyKeySchema.safeParse(key).success) throw new TypeError('Idempotency-Key must be a UUID');
}
