import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, expectAccessible, signIn, submitAndWait, test } from './support/fixtures';
import { freeTcpPort, startPortal, type Portal } from './support/kamailio-portal';

// The database goes away under a running portal (docs/operations.md, "When the database stops
// answering"): a PostgreSQL cluster of this test's own, halted and resumed with scripts/pg-cluster.sh,
// under a portal of its own (scripts/serve.mjs, as `npm start` runs it). Each page says what happened
// and answers 503 with Retry-After, not a 500 with "something went wrong"; a form sent meanwhile
// changes nothing and says so; everything works again once the database is back, without a restart.

const CUSTOMER = { email: 'outage@e2e.example', password: 'Palermo-drill-tide-2026!' };
const UNAVAILABLE = 'The portal cannot reach its records just now';
const FORM_UNAVAILABLE =
  'The portal cannot reach its records just now, so sending this form changed nothing. Try again in a minute; contact support if it lasts.';

const cluster = (...args: string[]) =>
  execFileSync('bash', ['scripts/pg-cluster.sh', ...args], { encoding: 'utf8', timeout: 90_000 }).trim();

test('the database goes away: pages say so with a 503, a form changes nothing, and all is back when it returns', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-pg-outage-'));
  const pgPort = await freeTcpPort();
  const databaseUrl = cluster('start', pgDir, String(pgPort));
  let portal: Portal | undefined;
  try {
    portal = await startPortal({
      dir: path.resolve('test-results/e2e-database-outage'),
      databaseUrl,
      env: {
        // Neither is needed here; both only ever wait.
        SMTP_URL: 'smtp://127.0.0.1:9',
        SWITCH_API_URL: 'http://127.0.0.1:9/v1',
        SWITCH_API_TOKEN: 'unused-token-0123456789',
        SWITCH_WEBHOOK_SECRET: 'unused-webhook-secret-0123456789abcdef',
        TOLLGATE_WORKERS: '0',
      },
    });
    const admin = (args: string[], input = '') =>
      execFileSync(
        process.execPath,
        ['--conditions=react-server', '--import', 'tsx', 'scripts/admin.ts', ...args],
        { env: portal!.env, input, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' },
      );
    admin([
      'create-account',
      '--number',
      'ACC-7022',
      '--name',
      'Outage Dental',
      '--country',
      'GB',
      '--offline',
    ]);
    admin(
      ['create-user', '--email', CUSTOMER.email, '--role', 'customer', '--account', 'ACC-7022'],
      CUSTOMER.password,
    );

    const context = await browser.newContext({ baseURL: portal.url });
    const page = await context.newPage();
    await signIn(page, CUSTOMER);
    await expect(page.getByText('Outage Dental').first()).toBeVisible();
    await page.goto('/profile');
    const picker = page.getByLabel('Time zone', { exact: true });
    await expect(picker).toBeVisible();

    cluster('halt', pgDir);

    // A form on a page loaded before: nothing changed, and it says so in its announced message.
    await picker.selectOption('Asia/Tokyo');
    await page.getByRole('button', { name: 'Save time zone' }).click();
    await expect(page.locator('#time-zone-message')).toHaveText(FORM_UNAVAILABLE);

    // A page: 503 with Retry-After, the outage told as one, no reference to quote, axe clean.
    for (const where of ['/', '/profile']) {
      const res = await page.goto(where);
      expect(res!.status(), where).toBe(503);
      expect(res!.headers()['retry-after'], where).toBe('30');
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(UNAVAILABLE);
      await expect(page.getByRole('alert').filter({ hasText: UNAVAILABLE })).toContainText(
        'nothing you saved is lost',
      );
      await expect(page.getByText(/Reference:/)).toHaveCount(0);
    }
    await expectAccessible(page);

    // Someone not signed in, as a customer following a block notice's link in a fraud wave: the
    // sign-in form says nothing changed and keeps the address; "Email me a sign-in link" the same; a
    // sign-in link's page is the outage page with its 503, not a 500.
    const guest = await browser.newContext({ baseURL: portal.url });
    const stranger = await guest.newPage();
    await stranger.goto('/sign-in');
    await stranger.getByLabel('Email', { exact: true }).fill(CUSTOMER.email);
    await stranger.getByLabel('Password', { exact: true }).fill(CUSTOMER.password);
    await submitAndWait(stranger);
    await expect(stranger.locator('#sign-in-message')).toHaveText(FORM_UNAVAILABLE);
    await expect(stranger.getByLabel('Email', { exact: true })).toHaveValue(CUSTOMER.email);
    await expectAccessible(stranger);
    await submitAndWait(stranger, 'Email me a sign-in link');
    await expect(stranger.locator('#sign-in-link-message')).toHaveText(FORM_UNAVAILABLE);
    const link = await stranger.goto(`/sign-in/link?token=${'a'.repeat(64)}`);
    expect(link!.status()).toBe(503);
    expect(link!.headers()['retry-after']).toBe('30');
    await expect(stranger.getByRole('heading', { level: 1 })).toHaveText(UNAVAILABLE);
    await expectAccessible(stranger);

    // Back: "Try again" fetches the page again (Next's retry), the same session, no restart.
    cluster('resume', pgDir, String(pgPort));
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect(picker).toBeVisible({ timeout: 20_000 });
    await picker.selectOption('Asia/Tokyo');
    await page.getByRole('button', { name: 'Save time zone' }).click();
    await expect(page.locator('#time-zone-message')).toHaveText('Times are now shown in Japan time.');
    const res = await page.goto('/');
    expect(res!.status()).toBe(200);
    await expect(page.getByText('Outage Dental').first()).toBeVisible();
    await context.close();
    // The same person signs in once the database is back.
    await signIn(stranger, CUSTOMER);
    await expect(stranger.getByText('Outage Dental').first()).toBeVisible();
    await guest.close();
  } finally {
    await portal?.stop();
    cluster('stop', pgDir);
  }
});
