import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { blockReasonSchema } from '../../lib/switch/events-schema';
import { accountNumberSchema, internationalCallingSchema, sipRegistrationSchema, sipUsernameSchema } from '../../lib/switch/schemas';
import {
  callingChanges, credentialsOf, getAccount, getCredential, liveRegistrations, setCalling, setRegistrations, upsertAccount, upsertCredential,
} from './accounts';
import type { SimContext } from './context';
import type { EventRow } from './delivery';
import { faultsSchema } from './faults';
import { buildBlockLifted, buildBlockPlaced } from './fraud';
import { describeIssues, HttpError, readJson, sendJson } from './http';
import { hashPassword, verifyPassword } from './passwords';

// The simulator's control API under /_sim/ (same bearer token): what the demo seed, the demo's
// "place a fraud block" control and the tests use to set up and inspect the switch. Not part of
// CONTRACTS §3; a real switch has its own provisioning.

const provisionSchema = z.strictObject({
  internationalCalling: internationalCallingSchema,
  reason: z.string().min(1).max(500).nullable().optional(),
  blockedAt: z.iso.datetime({ offset: true }).nullable().optional(),
  credentials: z.array(z.strictObject({
    username: sipUsernameSchema,
    /** Omitted: keep the current password (re-running the demo seed must not undo a rotation). */
    password: z.string().min(1).max(128).optional(),
    registrations: z.array(sipRegistrationSchema).max(50).optional(),
  })).max(100).default([]),
});
const fraudSchema = z.strictObject({
  accountNumber: accountNumberSchema, to: z.string().regex(/^\+?[0-9]{4,32}$/),
  reason: blockReasonSchema.default('high_risk_destination'), sourceIp: z.union([z.ipv4(), z.ipv6()]).optional(),
});
const liftSchema = z.strictObject({ accountNumber: accountNumberSchema, actor: z.string().min(1).max(200).default('switch') });
const checkSchema = z.strictObject({ username: sipUsernameSchema, password: z.string().max(1000) });
const registrationsSchema = z.strictObject({ registrations: z.array(sipRegistrationSchema).max(50) });

type Route = { method: string; pattern: RegExp; run: (ctx: SimContext, req: IncomingMessage, param: string) => Promise<[number, unknown]> | [number, unknown] };

const routes: Route[] = [
  { method: 'GET', pattern: /^\/_sim\/accounts$/, run: (ctx) => [200, { accounts: (ctx.db.prepare('SELECT account_number FROM accounts ORDER BY account_number').all() as { account_number: string }[]).map((r) => detail(ctx, r.account_number)) }] },
  { method: 'GET', pattern: /^\/_sim\/accounts\/([^/]+)$/, run: (ctx, _req, n) => [200, detail(ctx, n)] },
  { method: 'PUT', pattern: /^\/_sim\/accounts\/([^/]+)$/, run: provision },
  { method: 'PUT', pattern: /^\/_sim\/credentials\/([^/]+)\/registrations$/, run: async (ctx, req, u) => {
    const body = parse(registrationsSchema, await readJson(req));
    if (!getCredential(ctx.db, u)) throw new HttpError(404, 'credential_not_found', `no SIP credential ${u}`);
    setRegistrations(ctx.db, u, body.registrations);
    return [200, { registrations: liveRegistrations(ctx.db, u) }];
  } },
  { method: 'POST', pattern: /^\/_sim\/check-password$/, run: async (ctx, req) => {
    const body = parse(checkSchema, await readJson(req));
    return [200, { matches: verifyPassword(body.password, getCredential(ctx.db, body.username)?.password_hash ?? null) }];
  } },
  { method: 'POST', pattern: /^\/_sim\/fraud$/, run: fraud },
  { method: 'POST', pattern: /^\/_sim\/lift$/, run: lift },
  { method: 'GET', pattern: /^\/_sim\/events$/, run: (ctx) => [200, { events: ctx.events.list().map(eventView) }] },
  { method: 'POST', pattern: /^\/_sim\/events\/flush$/, run: async (ctx) => { await ctx.events.deliverDue(true); return [200, { events: ctx.events.list().map(eventView) }]; } },
  { method: 'GET', pattern: /^\/_sim\/faults$/, run: (ctx) => [200, ctx.faults.get()] },
  { method: 'PUT', pattern: /^\/_sim\/faults$/, run: async (ctx, req) => { ctx.faults.set(parse(faultsSchema, await readJson(req))); return [200, ctx.faults.get()]; } },
  { method: 'DELETE', pattern: /^\/_sim\/faults$/, run: (ctx) => { ctx.faults.reset(); return [200, ctx.faults.get()]; } },
  { method: 'GET', pattern: /^\/_sim\/requests$/, run: (ctx) => [200, { requests: ctx.requests.list() }] },
  { method: 'DELETE', pattern: /^\/_sim\/requests$/, run: (ctx) => { ctx.requests.clear(); return [200, { requests: [] }]; } },
];

