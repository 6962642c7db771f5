import 'server-only';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { audit } from '@/lib/audit/log';
import { consumeAll, LIMITS, reward, type LimitName } from '@/lib/server/rate-limit';
import { env } from '@/lib/server/env';
import { requestFormatTag } from '@/lib/i18n/request-locale';
import { catalogueLocale } from '@/lib/i18n/locales';
import { formatWhen } from '@/lib/time/format';
import { lockAccount } from '@/lib/server/db/lock';
import type { CurrentUser } from '@/lib/auth/session';
import { memberOf } from '@/lib/accounts/queries';
import { recordRequestStep } from '@/lib/blocks/lifecycle';
import { db } from '@/lib/server/db';
import type { RequestMeta } from '@/lib/server/request-meta';
import { queueMail } from '@/lib/mail/queue';
import { describeDialled, exampleNumber, parseUserPhone, readDialled } from '@/lib/phone/format';
import { numberText } from '@/lib/phone/digits';
import { normalizeIp } from '@/lib/server/client-address';
import { postedId, postedList } from '@/lib/server/form-issues';
import { accountCountry } from '@/lib/phone/plan';
import type { CountryCode } from 'libphonenumber-js/max';
import {
  CALLBACK_PHONE,
  callbackPhoneFor,
  checkForm,
  noteIssue,
  type PostedForm,
} from '@/lib/requests/fields';
import { FIREWALL_CHECKS } from '@/lib/requests/doors';
import { NO_CLAIM } from '@/lib/requests/claim-columns';
import type { Note } from '@/lib/i18n/note';
import { localeOf } from '@/lib/i18n/locales';
import { storeNote } from '@/lib/i18n/stored';
import { fail, missing, succeed, type Outcome } from '@/lib/server/outcome';
import { isUniqueViolation } from '@/lib/server/db/errors';
import { intlOf } from '@/lib/i18n/intl-cache';

/** The most calls one misdial request may mark (the misdial page lists at most this many, the latest). */
export const MAX_MARKED_CALLS = 200;

/**
 * The misdial form as far as it can be checked without its block (the action wrapper does not use it:
 * submitMisdial checks the posted form with misdialSchemaFor, which adds the block's rules). Every
 * field is required: at least one call ticked (`callIds[]`, absent when none is; read as each call
 * once, in the order posted: lib/server/form-issues.ts postedList), the number meant,
 * what happened (10 characters or more), a callback phone. Messages are catalogue keys.
 */
export const misdialSchema = z.object({
  blockId: postedId,
  'callIds[]': postedList('outcome.field.misdialCalls').pipe(
    z.array(postedId).min(1, 'outcome.field.misdialCalls').max(MAX_MARKED_CALLS),
  ),
  intendedNumber: z.string().trim().min(1, 'outcome.field.intendedNumber').max(40),
  whatHappened: z.string().trim().min(10, 'outcome.field.whatHappened').max(2000),
  callbackPhone: CALLBACK_PHONE,
});

/**
 * misdialSchema with the rules of one block (`block`: its account's country, its trigger calls' ids
 * and destinations), each on its own field: the calls ticked are the block's
 * (`outcome.request.callsOfBlock`); the number meant reads as a number dialled from the account's
 * country (stored E.164; else `outcome.request.intendedInvalid` with an example of that country,
 * as the field's hint gives), and is not one the block's calls went to (`outcome.request.intendedIsDialled`,
 * a destination as lib/phone/format.ts readDialled reads it: one it cannot read with certainty is no
 * reason to refuse); the callback phone is one support may call (callbackPhoneFor, notes in `locale`). Every field is checked on every submission (lib/requests/fields.ts checkForm).
 */
function misdialSchemaFor(block: RequestBlock, locale: string) {
  const base = misdialSchema.shape;
  return misdialSchema.extend({
    'callIds[]': base['callIds[]'].superRefine((ids, ctx) => {
      if (ids.some((id) => !block.callIds.includes(id)))
        noteIssue(ctx, { key: 'outcome.request.callsOfBlock' });
    }),
    intendedNumber: base.intendedNumber.transform((typed, ctx) => {
      const meant = parseUserPhone(typed, block.country);
      if (!meant)
        return noteIssue(ctx, {
          key: 'outcome.request.intendedInvalid',
          values: { example: exampleNumber(block.country) },
        });
      // The number the calls went to is not a misdial of itself (tester, session 45): the customer
      // meant to call it, and that is a destination to ask support to allow, not a slip of a digit.
      // Only a destination read one way counts: one two readings dispute ("5152795494" from the US:
      // Iowa, or Peru without its "+") may be exactly the misdial of the number meant (review).
      if (block.destinations.some((to) => readDialled(to, block.country)?.number.number === meant))
        return noteIssue(ctx, {
          key: 'outcome.request.intendedIsDialled',
          values: { number: describeDialled(meant, block.country, locale).display },
        });
      return meant;
    }),
    callbackPhone: callbackPhoneFor(block.country, block.destinations, locale),
  });
}

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

