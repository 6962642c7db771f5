import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import {
  accountNumberSchema,
  internationalCallingSchema,
  sipRegistrationSchema,
  sipUsernameSchema,
} from '../../lib/switch/schemas';
import {
  callingChanges,
  credentialsOf,
  deleteAllowance,
  getAccount,
  getCredential,
  liveRegistrations,
  setRegistrations,
  upsertAccount,
  upsertCredential,
} from './accounts';
import type { SimContext } from './context';
import { eventView, fraud, lift } from './control-events';
import { faultsSchema } from './faults';
import { HttpError, parseBody, readJson, sendJson } from './http';
import { hashPassword, verifyPassword } from './passwords';

// The simulator's control API under /_sim/ (same bearer token): what the demo seed, the demo's
// "place a fraud block" control and the tests use to set up and inspect the switch. Not part of
// CONTRACTS §3; a real switch has its own provisioning.

const provisionSchema = z.strictObject({
  internationalCalling: internationalCallingSchema,
  reason: z.string().min(1).max(500).nullable().optional(),
  blockedAt: z.iso.datetime({ offset: true }).nullable().optional(),
  credentials: z
    .array(
      z.strictObject({
        username: sipUsernameSchema,
        /** Omitted: keep the current password (re-running the demo seed must not undo a rotation). */
        password: z.string().min(1).max(128).optional(),
        registrations: z.array(sipRegistrationSchema).max(50).optional(),
      }),
    )
    .max(100)
    .default([]),
});
const checkSchema = z.strictObject({ username: sipUsernameSchema, password: z.string().max(1000) });
const registrationsSchema = z.strictObject({ registrations: z.array(sipRegistrationSchema).max(50) });
/** A fault scope must name something (an account number, a SIP username): a text as short as "/" would fault every call. */
const scopeOf = (scope: string) => {
  if (scope.length < 3 || scope.length > 200)
    throw new HttpError(400, 'invalid_request', 'a fault scope is 3 to 200 characters');
  return scope;
};

type Route = {
  method: string;
  pattern: RegExp;
  run: (
    ctx: SimContext,
    req: IncomingMessage,
    param: string,
  ) => Promise<[number, unknown]> | [number, unknown];
};

