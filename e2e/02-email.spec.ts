import type { APIRequestContext, Page } from '@playwright/test';
import { signEvent } from '../lib/switch/signature';
import { E2E } from './support/env';
import { expect, expectAccessible, test } from './support/fixtures';
import { linkOf, mailTo, waitForMail } from './support/mail';
import { runTsx } from './support/tsx';

// Mail journeys against the real portal: the switch's signed event → the mail worker → a real SMTP
// server (started by global setup) → the link in the received message, opened in Chromium.

const USER = { email: 'mail@e2e.example', password: 'e2e-mail-password-2026' };
const NOTICE = /^International calling blocked on Mail Test Co \(ACC-9001\)/;
const BLOCK_HEADING = 'International calling blocked on Mail Test Co (ACC-9001)';
let seq = 0;

async function placeBlock(request: APIRequestContext, to: string) {
  const event = {
    id: `evt_e2e_mail_${Date.now()}_${seq++}`,
    type: 'block.placed',
    occurredAt: new Date().toISOString(),
    data: {
      accountNumber: 'ACC-9001',
      reason: 'high_risk_destination',
      calls: [
        {
          at: new Date(Date.now() - 5000).toISOString(),
          from: 'mail-trunk',
          to,
          sourceIp: '203.0.113.9',
          durationSec: 0,
        },
      ],
    },
  };
  const body = JSON.stringify(event);
  const res = await request.post('/api/switch/events', {
    data: body,
    headers: { 'content-type': 'application/json', 'tollgate-signature': signEvent(E2E.webhookSecret, body) },
  });
  expect(res.status()).toBe(200);
}

/** Places a block and returns the notice's sign-in link and the block page it lands on. */
async function newNotice(request: APIRequestContext, to = '+252611234567') {
  const seen = new Set(mailTo(USER.email).map((m) => m.file));
  await placeBlock(request, to);
  const mail = await waitForMail(USER.email, NOTICE, seen);
  const link = linkOf(mail);
  const blockPath = new URL(link).searchParams.get('callbackUrl')!;
  expect(blockPath).toMatch(/^\/blocks\/\w+$/);
  return { mail, link, blockPath };
}

/** The sign-in link's page: one "Continue" button, which uses the link in this browser. */
async function continueLink(page: Page) {
  await expect(page).toHaveURL(/\/sign-in\/link\?/);
  await page.getByRole('button', { name: 'Continue' }).click();
}

async function expectRefused(page: Page, blockPath: string) {
  await expect(page).toHaveURL(/\/sign-in\?/);
  expect(new URL(page.url()).searchParams.get('callbackUrl')).toBe(blockPath);
  await expect(page.getByText('That sign-in link has already been used or has expired.')).toBeVisible();
}

test('the block notice names the calls, and its link signs the recipient in on the block page', async ({
  page,
  request,
}) => {
  const { mail, link, blockPath } = await newNotice(request);
  expect(mail.text).toContain('To +252 61 123 4567 (Somalia)');
  expect(mail.text).toContain('Through SIP credential Office PBX (mail-trunk)');
  expect(mail.text).toContain('From internet address 203.0.113.9');
  expect(mail.text).toMatch(/(EST|EDT)/); // the recipient's time zone (America/New_York)

  // The link opens a "Continue" page (mail scanners open links too: e2e/10-sign-in-edges.spec.ts).
  const linkPage = await page.goto(link);
  await continueLink(page);
  await expect(page).toHaveURL(`${E2E.appUrl}${blockPath}`);
  await expect(page.getByRole('heading', { name: BLOCK_HEADING })).toBeVisible();
  // Neither the link's page (its URL carries the token) nor the block page sends a referrer.
  expect(linkPage?.headers()['referrer-policy']).toBe('no-referrer');
  expect((await page.goto(blockPath))?.headers()['referrer-policy']).toBe('no-referrer');
});

test('the same link a second time is refused clearly, and signing in still lands on the block', async ({
  browser,
  request,
}) => {
  const { link, blockPath } = await newNotice(request, '+88213123456');
  const first = await browser.newContext();
  const firstPage = await first.newPage();
  await firstPage.goto(link);
  await continueLink(firstPage);
  await expect(firstPage).toHaveURL(`${E2E.appUrl}${blockPath}`);
  await first.close();

  const page = await (await browser.newContext()).newPage();
  await page.goto(link);
  await expectRefused(page, blockPath);
  await expectAccessible(page);
  await page.getByLabel('Email', { exact: true }).fill(USER.email);
  await page.getByLabel('Password', { exact: true }).fill(USER.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(`${E2E.appUrl}${blockPath}`);
  await expect(page.getByRole('heading', { name: BLOCK_HEADING })).toBeVisible();
});

test('an expired link is refused; "Email me a sign-in link" then signs in on the same block', async ({
  page,
  request,
}) => {
  const { link, blockPath } = await newNotice(request, '+37120123456');
  runTsx('e2e/support/db-task.ts', ['expire-links', USER.email], { DATABASE_URL: E2E.databaseUrl });
  await page.goto(link);
  await expectRefused(page, blockPath);

  const seen = new Set(mailTo(USER.email).map((m) => m.file));
  await page.getByLabel('Email', { exact: true }).fill(USER.email);
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await expect(
    page.getByText('If that address belongs to an account, a sign-in link is on its way.'),
  ).toBeVisible();
  const mail = await waitForMail(USER.email, /^Your sign-in link/, seen);
  await page.goto(linkOf(mail));
  await continueLink(page);
  await expect(page).toHaveURL(`${E2E.appUrl}${blockPath}`);
  await expect(page.getByRole('heading', { name: BLOCK_HEADING })).toBeVisible();
});

test('"Email me a sign-in link" gives an unknown address the same answer and sends nothing', async ({
  page,
}) => {
  await page.goto('/sign-in');
  await page.getByLabel('Email', { exact: true }).fill('nobody@e2e.example');
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await expect(
    page.getByText('If that address belongs to an account, a sign-in link is on its way.'),
  ).toBeVisible();
  await page.waitForTimeout(2500); // two worker ticks
  expect(mailTo('nobody@e2e.example')).toHaveLength(0);
});

test('the dev mailbox page exists in the demo (empty here: mail goes to SMTP)', async ({ page }) => {
  const res = await page.goto('/dev/mailbox');
  expect(res?.status()).toBe(200);
  await expect(page.getByRole('heading', { name: 'Dev mailbox' })).toBeVisible();
  await expectAccessible(page);
});