/**
 * The IP address in `typed` (the firewall form's PBX address, as people paste it), in the one form
 * Tollgate stores addresses in, or null when there is none. Full-width forms as ASCII (NFKC: an IME
 * left in full-width mode gives "１９８．５１．１００．２０"), digits in any script as ASCII and
 * invisible format characters left out (lib/phone/digits.ts numberText, as typed numbers and codes
 * are read), then lib/server/client-address.ts normalizeIp: white space around it, a port after an
 * IPv4 address ("198.51.100.20:5060") or a bracketed IPv6 one ("[2001:db8::1]:5060") and a SIP
 * scheme ("sip:198.51.100.20") are left out, IPv6 comes back in its RFC 5952 form and IPv4-mapped
 * IPv6 as IPv4. The port is dropped rather than refused: support compares this address with the
 * source IPs of the block's calls, which lib/blocks/trigger-calls.ts stores through normalizeIp too
 * (no port, the same IPv6 spelling), and a port says nothing about which address the calls came from.
 */
function pastedAddress(typed: string): string | null {
  return normalizeIp(numberText(typed.normalize('NFKC')));
}

/**
 * The firewall form as far as it can be checked without its block (submitFirewall checks the posted
 * form with it and the block's callback rule, callbackPhoneFor): the five confirmations ticked, the
 * PBX's public address (read as pasted: pastedAddress), what happened (optional), a callback phone.
 * Messages are catalogue keys.
 */
export const firewallSchema = z.object({
  blockId: postedId,
  voicemailDisa: z.literal('on', 'outcome.field.voicemailDisa'),
  callForwarding: z.literal('on', 'outcome.field.callForwarding'),
  sipPorts: z.literal('on', 'outcome.field.sipPorts'),
  webAdmin: z.literal('on', 'outcome.field.webAdmin'),
  defaultPasswords: z.literal('on', 'outcome.field.defaultPasswords'),
  // As pasted (pastedAddress), and refused when it is an address no PBX reaches the switch from (its
  // address inside the office network, say), with words that say so (review, session 33).
  pbxIp: z
    .string('outcome.field.pbxIp')
    .transform((typed, ctx) => pastedAddress(typed) ?? noteIssue(ctx, { key: 'outcome.field.pbxIp' }))
    .refine((ip) => !NOT_PUBLIC.has(ipaddr.process(ip).range()), 'outcome.field.pbxIpNotPublic'),
  whatHappened: z.string().trim().max(2000).default(''),
  callbackPhone: CALLBACK_PHONE,
});

/**
 * The SIP ports' box of the firewall form, ticked ('on'): refused with `outcome.field.sipPorts`, whose
 * words name the provider's SIP addresses (PROVIDER_SIP_ADDRESSES, listed in the words of `locale`, a
 * BCP 47 tag: "203.0.113.10 and sip.example.net"), as the box's own label does, or tell the reader to
 * ask support (SUPPORT_CONTACT) for them when none are configured.
 */
function sipPortsTicked(locale: string) {
  const { PROVIDER_SIP_ADDRESSES: addresses, SUPPORT_CONTACT: support } = env();
  const listed = addresses?.length ? addresses : null;
  const note: Note = {
    key: 'outcome.field.sipPorts',
    values: {
      listed: listed ? 'yes' : 'no',
      addresses: listed ? intlOf(Intl.ListFormat, locale, { type: 'conjunction' }).format(listed) : '',
      support,
    },
  };
  return z.unknown().refine((v) => v === 'on', { message: note.key, params: { note } });
}

/** A filed request's id, or why not (not_found: not a block of the caller's accounts; notes under outcome.request). */
export type SubmitResult = Outcome<{ requestId: string }>;

/**
 * A request counted on the request limits (countRequest): `giveBack()` returns its points, best effort,
 * when it is then not filed; `refusal`, instead, when a limit refused it (nothing counted).
 */
export type CountedRequest =
  { ok: true; giveBack: () => Promise<void> } | { ok: false; refusal: Outcome<never> };

