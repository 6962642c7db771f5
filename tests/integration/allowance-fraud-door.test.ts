import { createElement as el, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { NextIntlClientProvider } from 'next-intl';
import { beforeAll, describe, expect, it } from 'vitest';
import { CustomerDoors, StaffDoorNote } from '@/components/allowance/door-notes';
import { approveAllowance, grantAllowance, grantAllowanceSchema } from '@/lib/allowances/decide';
import { fraudDoorsForMember, fraudDoorsForStaff } from '@/lib/allowances/fraud-door';
import { requestAllowance, requestAllowanceSchema } from '@/lib/allowances/request';
import type { CurrentUser } from '@/lib/auth/session';
import type { BlockReason } from '@/lib/generated/sqlite/enums';
import { CATALOGUES } from '@/lib/i18n/translate';
import { getDb } from '@/lib/server/db';
import { lockAccount } from '@/lib/server/db/lock';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import {
  asCustomer,
  asUser,
  makeAccount,
  makeBlock,
  makeStaff,
  type CallSeed,
} from '@/tests/helpers/factory';
import { inWords } from '@/tests/helpers/outcome';

// An allowance must not reopen the door the fraud came through (tester, high severity): ACC-2001 was
// blocked for hotspot_source_ip, one trigger call went to +239 (São Tomé, ST) through `harbor-trunk`
// from a fraud hotspot; the customer asked for ST, the agent approved, nothing warned either, and the
// switch let calls to ST through for 24 h while `harbor-trunk` still had the fraudster's password.
// Now (lib/allowances/fraud-door.ts) a country a call of such a block went to through a credential
// whose password was not changed since the block is refused on both sides until it is changed; under
// a high_risk_destination block it is a warning for staff; calls through a name that is no
// credential of the account are a warning on both sides.

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const ST = '+2399901234';
const SO = '+252611234567';
const CU = '+5352123456';

/** `node` rendered for a reader of `locale`, as text (tags dropped, `&` as typed). */
const text = (node: ReactNode, locale: 'en' | 'es' = 'en') =>
  renderToStaticMarkup(
    el(NextIntlClientProvider, { locale, messages: CATALOGUES[locale], timeZone: 'UTC', children: node }),
  )
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

/**
 * An account with the credentials `harbor-trunk-<n>` (label "Harbor trunk") and `harbor-desk-<n>`
 * (label "Front desk"), a member (in `locale`), and a block in force of `reason` whose calls are `calls`
 * (each `sipUsername` a key of the credentials, `trunk` or `desk`, or a name of no credential). The
 * block reached the portal a minute ago; no password was changed since (the trunk's was, the day before).
 */
async function harbor(
  reason: BlockReason,
  calls: { via: 'trunk' | 'desk' | string; to: string }[],
  opts: { locale?: 'en' | 'es'; status?: 'active' | 'lift_pending' } = {},
) {
  const n = Math.random().toString(36).slice(2, 10);
  const trunk = `harbor-trunk-${n}`;
  const desk = `harbor-desk-${n}`;
  const { account, users, creds } = await makeAccount({ credentials: [trunk, desk] });
  const db = getDb();
  await db.sipCredential.update({
    where: { id: creds[0]!.id },
    data: { label: 'Harbor trunk', passwordChangedAt: new Date(Date.now() - 86_400_000) },
  });
  await db.sipCredential.update({ where: { id: creds[1]!.id }, data: { label: 'Front desk' } });
  const name = (via: string) => (via === 'trunk' ? trunk : via === 'desk' ? desk : via);
  const seeds: CallSeed[] = calls.map((c) => ({
    sipUsername: name(c.via),
    to: c.to,
    sourceIp: '185.220.101.47',
  }));
  const block = await makeBlock(account.id, {
    reason,
    placedAt: new Date(Date.now() - 60_000),
    calls: seeds,
  });
  if (opts.status) await db.block.update({ where: { id: block.id }, data: { status: opts.status } });
  const member = asUser(users[0]!, { locale: opts.locale ?? 'en' });
  return { account, block, member, trunk, desk, trunkId: creds[0]!.id, deskId: creds[1]!.id };
}

/** The member's request for `country` in the words they read. */
const ask = async (member: CurrentUser, blockId: string, country: string) => {
  const posted = requestAllowanceSchema.parse({
    blockId,
    country,
    hours: '24',
    reason: 'We must call our agent in the port to confirm a shipment.',
    callbackPhone: '+1 202 555 0143',
  });
  return inWords(await requestAllowance(member, posted, meta), member.locale as 'en' | 'es');
};

/** A request waiting for support, as one filed before this rule left it (the rule holds at approval too). */
const waiting = (a: { accountId: string; blockId: string; requestedById: string; country: string }) =>
  getDb().destinationAllowance.create({
    data: { ...a, hours: 24, reason: 'Our agent in the port.', callbackPhone: '+12025550143' },
  });

const approve = async (allowanceId: string) =>
  inWords(
    await approveAllowance(
      await makeStaff(),
      { allowanceId, attest: 'on', note: 'Called the owner back on the number on file.' },
      meta,
    ),
  );

const grant = async (accountNumber: string, country: string) =>
  inWords(
    await grantAllowance(
      await makeStaff(),
      grantAllowanceSchema.parse({
        accountNumber,
        country,
        hours: '24',
        reason: 'Owner asked on the phone.',
      }),
      meta,
    ),
  );

/** What the account has that a request or a decision would have written. */
async function written(accountId: string, accountNumber: string) {
  const db = getDb();
  return {
    allowances: await db.destinationAllowance.findMany({
      where: { accountId },
      select: { country: true, status: true },
      orderBy: { createdAt: 'asc' },
    }),
    toSwitch: await db.switchOperation.count({ where: { accountNumber } }),
    audited: await db.auditLog.count({ where: { accountId, action: { startsWith: 'allowance.' } } }),
  };
}

/** A confirmed password change of credential `id`, now (after the block reached the portal). */
const changed = (id: string) =>
  getDb().sipCredential.update({ where: { id }, data: { passwordChangedAt: new Date() } });

describe.each(dialects())(
  'an allowance does not reopen the door the fraud came through, on %s',
  (dialect) => {
    beforeAll(() => useFreshDb(dialect));

    it('the tester’s case: the customer’s request for ST is refused on the country field, naming the credential; nothing is written', async () => {
      const h = await harbor('hotspot_source_ip', [
        { via: 'trunk', to: ST },
        { via: 'desk', to: SO },
      ]);
      const r = await ask(h.member, h.block.id, 'ST');
      expect(r).toMatchObject({ ok: false, code: 'invalid' });
      expect(r.fieldErrors).toEqual({
        country: [
          `São Tomé & Príncipe cannot be allowed yet: calls to São Tomé & Príncipe that caused the block were made through Harbor trunk (${h.trunk}), or from the address of a device registered with it, and its SIP password has not been changed since. An allowance now would let the same calls through again. First change that password with “Reset SIP password” on the block page, then ask again.`,
        ],
      });
      expect(await written(h.account.id, h.account.number)).toEqual({
        allowances: [],
        toSwitch: 0,
        audited: 0,
      });
      expect(await getDb().mailMessage.count({ where: { to: h.member.email } })).toBe(0);

      // In Spanish, in the customer's own words.
      const es = await harbor('suspicious_pattern', [{ via: 'trunk', to: ST }], { locale: 'es' });
      const rEs = await ask(es.member, es.block.id, 'ST');
      expect(rEs.fieldErrors?.country?.[0]).toMatch(
        new RegExp(
          `^Todavía no se puede permitir Santo Tomé y Príncipe: .* se hicieron por Harbor trunk \\(${es.trunk}\\), o desde la dirección de un dispositivo registrado con ella, y su contraseña SIP no se ha cambiado desde entonces\\. .*Cambie primero esa contraseña con «Restablecer la contraseña SIP» en la página del bloqueo`,
        ),
      );
    });

    it('the tester’s case at support: approving the waiting request and granting ST are refused, saying the agent cannot change the password; nothing is sent', async () => {
      const h = await harbor('hotspot_source_ip', [
        { via: 'trunk', to: ST },
        { via: 'desk', to: ST },
      ]);
      const a = await waiting({
        accountId: h.account.id,
        blockId: h.block.id,
        requestedById: h.member.id,
        country: 'ST',
      });
      const approved = await approve(a.id);
      expect(approved).toMatchObject({ ok: false, code: 'refused' });
      expect(approved.message).toBe(
        `São Tomé & Príncipe cannot be allowed yet: calls to São Tomé & Príncipe that caused a block in force were made through Front desk (${h.desk}) and Harbor trunk (${h.trunk}), or from the address of a device registered with them, and their SIP passwords have not been changed since that block. An allowance now would reopen the way the fraud came in. You cannot change a customer’s SIP password: ask the account holder to change them with “Reset SIP password” on their block page; then it can be allowed. Nothing was changed and nothing was sent to the switch.`,
      );
      const granted = await grant(h.account.number, 'ST');
      expect(granted).toMatchObject({ ok: false, code: 'invalid' });
      expect(granted.fieldErrors?.country?.[0]).toContain('You cannot change a customer’s SIP password');
      expect(await written(h.account.id, h.account.number)).toEqual({
        allowances: [{ country: 'ST', status: 'requested' }],
        toSwitch: 0,
        audited: 0,
      });
      // The account page says so before the call, in the same words.
      const [door] = await fraudDoorsForStaff(await makeStaff(), h.account.id);
      expect(text(el(StaffDoorNote, { door }))).toContain(
        `São Tomé & Príncipe (ST) cannot be allowed yet: calls to São Tomé & Príncipe (ST) that caused a block in force were made through Front desk (${h.desk}) and Harbor trunk (${h.trunk}), or from the address of a device registered with them, and their SIP passwords have not been changed since that block. You cannot change a customer’s SIP password`,
      );
    });

    it('a password changed before the block does not count, nor does one of the credentials alone; a block being lifted still counts', async () => {
      // harbor() dates the trunk's last change the day before the block: the fraudster's password.
      const h = await harbor('manual', [
        { via: 'trunk', to: ST },
        { via: 'desk', to: ST },
      ]);
      await changed(h.deskId);
      const r = await ask(h.member, h.block.id, 'ST');
      expect(r.fieldErrors?.country?.[0]).toContain(
        `were made through Harbor trunk (${h.trunk}), or from the address of a device registered with it, and its SIP password`,
      );
      expect(r.fieldErrors?.country?.[0]).not.toContain(h.desk);

      const pending = await harbor('hotspot_source_ip', [{ via: 'trunk', to: ST }], {
        status: 'lift_pending',
      });
      expect(await grant(pending.account.number, 'ST')).toMatchObject({ ok: false, code: 'invalid' });
    });

    it('once the switch confirmed a new password for every credential whose calls went there, the same request, approval and grant go through', async () => {
      const h = await harbor('hotspot_source_ip', [
        { via: 'trunk', to: ST },
        { via: 'desk', to: SO },
      ]);
      const a = await waiting({
        accountId: h.account.id,
        blockId: h.block.id,
        requestedById: h.member.id,
        country: 'ST',
      });
      expect(await approve(a.id)).toMatchObject({ ok: false, code: 'refused' });
      await changed(h.trunkId);
      // The desk's calls went to Somalia only: ST needs the trunk's password alone.
      expect(await approve(a.id)).toMatchObject({ ok: true });
      expect(await getDb().destinationAllowance.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({
        status: 'sending',
      });
      // Somalia still waits for the desk's password.
      expect(await grant(h.account.number, 'SO')).toMatchObject({ ok: false, code: 'invalid' });

      const c = await harbor('suspicious_pattern', [{ via: 'trunk', to: ST }]);
      expect(await ask(c.member, c.block.id, 'ST')).toMatchObject({ ok: false, code: 'invalid' });
      await changed(c.trunkId);
      expect(await ask(c.member, c.block.id, 'ST')).toMatchObject({ ok: true });

      const g = await harbor('hotspot_source_ip', [{ via: 'trunk', to: ST }]);
      expect(await grant(g.account.number, 'ST')).toMatchObject({ ok: false, code: 'invalid' });
      await changed(g.trunkId);
      expect(await grant(g.account.number, 'ST')).toMatchObject({ ok: true });
      expect(await fraudDoorsForStaff(await makeStaff(), g.account.id)).toEqual([]);
    });

    it('a country no trigger call went to (or only an unreadable number) goes through on both sides', async () => {
      const h = await harbor('hotspot_source_ip', [
        { via: 'trunk', to: ST },
        { via: 'trunk', to: '*97' },
        { via: 'trunk', to: '+88216123456' },
      ]);
      expect(await ask(h.member, h.block.id, 'MX')).toMatchObject({ ok: true });
      expect(await grant(h.account.number, 'CU')).toMatchObject({ ok: true });
      // Only ST is said: the unreadable number and the +882 network count for no country.
      expect((await fraudDoorsForMember(h.member, h.account.id)).map((d) => d.country)).toEqual(['ST']);
    });

    it('a high_risk_destination block is not refused, but support is warned that the credential still has its password', async () => {
      const h = await harbor('high_risk_destination', [{ via: 'trunk', to: SO }]);
      const asked = await ask(h.member, h.block.id, 'SO');
      expect(asked).toMatchObject({ ok: true });
      const doors = await fraudDoorsForStaff(await makeStaff(), h.account.id);
      expect(doors).toEqual([
        {
          country: 'SO',
          changeFirst: [],
          unchanged: [{ id: h.trunkId, name: `Harbor trunk (${h.trunk})` }],
          unknownNames: [],
          otherNames: 0,
        },
      ]);
      expect(text(el(StaffDoorNote, { door: doors[0] }))).toContain(
        `Warning: calls to Somalia (SO) that caused a block in force (high-risk destination) were made through Harbor trunk (${h.trunk}), or from the address of a device registered with it, and its SIP password has not been changed since that block.`,
      );
      expect(text(el(StaffDoorNote, { door: doors[0] }), 'es')).toContain(
        `Atención: las llamadas a Somalia (SO) que causaron un bloqueo en vigor por llamadas a países de alto riesgo se hicieron por Harbor trunk (${h.trunk})`,
      );
      expect(await approve(asked.data!.allowanceId)).toMatchObject({ ok: true });
      // The customer is not told of it: the calls may be the office's own.
      expect(
        text(
          el(CustomerDoors, {
            doors: await fraudDoorsForMember(h.member, h.account.id),
            blockId: h.block.id,
          }),
        ),
      ).toBe('');
    });

    it('calls through a name that is no credential of the account: a warning on both sides, never a refusal', async () => {
      const h = await harbor('hotspot_source_ip', [
        { via: 'open-port-5060', to: CU },
        { via: 'trunk', to: ST },
      ]);
      const doors = await fraudDoorsForMember(h.member, h.account.id);
      const cu = doors.find((d) => d.country === 'CU');
      expect(cu).toEqual({
        country: 'CU',
        changeFirst: [],
        unchanged: [],
        unknownNames: ['open-port-5060'],
        otherNames: 0,
      });
      const page = text(el(CustomerDoors, { doors, blockId: h.block.id }));
      expect(page).toContain(
        'Cuba (CU): some calls there that caused the block came through open-port-5060, which is not one of your SIP credentials. Changing a password does not close that way in',
      );
      // ST is said up front too, with the way to change the trunk's password.
      expect(page).toContain(`Change the password of Harbor trunk (${h.trunk})`);
      expect(
        renderToStaticMarkup(
          el(NextIntlClientProvider, {
            locale: 'en',
            messages: CATALOGUES.en,
            timeZone: 'UTC',
            children: el(CustomerDoors, { doors, blockId: h.block.id }),
          }),
        ),
      ).toContain(`href="/credentials/${h.trunkId}/reset?block=${h.block.id}"`);
      expect(text(el(StaffDoorNote, { door: cu }))).toContain(
        'Warning: calls to Cuba (CU) that caused a block in force came through open-port-5060, which is not a SIP credential of this account: no password change closes that way in',
      );
      expect(await ask(h.member, h.block.id, 'CU')).toMatchObject({ ok: true });
      expect(await grant(h.account.number, 'CU')).toMatchObject({ ok: false, code: 'conflict' }); // asked for already
      const other = await harbor('suspicious_pattern', [{ via: 'forgotten-trunk', to: CU }]);
      expect(await grant(other.account.number, 'CU')).toMatchObject({ ok: true });
    });

    it('a block that arrives while the request waits for the account’s lock is read under it: refused, nothing filed', async () => {
      const h = await harbor('high_risk_destination', [{ via: 'desk', to: SO }]);
      const db = getDb();
      let asked: ReturnType<typeof ask> | undefined;
      await db.$transaction(async (tx) => {
        await lockAccount(tx, h.account.id);
        // The form is checked (nothing said of ST yet); the write waits for this transaction's lock.
        asked = ask(h.member, h.block.id, 'ST');
        if (dialect === 'postgresql')
          await expect
            .poll(
              async () =>
                (
                  await db.$queryRaw<{ n: bigint }[]>`SELECT COUNT(*) AS n FROM pg_stat_activity
                  WHERE datname = current_database() AND wait_event_type = 'Lock'
                    AND query LIKE 'UPDATE "CustomerAccount"%'`
                )[0]!.n,
              { timeout: 10_000 },
            )
            .toBe(1n);
        // Meanwhile the switch places a new block: a call to ST through the trunk, from a hotspot.
        await tx.block.create({
          data: {
            accountId: h.account.id,
            reason: 'hotspot_source_ip',
            placedAt: new Date(),
            placedBy: 'switch',
            calls: {
              create: [
                { at: new Date(), sipUsername: h.trunk, to: ST, sourceIp: '185.220.101.47', durationSec: 0 },
              ],
            },
          },
        });
      });
      const r = await asked!;
      expect(r).toMatchObject({ ok: false, code: 'invalid' });
      expect(r.fieldErrors?.country?.[0]).toContain(`were made through Harbor trunk (${h.trunk})`);
      expect(await written(h.account.id, h.account.number)).toEqual({
        allowances: [],
        toSwitch: 0,
        audited: 0,
      });
    });

    it('another customer’s account has no doors for them', async () => {
      const h = await harbor('hotspot_source_ip', [{ via: 'trunk', to: ST }]);
      const stranger = asCustomer((await makeAccount()).users[0]!);
      expect(await fraudDoorsForMember(stranger, h.account.id)).toEqual([]);
      await expect(fraudDoorsForStaff(h.member, h.account.id)).rejects.toThrow();
    });
  },
);
