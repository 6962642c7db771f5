import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test as base } from '@playwright/test';
import { TOTP } from 'otpauth';
import { E2E_DIR } from './env';
import { createStaff, type TestUser } from './factories';

export const DEMO = {
  dana: { email: 'dana@acme.example', password: 'demo-dana-2026' },
  omar: { email: 'omar@harbor.example', password: 'demo-omar-2026' },
  sam: { email: 'sam@tollgate.example', password: 'demo-sam-2026' },
  alex: { email: 'alex@tollgate.example', password: 'demo-alex-2026' },
  totpSecret: 'JBSWY3DPEHPK3PXP',
};

export async function signIn(page: Page, who: { email: string; password: string }, callbackUrl?: string) {
  await page.goto(callbackUrl ? `/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}` : '/sign-in');
  await page.getByLabel('Email', { exact: true }).fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).not.toHaveURL(/\/sign-in/);
}

/**
 * Clicks "Sign in" and waits until React has applied the server action's answer (the same message
 * twice is otherwise a race): the answer arrives, then the button (aria-disabled while its form is
 * pending) is enabled again, so React's reset of the form after the action is done before the next `fill`.
 */
export async function submitAndWait(page: Page, button = 'Sign in') {
  const submit = page.getByRole('button', { name: button, exact: true });
  await Promise.all([
    page.waitForResponse(
      (r) => r.request().method() === 'POST' && r.request().headers()['next-action'] !== undefined,
    ),
    submit.click(),
  ]);
  await expect(submit).toBeEnabled();
}

const STEPS_DIR = path.join(E2E_DIR, 'totp-steps');
/** A user's part of a claimed step's file name. */
const claimantId = (who: string) => crypto.createHash('sha256').update(who).digest('hex').slice(0, 24);

/**
 * Claims TOTP step `step` of user `who` for this run, across every Playwright worker (an exclusive
 * file create in the run's directory): true once per user and step, false after.
 */
function claimStep(who: string, step: number): boolean {
  fs.mkdirSync(STEPS_DIR, { recursive: true });
  const name = `${claimantId(who)}-${step}`;
  try {
    fs.writeFileSync(path.join(STEPS_DIR, name), '', { flag: 'wx' });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/** The latest TOTP step claimStep has given out for `who` in this run, or -Infinity. */
function lastClaimedStep(who: string): number {
  const prefix = `${claimantId(who)}-`;
  const steps = (fs.existsSync(STEPS_DIR) ? fs.readdirSync(STEPS_DIR) : [])
    .filter((f) => f.startsWith(prefix))
    .map((f) => Number(f.slice(prefix.length)));
  return Math.max(-Infinity, ...steps);
}

/**
 * A TOTP code the portal has not accepted yet for this user: codes are single-use (RFC 6238 §5.2),
 * and once one is accepted no code of an earlier step is (lib/auth/totp.ts acceptTotp), while
 * journeys sign the same staff member in several times within one 30-second step, in two workers at
 * once for the demo staff. Gives steps in increasing order, each after the latest given out: the
 * previous step (the server accepts ±1 step; only with time to spare before the next boundary),
 * the current one, the next, then waits for a new one. Two workers given two steps at once may
 * still submit them out of order: signInStaff then asks again. `secret` as read off the set-up page
 * may be in groups of four ("JBSW Y3DP …", components/authenticator-secret.tsx): its spaces are
 * dropped, for the code and for `who` when that defaults to it.
 */
export async function totpNow(secret = DEMO.totpSecret, who?: string): Promise<string> {
  const key = secret.replace(/\s+/g, '');
  const claimant = who ?? key;
  for (;;) {
    const now = Date.now();
    const current = Math.floor(now / 30_000);
    // The previous step is still accepted until the next boundary: use it only with time to spare.
    const after = lastClaimedStep(claimant);
    const candidates = [...((current + 1) * 30_000 - now > 8_000 ? [current - 1] : []), current, current + 1];
    const step = candidates.filter((s) => s > after).find((s) => claimStep(claimant, s));
    if (step !== undefined)
      return new TOTP({ secret: key, digits: 6, period: 30 }).generate({ timestamp: step * 30_000 });
    await new Promise((r) => setTimeout(r, (current + 1) * 30_000 - Date.now() + 100));
  }
}

/** Staff sign-in including the second factor (a factory's staff have their own secret; the demo staff the demo's). */
export async function signInStaff(page: Page, who: { email: string; password: string; totpSecret?: string }) {
  await signIn(page, who, '/staff');
  await expect(page).toHaveURL(/\/security\/verify/);
  // On the path, not anywhere in the URL: /security/verify?next=/staff must not count as arrived.
  const arrived = (url: URL) => url.pathname.startsWith('/staff');
  const used = page.getByText('That code was just used.');
  for (let attempt = 1; ; attempt++) {
    await page
      .getByLabel('Authentication code')
      .fill(await totpNow(who.totpSecret ?? DEMO.totpSecret, who.email));
    // The form's post: a server action's with JavaScript, the form's own without (e2e/16).
    const [answer] = await Promise.all([
      page.waitForResponse(
        (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/security/verify',
      ),
      page.getByRole('button', { name: 'Verify' }).click(),
    ]);
    // Accepted: the action answers with its redirect (verifyAction), whatever the page shows yet;
    // without JavaScript, a 303 to the next page.
    const redirected =
      !!answer.headers()['x-action-redirect'] || (answer.status() >= 300 && answer.status() < 400);
    if (redirected || attempt === 3) break;
    // Another worker's sign-in of the same person with a later step, accepted first, spends this
    // step (totpNow): the page says so, and a new code is asked for, as a person would enter one.
    await used.waitFor({ timeout: 5_000 }).catch(() => undefined);
    if (!(await used.isVisible())) break;
  }
  await expect(page).toHaveURL(arrived);
}

/**
 * axe on the current page: no violations. Next 16 streams metadata, so after a client navigation or a
 * server action the new `<title>` can arrive a moment after the body; the page must end with a
 * non-empty title (this waits for it, and fails if it never comes) before axe judges the settled page.
 *
 * A page without frames is checked in axe's legacy mode, which runs every rule in the page itself:
 * the default mode opens a blank page (a renderer process of its own) to merge the frames' partial
 * results, which took 1.4 s of a check's 1.5 here; legacy mode took 0.6 s with the same violations
 * and passes (a throwaway spec on the block page, 2026-12-02). Only the violations are collected
 * (axe's `resultTypes`: the other kinds are still run, not listed node by node). A page with frames
 * (the dev mailbox's message view) gets the default mode, which also checks cross-origin frames.
 * Besides axe's default rules, target-size is checked: every control is at least 24 × 24 CSS px or
 * has room around it (WCAG 2.2 SC 2.5.8).
 */
/**
 * Waits until React has revealed every Suspense boundary the page streamed: a boundary resolved after
 * the shell comes as `<div hidden id="S:…">` at the end of the body, and React's inline script then
 * moves it in place of the fallback, which it removes. A check that walks elements one at a time (a
 * stacked table's cells, axe's tree) in that moment reads a node already taken out of the page (the
 * block page's calls, in the boundary of its live switch read: app/blocks/[id]/page.tsx; a cell's
 * label read "" in CI, 2026-12-07). Returns at once on a page with none.
 */
export async function streamSettled(page: Page) {
  await page.waitForFunction(() => !document.querySelector('div[hidden][id^="S:"]'));
}

export async function expectAccessible(page: Page) {
  await expect(page).toHaveTitle(/\S/);
  await streamSettled(page);
  const violations = async () =>
    (
      await new AxeBuilder({ page })
        .setLegacyMode(page.frames().length === 1)
        // target-size (WCAG 2.2 SC 2.5.8, Target Size (Minimum)) is off in axe by default: on here.
        .options({ resultTypes: ['violations'], rules: { 'target-size': { enabled: true } } })
        .analyze()
    ).violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
  let found = await violations();
  // Right after a client navigation the previous page's title can pass the wait above while Next
  // swaps in the new page's streamed <title>; axe once ran in that moment and found none (CI133).
  // Then the page is judged again once it has a title: a page with none still fails.
  if (found.length === 1 && found[0]!.startsWith('document-title:')) {
    await expect(page).toHaveTitle(/\S/);
    found = await violations();
  }
  expect(found).toEqual([]);
}

/**
 * Collects what next-intl reports in the browser when a client component asks for a message its
 * segment's provider did not send (`console.error` of "MISSING_MESSAGE: Could not resolve `ns.key` …";
 * the component then shows the key's path instead of words). Each segment sends only the namespaces
 * its client components read (lib/i18n/client-messages.ts), so a journey through a segment, including
 * a client navigation into or out of it, must end with this list empty: the fixtures below check it
 * after every test.
 */
export function watchMissingMessages(page: Page): string[] {
  const missing: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && m.text().includes('MISSING_MESSAGE')) missing.push(m.text().split('\n')[0]!);
  });
  return missing;
}

