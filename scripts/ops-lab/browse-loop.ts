// A customer clicking through the portal in a loop while the operator works (rolling restarts,
// secret rotations): signs in, then for `seconds` opens the dashboard and the account's block page,
// each time on the next portal of the list that answers (as a load balancer whose readiness check
// skips an instance being restarted would). Prints one line per failure and a summary:
//   npx tsx scripts/ops-lab/browse-loop.ts <seconds> <portal URL>…
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_HEADLESS_SHELL_PATH } from '../chromium';

const [seconds, ...portals] = process.argv.slice(2);
const ready = async (base: string) =>
  fetch(`${base}/api/health/ready`, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.ok,
    () => false,
  );
const browser = await chromium.launch({ executablePath: CHROMIUM_HEADLESS_SHELL_PATH, args: CHROMIUM_ARGS });
const tally = { pages: 0, signedOut: 0, serverErrors: 0, failed: 0 };
try {
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(15_000);
  const signIn = async (base: string) => {
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('Email', { exact: true }).fill('cust@lab.example');
    await page.getByLabel('Password', { exact: true }).fill('Quiet-Harbor-Violet-2026');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
  };
  await signIn(portals[0]);
  const end = Date.now() + Number(seconds) * 1000;
  let i = 0;
  while (Date.now() < end) {
    const base = portals[i++ % portals.length];
    if (!(await ready(base))) continue;
    for (const path of ['/', '/accounts/ACC-7001']) {
      try {
        const res = await page.goto(`${base}${path}`);
        tally.pages++;
        if (new URL(page.url()).pathname.startsWith('/sign-in')) {
          tally.signedOut++;
          console.log(`${new Date().toISOString()} ${base}${path}: signed out`);
          await signIn(base);
        } else if ((res?.status() ?? 0) >= 500) {
          tally.serverErrors++;
          console.log(`${new Date().toISOString()} ${base}${path}: ${res?.status()}`);
        }
      } catch (e) {
        tally.failed++;
        console.log(`${new Date().toISOString()} ${base}${path}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  }
} finally {
  await browser.close();
  console.log(JSON.stringify(tally));
}
