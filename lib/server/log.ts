import 'server-only';
import pino, { type Logger } from 'pino';
import { workUnitAsyncStorage } from 'next/dist/server/app-render/work-unit-async-storage.external';
import { REQUEST_ID_HEADER } from './request-id';

export type { Logger };

/**
 * Keys whose values never reach a log line, at the top level or one object down (pino `redact`).
 * SIP and portal passwords, tokens, cookies, secrets and sign-in links (DESIGN: a SIP password is
 * never logged; OWASP ASVS 5.0 V16: no credentials or session tokens in logs).
 */
const SECRET_KEYS = ['password', 'newPassword', 'token', 'secret', 'authorization', 'cookie', 'link', 'totp'];
const REDACT = SECRET_KEYS.flatMap((k) => [k, `*.${k}`]);

/**
 * The id of the request this code runs for, or null outside one (workers, start-up). Read from the
 * request store Next.js keeps per request (the store behind `headers()`), synchronously, so that
 * every line of a request carries it without each caller passing it along. Next.js marks that module
 * `.external`: one instance across the server's bundles. Anything unexpected there means "no id".
 */
export function currentRequestId(): string | null {
  try {
    const store = workUnitAsyncStorage.getStore();
    const headers =
      store && 'headers' in store ? (store.headers as { get?: (name: string) => string | null }) : null;
    return typeof headers?.get === 'function' ? headers.get(REQUEST_ID_HEADER) : null;
  } catch {
    return null;
  }
}

/** A logger with the project's settings, writing to `destination` (default stdout); tests pass a stream to read lines back. */
export function createLogger(destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    // As lib/server/env.ts validates it: any case, surrounding spaces ignored.
    level: process.env.LOG_LEVEL?.trim().toLowerCase() || 'info',
    base: { service: 'tollgate' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT, censor: '[redacted]' },
    mixin: () => {
      const id = currentRequestId();
      return id ? { reqId: id } : {};
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

// One logger per process: Next.js bundles this module into several server chunks (routes,
// actions, instrumentation) that share one global object.
const g = globalThis as { __tollgateLog?: Logger };

/**
 * The process's logger: one JSON object per line on stdout (`{"level":"info","time":ISO,
 * "service":"tollgate","msg":…}`), level from `LOG_LEVEL` (default `info`). `npm run demo` prints
 * the lines for a person (scripts/lib/supervisor.ts); `npm start` passes them through unchanged.
 * Pass facts as fields, never a secret: the keys in SECRET_KEYS are replaced by `[redacted]`.
 */
export function log(): Logger {
  g.__tollgateLog ??= createLogger();
  return g.__tollgateLog;
}

/** An error as a log field: `{ type, code?, message, stack }`. */
export type LoggedError = { type: string; code?: string | number; message: string; stack: string };

/**
 * `error` (anything thrown) as the `error` field of a log line: its class (PrismaClientKnownRequestError,
 * TypeError…), its `code` when it has a string or number one (P2024, ECONNREFUSED), its message and stack,
 * each passed through `scrub` (default: unchanged) to cut out what must not be logged. Under `error`,
 * not `err`: pino's serializer of `err` would take the type from a copy's class.
 */
export function errorForLog(error: unknown, scrub: (text: string) => string = (t) => t): LoggedError {
  const e = error instanceof Error ? error : new Error(String(error));
  const code = (e as { code?: unknown }).code;
  const named = e.constructor?.name;
  return {
    type: named && named !== 'Error' && named !== 'Object' ? named : e.name,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    message: scrub(e.message),
    stack: scrub(e.stack ?? ''),
  };
}
