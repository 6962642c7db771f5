import { createElement as h } from 'react';
import { beforeAll, describe, expect, it } from 'vitest';
import { RecentSignIns } from '@/components/profile/recent-sign-ins';
import { getDb } from '@/lib/server/db';
import { namedAgent, recentSignIns } from '@/lib/profile/recent-sign-ins';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { render, text } from '@/tests/helpers/intl-markup';
import { makeAccount } from '@/tests/helpers/factory';

// A customer sees their own recent sign-ins and the attempts with their address on /profile, beside
// "Sign out everywhere" (compliance review, 2026-12-07: the profile said only "signed in on N devices").

const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

describe.each(dialects())('recent sign-ins on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  it('are the login’s own and those tried with its address, last 30 days, newest first, at most 10', async () => {
    const db = getDb();
    const ana = (await makeAccount()).users[0]!;
    const other = (await makeAccount()).users[0]!;
    const now = new Date(Date.UTC(2026, 11, 7, 12));
    const ago = (h: number) => new Date(now.getTime() - h * 3_600_000);
    const row = (
      at: Date,
      action: string,
      actor: { id: string | null; email: string },
      userAgent?: string,
      detail?: object,
    ) =>
      db.auditLog.create({
        data: {
          at,
          action,
          actorId: actor.id,
          actorEmail: actor.email,
          ip: '203.0.113.9',
          userAgent,
          detail: detail ? JSON.stringify(detail) : null,
        },
      });
    const signedIn = await row(ago(1), 'sign_in.success', ana, FIREFOX, {
      method: 'password',
      secondFactor: 'none',
    });
    const failed = await row(ago(2), 'sign_in.failure', { id: null, email: ana.email }, IPHONE);
    const throttled = await row(ago(3), 'sign_in.throttled', { id: null, email: ana.email });
    // Not theirs, not a sign-in, too old:
    await row(ago(0.5), 'sign_in.success', other, FIREFOX);
    await row(ago(0.5), 'sign_in.failure', { id: null, email: other.email });
    await row(ago(0.5), 'profile.locale_changed', ana);
    await row(ago(31 * 24), 'sign_in.success', ana);
    expect(await recentSignIns(ana, now)).toEqual([
      {
        id: signedIn.id,
        at: ago(1),
        kind: 'signedIn',
        ip: '203.0.113.9',
        browser: 'Firefox 133',
        system: 'Windows',
      },
      { id: failed.id, at: ago(2), kind: 'failed', ip: '203.0.113.9', browser: 'Safari 17', system: 'iOS' },
      { id: throttled.id, at: ago(3), kind: 'throttled', ip: '203.0.113.9', browser: null, system: null },
    ]);
    for (let i = 0; i < 12; i++)
      await row(
        ago(5 + i),
        i % 2 ? 'sign_in.success' : 'sign_in.failure',
        i % 2 ? ana : { id: null, email: ana.email },
      );
    const listed = await recentSignIns(ana, now);
    // 7 sign-ins and 8 attempts: at most 10 of each, so all 15.
    expect(listed).toHaveLength(15);
    expect(listed.slice(0, 3).map((r) => r.id)).toEqual([signedIn.id, failed.id, throttled.id]);
    expect(listed.map((r) => r.at.getTime())).toEqual(
      listed.map((r) => r.at.getTime()).sort((a, b) => b - a),
    );
  });

  it('keep a sign-in listed however many wrong guesses follow it with the address', async () => {
    const db = getDb();
    const ana = (await makeAccount()).users[0]!;
    const now = new Date(Date.UTC(2026, 11, 7, 12));
    const ago = (m: number) => new Date(now.getTime() - m * 60_000);
    // The thief signs in, then makes twelve wrong guesses to push it off the list.
    const thief = await db.auditLog.create({
      data: {
        at: ago(30),
        action: 'sign_in.success',
        actorId: ana.id,
        actorEmail: ana.email,
        detail: JSON.stringify({ method: 'password', secondFactor: 'none' }),
      },
    });
    for (let i = 0; i < 12; i++)
      await db.auditLog.create({
        data: { at: ago(20 - i), action: 'sign_in.failure', actorEmail: ana.email },
      });
    const listed = await recentSignIns(ana, now);
    expect(listed.map((r) => r.id)).toContain(thief.id);
    expect(listed.filter((r) => r.kind === 'failed')).toHaveLength(10);
  });

  it('tell a password accepted with the two-factor code still due from a sign-in, and a wrong code', async () => {
    const db = getDb();
    const eva = (await makeAccount()).users[0]!;
    const now = new Date(Date.UTC(2026, 11, 7, 12));
    const ago = (m: number) => new Date(now.getTime() - m * 60_000);
    const row = (at: Date, action: string, detail?: object) =>
      db.auditLog.create({
        data: {
          at,
          action,
          actorId: eva.id,
          actorEmail: eva.email,
          detail: detail ? JSON.stringify(detail) : null,
        },
      });
    // A stolen password, its code refused; then Eva's own sign-in, completed by her code.
    await row(ago(30), 'sign_in.success', { method: 'password', secondFactor: 'pending' });
    await row(ago(29), 'mfa.failure', { kind: 'totp' });
    await row(ago(10), 'sign_in.success', { method: 'password', secondFactor: 'pending' });
    await row(ago(9), 'mfa.verified', { kind: 'totp' });
    await row(ago(5), 'mfa.enrolled');
    // Written before the rows said whether a code was due (2026-12-07): accepted, not "signed in".
    await row(ago(60), 'sign_in.success', { knownDevice: false });
    expect((await recentSignIns(eva, now)).map((r) => r.kind)).toEqual([
      'signedIn',
      'pending',
      'codeFailed',
      'pending',
      'accepted',
    ]);
  });
});

