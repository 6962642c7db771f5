import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import {
  accountNumberSchema,
  countryCodeSchema,
  idempotencyKeySchema,
  putDestinationAllowancesBodySchema,
  setInternationalCallingBodySchema,
  setSipPasswordBodySchema,
  sipUsernameSchema,
} from '../../lib/switch/schemas';
import {
  changePassword,
  deleteAllowance,
  getAccount,
  getCredential,
  liveRegistrations,
  putAllowances,
  setCalling,
} from './accounts';
import type { RequestRecord, SimContext } from './context';
import { placeFraudBlock } from './control-events';
import { HttpError, parseBody, readJson, sendError, sendJson, sleep } from './http';
import { fingerprint, lookupKey, storeKey } from './idempotency';
import { hashPassword } from './passwords';

// CONTRACTS §3, as a strict switch implements it. Order of checks: bearer (server.ts), route,
// injected faults, input validation, idempotency key, existence, apply.

type Reply = { status: number; body: unknown; headers?: Record<string, string>; replayed?: boolean };
type Handler = (ctx: SimContext, req: IncomingMessage, param: string, path: string) => Promise<Reply> | Reply;

/** The account as it is (the GET's answer). */
const currentAccount: Handler = (ctx, _req, n) => ({ status: 200, body: mustAccount(ctx, n) });

const routes: { method: string; pattern: RegExp; handler: Handler }[] = [
  {
    method: 'GET',
    pattern: /^\/v1\/accounts\/([^/]+)$/,
    handler: (ctx, _req, n) => currentAccount(ctx, _req, n, ''),
  },
  { method: 'PUT', pattern: /^\/v1\/accounts\/([^/]+)\/international-calling$/, handler: putCalling },
  { method: 'PUT', pattern: /^\/v1\/sip-credentials\/([^/]+)\/password$/, handler: putPassword },
  {
    method: 'PUT',
    pattern: /^\/v1\/accounts\/([^/]+)\/destination-allowances$/,
    handler: putAllowancesRoute,
  },
  {
    method: 'DELETE',
    pattern: /^\/v1\/accounts\/([^/]+\/destination-allowances\/[^/]+)$/,
    handler: deleteAllowanceRoute,
  },
  {
    method: 'GET',
    pattern: /^\/v1\/sip-credentials\/([^/]+)\/registrations$/,
    handler: (ctx, _req, u) => {
      mustCredential(ctx, u);
      return { status: 200, body: { registrations: liveRegistrations(ctx.db, u) } };
    },
  },
];

export async function handleApi(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const matching = routes.filter((r) => r.pattern.test(path));
  const route = matching.find((r) => r.method === req.method);
  if (!route) {
    if (matching.length > 0)
      return sendError(res, 405, 'method_not_allowed', `${req.method} is not allowed here`, {
        allow: matching.map((r) => r.method).join(', '),
      });
    return sendError(res, 404, 'not_found', 'no such endpoint');
  }
  const key = req.headers['idempotency-key'];
  const record = ctx.requests.add({
    at: new Date().toISOString(),
    method: route.method,
    path,
    idempotencyKey: typeof key === 'string' ? key : null,
    status: null,
    replayed: false,
    fault: null,
  });
  const fault = ctx.faults.next(req.method, path);
  if (fault.drop) {
    record.fault = 'drop';
    req.socket.destroy(); // like a crashed proxy: no answer, nothing applied
    return;
  }
  if (fault.failStatus !== null) {
    record.fault = 'fail';
    record.status = fault.failStatus;
    return sendError(
      res,
      fault.failStatus,
      'simulated_failure',
      'injected fault: the switch failed before applying anything',
      fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter },
    );
  }
  if (fault.delayMs > 0) {
    record.fault = 'delay';
    await sleep(fault.delayMs);
  }
  if (fault.fraud) {
    record.fault = 'fraud';
    try {
      await placeFraudBlock(ctx, fault.fraud);
    } catch (err) {
      // An account the switch does not have, or one without SIP credentials: the call is answered
      // as the fraud control would be, and nothing is applied.
      if (!(err instanceof HttpError)) throw err;
      record.status = err.status;
      return sendError(res, err.status, err.code, err.message);
    }
  }
  if (fault.ignore && route.handler === putCalling) {
    // Says yes, shows the state as it was and applies nothing (a switch whose 200 body disagrees).
    record.fault = 'ignore';
    const reply = await run(currentAccount, ctx, req, path, route.pattern);
    finish(record, reply);
    return sendJson(res, reply.status, reply.body, reply.headers);
  }
  const reply = await run(route.handler, ctx, req, path, route.pattern);
  if (fault.applyLateMs > 0) {
    record.fault = 'apply_late';
    await sleep(fault.applyLateMs);
  }
  finish(record, reply);
  if (reply.status === CLIENT_GONE) return;
  sendJson(res, reply.status, reply.body, reply.headers);
}

/** The status recorded for a request whose caller hung up before it was read (nginx's convention). */
const CLIENT_GONE = 499;