/**
 * Counts a request `user` is about to file about `block` (its id and account) on the request limits
 * (lib/server/rate-limit.ts LIMITS: `requestPerBlock`, key "<user id> <block id>", then
 * `requestPerLogin`, key the user id), before anything is written, so a burst sent in parallel cannot
 * pass them all; unblock and allowance requests count together. Accepted: the caller must call
 * `giveBack()` when the request is not filed after all (already open, block lifted, an error), so
 * only filed requests count (each mails a receipt and waits in support's queue); a filed one stays
 * counted when it is later withdrawn, denied or closed by a lift. Refused (`throttled`): every point
 * this attempt counted is given back, and the note says what is true now, times in the user's zone
 * and language (formatWhen) and the provider's SUPPORT_CONTACT as `support`:
 * `outcome.request.waiting` when a request of theirs on this account still waits for support (`sent`:
 * when the newest was sent; support will call about it), else `outcome.request.tooManyBlock` or
 * `tooManyLogin` (the limit that refused); `at` is when the refusing window ends. Throws what the
 * database throws (nothing then stays counted: consumeAll).
 */
export async function countRequest(
  user: CurrentUser,
  block: { id: string; accountId: string },
): Promise<CountedRequest> {
  const keys: { name: LimitName; key: string }[] = [
    { name: 'requestPerBlock', key: `${user.id} ${block.id}` },
    { name: 'requestPerLogin', key: user.id },
  ];
  const giveBack = (upTo: number) =>
    Promise.all(keys.slice(0, upTo).map((k) => reward(k.name, k.key))).then(
      () => undefined,
      () => undefined,
    );
  const { over } = await consumeAll(keys);
  if (!over) return { ok: true, giveBack: () => giveBack(keys.length) };
  // The refused attempt counted on the counters up to the one that refused it: a refusal spends nothing.
  await giveBack(keys.findIndex((k) => k.name === over.name) + 1);
  const retryAfterSec = over.status.limited ? over.status.retryAfterSec : LIMITS[over.name].duration;
  const tag = await requestFormatTag(catalogueLocale(user.locale), user);
  const when = (at: Date) => formatWhen(at, user.timeZone, { locale: tag });
  const values = { at: when(new Date(Date.now() + retryAfterSec * 1000)), support: env().SUPPORT_CONTACT };
  const sent = await newestWaiting(user.id, block.accountId);
  if (sent)
    return {
      ok: false,
      refusal: fail('throttled', 'outcome.request.waiting', { ...values, sent: when(sent) }),
    };
  const key =
    over.name === 'requestPerBlock' ? 'outcome.request.tooManyBlock' : 'outcome.request.tooManyLogin';
  return { ok: false, refusal: fail('throttled', key, values) };
}

/**
 * When the newest request `userId` sent about account `accountId` that still waits for support was
 * sent, or null: an unblock request `pending`, or an allowance `requested` (one being sent to the
 * switch was decided already). Support calls back about each of these.
 */
async function newestWaiting(userId: string, accountId: string): Promise<Date | null> {
  const [request, allowance] = await Promise.all([
    db.unblockRequest.findFirst({
      where: { accountId, submittedById: userId, status: 'pending' },
      orderBy: { createdAt: 'desc' },
      select: { createdAt: true },
    }),
    db.destinationAllowance.findFirst({
      where: { accountId, requestedById: userId, status: 'requested' },
      orderBy: { createdAt: 'desc' },
      select: { createdAt: true },
    }),
  ]);
  const times = [request?.createdAt, allowance?.createdAt].filter((t): t is Date => !!t);
  return times.length ? new Date(Math.max(...times.map((t) => t.getTime()))) : null;
}

/** A block of the user's accounts that a customer request can be about: in force and not placed by support. */
async function openBlock(userId: string, blockId: string) {
  return db.block.findFirst({
    where: { id: blockId, status: 'active', reason: { not: 'manual' }, account: memberOf(userId) },
    include: { account: true, calls: { select: { id: true, to: true } } },
  });
}

/** What a request's rules need of its block: the account's country, the trigger calls' ids and destinations. */
type RequestBlock = { country: CountryCode; callIds: string[]; destinations: string[] };

/** A request's checked fields: the story and callback number every kind has, and the kind's own columns. */
type Checked =
  | { ok: true; whatHappened: string; callbackPhone: string; data: Record<string, unknown> }
  | { ok: false; fieldErrors: Record<string, Note[]> };