const routes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/_sim\/accounts$/,
    run: (ctx) => [
      200,
      {
        accounts: (
          ctx.db.prepare('SELECT account_number FROM accounts ORDER BY account_number').all() as {
            account_number: string;
          }[]
        ).map((r) => detail(ctx, r.account_number)),
      },
    ],
  },
  { method: 'GET', pattern: /^\/_sim\/accounts\/([^/]+)$/, run: (ctx, _req, n) => [200, detail(ctx, n)] },
  { method: 'PUT', pattern: /^\/_sim\/accounts\/([^/]+)$/, run: provision },
  {
    method: 'PUT',
    pattern: /^\/_sim\/credentials\/([^/]+)\/registrations$/,
    run: async (ctx, req, u) => {
      const body = parseBody(registrationsSchema, await readJson(req));
      if (!getCredential(ctx.db, u))
        throw new HttpError(404, 'credential_not_found', `no SIP credential ${u}`);
      setRegistrations(ctx.db, u, body.registrations);
      return [200, { registrations: liveRegistrations(ctx.db, u) }];
    },
  },
  {
    method: 'POST',
    pattern: /^\/_sim\/check-password$/,
    run: async (ctx, req) => {
      const body = parseBody(checkSchema, await readJson(req));
      return [
        200,
        {
          matches: verifyPassword(body.password, getCredential(ctx.db, body.username)?.password_hash ?? null),
        },
      ];
    },
  },
  // "Time passes" for one allowance: the switch drops it as it would at its `until` (issue 16).
  {
    method: 'POST',
    pattern: /^\/_sim\/accounts\/([^/]+\/allowances\/[A-Z]{2})\/expire$/,
    run: (ctx, _req, p) => {
      const [n = '', country = ''] = p.split('/allowances/');
      if (!deleteAllowance(ctx.db, n, country))
        throw new HttpError(404, 'allowance_not_found', `no allowance for ${country} on ${n}`);
      return [200, detail(ctx, n)];
    },
  },
  { method: 'POST', pattern: /^\/_sim\/fraud$/, run: fraud },
  { method: 'POST', pattern: /^\/_sim\/lift$/, run: lift },
  {
    method: 'GET',
    pattern: /^\/_sim\/events$/,
    run: (ctx) => [200, { events: ctx.events.list().map(eventView) }],
  },
  {
    method: 'POST',
    pattern: /^\/_sim\/events\/flush$/,
    run: async (ctx) => {
      await ctx.events.deliverDue(true);
      return [200, { events: ctx.events.list().map(eventView) }];
    },
  },
  { method: 'GET', pattern: /^\/_sim\/faults$/, run: (ctx) => [200, ctx.faults.get()] },
  {
    method: 'PUT',
    pattern: /^\/_sim\/faults$/,
    run: async (ctx, req) => {
      ctx.faults.set(parseBody(faultsSchema, await readJson(req)));
      return [200, ctx.faults.get()];
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/_sim\/faults$/,
    run: (ctx) => {
      ctx.faults.reset();
      return [200, ctx.faults.get()];
    },
  },
  // One scope's faults (a text the faulted /v1 paths contain: an account number or SIP username).
  {
    method: 'GET',
    pattern: /^\/_sim\/faults\/([^/]+)$/,
    run: (ctx, _req, s) => [200, ctx.faults.getScoped(s)],
  },
  {
    method: 'PUT',
    pattern: /^\/_sim\/faults\/([^/]+)$/,
    run: async (ctx, req, scope) => {
      ctx.faults.setScoped(scopeOf(scope), parseBody(faultsSchema, await readJson(req)));
      return [200, ctx.faults.getScoped(scope)];
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/_sim\/faults\/([^/]+)$/,
    run: (ctx, _req, scope) => {
      ctx.faults.resetScoped(scope);
      return [200, ctx.faults.getScoped(scope)];
    },
  },
  {
    method: 'POST',
    pattern: /^\/_sim\/reset$/,
    run: (ctx) => {
      reset(ctx);
      return [200, { reset: true }];
    },
  },
  { method: 'GET', pattern: /^\/_sim\/requests$/, run: (ctx) => [200, { requests: ctx.requests.list() }] },
  {
    method: 'DELETE',
    pattern: /^\/_sim\/requests$/,
    run: (ctx) => {
      ctx.requests.clear();
      return [200, { requests: [] }];
    },
  },
];

export async function handleControl(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const route = routes.find((r) => r.method === req.method && r.pattern.test(path));
  if (!route) throw new HttpError(404, 'not_found', 'no such control endpoint');
  const [status, body] = await route.run(ctx, req, decodeURIComponent(route.pattern.exec(path)![1] ?? ''));
  sendJson(res, status, body);
}

function detail(ctx: SimContext, n: string) {
  const account = getAccount(ctx.db, n);
  if (!account) throw new HttpError(404, 'account_not_found', `no account ${n}`);
  const history = callingChanges(ctx.db, n);
  return {
    ...account,
    /** Changes applied through PUT /v1/…/international-calling; replays of a key are not counted. */
    internationalCallingChanges: history.filter((h) => h.source === 'api').length,
    history,
    credentials: credentialsOf(ctx.db, n).map((c) => ({
      username: c.username,
      hasPassword: c.password_hash !== null,
      passwordChangedAt: c.password_changed_at,
      passwordChanges: c.password_changes,
      registrations: liveRegistrations(ctx.db, c.username),
    })),
  };
}

async function provision(ctx: SimContext, req: IncomingMessage, n: string): Promise<[number, unknown]> {
  if (!accountNumberSchema.safeParse(n).success)
    throw new HttpError(400, 'invalid_account_number', 'account numbers look like ACC-1001');
  const body = parseBody(provisionSchema, await readJson(req));
  const blocked = body.internationalCalling === 'blocked';
  const hashes = body.credentials.map((c) => (c.password === undefined ? null : hashPassword(c.password)));
  ctx.db.transaction(() => {
    upsertAccount(ctx.db, {
      accountNumber: n,
      internationalCalling: body.internationalCalling,
      reason: blocked ? (body.reason ?? 'manual') : null,
      blockedAt: blocked ? (body.blockedAt ?? new Date().toISOString()) : null,
    });
    body.credentials.forEach((c, i) => {
      upsertCredential(ctx.db, c.username, n, hashes[i] ?? null);
      if (c.registrations) setRegistrations(ctx.db, c.username, c.registrations);
    });
  })();
  return [200, detail(ctx, n)];
}

/** Forgets everything (accounts, keys, events, faults, request log): a clean switch for a test. */
function reset(ctx: SimContext): void {
  ctx.db.transaction(() => {
    for (const table of [
      'allowances',
      'registrations',
      'credentials',
      'calling_changes',
      'idempotency_keys',
      'events',
      'accounts',
    ])
      ctx.db.prepare(`DELETE FROM ${table}`).run();
  })();
  ctx.faults.reset();
  ctx.requests.clear();
}
