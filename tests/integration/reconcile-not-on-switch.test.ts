import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { createTranslator } from 'use-intl/core';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditDetailList, detailWords, type DetailWords } from '@/components/staff/audit-detail';
import { NOT_ON_SWITCH_PER_PASS, reconcilePass } from '@/lib/blocks/reconcile';
import { resolveSyncIssue } from '@/lib/blocks/sync-issues';
import type { Translate } from '@/lib/i18n/note';
import { CATALOGUES } from '@/lib/i18n/translate';
import { readAuditDetail } from '@/lib/staff/audit-detail';
import { getDb } from '@/lib/server/db';
import { createSwitchClient } from '@/lib/switch/client';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeStaff } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';
import { appSimPerFile, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// An account the portal has and the switch does not (its GET answers 404: a number mistyped at
// `npm run admin -- create-account`, which warns but creates it) was only counted as unreadable by the
// reconciler, every pass, and no person was ever told. Staff now see it once under "Out of sync with
// the switch", audited, with what to do; a switch that merely fails to answer lists nothing.

let sim: TestSim;
const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const client = () =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 2000, retries: 0, log: () => {} });
appSimPerFile((s) => (sim = s));

/**
 * A portal account the switch has never heard of, made an hour ago (past NOT_ON_SWITCH_GRACE_MS) or,
 * with `madeNow`, just now; `due`: one the reconciler reads on every pass.
 */
async function notOnSwitch(due: boolean, madeNow = false) {
  const made = await makeAccount({ members: [uniqueEmail('typo')] });
  await getDb().customerAccount.update({
    where: { id: made.account.id },
    data: {
      reconcileDue: due,
      switchAppliedAt: null,
      lastReconciledAt: null,
      ...(madeNow ? {} : { createdAt: new Date(Date.now() - 3600_000) }),
    },
  });
  return made.account;
}

/**
 * One account read the switch answers: a 404 is taken as "no such account" only from a switch that
 * answered an account read lately (a wrong SWITCH_API_URL answers 404 for every account).
 */
async function answeredRead() {
  const { account } = await makeAccount({ members: [uniqueEmail('known')] });
  await sim.control('PUT', `/_sim/accounts/${account.number}`, {
    internationalCalling: 'allowed',
    credentials: [],
  });
  await reconcilePass({ client: client(), accountNumbers: [account.number] });
}

const issuesOf = (accountId: string) =>
  getDb().syncIssue.findMany({ where: { accountId }, orderBy: { detectedAt: 'asc' } });
const auditsOf = (accountId: string) =>
  getDb().auditLog.findMany({ where: { accountId, action: 'reconcile.difference' } });

/** The audit log's detail of `accountId`'s `reconcile.difference` row, as an agent reading `locale` sees it. */
async function auditSays(accountId: string, locale: 'en' | 'es') {
  const [row] = await auditsOf(accountId);
  const messages = CATALOGUES[locale];
  const words = detailWords({
    staff: createTranslator({ locale, messages, namespace: 'staff' }) as unknown as DetailWords['staff'],
    actors: createTranslator({ locale, messages, namespace: 'actors' }),
    all: createTranslator({ locale, messages }) as unknown as Translate,
    tag: locale,
    timeZone: 'UTC',
  });
  const html = renderToStaticMarkup(
    h(AuditDetailList, { detail: readAuditDetail(row.action, row.detail), words }),
  );
  return html.replace(/<[^>]+>/g, '|').replace(/\|+/g, '|');
}

