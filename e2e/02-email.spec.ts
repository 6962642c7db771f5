import { E2E } from './support/env';
import { expect, expectAccessible, test } from './support/fixtures';
import { mailTo } from './support/mail';
import {
  askForLink,
  blockNotices,
  continueLink,
  emailedLink,
  expectLinkRefused,
} from './support/sign-in-steps';
import { postBlockPlaced } from './support/switch-events';
import { runTsx } from './support/tsx';

// Mail journeys against the real portal: the switch's signed event → the mail worker → a real SMTP
// server (started by global setup) → the link in the received message, opened in Chromium.

const USER = { email: 'mail@e2e.example', password: 'e2e-mail-password-2026' };
const NOTICE = /^International calling blocked on Mail Test Co \(ACC-9001\)/;
const BLOCK_HEADING = 'International calling blocked on Mail Test Co (ACC-9001)';

/** The switch blocks ACC-9001 for a call to `to`; returns the notice, its sign-in link and the block page it lands on. */
async function newNotice(to = '+252611234567') {
  const {
    mails: [mail],
    links: [link],
    blockPath,
  } = await blockNotices([USER.email], NOTICE, () =>
    postBlockPlaced('ACC-9001', [{ from: 'mail-trunk', to, sourceIp: '203.0.113.9' }]),
  );
  return { mail, link, blockPath };
}

test('the block notice names the calls, and its link signs the recipient in on the block page', async ({
  page,
}) => {
  const { mail, link, blockPath } = await newNotice();
  expect(mail.text).toContain('To +252 61 123 4567 (Somalia)');
  expect(mail.text).toContain('Through SIP credential Office PBX (mail-trunk)');
  expect(mail.text).toContain('From address 203.0.113.9');
  expect(mail.text).toMatch(/GMT-[45]\b/); // the recipient's time zone (America/New_York)

  // The link opens a "Continue" page (mail scanners open links too: e2e/10-sign-in-edges.spec.ts).
  const linkPage = await page.goto(link);
  await continueLink(page);
  await expect(page).toHaveURL(`${E2E.appUrl}${blockPath}`);
  await expect(page.getByRole('heading', { name: BLOCK_HEADING })).toBeVisible();
  // Neither the link's page (its URL carries the token) nor the block page sends a referrer to
  // another site (their own forms still carry their origin: e2e/16-no-javascript.spec.ts).
  expect(linkPage?.headers()['referrer-policy']).toBe('same-origin');
  expect((await page.goto(blockPath))?.headers()['referrer-policy']).toBe('same-origin');
});

test('the same link a second time is refused clearly, and signing in still lands on the block', async ({
  browser,
}) => {
  const { link, blockPath } = await newNotice('+88213123456');
  const first = await browser.newContext();
  const firstPage = await first.newPage();
  await firstPage.goto(link);
  await continueLink(firstPage);
  await expect(firstPage).toHaveURL(`${E2E.appUrl}${blockPath}`);
  await first.close();

  const page = await (await browser.newContext()).newPage();
  await expectLinkRefused(page, link, blockPath);
  await expectAccessible(page);
  await page.getByLabel('Email', { exact: true }).fill(USER.email);
  await page.getByLabel('Password', { exact: true }).fill(USER.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(`${E2E.appUrl}${blockPath}`);
  await expect(page.getByRole('heading', { name: BLOCK_HEADING })).toBeVisible();
});

test('an expired link is refused; "Email me a sign-in link" then signs in on the same block', async ({
  page,
}) => {
  const { link, blockPath } = await newNotice('+37120123456');
  runTsx('e2e/support/db-task.ts', ['expire-links', USER.email], { DATABASE_URL: E2E.databaseUrl });
  await expectLinkRefused(page, link, blockPath);

  // The refused link's sign-in page keeps the block as callbackUrl: the emailed link lands there too.
  await page.goto(await emailedLink(page, USER.email, { here: true }));
  await continueLink(page);
  await expect(page).toHaveURL(`${E2E.appUrl}${blockPath}`);
  await expect(page.getByRole('heading', { name: BLOCK_HEADING })).toBeVisible();
});

test('"Email me a sign-in link" gives an unknown address the same answer and sends nothing', async ({
  page,
}) => {
  await page.goto('/sign-in');
  await askForLink(page, 'nobody@e2e.example');
  await page.waitForTimeout(2500); // two worker ticks
  expect(mailTo('nobody@e2e.example')).toHaveLength(0);
});

test('the dev mailbox page exists in the demo (empty here: mail goes to SMTP)', async ({ page }) => {
  const res = await page.goto('/dev/mailbox');
  expect(res?.status()).toBe(200);
  await expect(page.getByRole('heading', { name: 'Dev mailbox' })).toBeVisible();
  await expectAccessible(page);
});
