import 'server-only';
import { backoffDelay, describeFetchError, redact, retryAfterMs } from './transport-util';
import type { SwitchFailure, SwitchResult } from './result';
import { parseReceivedJson } from '@/lib/server/control-characters';
import { observeSwitchCall } from '@/lib/server/metrics';
import { requestDeadline } from '@/lib/server/request-deadline';
import { switchErrorBodySchema } from './schemas';
import { noteSwitchAnswer } from './quiet';

// One HTTP exchange with the switch, with timeout, retries and classification. Request bodies are
// never logged, never put in a message and never read back from an error: the only request data
// that reaches a log line is the method and the path (account numbers and SIP usernames).

export type SwitchLogEntry = {
  method: string;
  path: string;
  attempt: number;
  durationMs: number;
  status?: number;
  kind?: SwitchFailure['kind'];
  code?: string;
  /** For an answer Tollgate could not read (`invalid_response`): what was wrong, in our words and field names. */
  detail?: string;
  willRetry: boolean;
};

export type TransportConfig = {
  baseUrl: string;
  token: string;
  timeoutMs: number;
  retries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  fetch: typeof fetch;
  log: (entry: SwitchLogEntry) => void;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
};

export type RequestSpec = {
  method: 'GET' | 'PUT' | 'DELETE';
  /** Already URL-encoded, starting with `/v1/`. */
  path: string;
  body?: unknown;
  idempotencyKey?: string;
  /**
   * Checks a 2xx answer's JSON against the contract: null when it holds, else where it breaks (field
   * names, never values). A breach is a failure of kind `invalid_response`, logged and counted like
   * any other, so a switch that answers 200 with the wrong shape is not reported healthy.
   */
  check?: (json: unknown) => string | null;
  /** Strings that must never appear in a failure message (the SIP password being set). */
  secrets?: string[];
  signal?: AbortSignal;
};

const MAX_BODY_CHARS = 1_000_000;

/** Returns the parsed JSON body of a 2xx answer (`undefined` when empty), or a classified failure. */
export async function send(cfg: TransportConfig, spec: RequestSpec): Promise<SwitchResult<unknown>> {
  // Retrying is safe for GETs, and for PUTs that carry an Idempotency-Key: the switch answers a
  // repeated key with the stored result instead of applying again (CONTRACTS §3).
  const retryable = spec.method === 'GET' || spec.idempotencyKey !== undefined;
  const maxAttempts = 1 + (retryable ? Math.max(0, cfg.retries) : 0);
  let unknownBefore = false;
  for (let attempt = 1; ; attempt++) {
    const started = Date.now();
    const raw = await attemptOnce(cfg, spec);
    // Scrub before anything else sees it: a switch may echo the request back in its error text.
    const result: SwitchResult<unknown> = raw.ok
      ? raw
      : {
          ...raw,
          message: redact(raw.message, spec.secrets),
          code: raw.code === undefined ? undefined : redact(raw.code, spec.secrets),
        };
    // A switch that asks for more quiet (Retry-After) than this request's retry budget (one
    // backoffMaxMs) is not asked again within the request; the caller (an outbox) waits for it.
    const waitAsked = result.ok ? undefined : result.retryAfterMs;
    const willRetry =
      !result.ok &&
      result.kind === 'unavailable' &&
      result.code !== 'aborted' &&
      attempt < maxAttempts &&
      (waitAsked === undefined || waitAsked <= cfg.backoffMaxMs);
    observeSwitchCall(spec.method, spec.path, result.ok ? 'ok' : result.kind, (Date.now() - started) / 1000);
    if (!result.ok) {
      // Every caller's answer counts: a 429 or 503 with Retry-After quiets this instance's workers.
      noteSwitchAnswer(result.status, result.retryAfterMs);
      cfg.log({
        method: spec.method,
        path: spec.path,
        attempt,
        durationMs: Date.now() - started,
        status: result.status,
        kind: result.kind,
        code: result.code,
        ...(result.kind === 'invalid_response' ? { detail: result.message } : {}),
        willRetry,
      });
    }
    // Read with the attempts before it only once it is the answer: a 401 after an unanswered attempt
    // is not asked again (the token does not change within a request), and the metric and the log
    // above keep the switch's own answer.
    if (!willRetry) return afterUnknown(result, unknownBefore);
    unknownBefore = true;
    await cfg.sleep(
      Math.max(waitAsked ?? 0, backoffDelay(attempt, cfg.backoffBaseMs, cfg.backoffMaxMs, cfg.random)),
    );
  }
}

