import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { needsBuild } from '../scripts/lib/build-stamp';
import { LABS } from './support/demo-copies';
import { createCustomer, literally } from './support/factories';
import { DEMO, expect, expectAccessible, signIn, test, watchMissingMessages } from './support/fixtures';
import { spawnDemo, type DemoProcess } from './support/demo-process';
import { portIsFree } from './support/process-tree';
import { continueLink } from './support/sign-in-steps';

// The demo's in-portal control: the simulated switch places a fraud block and posts the signed event,
// exactly like its command line (npm run switch:sim -- fraud …); the block appears within seconds.
// On an account of this journey's own (like the demo's Acme Labs), so the demo data stays as seeded.
test('the demo control makes the simulated switch block an account, seen on the dashboard', async ({
  page,
}) => {
  const {
    user,
    accounts: [account],
  } = await createCustomer([LABS]);
  await signIn(page, user);
  const labs = page.getByRole('region', { name: literally(account.name) });
  await expect(labs.getByText('International calling allowed')).toBeVisible();
  await expectAccessible(page);
  await labs.getByRole('button', { name: 'Simulate toll fraud (demo)' }).click();
  await expect(labs.getByText('International calling blocked')).toBeVisible({ timeout: 20_000 });
  await labs.getByRole('link', { name: 'See why and fix it' }).click();
  await expect(page.getByRole('table', { name: 'Calls that triggered the block' })).toContainText('Somalia');
});

// DESIGN.md "What done looks like": a new user runs `npm run demo` and follows the block notice's link,
// which signs them in and lands on the block page. This starts the real demo (npm → scripts/demo.ts,
// which seeds, starts the simulated switch and the portal) with `--reset`, on free ports and with a
// data directory of its own, as e2e/09-operations.spec.ts does: its mail goes to the dev mailbox (the
// shared e2e portal's goes to SMTP), where the seeded blocks' notices must be waiting.
const DEMO_DATA = path.resolve('test-results/e2e-07-demo');

/** `npm run demo -- --reset` (./support/demo-process.ts), with the portal's address. */
async function startDemo(): Promise<DemoProcess & { url: string }> {
  const demo = await spawnDemo(DEMO_DATA, ['--reset']);
  return { ...demo, url: `http://localhost:${demo.port}` };
}

/**
 * axe on a dev mailbox message page with expectAccessible's options (./support/fixtures.ts), without
 * entering the message's frame: the frame is sandboxed without scripts (the mail view's CSP in
 * lib/server/security-headers.ts), where axe's run never ends (expectAccessible's default mode for a
 * page with frames waited out the test's timeout there). The framed message is checked as a document
 * of its own instead, in a page that runs scripts, without the rules about a whole page (one main
 * landmark, one h1, all content in landmarks), which an email shown inside this page need not meet.
 */
async function expectMessageAccessible(page: Page) {
  await expect(page).toHaveTitle(/^Message · Dev mailbox/);
  const rules = { 'target-size': { enabled: true } };
  const violations = (r: { violations: { id: string; help: string; nodes: unknown[] }[] }) =>
    r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
  const outer = await new AxeBuilder({ page })
    .setLegacyMode(true)
    .options({ resultTypes: ['violations'], rules, iframes: false })
    .analyze();
  const src = await page.locator('iframe').getAttribute('src');
  const mail = await page.context().newPage();
  await mail.setContent(await (await page.request.get(src!)).text());
  const inner = await new AxeBuilder({ page: mail })
    .setLegacyMode(true)
    .options({
      resultTypes: ['violations'],
      rules: {
        ...rules,
        'landmark-one-main': { enabled: false },
        'page-has-heading-one': { enabled: false },
        region: { enabled: false },
      },
    })
    .analyze();
  await mail.close();
  expect({ page: violations(outer), message: violations(inner) }).toEqual({ page: [], message: [] });
}

test('a fresh demo’s dev mailbox holds Dana’s block notice, whose link signs her in on the block page', async ({
  browser,
}) => {
  test.setTimeout(150_000);
  // The demo rebuilds a stale build, which would pull .next from under the e2e portal.
  if (needsBuild())
    throw new Error(
      'The production build is older than the sources: run `npx next build` first (npm test does).',
    );
  fs.rmSync(DEMO_DATA, { recursive: true, force: true });
  const demo = await startDemo();
  try {
    const context = await browser.newContext({ baseURL: demo.url });
    const page = await context.newPage();
    const missing = watchMissingMessages(page);

    await page.goto('/dev/mailbox');
    const mail = page.getByRole('main').getByRole('listitem');
    const notice = mail.filter({ hasText: DEMO.dana.email });
    // The mail worker "sends" the seeded notices within a tick or two of the portal's start.
    await expect(async () => {
      await page.reload();
      await expect(mail).toHaveCount(2, { timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    // One notice each for the demo's two blocked accounts, queued once.
    await expect(notice).toHaveCount(1);
    await expect(notice).toContainText('International calling blocked on Acme Dental (ACC-1001)');
    await expect(mail.filter({ hasText: DEMO.omar.email })).toContainText(
      'International calling blocked on Harbor Logistics (ACC-2001)',
    );
    expect(demo.output()).toContain('2 block notices for the dev mailbox');
    await expectAccessible(page);

    await notice.getByRole('link').click();
    await expect(
      page.getByRole('heading', {
        level: 1,
        name: /^International calling blocked on Acme Dental \(ACC-1001\)/,
      }),
    ).toBeVisible();
    // The message page, with the notice's HTML in its sandboxed frame.
    await expect(page.frameLocator('iframe').locator('body')).toContainText('Acme Dental');
    await expectMessageAccessible(page);

    await page
      .getByRole('region', { name: 'Links in this message' })
      .getByRole('link', { name: /\/sign-in\/link\?token=/ })
      .click();
    await continueLink(page);
    await expect(page).toHaveURL(new RegExp(`^${literally(demo.url).source}/blocks/\\w+$`));
    await expect(
      page.getByRole('heading', { name: 'International calling blocked on Acme Dental (ACC-1001)' }),
    ).toBeVisible();
    await expect(page.getByRole('table', { name: 'Calls that triggered the block' })).toContainText(
      'Somalia',
    );
    expect(missing, 'messages next-intl could not find in the browser').toEqual([]);
  } finally {
    process.kill(-demo.npm.pid!, 'SIGINT');
    await expect.poll(() => portIsFree(demo.port), { timeout: 15_000, message: 'the demo stops' }).toBe(true);
  }
});
