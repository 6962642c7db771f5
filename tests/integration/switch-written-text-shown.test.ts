import { beforeAll, describe, expect, it } from 'vitest';
import { switchWritten } from '@/components/block/explanation';
import { callShown } from '@/components/block/trigger-calls';
import { blockCallsForUser, getBlockForUser } from '@/lib/blocks/queries';
import { mailAbout } from '@/lib/mail/queue';
import { renderMessage } from '@/lib/mail/render';
import { accountCountry } from '@/lib/phone/plan';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount } from '@/tests/helpers/factory';
import { deliver, placedEvent } from '@/tests/helpers/switch-events';

// A security tester's correctly signed block.placed: calls to `sip:fraud\u202E7654321110+@evil.example`
// through `trunk\u202Ekcsed-eve` (U+202E RIGHT-TO-LEFT OVERRIDE). Stored as received, they were shown
// raw on the customer's block page ("…went out through eve-desk and trunk‮kcsed-eve…", a call-table
// cell) and three times in the block notice: the customer read the rest of what the fraudster dialled
// reversed. The switch's record keeps them; every place a customer reads them shows `\u202e`.

const RLO = '\u202E';
const TO = `sip:fraud${RLO}7654321110+@evil.example`;
const TRUNK = `trunk${RLO}kcsed-eve`;
const ADDRESS = `203.0.113.9${RLO}`;
const TO_SHOWN = 'sip:fraud\\u202e7654321110+@evil.example';
const TRUNK_SHOWN = 'trunk\\u202ekcsed-eve';
const ADDRESS_SHOWN = '203.0.113.9\\u202e';

describe.each(dialects())(
  'a bidi override the switch sent, where the customer reads it, on %s',
  (dialect) => {
    let ctx: Awaited<ReturnType<typeof place>>;

    /** Delivers the tester's event: two calls through the trunk, one through the account's eve-desk. */
    async function place() {
      const { account, users } = await makeAccount({ credentials: ['eve-desk'] });
      const e = placedEvent(account.number, { from: [TRUNK, 'eve-desk', TRUNK] });
      e.data.calls = (e.data.calls as Record<string, unknown>[]).map((c, i) => ({
        ...c,
        to: TO,
        ...(i === 0 ? { sourceIp: ADDRESS } : {}),
      }));
      const res = await deliver(e);
      const block = await getDb().block.findFirstOrThrow({ where: { accountId: account.id } });
      return { res, account, user: users[0]!, block };
    }

    beforeAll(async () => {
      await useFreshDb(dialect);
      ctx = await place();
    });

    it('stores the calls as the switch sent them', async () => {
      expect(ctx.res.status).toBe(200);
      const calls = await getDb().triggerCall.findMany({ where: { blockId: ctx.block.id } });
      expect(calls.map((c) => c.to)).toEqual([TO, TO, TO]);
      expect(new Set(calls.map((c) => c.sipUsername))).toEqual(new Set([TRUNK, 'eve-desk']));
      expect(calls.map((c) => c.sourceIp)).toContain(ADDRESS);
    });

    it("the block page's call table and its summary sentence show the override escaped", async () => {
      const view = (await getBlockForUser(ctx.user.id, ctx.block.id))!;
      const country = accountCountry(view.account.country);
      const rows = view.calls.map((c) => callShown(c, country, 'en'));
      expect(rows.map((r) => r.number)).toEqual([TO_SHOWN, TO_SHOWN, TO_SHOWN]);
      expect(new Set(rows.map((r) => r.credential))).toEqual(new Set([TRUNK_SHOWN, 'eve-desk']));
      expect(rows.map((r) => r.ip)).toContain(ADDRESS_SHOWN);
      for (const r of rows) expect(`${r.number}${r.credential}${r.ip}`).not.toContain(RLO);

      const summary = switchWritten(view);
      expect(summary.names).toEqual([TRUNK_SHOWN, 'eve-desk']);
      expect(summary.unknownNames).toEqual([TRUNK_SHOWN]);
      expect(summary.ips.map((i) => i.shown)).toContain(ADDRESS_SHOWN);
      // The trunk is no credential of the account: the page asks for a firewall, not a password.
      expect(view.unknownNames).toEqual([TRUNK]);

      // The page of all the calls uses the same table.
      const page = (await blockCallsForUser(ctx.user.id, ctx.block.id, null))!;
      expect(page.calls.map((c) => callShown(c, country, 'en').number)).toEqual([
        TO_SHOWN,
        TO_SHOWN,
        TO_SHOWN,
      ]);
    });

    // Since the mail review of 2026-12-07 the notice repeats none of it (tests/mail/switch-words-in-mail.test.ts).
    it("the block notice's HTML and text parts repeat none of the unread text, in words of their own", async () => {
      const row = await getDb().mailMessage.findFirstOrThrow({
        where: { ...mailAbout('block_notice', ctx.block.id), to: ctx.user.email },
      });
      const rendered = await renderMessage(row, new Date());
      if (!rendered.ok) throw new Error(`not rendered: ${rendered.reason}`);
      const { subject, html, text } = rendered.mail;
      expect(subject).not.toContain(RLO);
      for (const body of [html, text]) {
        expect(body).not.toContain(RLO);
        for (const shown of [TO_SHOWN, TRUNK_SHOWN, ADDRESS_SHOWN]) expect(body).not.toContain(shown);
        expect(body).not.toContain('evil.example');
        expect(body.split('To a number we could not read (the block page shows it')).toHaveLength(4);
        expect(body).toContain('Through a credential or trunk whose name we could not read');
        expect(body).toContain('From an internet address we could not read');
        expect(body).toContain(
          'Calls also came through a trunk whose name we could not read, which has no password',
        );
      }
    });
  },
);