/**
 * Files a request of `kind` about the caller's block `blockId`: the block must be theirs (else
 * not_found), in force and not placed by support (else refused); `check` then checks every field
 * of the posted form against the block's rules at once (an `invalid` refusal with all their notes);
 * then the request limits (countRequest: a request not filed after all is not counted), and the
 * request is written under the account's lock.
 */
async function create(
  user: CurrentUser,
  meta: RequestMeta,
  blockId: string,
  check: (block: RequestBlock, locale: string) => Checked,
  kind: 'misdial' | 'firewall',
): Promise<SubmitResult> {
  const block = await openBlock(user.id, blockId);
  if (!block) {
    const exists = await db.block.findFirst({
      where: { id: blockId, account: memberOf(user.id) },
      select: { reason: true, status: true },
    });
    if (!exists) return missing();
    if (exists.reason === 'manual' && exists.status === 'active')
      return fail('refused', 'outcome.request.manualBlock');
    return fail('refused', 'outcome.request.notActive');
  }
  const checked = check(
    {
      country: accountCountry(block.account.country),
      callIds: block.calls.map((c) => c.id),
      destinations: block.calls.map((c) => c.to),
    },
    localeOf(user),
  );
  if (!checked.ok) return fail('invalid', 'outcome.correctFields', undefined, checked.fieldErrors);
  const counted = await countRequest(user, block);
  if (!counted.ok) return counted.refusal;
  let filed = false;
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
          whatHappened: checked.whatHappened,
          callbackPhone: checked.callbackPhone,
          ...checked.data,
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
    filed = !!request;
    return request ? succeed({ requestId: request.id }) : fail('refused', 'outcome.request.notActive');
  } catch (e) {
    if (isUniqueViolation(e)) return fail('conflict', 'outcome.request.alreadyOpen');
    throw e;
  } finally {
    if (!filed) await counted.giveBack();
  }
}

/**
 * Files a misdial unblock request from the posted misdial form (`posted`: the block's id and the
 * fields as sent), every field checked at once against the block (misdialSchemaFor): the calls
 * ticked (JSON ids), the number meant (E.164) and the callback number are stored. Refusals as create.
 */
export function submitMisdial(user: CurrentUser, posted: PostedForm, meta: RequestMeta) {
  return create(
    user,
    meta,
    posted.blockId,
    (block, locale) => {
      const r = checkForm(misdialSchemaFor(block, locale), posted);
      if (!r.ok) return r;
      return {
        ok: true,
        whatHappened: r.data.whatHappened,
        callbackPhone: r.data.callbackPhone,
        data: { intendedNumber: r.data.intendedNumber, misdialCallIds: JSON.stringify(r.data['callIds[]']) },
      };
    },
    'misdial',
  );
}

/**
 * Files a "firewall hardened" unblock request from the posted firewall form (`posted`), every field
 * checked at once (firewallSchema, with the block's callback rule): the PBX address, the checklist
 * (every box confirmed) and the callback number are stored. Refusals as create.
 */
export function submitFirewall(user: CurrentUser, posted: PostedForm, meta: RequestMeta) {
  return create(
    user,
    meta,
    posted.blockId,
    (block, locale) => {
      const schema = firewallSchema.extend({
        sipPorts: sipPortsTicked(locale),
        callbackPhone: callbackPhoneFor(block.country, block.destinations, locale),
      });
      const r = checkForm(schema, posted);
      if (!r.ok) return r;
      return {
        ok: true,
        whatHappened: r.data.whatHappened,
        callbackPhone: r.data.callbackPhone,
        data: {
          pbxIp: r.data.pbxIp,
          checklist: JSON.stringify(Object.fromEntries(FIREWALL_CHECKS.map((k) => [k, true]))),
        },
      };
    },
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
  const out = await db.$transaction(async (tx) => {
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
  // Withdrawn by another member: the request spends none of its sender's (countRequest), or one
  // member withdrawing another's five times would hold the sender back on the block for a day
  // (review, 2026-12-06).
  if (out.ok && r.submittedById !== user.id) await giveBackRequest(r.submittedById, r.blockId);
  return out;
}

/**
 * Gives back the request login `userId` spent on block `blockId` (countRequest's two counters), for a
 * request of theirs another member withdrew. Best effort: a counter store that fails leaves the point
 * spent, never a request refused for it.
 */
async function giveBackRequest(userId: string, blockId: string): Promise<void> {
  await Promise.all([
    reward('requestPerBlock', `${userId} ${blockId}`),
    reward('requestPerLogin', userId),
  ]).catch(() => undefined);
}