async function run(
  handler: Handler,
  ctx: SimContext,
  req: IncomingMessage,
  path: string,
  pattern: RegExp,
): Promise<Reply> {
  try {
    let param: string;
    try {
      param = decodeURIComponent(pattern.exec(path)![1]!);
    } catch {
      throw new HttpError(400, 'invalid_path', 'the path is not valid URL encoding');
    }
    return await handler(ctx, req, param, path);
  } catch (err) {
    if (err instanceof HttpError)
      return { status: err.status, body: { error: { code: err.code, message: err.message } } };
    // The caller hung up before its request was read (a client that gave up during an injected
    // delay): nothing was applied and nobody is left to answer. Recorded as 499, nginx's "client
    // closed request", not as an error of the simulator's own.
    if (req.destroyed) return { status: CLIENT_GONE, body: null };
    console.error('switch simulator: internal error', err instanceof Error ? err.name : typeof err);
    return { status: 500, body: { error: { code: 'internal_error', message: 'the simulator failed' } } };
  }
}

function finish(record: RequestRecord, reply: Reply): void {
  record.status = reply.status;
  record.replayed = reply.replayed === true;
}

function mustAccount(ctx: SimContext, n: string) {
  if (!accountNumberSchema.safeParse(n).success)
    throw new HttpError(400, 'invalid_account_number', 'account numbers look like ACC-1001');
  const account = getAccount(ctx.db, n);
  if (!account) throw new HttpError(404, 'account_not_found', `no account ${n}`);
  return account;
}

function mustCredential(ctx: SimContext, u: string) {
  if (!sipUsernameSchema.safeParse(u).success)
    throw new HttpError(400, 'invalid_username', 'not a valid SIP username');
  const credential = getCredential(ctx.db, u);
  if (!credential) throw new HttpError(404, 'credential_not_found', `no SIP credential ${u}`);
  return credential;
}

async function putCalling(ctx: SimContext, req: IncomingMessage, n: string, path: string): Promise<Reply> {
  if (!accountNumberSchema.safeParse(n).success)
    throw new HttpError(400, 'invalid_account_number', 'account numbers look like ACC-1001');
  return keyed(ctx, req, path, setInternationalCallingBodySchema, (body) => {
    mustAccount(ctx, n);
    return { status: 200, body: setCalling(ctx.db, n, { ...body, source: 'api' }) };
  });
}

async function putPassword(ctx: SimContext, req: IncomingMessage, u: string, path: string): Promise<Reply> {
  if (!sipUsernameSchema.safeParse(u).success)
    throw new HttpError(400, 'invalid_username', 'not a valid SIP username');
  return keyed(ctx, req, path, setSipPasswordBodySchema, (body) => {
    mustCredential(ctx, u);
    changePassword(ctx.db, u, hashPassword(body.password));
    return { status: 204, body: null };
  });
}

async function putAllowancesRoute(
  ctx: SimContext,
  req: IncomingMessage,
  n: string,
  path: string,
): Promise<Reply> {
  if (!accountNumberSchema.safeParse(n).success)
    throw new HttpError(400, 'invalid_account_number', 'account numbers look like ACC-1001');
  return keyed(ctx, req, path, putDestinationAllowancesBodySchema, (body) => {
    mustAccount(ctx, n);
    if (Date.parse(body.until) <= Date.now())
      throw new HttpError(422, 'until_in_past', 'until must lie in the future');
    return { status: 200, body: { accountNumber: n, allowances: putAllowances(ctx.db, n, body) } };
  });
}

async function deleteAllowanceRoute(
  ctx: SimContext,
  req: IncomingMessage,
  param: string,
  path: string,
): Promise<Reply> {
  const [n = '', country = ''] = param.split('/destination-allowances/');
  if (!accountNumberSchema.safeParse(n).success)
    throw new HttpError(400, 'invalid_account_number', 'account numbers look like ACC-1001');
  if (!countryCodeSchema.safeParse(country).success)
    throw new HttpError(400, 'invalid_country', 'countries are ISO 3166-1 alpha-2 codes such as SO');
  return keyed(
    ctx,
    req,
    path,
    null,
    () => {
      mustAccount(ctx, n);
      // Deleting an allowance that is gone (expired, or deleted before) is the state the caller wants.
      deleteAllowance(ctx.db, n, country);
      return { status: 204, body: null };
    },
    'DELETE',
  );
}

/** Runs a mutation once per Idempotency-Key; the change and the key are committed together. A null schema: no body. */
async function keyed<S extends z.ZodType>(
  ctx: SimContext,
  req: IncomingMessage,
  path: string,
  schema: S | null,
  apply: (body: z.output<S>) => Reply,
  method: 'PUT' | 'DELETE' = 'PUT',
): Promise<Reply> {
  const key = req.headers['idempotency-key'];
  if (typeof key !== 'string' || key === '')
    throw new HttpError(400, 'idempotency_key_missing', 'mutations need an Idempotency-Key header (a UUID)');
  if (!idempotencyKeySchema.safeParse(key).success)
    throw new HttpError(400, 'idempotency_key_invalid', 'the Idempotency-Key must be a UUID');
  const body = schema === null ? (null as z.output<S>) : parseBody(schema, await readJson(req));
  const print = fingerprint(ctx.fingerprintKey, method, path, body);
  return ctx.db.transaction((): Reply => {
    const found = lookupKey(ctx.db, key, print);
    if (found.kind === 'replay') {
      return {
        status: found.response.status,
        body: found.response.body === '' ? null : JSON.parse(found.response.body),
        headers: { 'idempotent-replayed': 'true' },
        replayed: true,
      };
    }
    if (found.kind === 'conflict')
      throw new HttpError(
        422,
        'idempotency_key_reused',
        'this Idempotency-Key was already used for a different request',
      );
    const reply = apply(body);
    storeKey(ctx.db, key, print, {
      status: reply.status,
      body: reply.status === 204 ? '' : JSON.stringify(reply.body),
    });
    return reply;
  })();
}