export async function handleControl(ctx: SimContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const route = routes.find((r) => r.method === req.method && r.pattern.test(path));
  if (!route) throw new HttpError(404, 'not_found', 'no such control endpoint');
  const [status, body] = await route.run(ctx, req, decodeURIComponent(route.pattern.exec(path)![1] ?? ''));
  sendJson(res, status, body);
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, 'invalid_request', describeIssues(parsed.error.issues));
  return parsed.data;
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
      username: c.username, hasPassword: c.password_hash !== null, passwordChangedAt: c.password_changed_at,
      passwordChanges: c.password_changes, registrations: liveRegistrations(ctx.db, c.username),
    })),
  };
}

async function provision(ctx: SimContext, req: IncomingMessage, n: string): Promise<[number, unknown]> {
  if (!accountNumberSchema.safeParse(n).success) throw new HttpError(400, 'invalid_account_number', 'account numbers look like ACC-1001');
  const body = parse(provisionSchema, await readJson(req));
  const blocked = body.internationalCalling === 'blocked';
  const hashes = body.credentials.map((c) => (c.password === undefined ? null : hashPassword(c.password)));
  ctx.db.transaction(() => {
    upsertAccount(ctx.db, { accountNumber: n, internationalCalling: body.internationalCalling,
      reason: blocked ? body.reason ?? 'manual' : null, blockedAt: blocked ? body.blockedAt ?? new Date().toISOString() : null });
    body.credentials.forEach((c, i) => {
      upsertCredential(ctx.db, c.username, n, hashes[i] ?? null);
      if (c.registrations) setRegistrations(ctx.db, c.username, c.registrations);
    });
  })();
  return [200, detail(ctx, n)];
}

async function fraud(ctx: SimContext, req: IncomingMessage): Promise<[number, unknown]> {
  const body = parse(fraudSchema, await readJson(req));
  const account = getAccount(ctx.db, body.accountNumber);
  if (!account) throw new HttpError(404, 'account_not_found', `no account ${body.accountNumber}`);
  const usernames = credentialsOf(ctx.db, body.accountNumber).map((c) => c.username);
  if (usernames.length === 0) throw new HttpError(409, 'no_sip_credentials', `${body.accountNumber} has no SIP credentials to place calls through`);
  const event = buildBlockPlaced({ ...body, usernames });
  if (event.type !== 'block.placed') throw new Error('unreachable');
  ctx.db.transaction(() => {
    setCalling(ctx.db, body.accountNumber, { state: 'blocked', reason: body.reason, actor: 'fraud-monitor', source: 'fraud', at: event.occurredAt });
    ctx.events.enqueue(event.id, body.accountNumber, event.type, JSON.stringify(event));
  })();
  await ctx.events.deliverDue(true);
  return [202, { wasBlocked: account.internationalCalling === 'blocked', event, delivery: eventView(ctx.events.get(event.id)!) }];
}

async function lift(ctx: SimContext, req: IncomingMessage): Promise<[number, unknown]> {
  const body = parse(liftSchema, await readJson(req));
  if (!getAccount(ctx.db, body.accountNumber)) throw new HttpError(404, 'account_not_found', `no account ${body.accountNumber}`);
  const event = buildBlockLifted(body.accountNumber, body.actor);
  ctx.db.transaction(() => {
    setCalling(ctx.db, body.accountNumber, { state: 'allowed', reason: null, actor: body.actor, source: 'control', at: event.occurredAt });
    ctx.events.enqueue(event.id, body.accountNumber, event.type, JSON.stringify(event));
  })();
  await ctx.events.deliverDue(true);
  return [202, { event, delivery: eventView(ctx.events.get(event.id)!) }];
}

function eventView(e: EventRow) {
  return { id: e.id, type: e.type, accountNumber: e.account_number, status: e.status, attempts: e.attempts,
    lastStatus: e.last_status, lastError: e.last_error, body: JSON.parse(e.body) as unknown };
}