describe('the profile’s recent sign-ins', () => {
  const rows = [
    {
      id: 'a',
      at: new Date('2026-12-07T11:00:00Z'),
      kind: 'signedIn' as const,
      ip: '203.0.113.9',
      browser: 'Firefox 133',
      system: 'Windows',
    },
    {
      id: 'b',
      at: new Date('2026-12-07T10:00:00Z'),
      kind: 'failed' as const,
      ip: '198.51.100.66\u202e',
      browser: null,
      system: null,
    },
  ];

  it('is a captioned table of when, what, address and browser, and says what to do about a stranger', () => {
    const html = render(h(RecentSignIns, { rows, days: 30 }));
    expect(html).toContain('<h3 id="recent-sign-ins-title"');
    expect(html).toMatch(
      /<caption[^>]*>Your sign-ins and attempts in the last 30 days, newest first<\/caption>/,
    );
    expect(text(html)).toContain('When What happened Address Browser and system');
    expect(text(html)).toContain('Signed in 203.0.113.9 Firefox 133 on Windows');
    expect(html).toContain('<time dateTime="2026-12-07T11:00:00.000Z">');
    // An invisible character in an address is written out, never applied.
    expect(html).toContain('198.51.100.66\\u202e');
    expect(text(html)).toContain('Wrong password or sign-in refused 198.51.100.66\\u202e Not known');
    expect(text(html)).toContain('If a sign-in here was not you, sign out everywhere');
  });

  it('speaks Spanish, and says when there is none', () => {
    expect(text(render(h(RecentSignIns, { rows, days: 30 }), 'es'))).toContain(
      'Inicio de sesión 203.0.113.9 Firefox 133 en Windows',
    );
    expect(text(render(h(RecentSignIns, { rows: [], days: 30 })))).toContain(
      'No sign-ins or attempts in the last 30 days.',
    );
  });

  it('names the browser and system from the user agent, and nothing from a script', () => {
    expect(namedAgent('curl/8.5.0')).toEqual({ browser: null, system: null });
    expect(namedAgent(null)).toEqual({ browser: null, system: null });
    expect(namedAgent(IPHONE)).toEqual({ browser: 'Safari 17', system: 'iOS' });
  });
});