describe.each(dialects())('an account the switch does not know, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
    await answeredRead();
  });
  beforeEach(async () => {
    await sim.control('DELETE', '/_sim/faults');
  });

  it('is listed for staff once, audited, however many passes read it; again only after it was resolved', async () => {
    const a = await notOnSwitch(true);
    for (let pass = 0; pass < 3; pass++) {
      const counts = await reconcilePass({ client: client(), accountNumbers: [a.number] });
      expect(counts.unreadable).toBe(1);
    }
    const [issue, ...more] = await issuesOf(a.id);
    expect(more).toEqual([]);
    expect(issue).toMatchObject({
      portalState: 'allowed',
      switchState: 'not_found',
      action: 'not_on_switch',
      resolvedAt: null,
    });
    const audits = await auditsOf(a.id);
    expect(audits).toHaveLength(1);
    expect(JSON.parse(audits[0].detail!)).toMatchObject({
      switchState: 'not_found',
      action: 'not_on_switch',
      detail: `The switch answered that it has no account ${a.number} (HTTP 404).`,
    });
    // No block was made up for it.
    expect(await getDb().block.count({ where: { accountId: a.id } })).toBe(0);

    // An agent resolves it (a customer who left, the account closed on the switch, which the portal
    // cannot close): the 404s that follow list nothing more...
    const agent = await makeStaff();
    expect(
      await resolveSyncIssue(agent, { issueId: issue.id, note: 'Asked the switch team.' }, meta),
    ).toMatchObject({ ok: true });
    await reconcilePass({ client: client(), accountNumbers: [a.number] });
    await reconcilePass({ client: client(), accountNumbers: [a.number] });
    expect((await issuesOf(a.id)).map((i) => i.resolvedAt === null)).toEqual([false]);
    // ...until the switch has answered for the account since: a 404 after that is news again.
    await sim.control('PUT', `/_sim/accounts/${a.number}`, {
      internationalCalling: 'allowed',
      credentials: [],
    });
    await reconcilePass({ client: client(), accountNumbers: [a.number] });
    expect(
      (await getDb().customerAccount.findUniqueOrThrow({ where: { id: a.id } })).knownOnSwitchAt,
    ).not.toBeNull();
    await sim.control('PUT', '/_sim/faults', { failNext: 1, failStatus: 404 });
    await reconcilePass({ client: client(), accountNumbers: [a.number] });
    expect((await issuesOf(a.id)).map((i) => i.resolvedAt === null)).toEqual([false, true]);
  });

  it('a switch that answers 404 for every account (a wrong SWITCH_API_URL path) lists none, at most a few a pass otherwise', async () => {
    const g = globalThis as { __tollgateSwitchAnswered?: { lastOkAt: number | null } };
    const saved = g.__tollgateSwitchAnswered;
    g.__tollgateSwitchAnswered = { lastOkAt: null };
    try {
      const a = await notOnSwitch(true);
      expect((await reconcilePass({ client: client(), accountNumbers: [a.number] })).unreadable).toBe(1);
      expect(await issuesOf(a.id)).toEqual([]);
    } finally {
      g.__tollgateSwitchAnswered = saved;
    }
    // A switch that answers account reads and has lost many accounts at once (a restore from an old
    // backup): NOT_ON_SWITCH_PER_PASS are listed a pass, the rest at the next.
    const many: Awaited<ReturnType<typeof notOnSwitch>>[] = [];
    for (let i = 0; i < NOT_ON_SWITCH_PER_PASS + 3; i++) many.push(await notOnSwitch(true));
    const numbers = many.map((m) => m.number);
    const listed = () =>
      getDb().syncIssue.count({
        where: { accountId: { in: many.map((m) => m.id) }, action: 'not_on_switch' },
      });
    await reconcilePass({ client: client(), accountNumbers: numbers });
    expect(await listed()).toBe(NOT_ON_SWITCH_PER_PASS);
    await reconcilePass({ client: client(), accountNumbers: numbers });
    expect(await listed()).toBe(NOT_ON_SWITCH_PER_PASS + 3);
  });

  it('an account made minutes ago is not listed: the operator may be provisioning it on the switch', async () => {
    const a = await notOnSwitch(true, true);
    const counts = await reconcilePass({ client: client(), accountNumbers: [a.number] });
    expect(counts.unreadable).toBe(1);
    expect(await issuesOf(a.id)).toEqual([]);
    expect(await auditsOf(a.id)).toEqual([]);
  });

  it('once the switch answers for the account, Tollgate resolves the entry, audited', async () => {
    const a = await notOnSwitch(true);
    await reconcilePass({ client: client(), accountNumbers: [a.number] });
    expect((await issuesOf(a.id)).map((i) => i.resolvedAt)).toEqual([null]);
    // The number is provisioned on the switch: the next pass reads it, and the entry is no longer so.
    await sim.control('PUT', `/_sim/accounts/${a.number}`, {
      internationalCalling: 'allowed',
      credentials: [],
    });
    await reconcilePass({ client: client(), accountNumbers: [a.number] });
    const [issue] = await issuesOf(a.id);
    expect(issue.resolvedAt).not.toBeNull();
    expect(issue.resolvedById).toBeNull();
    expect(issue.resolvedNote).toMatch(/^Resolved by Tollgate: the switch answered for the account at /);
    const resolved = await getDb().auditLog.findMany({
      where: { accountId: a.id, action: 'reconcile.resolved' },
    });
    expect(resolved.map((r) => [r.actorId, r.targetId])).toEqual([[null, issue.id]]);
    // Another pass changes nothing more.
    await reconcilePass({ client: client(), accountNumbers: [a.number] });
    expect(await getDb().auditLog.count({ where: { accountId: a.id, action: 'reconcile.resolved' } })).toBe(
      1,
    );
  });

  it('a swept account is listed too, and still noted as compared', async () => {
    const a = await notOnSwitch(false);
    const counts = await reconcilePass({ client: client(), accountNumbers: [a.number] });
    expect(counts.unreadable).toBe(1);
    expect(
      (await getDb().customerAccount.findUniqueOrThrow({ where: { id: a.id } })).lastReconciledAt,
    ).not.toBeNull();
    expect((await issuesOf(a.id)).map((i) => i.action)).toEqual(['not_on_switch']);
  });

  it('a switch that fails to answer (a 503, a timeout) lists nothing: the account is only tried again', async () => {
    const a = await notOnSwitch(true);
    await sim.control('PUT', '/_sim/faults', { failNext: 1, failStatus: 503 });
    const counts = await reconcilePass({ client: client(), accountNumbers: [a.number] });
    expect(counts.unreadable).toBe(1);
    expect(await issuesOf(a.id)).toEqual([]);
    expect(await auditsOf(a.id)).toEqual([]);
    expect((await getDb().customerAccount.findUniqueOrThrow({ where: { id: a.id } })).reconcileDue).toBe(
      true,
    );
  });

  it('the audit log says what the switch answered and what Tollgate did, in English and in Spanish', async () => {
    const a = await notOnSwitch(true);
    await reconcilePass({ client: client(), accountNumbers: [a.number] });
    expect(await auditSays(a.id, 'en')).toContain(
      '|Switch showed|not known to the switch|Action taken|left to support: check the number or provision the account|' +
        `What happened|The switch answered that it has no account ${a.number} (HTTP 404).|`,
    );
    expect(await auditSays(a.id, 'es')).toContain(
      '|desconocida para el switch|Medida tomada|queda para soporte: comprobar el número o dar de alta la cuenta|',
    );
  });
});