type Staff = TestUser & { totpSecret: string };
type SignedIn = { user: Staff; page: Page };

/**
 * The journeys' fixtures (model: the Epic Stack's tests/playwright-utils.ts). `agent` and `admin` are
 * staff logins made for this test alone (./factories.ts), signed in with password and TOTP in a
 * browser context of their own (in the test's time zone); the context closes after the test. Customers need data shaped for
 * their journey, so a spec makes them with createCustomer and signs in with signIn. `page`, `agent` and
 * `admin` each fail the test if next-intl reported a missing message in their browser
 * (watchMissingMessages).
 */
export const test = base.extend<{ agent: SignedIn; admin: SignedIn; closeOwnContexts: void }>({
  // A context a journey opened with browser.newContext() and left open lives, with its pages, until
  // the worker's browser closes, which is after every later file of that worker: a page left waiting
  // for the switch keeps re-rendering itself (components/auto-refresh.tsx), taking CPU from them.
  // Whatever the test opened is closed after it.
  closeOwnContexts: [
    async ({ browser }, provide) => {
      const before = new Set(browser.contexts());
      await provide();
      await Promise.all(browser.contexts().map((c) => (before.has(c) ? null : c.close())));
    },
    { auto: true },
  ],
  page: async ({ page }, provide) => {
    const missing = watchMissingMessages(page);
    await provide(page);
    expect(missing, 'messages next-intl could not find in the browser').toEqual([]);
  },
  agent: async ({ browser, timezoneId }, provide) => {
    const user = await createStaff('agent');
    const context = await browser.newContext({ timezoneId });
    const page = await context.newPage();
    const missing = watchMissingMessages(page);
    await signInStaff(page, user);
    await provide({ user, page });
    await context.close();
    expect(missing, 'messages next-intl could not find in the browser').toEqual([]);
  },
  admin: async ({ browser, timezoneId }, provide) => {
    const user = await createStaff('admin');
    const context = await browser.newContext({ timezoneId });
    const page = await context.newPage();
    const missing = watchMissingMessages(page);
    await signInStaff(page, user);
    await provide({ user, page });
    await context.close();
    expect(missing, 'messages next-intl could not find in the browser').toEqual([]);
  },
});
export { expect };
