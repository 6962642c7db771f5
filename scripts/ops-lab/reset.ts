// The customer's SIP password reset in Chromium, against one portal of the ops lab:
//   npx tsx scripts/ops-lab/reset.ts <portal URL> <credential id> [timeout ms]
// Signs in as the lab's customer, generates a password on the reset page and sets it; prints what
// the page answered ("Password updated", a refusal, or the error the browser saw when the portal
// died under it) as one line. Used by scripts/ops-lab/kill-reset.sh.
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_HEADLESS_SHELL_PATH } from '../chromium';

const [base, credentialId, timeout = '60000'] = process.argv.slice(2);
let shown = '';
const browser = await chromium.launch({ executablePath: CHROMIUM_HEADLESS_SHELL_PATH, args: CHROMIUM_ARGS });
try {
  const page = await (await browser.newContext({ baseURL: base })).newPage();
  page.setDefaultTimeout(Number(timeout));
  await page.goto('/sign-in');
  await page.getByLabel('Email', { exact: true }).fill('cust@lab.example');
  await page.getByLabel('Password', { exact: true }).fill('Quiet-Harbor-Violet-2026');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
  await page.goto(`/credentials/${credentialId}/reset`);
  await page.getByRole('button', { name: 'Generate strong password' }).click();
  console.log('submitting');
  await page.getByRole('button', { name: 'Set password' }).click();
  // What the page shows if no answer comes (the portal died under the request).
  setInterval(() => {
    page
      .locator('main')
      .innerText()
      .then((t) => (shown = t.replace(/\s+/g, ' ').slice(0, 400)))
      .catch(() => undefined);
  }, 1000).unref();
  const answer = await Promise.race([
    page
      .getByText('Password updated')
      .first()
      .waitFor()
      .then(() => 'Password updated'),
    page
      .locator('#reset-message:not(:empty)')
      .waitFor()
      .then(() => page.locator('#reset-message').innerText()),
  ]);
  console.log(`answer: ${answer.replace(/\s+/g, ' ')}`);
} catch (e) {
  console.log(`browser: ${(e as Error).message.split('\n')[0]}; the page shows: ${shown}`);
} finally {
  await browser.close();
}
