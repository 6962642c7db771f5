import { beforeAll, describe, expect, it } from 'vitest';
import { reconcileAccount, recordNoticeSent } from '@/lib/blocks/lifecycle';
import { readStored, storedText } from '@/lib/i18n/stored';
import { translate } from '@/lib/i18n/translate';
import { getDb } from '@/lib/server/db';
import en from '@/messages/en.json';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeRequest } from '@/tests/helpers/factory';
import { deliver, liftedEvent, placedEvent } from '@/tests/helpers/switch-events';

// Issue 15: what the system itself writes into a column a page shows later (timeline details, block
// notes, decision notes, sync details) is a catalogue note, so a Spanish reader reads Spanish. A new
// English sentence written by the block lifecycle fails here.

const spanish = translate('es');
const englishHistory = Object.values(en.history)
  .flatMap((v) => v.split(/\{[^}]*\}+/))
  .map((s) => s.trim())
  .filter((s) => s.length > 12);

describe.each(dialects())('the block lifecycle stores notes, not English, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  it('placing, emailing, lifting and reconciling leave no English sentence for a page to show', async () => {
    const db = getDb();
    const { account, users, creds } = await makeAccount();
    expect((await deliver(placedEvent(account.number, { from: [creds[0]!.username] }))).status).toBe(200);
    const first = await db.block.findFirstOrThrow({ where: { accountId: account.id } });
    await db.$transaction((tx) => recordNoticeSent(tx, first.id, users[0]!.email));
    await makeRequest(first, users[0]!.id, {
      whatHappened: 'We dialled +252 by mistake.',
      callbackPhone: '+12125550100',
    });
    // The switch lifts it: the open request closes without a decision.
    expect((await deliver(liftedEvent(account.number))).status).toBe(200);
    // The switch has a block the portal does not: the portal follows, and staff are told.
    const blocked = {
      accountNumber: account.number,
      internationalCalling: 'blocked' as const,
      blockedAt: new Date().toISOString(),
      reason: 'hotspot_source_ip',
    };
    expect(await reconcileAccount(account.id, blocked, new Date())).toBe('blocked_in_portal');
    // The switch allows calls while the portal's block is in force: on the second sighting the block
    // is placed again, and staff are told.
    const allowed = { ...blocked, internationalCalling: 'allowed' as const, blockedAt: null, reason: null };
    expect(await reconcileAccount(account.id, allowed, new Date())).toBe('difference_seen');
    expect(await reconcileAccount(account.id, allowed, new Date())).toBe('reapplied_on_switch');

    const [events, blocks, requests, issues] = await Promise.all([
      db.blockEvent.findMany({ where: { block: { accountId: account.id } } }),
      db.block.findMany({ where: { accountId: account.id } }),
      db.unblockRequest.findMany({ where: { accountId: account.id } }),
      db.syncIssue.findMany({ where: { accountId: account.id } }),
    ]);
    const stored = [
      ...events.map((e) => e.detail),
      ...blocks.map((b) => b.note),
      ...requests.map((r) => r.decisionNote),
      ...issues.map((i) => i.detail),
    ].filter((v): v is string => v !== null);
    // Every kind of row was written: details of placed/notice/lifted/lift_requested, a block note,
    // a closed request's note, two sync details.
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set(['placed', 'notice_queued', 'notice_sent', 'lifted', 'lift_requested']),
    );
    expect(stored.length).toBe(events.length + 1 + 1 + 2);
    for (const raw of stored) {
      expect(raw, 'stored as a note, not as a sentence').toMatch(/^note:/);
      expect(typeof readStored(raw), raw).toBe('object');
      const words = storedText(spanish, raw)!;
      expect(
        englishHistory.filter((s) => words.includes(s)),
        words,
      ).toEqual([]);
    }
    expect(requests.map((r) => storedText(spanish, r.decisionNote))).toEqual([
      'Cerrada sin decisión: el bloqueo se levantó.',
    ]);

    // The audit log stays English for operators.
    const audit = await db.auditLog.findMany({
      where: { accountId: account.id, action: 'reconcile.difference' },
    });
    expect(audit.map((a) => JSON.parse(a.detail!).detail).sort()).toEqual([
      'The portal shows a block in force but the switch allowed international calls. The block is being placed again on the switch.',
      'The switch blocks international calling (Source IP in a fraud hotspot) but the portal showed it allowed. The portal now shows the block.',
    ]);
  });
});
