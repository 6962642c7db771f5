// Issue 14: a switch written in Python from docs/switch-api.md alone (switch/interop/), not from
// Tollgate's TypeScript, runs the whole toll-fraud story against a real `next start`: its fraud
// monitor blocks ACC-1001 and posts a signed block.placed; the notice mail's link lands on the block
// page; the customer rotates both SIP passwords in the browser; the Python switch receives the PUTs
// (digests only, registrations ended) and the policy's lift; the portal shows calling allowed.
// If the docs and the portal drift apart, this fails.
import type { Page } from '@playwright/test';
import { DEMO, expect, expectAccessible, test } from './support/fixtures';
import { linkOf, mailTo, type E2eMail } from './support/mail';
import { startPySwitch, type PySwitch } from './support/pyswitch';

let sw: PySwitch;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(90_000);
  sw = await startPySwitch();
  const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
  for (const [number, state, credentials] of [
    [
      'ACC-1001',
      'allowed',
      [
        {
          username: 'acme-reception',
          password: 'reception123',
          registrations: [
            {
              contact: 'sip:acme-reception@[2001:db8::47]:5071',
              sourceIp: '2001:db8::47',
              userAgent: 'friendly-scanner',
              expiresAt: inAnHour,
            },
          ],
        },
        { username: 'acme-pbx', password: 'acmepbx2020' },
      ],
    ],
    ['ACC-1002', 'allowed', [{ username: 'labs-trunk', password: 'labs-trunk-pw' }]],
    ['ACC-2001', 'blocked', [{ username: 'harbor-trunk', password: 'harbor-pw' }]],
  ] as const) {
    const r = await sw.call('PUT', `/_py/accounts/${number}`, {
      internationalCalling: state,
      reason: 'hotspot_source_ip',
      credentials,
    });
    expect(r.status).toBe(200);
  }
});

test.afterAll(async () => {
  await sw?.stop();
});

const credentialRow = (page: Page, username: string) =>
  page
    .getByRole('list', { name: 'Your SIP credentials' })
    .getByRole('listitem')
    .filter({ hasText: username });

async function rotate(page: Page, username: string): Promise<string> {
  await credentialRow(page, username).getByRole('link', { name: 'Reset SIP password' }).click();
  await page.getByRole('button', { name: 'Generate strong password' }).click();
  const generated = await page.getByLabel('New SIP password').inputValue();
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByText('Password updated')).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Done' }).click();
  return generated;
}

/** The block notice this portal (not the shared e2e portal, which mails the same SMTP server) sent. */
async function blockNotice(before: Set<string>): Promise<E2eMail> {
  let found: E2eMail | undefined;
  await expect
    .poll(
      () => {
        found = mailTo(DEMO.dana.email).find(
          (m) =>
            !before.has(m.file) &&
            /International calling blocked on Acme Dental/.test(m.subject) &&
            linkOf(m).startsWith(sw.portal.url),
        );
        return found !== undefined;
      },
      { timeout: 20_000 },
    )
    .toBe(true);
  return found!;
}

test('the Python switch blocks, the customer rotates the passwords, the block lifts', async ({ browser }) => {
  test.setTimeout(90_000);
  const before = new Set(mailTo(DEMO.dana.email).map((m) => m.file));
  const context = await browser.newContext({ baseURL: sw.portal.url });
  const page = await context.newPage();
  try {
    await test.step('fraud: the switch blocks ACC-1001 and its signed block.placed is taken once', async () => {
      const fraud = await sw.call('POST', '/_py/fraud', {
        accountNumber: 'ACC-1001',
        calls: [
          {
            at: new Date(Date.now() - 5_000).toISOString().replace('Z', '+00:00'),
            from: '"Reception" <sip:acme-reception@switch.example.net>;tag=9fx',
            to: 'sip:+252611234567@carrier.example;user=phone',
            sourceIp: '[2001:db8::47]:5071',
            durationSec: '0',
          },
          {
            at: new Date(Date.now() - 4_000).toISOString(),
            from: 'acme-pbx',
            to: 'tel:+252-61-123-4568',
            sourceIp: '185.220.101.47:5060',
            durationSec: 0,
          },
        ],
      });
      expect(fraud.json.answer).toEqual({ status: 200, body: { received: true, duplicate: false } });
      expect((await sw.call('GET', '/v1/accounts/ACC-1001')).json.internationalCalling).toBe('blocked');
      const calls = sw.query<{ sipUsername: string; to: string; sourceIp: string }>(
        `SELECT t."sipUsername", t."to", t."sourceIp" FROM "TriggerCall" t JOIN "Block" b ON b.id = t."blockId" JOIN "CustomerAccount" a ON a.id = b."accountId" WHERE a.number = 'ACC-1001' ORDER BY t."to"`,
      );
      expect(calls).toEqual([
        { sipUsername: 'acme-reception', to: '+252611234567', sourceIp: '2001:db8::47' },
        { sipUsername: 'acme-pbx', to: '+252611234568', sourceIp: '185.220.101.47' },
      ]);
    });

    await test.step('the notice mail signs Dana in on the block page', async () => {
      const notice = await blockNotice(before);
      await page.goto(linkOf(notice));
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect(
        page.getByRole('heading', { name: /International calling blocked on Acme Dental/ }),
      ).toBeVisible();
      await expect(page.getByRole('table')).toContainText('+252 61 123 4567');
      await expect(page.getByRole('region', { name: 'Registered devices' })).toContainText('2001:db8::47');
      await expectAccessible(page);
    });

    await test.step('Dana rotates both SIP passwords; the Python switch receives the PUTs', async () => {
      const reception = await rotate(page, 'acme-reception');
      expect((await sw.call('GET', '/v1/accounts/ACC-1001')).json.internationalCalling).toBe('blocked');
      const pbx = await rotate(page, 'acme-pbx');
      for (const [username, password] of [
        ['acme-reception', reception],
        ['acme-pbx', pbx],
      ]) {
        expect((await sw.call('POST', '/_py/check-password', { username, password })).json).toEqual({
          matches: true,
        });
      }
      const account = (await sw.call('GET', '/_py/accounts/ACC-1001')).json;
      expect(account.credentials).toEqual([
        { username: 'acme-reception', passwordChanges: 1, registrations: [] },
        { username: 'acme-pbx', passwordChanges: 1, registrations: [] },
      ]);
    });

    await test.step('the policy lifts the block on the switch, and the portal says so', async () => {
      await expect
        .poll(async () => (await sw.call('GET', '/v1/accounts/ACC-1001')).json.internationalCalling, {
          timeout: 20_000,
        })
        .toBe('allowed');
      const puts = (
        (await sw.call('GET', '/_py/requests')).json as { method: string; path: string }[]
      ).filter((r) => r.method === 'PUT');
      expect(puts.map((r) => r.path)).toEqual([
        '/v1/sip-credentials/acme-reception/password',
        '/v1/sip-credentials/acme-pbx/password',
        '/v1/accounts/ACC-1001/international-calling',
      ]);
      await page.goto('/');
      await expect(
        page.getByRole('region', { name: /Acme Dental/ }).getByText('International calling allowed'),
      ).toBeVisible({ timeout: 15_000 });
    });
  } finally {
    await context.close();
  }
});
