import { beforeAll, describe, expect, it } from 'vitest';
import { switchWritten } from '@/components/block/explanation';
import { callShown } from '@/components/block/trigger-calls';
import { ingestSwitchEvent } from '@/lib/blocks/ingest';
import { getBlockForUser } from '@/lib/blocks/queries';
import { reconcilePass } from '@/lib/blocks/reconcile';
import { readStored } from '@/lib/i18n/stored';
import { mailAbout } from '@/lib/mail/queue';
import { renderMessage } from '@/lib/mail/render';
import { accountCountry } from '@/lib/phone/plan';
import { getDb } from '@/lib/server/db';
import { createSwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { signEvent } from '@/lib/switch/signature';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { decideLift, makeAccount, makeBlock } from '@/tests/helpers/factory';
import { placedEvent, type TestEvent } from '@/tests/helpers/switch-events';

// A tester's signed block.placed whose call had `"from":"\ud800"` (a lone UTF-16 surrogate as a JSON
// escape) was answered 200; SQLite stored the bytes ED A0 80 (not UTF-8) and the block page said "One
// call to Somalia went out through ��� from 203.0.113.9"; PostgreSQL's driver stored U+FFFD in its
// place, silently. Text from JSON the switch wrote (its events, its API's answers) is now read with
// lib/server/control-characters.ts parseReceivedJson: a lone surrogate becomes the six characters of
// its escape, the same on both databases, on the block page and in the notice; a pair stays the emoji.

/** The JSON text of `e` with each `@@name@@` string replaced by the raw JSON `"name"` (escapes kept as written). */
function rawJson(e: TestEvent, replace: Record<string, string>): string {
  let raw = JSON.stringify(e);
  for (const [mark, json] of Object.entries(replace)) raw = raw.replaceAll(`"${mark}"`, json);
  return raw;
}

/** Delivers the JSON text `raw` as the switch would, signed now. */
function deliverRaw(raw: string) {
  const secret = process.env.SWITCH_WEBHOOK_SECRET!;
  return ingestSwitchEvent(Buffer.from(raw, 'utf8'), signEvent(secret, raw), secret);
}

/** True when `text` survives UTF-8 (what both databases' drivers encode it as) unchanged. */
const wellFormed = (text: string) => Buffer.from(text, 'utf8').toString('utf8') === text;

/** A switch API client whose every answer is `status` with the JSON text `body`. */
const answering = (status: number, body: string) =>
  createSwitchClient({
    baseUrl: 'http://switch.invalid',
    token: 't',
    retries: 0,
    log: () => {},
    fetch: (async () =>
      new Response(body, { status, headers: { 'content-type': 'application/json' } })) as typeof fetch,
  });

describe.each(dialects())('lone surrogates in JSON the switch wrote, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  it('a call’s `from`, `to` and `sourceIp` are stored and shown as their escapes, and not repeated in mail; a pair stays the emoji', async () => {
    const { account, users } = await makeAccount({ credentials: ['desk'] });
    const e = placedEvent(account.number, { from: ['@@lone@@', '@@low@@', '@@pair@@'] });
    const calls = e.data.calls as Record<string, unknown>[];
    calls[1]!.to = '@@to@@';
    calls[1]!.sourceIp = '@@ip@@';
    const raw = rawJson(e, {
      '@@lone@@': '"\\ud800"',
      '@@low@@': '"a\\uDC00b"',
      '@@pair@@': '"\\ud83d\\ude00"',
      '@@to@@': '"+252\\udbff"',
      '@@ip@@': '"203.0.113.9\\ud800"',
    });
    expect(raw).toContain('"from":"\\ud800"'); // the tester's body, escape and all
    expect(await deliverRaw(raw)).toEqual({ status: 200, body: { received: true, duplicate: false } });

    const block = await getDb().block.findFirstOrThrow({
      where: { accountId: account.id },
      include: { calls: true },
    });
    const stored = block.calls.map((c) => [c.sipUsername, c.to, c.sourceIp]);
    expect(new Set(stored.map((s) => s[0]))).toEqual(new Set(['\\ud800', 'a\\udc00b', '😀']));
    expect(stored).toContainEqual(['a\\udc00b', '+252\\udbff', '203.0.113.9\\ud800']);
    for (const text of stored.flat()) expect(wellFormed(text)).toBe(true);
    // The raw body is kept as it was sent (it is ASCII: the escapes as written).
    const inbox = await getDb().switchEvent.findUniqueOrThrow({ where: { id: e.id } });
    expect(inbox.body).toBe(raw);

    // The block page's data: the summary sentence's names and addresses, and the call table.
    const view = (await getBlockForUser(users[0]!.id, block.id))!;
    const summary = switchWritten(view);
    expect(new Set(summary.names)).toEqual(new Set(['\\ud800', 'a\\udc00b', '😀']));
    expect(summary.ips.map((i) => i.shown)).toContain('203.0.113.9\\ud800');
    const country = accountCountry(view.account.country);
    const rows = view.calls.map((c) => callShown(c, country, 'en'));
    expect(rows.map((r) => r.credential)).toContain('\\ud800');
    expect(rows.map((r) => r.number)).toContain('+252\\udbff');
    for (const r of rows) expect(`${r.number}${r.credential}${r.ip}`).not.toContain('\uFFFD');

    // The block notice, as it is sent: since the mail review of 2026-12-07 it repeats no name of no
    // SIP shape and no unread address (tests/mail/switch-words-in-mail.test.ts), but says so.
    const mail = await getDb().mailMessage.findFirstOrThrow({
      where: { ...mailAbout('block_notice', block.id), to: users[0]!.email },
    });
    const rendered = await renderMessage(mail, new Date());
    if (!rendered.ok) throw new Error(`not rendered: ${rendered.reason}`);
    for (const body of [rendered.mail.html, rendered.mail.text]) {
      expect(body).toContain('Through a credential or trunk whose name we could not read');
      expect(body).toContain('From an internet address we could not read');
      expect(body).not.toContain('\\ud800');
      expect(body).not.toContain('\\udc00');
      expect(body).not.toContain('\uFFFD');
      expect(wellFormed(body)).toBe(true);
    }
  });

  it('the same event sent again is a duplicate: one block, its calls once', async () => {
    const { account } = await makeAccount();
    const e = placedEvent(account.number, { from: ['@@lone@@'] });
    const raw = rawJson(e, { '@@lone@@': '"\\ud800"' });
    expect((await deliverRaw(raw)).body).toEqual({ received: true, duplicate: false });
    expect((await deliverRaw(raw)).body).toEqual({ received: true, duplicate: true });
    const blocks = await getDb().block.findMany({
      where: { accountId: account.id },
      include: { calls: true },
    });
    expect(blocks.map((b) => b.calls.map((c) => c.sipUsername))).toEqual([['\\ud800']]);
  });

  it('an `id` or account number holding one is refused (400) and kept once; nothing is applied', async () => {
    const { account } = await makeAccount();
    const e = placedEvent(account.number, { from: ['x'] });
    e.id = '@@id@@';
    const raw = rawJson(e, { '@@id@@': '"evt_\\ud800"' });
    const answer = {
      status: 400,
      body: { error: { code: 'invalid_event', message: 'id: must be 1–100 of letters, digits, _ and -' } },
    };
    expect(await deliverRaw(raw)).toEqual(answer);
    expect(await deliverRaw(raw)).toEqual(answer);
    const kept = await getDb().switchEvent.findMany({ where: { accountNumber: account.number } });
    expect(kept.map((k) => ({ status: k.status, body: k.body }))).toEqual([
      { status: 'rejected', body: raw },
    ]);
    expect(await getDb().block.count({ where: { accountId: account.id } })).toBe(0);

    const other = placedEvent('@@n@@');
    const res = await deliverRaw(rawJson(other, { '@@n@@': `"${account.number}\\ud800"` }));
    expect(res).toEqual({
      status: 400,
      body: { error: { code: 'invalid_event', message: 'data.accountNumber: must look like ACC-1001' } },
    });
    expect(await getDb().block.count({ where: { accountId: account.id } })).toBe(0);
  });

  it('a key holding one is read as its escape, and ignored like any unknown key', async () => {
    const { account } = await makeAccount();
    const e = placedEvent(account.number, { from: ['x'] });
    const raw = JSON.stringify(e).replace('"data":{', '"data":{"\\ud800":"\\udfff",');
    expect((await deliverRaw(raw)).status).toBe(200);
    expect(await getDb().block.count({ where: { accountId: account.id } })).toBe(1);
  });

  it('a lift’s actor is stored as its escape', async () => {
    const { account } = await makeAccount();
    const placed = placedEvent(account.number, { from: ['x'], at: new Date(Date.now() - 60_000) });
    expect((await deliverRaw(JSON.stringify(placed))).status).toBe(200);
    const lift = {
      id: `${placed.id}_lift`,
      type: 'block.lifted',
      occurredAt: new Date().toISOString(),
      data: { accountNumber: account.number, actor: '@@actor@@' },
    } as TestEvent;
    expect(await deliverRaw(rawJson(lift, { '@@actor@@': '"noc:\\ud800"' }))).toMatchObject({ status: 200 });
    const lifted = await getDb().blockEvent.findFirstOrThrow({
      where: { block: { accountId: account.id }, type: 'lifted' },
    });
    expect(lifted.actor).toBe('noc:\\ud800');
  });

  it('a switch refusal’s code and message are kept in lastError as their escapes', async () => {
    const { account } = await makeAccount();
    const block = await makeBlock(account.id);
    await decideLift([block]);
    const refusing = answering(409, '{"error":{"code":"held","message":"under review \\ud800 \\udfff"}}');
    expect(await processSwitchOutbox({ client: refusing })).toBe(0);
    const op = await getDb().switchOperation.findFirstOrThrow({ where: { blockId: block.id } });
    expect(op.status).toBe('failed');
    expect(op.lastError).toBe('held: HTTP 409 held: under review \\ud800 \\udfff');
  });

  it('the reason of a block found on the switch is kept for staff as its escape', async () => {
    const { account } = await makeAccount();
    await getDb().customerAccount.update({ where: { id: account.id }, data: { reconcileDue: true } });
    const blockedAt = new Date(Date.now() - 3600_000).toISOString();
    const onSwitch = answering(
      200,
      `{"accountNumber":"${account.number}","internationalCalling":"blocked","blockedAt":"${blockedAt}",` +
        `"reason":"fraud \\ud800","allowances":[]}`,
    );
    for (let pass = 0; pass < 2; pass++)
      await reconcilePass({ client: onSwitch, accountNumbers: [account.number], differenceWaitMs: 0 });
    // What staff read under "Out of sync with the switch".
    const issue = await getDb().syncIssue.findFirstOrThrow({ where: { accountId: account.id } });
    expect(readStored(issue.detail)).toEqual({
      key: 'history.syncBlockedOnSwitch',
      values: { reason: 'fraud \\ud800' },
    });
  });
});
