// One browser signs in on one portal of the ops lab and then opens the dashboard on another, as a
// load balancer would send it (cookies for localhost are shared across ports):
//   npx tsx scripts/ops-lab/session-hop.ts <sign-in portal URL> <other portal URL>…
// Prints, per portal, whether the browser is still signed in there. Used by rotate-auth-secret.sh.
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_HEADLESS_SHELL_PATH } from '../chromium';

const [first, ...others] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: CHROMIUM_HEADLESS_SHELL_PATH, args: CHROMIUM_ARGS });
try {
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(`${first}/sign-in`);
  await page.getByLabel('Email', { exact: true }).fill('cust@lab.example');
  await page.getByLabel('Password', { exact: true }).fill('Quiet-Harbor-Violet-2026');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
  for (const base of [first, ...others, first]) {
    await page.goto(`${base}/`);
    const signedIn = !new URL(page.url()).pathname.startsWith('/sign-in');
    console.log(`${base}: ${signedIn ? 'signed in' : 'signed out'}`);
  }
} finally {
  await browser.close();
}