/**
 * An attempt's result read with what came before it in the same request. After an attempt whose
 * outcome is not known (`unavailable`: it may have been applied and bound its Idempotency-Key), a
 * refusal of the switch's gate rather than of the change (401 and 403: a token rotated between the
 * attempts) says nothing of that earlier attempt: it is `unavailable` too, so that the person asking
 * is not told "nothing was changed" of a change that may be in force. (An outbox, which sends each
 * attempt as a request of its own, keeps a 401 or 403 anyway: lib/switch/result.ts isRetryable.) Any
 * other refusal stays one: the switch answers the same request the same way, a repeated key of an
 * applied request with its stored answer, and a request with a key still being processed only once
 * that one is done (docs/switch-api.md, "Idempotency": a 409 "in progress", which the IETF draft
 * allows, is not the contract's answer; a 409 is a switch's refusal, "account under investigation").
 */
function afterUnknown(result: SwitchResult<unknown>, unknownBefore: boolean): SwitchResult<unknown> {
  if (result.ok || !unknownBefore || result.kind === 'unavailable') return result;
  if (result.status !== 401 && result.status !== 403) return result;
  return {
    ...result,
    kind: 'unavailable',
    message: `${result.message} (after an attempt whose outcome is not known)`,
  };
}

async function attemptOnce(cfg: TransportConfig, spec: RequestSpec): Promise<SwitchResult<unknown>> {
  const deadline = requestDeadline(cfg.timeoutMs, spec.signal);
  const headers: Record<string, string> = {
    authorization: `Bearer ${cfg.token}`,
    accept: 'application/json',
  };
  if (spec.body !== undefined) headers['content-type'] = 'application/json';
  if (spec.idempotencyKey !== undefined) headers['idempotency-key'] = spec.idempotencyKey;
  let status: number;
  let text: string;
  let retryAfter: string | null;
  try {
    const res = await cfg.fetch(cfg.baseUrl + spec.path, {
      method: spec.method,
      headers,
      signal: deadline.signal,
      // Never followed (a PUT re-sent elsewhere could apply twice); read here so the failure names it.
      redirect: 'manual',
      body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
    });
    status = res.status;
    if (status >= 300 && status < 400) {
      await res.body?.cancel().catch(() => undefined);
      return redirected(status);
    }
    retryAfter = res.headers.get('retry-after');
    text = await res.text(); // still under the deadline: a body that trickles in also times out
  } catch (err) {
    return { ok: false, kind: 'unavailable', ...describeFetchError(err, deadline.timedOut(), cfg.timeoutMs) };
  } finally {
    deadline.clear();
  }
  if (text.length > MAX_BODY_CHARS) {
    return {
      ok: false,
      kind: 'invalid_response',
      status,
      code: 'bad_body',
      message: `HTTP ${status} with an oversized body`,
    };
  }
  let json: unknown = undefined;
  if (text.trim() !== '') {
    try {
      // Every answer the client reads, stores or shows (an account's state and reason, allowances,
      // bindings, an error's code and message kept as lastError) with lone surrogates escaped.
      json = parseReceivedJson(text);
    } catch {
      json = Symbol.for('not-json');
    }
  }
  if (status >= 200 && status < 300) {
    const breach = typeof json === 'symbol' ? 'a body that is not JSON' : contractBreach(spec, json);
    return breach
      ? {
          ok: false,
          kind: 'invalid_response',
          status,
          code: 'bad_body',
          message: `HTTP ${status} with ${breach}`,
        }
      : { ok: true, value: json };
  }
  const failure = classifyError(status, json);
  const wait = failure.kind === 'unavailable' ? retryAfterMs(retryAfter) : undefined;
  return wait === undefined ? failure : { ...failure, retryAfterMs: wait };
}

/**
 * A `3xx` from the switch: not followed and "not known to be applied" (docs/switch-api.md part 1),
 * like a connection error, but named: an `http://` SWITCH_API_URL that the switch's proxy sends to
 * `https://` was logged as a bare `connection_error` (issue 14).
 */
function redirected(status: number): SwitchFailure {
  return {
    ok: false,
    kind: 'unavailable',
    status,
    code: 'redirect',
    message: `HTTP ${status} redirect, not followed: check SWITCH_API_URL (scheme, host, path prefix)`,
  };
}

function contractBreach(spec: RequestSpec, json: unknown): string | null {
  const wrong = spec.check?.(json) ?? null;
  return wrong === null ? null : `a body that does not match the contract (${wrong})`;
}

function classifyError(status: number, json: unknown): SwitchFailure {
  const parsed = switchErrorBodySchema.safeParse(json);
  // 5xx, 408 and 429 are "not known to be applied / try later", whatever the body says.
  const unavailable = status >= 500 || status === 408 || status === 429;
  if (!parsed.success) {
    // A 4xx without the contract's error body is most likely a proxy or a wrong SWITCH_API_URL,
    // not the switch saying "no": do not claim to know what happened.
    return {
      ok: false,
      kind: unavailable ? 'unavailable' : 'invalid_response',
      status,
      code: 'bad_body',
      message: `HTTP ${status} without the switch's error body`,
    };
  }
  const { code, message } = parsed.data.error;
  const kind = unavailable ? 'unavailable' : status === 404 ? 'not_found' : 'rejected';
  return { ok: false, kind, status, code, message: `HTTP ${status} ${code}: ${message}` };
}
