import 'server-only';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { audit } from '@/lib/audit/log';
import { consume } from '@/lib/server/rate-limit';
import { lockAccount } from '@/lib/server/db/lock';
import type { CurrentUser } from '@/lib/auth/session';
import { memberOf } from '@/lib/accounts/queries';
import { recordRequestStep } from '@/lib/blocks/lifecycle';
import { db } from '@/lib/server/db';
import type { RequestMeta } from '@/lib/server/request-meta';
import { queueMail } from '@/lib/mail/queue';
import { checkCallbackNumber } from '@/lib/phone/callback';
import { exampleNumber, parseUserPhone } from '@/lib/phone/format';
import { accountCountry } from '@/lib/phone/plan';
import { FIREWALL_CHECKS } from '@/lib/requests/doors';
import { NO_CLAIM } from '@/lib/requests/claim-columns';
import type { Note } from '@/lib/i18n/note';
import { localeOf } from '@/lib/i18n/locales';
import { storeNote } from '@/lib/i18n/stored';
import { fail, missing, succeed, type Outcome } from '@/lib/server/outcome';
import { isUniqueViolation } from '@/lib/server/db/errors';

/** The most calls one misdial request may mark (the misdial page lists at most this many, the latest). */
export const MAX_MARKED_CALLS = 200;

export const misdialSchema = z.object({
  blockId: z.string().min(1).max(64),
  'callIds[]': z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.string().max(64)).min(1, 'outcome.field.misdialCalls').max(MAX_MARKED_CALLS))
    .optional(),
  intendedNumber: z.string().trim().min(1, 'outcome.field.intendedNumber').max(40),
  whatHappened: z.string().trim().min(10, 'outcome.field.whatHappened').max(2000),
  callbackPhone: z.string().trim().min(1, 'outcome.field.callbackPhone').max(40),
});

/**
 * ipaddr.js's names of the ranges a PBX cannot reach the switch from over the internet: private
 * (RFC 1918, IPv6 unique local RFC 4193), carrier-grade NAT (RFC 6598), loopback, link-local,
 * unspecified, broadcast and multicast. The documentation ranges (RFC 5737) stay allowed: the
 * field's own example is one.
 */
const NOT_PUBLIC = new Set([
  'private',
  'uniqueLocal',
  'carrierGradeNat',
  'loopback',
  'linkLocal',
  'unspecified',
  'broadcast',
  'multicast',
]);

export const firewallSchema = z.object({
  blockId: z.string().min(1).max(64),
  voicemailDisa: z.literal('on', 'outcome.field.voicemailDisa'),
  callForwarding: z.literal('on', 'outcome.field.callForwarding'),
  sipPorts: z.literal('on', 'outcome.field.sipPorts'),
  webAdmin: z.literal('on', 'outcome.field.webAdmin'),
  defaultPasswords: z.literal('on', 'outcome.field.defaultPasswords'),
  // As pasted (white space around it), and refused when it is an address no PBX reaches the switch
  // from (its address inside the office network, say), with words that say so (review, session 33).
  pbxIp: z
    .string('outcome.field.pbxIp')
    .trim()
    .pipe(z.union([z.ipv4(), z.ipv6()], 'outcome.field.pbxIp'))
    .refine((ip) => !NOT_PUBLIC.has(ipaddr.process(ip).range()), 'outcome.field.pbxIpNotPublic'),
  whatHappened: z.string().trim().max(2000).default(''),
  callbackPhone: z.string().trim().min(1, 'outcome.field.callbackPhone').max(40),
});

/** A filed request's id, or why not (not_found: not a block of the caller's accounts; notes under outcome.request). */
export type SubmitResult = Outcome<{ requestId: string }>;

/** A block of the user's accounts that a customer request can be about: in force and not placed by support. */
async function openBlock(userId: string, blockId: string) {
  return db.block.findFirst({
    where: { id: blockId, status: 'active', reason: { not: 'manual' }, account: memberOf(userId) },
    include: { account: true, calls: { select: { id: true, to: true } } },
  });
}

type Common = { blockId: string; callbackPhone: string; whatHappened: string };

async function create(
  user: CurrentUser,
  meta: RequestMeta,
  input: Common,
  build: (
    country: string,
    callIds: string[],
  ) => { fieldErrors?: Record<string, Note[]>; data?: Record<string, unknown> },
  kind: 'misdial' | 'firewall',
): Promise<SubmitResult> {
  const block = await openBlock(user.id, input.blockId);
  if (!block) {
    const exists = await db.block.findFirst({
      where: { id: input.blockId, account: memberOf(user.id) },
      select: { reason: true, status: true },
    });
    if (!exists) return missing();
    if (exists.reason === 'manual' && exists.status === 'active')
      return fail('refused', 'outcome.request.manualBlock');
    return fail('refused', 'outcome.request.notActive');
  }
  const country = accountCountry(block.account.country);
  const callback = checkCallbackNumber(
    input.callbackPhone,
    country,
    block.calls.map((c) => c.to),
    localeOf(user),
  );
  const built = build(
    country,
    block.calls.map((c) => c.id),
  );
  const fieldErrors = {
    ...(built.fieldErrors ?? {}),
    ...(callback.ok ? {} : { callbackPhone: [callback.note] }),
  };
  if (Object.keys(fieldErrors).length)
    return fail('invalid', 'outcome.correctFields', undefined, fieldErrors);
  if ((await consume('unblockRequest', user.id)).rejected)
    return fail('throttled', 'outcome.request.tooMany');
  try {
    const request = await db.$transaction(async (tx) => {
      // Under the account's lock, as the lifts that close a block's requests take it: a lift that
      // committed since the read above closed the block's requests already, and a request filed now
      // would wait in support's queue on a lifted block (review, session 33).
      await lockAccount(tx, block.accountId);
      const still = await tx.block.count({ where: { id: block.id, status: 'active' } });
      if (!still) return null;
      const r = await tx.unblockRequest.create({
        data: {
          blockId: block.id,
          accountId: block.accountId,
          kind,
          openKey: block.id,
          submittedById: user.id,
          whatHappened: input.whatHappened,
          callbackPhone: callback.ok ? callback.stored : '',
          ...built.data,
        },
      });
      await recordRequestStep(
        tx,
        block.id,
        'request_submitted',
        user.email,
        storeNote('history.submitted', { kind }),
      );
      await audit(
        {
          action: `request.submitted`,
          actor: user,
          accountId: block.accountId,
          target: { type: 'unblock_request', id: r.id },
          detail: { kind },
          meta,
        },
        tx,
      );
      await queueMail(tx, user.email, 'request_received', {
        userId: user.id,
        requestId: r.id,
        blockId: block.id,
      });
      return r;
    });
    return request ? succeed({ requestId: request.id }) : fail('refused', 'outcome.request.notActive');
  } catch (e) {
    if (isUniqueViolation(e)) return fail('conflict', 'outcome.request.alreadyOpen');
    throw e;
  }
}

export function submitMisdial(user: CurrentUser, input: z.output<typeof misdialSchema>, meta: RequestMeta) {
  return create(
    user,
    meta,
    input,
    (country, blockCalls) => {
      const errors: Record<string, Note[]> = {};
      const ids = input['callIds[]'] ?? [];
      if (ids.length === 0) errors['callIds[]'] = [{ key: 'outcome.request.chooseCalls' }];
      if (ids.some((id) => !blockCalls.includes(id)))
        errors['callIds[]'] = [{ key: 'outcome.request.callsOfBlock' }];
      const intended = parseUserPhone(input.intendedNumber, country as never);
      // The example is one of the account's country, as the field's hint gives (not always London's).
      if (!intended)
        errors.intendedNumber = [
          { key: 'outcome.request.intendedInvalid', values: { example: exampleNumber(country) } },
        ];
      return Object.keys(errors).length
        ? { fieldErrors: errors }
        : { data: { intendedNumber: intended, misdialCallIds: JSON.stringify(ids) } };
    },
    'misdial',
  );
}

export function submitFirewall(user: CurrentUser, input: z.output<typeof firewallSchema>, meta: RequestMeta) {
  return create(
    user,
    meta,
    input,
    () => ({
      data: {
        pbxIp: input.pbxIp,
        checklist: JSON.stringify(Object.fromEntries(FIREWALL_CHECKS.map((k) => [k, true]))),
      },
    }),
    'firewall',
  );
}

/**
 * Withdraw a pending request of the user's own account: `{ blockId }` (the request's block, where the
 * customer goes back to), not_found (not theirs), conflict (already decided or withdrawn). The
 * withdrawer is recorded as who closed it (`decidedById`: the staff page says "Withdrawn by" them).
 */
export async function withdrawRequest(
  user: CurrentUser,
  requestId: string,
  meta: RequestMeta,
): Promise<Outcome<{ blockId: string }>> {
  const r = await db.unblockRequest.findFirst({ where: { id: requestId, account: memberOf(user.id) } });
  if (!r) return missing();
  return db.$transaction(async (tx) => {
    const done = await tx.unblockRequest.updateMany({
      where: { id: r.id, status: 'pending' },
      // Whoever had taken it (lib/requests/claim.ts) holds it no longer.
      data: { status: 'withdrawn', openKey: null, decidedAt: new Date(), decidedById: user.id, ...NO_CLAIM },
    });
    if (done.count !== 1) return fail('conflict', 'outcome.request.notPending');
    await recordRequestStep(tx, r.blockId, 'request_withdrawn', user.email);
    await audit(
      {
        action: 'request.withdrawn',
        actor: user,
        accountId: r.accountId,
        target: { type: 'unblock_request', id: r.id },
        meta,
      },
      tx,
    );
    return succeed({ blockId: r.blockId });
  });
}
