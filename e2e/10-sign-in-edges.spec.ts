import crypto from 'node:crypto';
import { type Browser, type BrowserContext, type Page, request as playwrightRequest } from '@playwright/test';
import { TOTP } from 'otpauth';
import { catalogue } from './support/catalogue';
import { query } from './support/db';
import { EDGE_PASSWORD, EDGE_TOTP_SECRET } from './support/edge-users';
import { E2E } from './support/env';
import { expect, expectAccessible, signIn, signInStaff, test, totpNow } from './support/fixtures';
import { accountLabel, createCustomer, createStaff } from './support/factories';
import { fromAddress } from './support/from-address';
import { linkOf, mailTo, waitForMail } from './support/mail';
import { withoutHasSelector } from './support/no-has';
import {
  askForLink,
  blockNotices,
  changePortalPassword,
  continueLink,
  emailedEnrolmentCode,
  emailedLink,
  expectLinkRefused,
} from './support/sign-in-steps';
import { postBlockPlaced } from './support/switch-events';
import { runTsx } from './support/tsx';

// Issue 12: sign-in edges real users hit. Chromium against the production build, mail through the real
// SMTP server of global setup. The portal runs with TRUSTED_PROXY_HOPS=0: the client address is the
// socket's peer, and ./support/from-address.ts gives a browser context another loopback address.

const NOTICE = /^International calling blocked on Edge Co \(ACC-9012\)/;
const who = (email: string) => ({ email, password: EDGE_PASSWORD });

/** The switch blocks ACC-9012; returns the notice link each of `emails` received, and the block page. */
const newNotice = async (emails: string[], sourceIp = '203.0.113.9') =>
  blockNotices(emails, NOTICE, () =>
    postBlockPlaced('ACC-9012', [{ from: 'edge-trunk', to: '+252611234567', sourceIp }]),
  );

/** "Email me a sign-in link" on the sign-in page, in a context of its own; returns the link. */
async function requestLink(browser: Browser, email: string): Promise<string> {
  const ctx = await browser.newContext();
  const link = await emailedLink(await ctx.newPage(), email);
  await ctx.close();
  return link;
}

const sessionCookie = async (ctx: BrowserContext) =>
  (await ctx.cookies()).find((c) => c.name.includes('authjs.session-token'));

test.describe('links that mail scanners cannot use', () => {
  test("a scanner's HEAD, its GET and a headless browser change nothing; the person's Continue signs in", async ({
    browser,
  }) => {
    const {
      links: [link],
      blockPath,
    } = await newNotice(['edge@e2e.example']);
    expect(new URL(link).pathname).toBe('/sign-in/link');
    expect(new URL(link).searchParams.has('email')).toBe(false);

    // Microsoft Safe Links style: a HEAD, then a GET without cookies, with a bot's user agent.
    const bot = await playwrightRequest.newContext({
      baseURL: E2E.appUrl,
      userAgent: 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
    });
    const head = await bot.head(link, { maxRedirects: 0 });
    expect(head.status()).toBe(200);
    const get = await bot.get(link, { maxRedirects: 0 });
    expect(get.status()).toBe(200);
    expect(await get.text()).toContain('Continue');
    for (const r of [head, get])
      expect(
        r
          .headersArray()
          .filter((h) => h.name.toLowerCase() === 'set-cookie')
          .map((h) => h.value)
          .join('\n'),
      ).not.toContain('authjs.session-token');
    await bot.dispose();

    // A headless Chrome scanner renders the page (scripts and all) but does not press buttons.
    const scanner = await browser.newContext({
      userAgent:
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
    });
    const sp = await scanner.newPage();
    await sp.goto(link);
    await expect(sp.getByRole('button', { name: 'Continue' })).toBeVisible();
    expect(await sessionCookie(scanner)).toBeUndefined();
    await sp.goto('/');
    await expect(sp).toHaveURL(/\/sign-in/);

    // The person, seconds later: the link still works, once.
    const person = await browser.newContext();
    const pp = await person.newPage();
    await pp.goto(link);
    await expect(pp.getByRole('heading', { name: 'Continue signing in' })).toBeVisible();
    // Whose login the button opens, before it is pressed (review, session 40: a forwarded notice).
    await expect(
      pp.getByText(/^This link signs in ed•••@e2e\.example\. If that is not your email/),
    ).toBeVisible();
    await expectAccessible(pp);
    await pp.getByRole('button', { name: 'Continue' }).click();
    await expect(pp).toHaveURL(`${E2E.appUrl}${blockPath}`);
    await expect(
      pp.getByRole('heading', { name: 'International calling blocked on Edge Co (ACC-9012)' }),
    ).toBeVisible();

    // The scanner, coming back, got nothing and gets nothing.
    await expectLinkRefused(sp, link);
    expect(await sessionCookie(scanner)).toBeUndefined();
    await scanner.close();
    await person.close();
  });

  test('the Continue POST is bound to the browser that showed the page; an old-style link with "+" for "%2B" still works', async ({
    browser,
  }) => {
    const email = 'ops+voip@e2e.example';
    const {
      links: [link],
      blockPath,
    } = await newNotice([email]);
    const token = new URL(link).searchParams.get('token')!;
    // The shape links had before, as a mail client rewrote it: Auth.js's callback, with "+" in the email.
    const legacy = `/api/auth/callback/nodemailer?callbackUrl=${encodeURIComponent(`${E2E.appUrl}${blockPath}`)}&token=${token}&email=ops+voip@e2e.example`;

    const mine = await browser.newContext();
    const mp = await mine.newPage();
    await mp.goto(legacy);
    await expect(mp).toHaveURL(/\/sign-in\/link\?/);
    const myProof = await mp.locator('input[name="proof"]').inputValue();

    // Another browser replays this page's form (token and proof) with its own cookies: refused, nothing used.
    const other = await browser.newContext();
    const op = await other.newPage();
    await op.goto(link);
    await op
      .locator('input[name="proof"]')
      .evaluate((el, v) => ((el as HTMLInputElement).value = v), myProof);
    await op.getByRole('button', { name: 'Continue' }).click();
    // Its own binding for this link is not the one the proof was made for: told as a page made stale.
    await expect(op.locator('#continue-message')).toContainText('was opened again in another tab');
    expect(await sessionCookie(other)).toBeUndefined();

    await mp.getByRole('button', { name: 'Continue' }).click();
    await expect(mp).toHaveURL(`${E2E.appUrl}${blockPath}`);
    await mine.close();
    await other.close();
  });
});

test('a link cut where a mail program wrapped its line is called incomplete, not used; a rewritten whole link still works', async ({
  browser,
}) => {
  const es = catalogue('es');
  // Asked for on the way to the profile page: the link carries `callbackUrl=%2Fprofile`.
  const asking = await browser.newContext();
  const ap = await asking.newPage();
  await ap.goto('/sign-in?callbackUrl=%2Fprofile');
  const link = await emailedLink(ap, 'edge-cut@e2e.example', { here: true });
  await asking.close();
  expect(new URL(link).searchParams.get('callbackUrl')).toBe('/profile');
  const token = new URL(link).searchParams.get('token')!;
  // A client that hard-wraps the text part at 76 characters: the person opens the first line only.
  // Cut anywhere in the token, or with no token left at all, the link's page says what happened.
  const cuts = [
    link.slice(0, 76),
    link.slice(0, link.indexOf('token=') + 6 + 63),
    link.slice(0, link.indexOf('?')),
  ];
  const person = await browser.newContext({ locale: 'es-MX', timezoneId: 'America/Mexico_City' });
  const pp = await person.newPage();
  for (const cut of cuts) {
    await pp.goto(cut);
    await expect(pp).toHaveURL(/\/sign-in\?error=LinkCut/);
    await expect(pp.getByText(es('signIn.linkCut'), { exact: true })).toBeVisible();
  }
  await expectAccessible(pp);
  // A whole token with a stray letter is not "split over two lines": it is an invalid link, and the
  // destination is kept for the next sign-in.
  await pp.goto(link.replace(token, `${token.slice(0, 20)}x${token.slice(21)}`));
  await expect(pp).toHaveURL(/\/sign-in\?error=Verification/);
  expect(new URL(pp.url()).searchParams.get('callbackUrl')).toBe('/profile');
  await expect(pp.getByText(es('signIn.linkInvalid'), { exact: true })).toBeVisible();
  // The whole link as link rewriters leave it (lib/auth/link-query.ts): `&` encoded as `%26` (the page
  // shows Continue, nothing used), then an upper-case token with `&amp;` and a period after it.
  const owner = es('signIn.linkOwnerNotice', { owner: 'ed•••@e2e.example' }); // edge-cut@…
  await pp.goto(link.replace('&callbackUrl=', '%26callbackUrl%3D'));
  await expect(pp).toHaveURL(/\/sign-in\/link\?/);
  await expect(pp.getByText(owner)).toBeVisible();
  await pp.goto(`${link.replace(token, token.toUpperCase()).replace('&', '&amp;')}.`);
  await expect(pp.getByText(owner)).toBeVisible();
  // Opening the cut and rewritten links used nothing: this one signs in, once, and lands where the
  // link was for (before, `&amp;` lost the destination and the upper-case token said "cut").
  await pp.getByRole('button', { name: es('signIn.linkContinue'), exact: true }).click();
  await expect(pp).toHaveURL(`${E2E.appUrl}/profile`);
  expect(await sessionCookie(person)).toBeDefined();
  await person.close();
  // The same link again is used, and says so (in English, for an English browser).
  const other = await browser.newContext();
  await expectLinkRefused(await other.newPage(), link, '/profile');
  await other.close();
});

test('a link forwarded to a colleague signed in as themselves is not used: it names its owner, who still can', async ({
  browser,
}) => {
  const es = catalogue('es');
  const link = await requestLink(browser, 'edge-fwd@e2e.example');
  const colleague = await browser.newContext({ locale: 'es-ES', timezoneId: 'Europe/Madrid' });
  const cp = await colleague.newPage();
  await cp.goto('/sign-in');
  await cp.getByLabel(es('signIn.email'), { exact: true }).fill('edge-colleague@e2e.example');
  await cp.getByLabel(es('signIn.password'), { exact: true }).fill(EDGE_PASSWORD);
  await cp.getByRole('button', { name: es('signIn.submit'), exact: true }).click();
  await expect(cp).not.toHaveURL(/\/sign-in/);
  const before = await sessionCookie(colleague);
  await cp.goto(link);
  await expect(cp.getByRole('heading', { level: 1, name: es('signIn.linkOtherTitle') })).toBeVisible();
  await expect(cp.getByText(es('signIn.linkOtherUser', { owner: 'ed•••@e2e.example' }))).toBeVisible();
  await expect(cp.getByRole('button', { name: es('signIn.linkContinue'), exact: true })).toHaveCount(0);
  await expectAccessible(cp);
  // Still the colleague's own session, and the link is still its owner's.
  expect((await sessionCookie(colleague))?.value).toBe(before?.value);
  await colleague.close();
  const owner = await browser.newContext();
  const op = await owner.newPage();
  await op.goto(link);
  await continueLink(op);
  await expect(op).not.toHaveURL(/\/sign-in/);
  expect(await sessionCookie(owner)).toBeDefined();
  await owner.close();
});

test.describe('links are revoked', () => {
  test('a requested link lives 15 minutes, and "Sign out everywhere" revokes it', async ({ browser }) => {
    const email = 'edge-rv-out@e2e.example';
    const link = await requestLink(browser, email);
    const [row] = query<{ expires: number | string }>(
      `SELECT expires FROM "VerificationToken" WHERE identifier = ?`,
      email,
    );
    const minutesLeft =
      ((typeof row.expires === 'number' ? row.expires : Date.parse(row.expires)) - Date.now()) / 60_000;
    expect(minutesLeft).toBeGreaterThan(13);
    expect(minutesLeft).toBeLessThanOrEqual(15);

    const a = await browser.newContext();
    const pa = await a.newPage();
    await signIn(pa, who(email));
    await pa.goto('/profile');
    await pa.getByRole('button', { name: 'Sign out everywhere' }).click();
    await expect(pa).toHaveURL(/\/sign-in/);
    await expectLinkRefused(pa, link);
    await a.close();
  });

  test('a portal password change revokes outstanding links', async ({ browser }) => {
    const email = 'edge-rv-pass@e2e.example';
    const link = await requestLink(browser, email);
    const a = await browser.newContext();
    const pa = await a.newPage();
    await signIn(pa, who(email));
    await pa.goto('/profile');
    await changePortalPassword(pa, EDGE_PASSWORD);
    const fresh = await (await browser.newContext()).newPage();
    await expectLinkRefused(fresh, link);
    await a.close();
  });

  test('setting up a second factor revokes outstanding links; the first code may be typed "123-456"', async ({
    browser,
  }) => {
    const email = 'edge-rv-mfa@e2e.example';
    const link = await requestLink(browser, email);
    const a = await browser.newContext();
    const pa = await a.newPage();
    await signIn(pa, who(email));
    await pa.goto('/security/two-factor');
    const secret = (await pa.locator('code').first().innerText()).trim();
    await pa.getByLabel('Code from the email').fill(await emailedEnrolmentCode(pa, email));
    const code = await totpNow(secret, email);
    await pa.getByLabel('Code from your authenticator app').fill(`${code.slice(0, 3)}-${code.slice(3)}`);
    await pa.getByRole('button', { name: 'Verify' }).click();
    await expect(pa.getByText('Two-factor authentication is on.')).toBeVisible();
    const codes = await pa.locator('ul li').allInnerTexts();
    expect(codes).toHaveLength(10);
    for (const c of codes) expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/); // 16 × 5 bits = 80 bits
    const stored = query<{ codeHash: string }>(
      `SELECT r."codeHash" FROM "RecoveryCode" r JOIN "User" u ON u.id = r."userId" WHERE u.email = ?`,
      email,
    );
    expect(stored).toHaveLength(10);
    for (const r of stored) expect(r.codeHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    const fresh = await (await browser.newContext()).newPage();
    await expectLinkRefused(fresh, link);

    // A recovery code works at sign-in as people type it (lower case, spaces), and new ones can be made.
    await signIn(fresh, who(email));
    await expect(fresh).toHaveURL(/\/security\/verify/);
    await fresh.getByLabel('Authentication code').fill(` ${codes[0].toLowerCase().replace(/-/g, ' ')} `);
    await fresh.getByRole('button', { name: 'Verify' }).click();
    await expect(fresh).toHaveURL(`${E2E.appUrl}/`);
    // The code's holder hears of it by mail, through the real SMTP server: when, how many are left.
    const alert = await waitForMail(email, /^A recovery code was used for your .*login$/);
    expect(alert.text).toContain('You have 9 recovery codes left.');
    await fresh.goto('/profile');
    // How many are left, said where new ones are made (break-29: nothing said it, down to the last).
    await expect(fresh.getByText('You have 9 recovery codes left.')).toBeVisible();
    await fresh.getByLabel('Authentication code').fill(await totpNow(secret, email));
    await fresh.getByRole('button', { name: 'New recovery codes' }).click();
    // The message takes the focus: the button is gone, and codes shown once must be heard (review,
    // session 34: the focus fell to the document and a screen reader said nothing).
    await expect(
      fresh.getByText('Your new recovery codes are ready. The old ones no longer work.'),
    ).toBeFocused();
    await expect(fresh.getByText('You have 10 recovery codes left.')).toBeVisible();
    await expect(fresh.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem')).toHaveCount(10);
    await expectAccessible(fresh);
    await a.close();
  });

  test('disabling a user revokes their links', async ({ browser }) => {
    const email = 'edge-rv-agent@e2e.example';
    const link = await requestLink(browser, email);
    const admin = await browser.newContext();
    const pa = await admin.newPage();
    await signInStaff(pa, await createStaff('admin'));
    await pa.goto('/staff/users');
    await pa.getByLabel(`Reason to disable ${email}`, { exact: true }).fill('Left the company today.');
    await pa.getByRole('button', { name: `Disable ${email}` }).click();
    await expect(pa.getByText(`${email} is disabled`)).toBeVisible();
    expect(query(`SELECT 1 FROM "VerificationToken" WHERE identifier = ?`, email)).toHaveLength(0);
    const fresh = await (await browser.newContext()).newPage();
    await expectLinkRefused(fresh, link);
    await admin.close();
  });
});

// Until 2026-12-05 a lost phone was a dead end: the recovery-code mail said to set the app up again,
// which the portal refused while the factor was on, and "New recovery codes" asks for the lost app's
// code, so each sign-in spent a recovery code until the tenth locked the customer out.
test('a lost phone: signed in with a recovery code, "Move to a new phone" from the profile; the old phone is refused after, the new one works', async ({
  browser,
}) => {
  const { user } = await createCustomer([{ name: 'Lost Phone Ltd' }]);
  const email = user.email;
  const appCode = (secret: string) => new TOTP({ secret, digits: 6, period: 30 }).generate();
  // The old phone: two-factor set up, its ten recovery codes shown once.
  const old = await browser.newContext();
  const po = await old.newPage();
  await signIn(po, user);
  await po.goto('/security/two-factor');
  const oldSecret = (await po.locator('code').first().innerText()).trim();
  await po.getByLabel('Code from the email').fill(await emailedEnrolmentCode(po, email));
  await po.getByLabel('Code from your authenticator app').fill(await totpNow(oldSecret, email));
  await po.getByRole('button', { name: 'Verify' }).click();
  const recovery = po.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
  await expect(recovery).toHaveCount(10);
  const oldCodes = await recovery.allInnerTexts();

  // The phone is gone: another browser signs in with a recovery code, and the mail names the way back.
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signIn(page, user);
  await expect(page).toHaveURL(/\/security\/verify/);
  await page.getByLabel('Authentication code').fill(oldCodes[0]);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(`${E2E.appUrl}/`);
  const alert = await waitForMail(email, /^A recovery code was used for your .*login$/);
  expect(alert.text).toContain('choose “Move to a new phone”');
  await page.goto('/profile');
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Move to a new phone' }).click();
  await expect(page).toHaveURL(`${E2E.appUrl}/security/two-factor/move?next=/profile`);
  await expect(
    page.getByRole('heading', { level: 1, name: 'Move two-factor authentication to a new phone' }),
  ).toBeVisible();
  await expectAccessible(page);
  const newSecret = (await page.locator('code').first().innerText()).trim();
  expect(newSecret).not.toBe(oldSecret);
  // A second tab of the same browser on the same page, left open: the same QR code.
  const tab = await ctx.newPage();
  await tab.goto('/security/two-factor/move?next=/profile');
  expect((await tab.locator('code').first().innerText()).trim()).toBe(newSecret);
  const seen = new Set(mailTo(email).map((m) => m.file));
  // The move's own mail: not "Your code to turn on two-factor authentication".
  await page
    .getByLabel('Code from the email')
    .fill(
      await emailedEnrolmentCode(page, email, /^Your code to move two-factor authentication to a new phone/),
    );
  // The old phone's code is not the new one's: told at its field, the emailed code kept.
  await page.getByLabel('Code from the app on your new phone').fill(appCode(oldSecret));
  await page.getByRole('button', { name: 'Move to the new phone' }).click();
  await expect(
    page.getByText('That code is not correct. Scan the QR code again and enter the current code.'),
  ).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Code from the app on your new phone').fill(await totpNow(newSecret, newSecret));
  // As a browser without CSS `:has()` sees the page (Firefox ESR 115): what follows holds there too.
  expect(await withoutHasSelector(page)).toBe(0);
  await page.getByRole('button', { name: 'Move to the new phone' }).click();
  await expect(page.getByText(/^Two-factor authentication now uses your new phone\./)).toBeFocused();
  const fresh = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
  await expect(fresh).toHaveCount(10);
  const newCodes = await fresh.allInnerTexts();
  for (const c of newCodes) expect(oldCodes).not.toContain(c);
  // The set-up steps are gone with the form: the QR code under them would be the next move's.
  await expect(page.getByRole('img', { name: /QR code/ })).toBeHidden();
  await expect(page.getByRole('button', { name: 'Email me a code' })).toBeHidden();
  await expectAccessible(page);
  await waitForMail(email, /^Two-factor authentication was moved to a new phone for your .*login$/, seen);
  // The second tab's QR code is now the secret in force: its form is told so before any code is read
  // (not "First press “Email me a code”"), and the QR code and its key go.
  await tab.getByLabel('Code from the email').fill('123 456');
  await tab.getByLabel('Code from the app on your new phone').fill(appCode(newSecret));
  await tab.getByRole('button', { name: 'Move to the new phone' }).click();
  await expect(tab.locator('#move-message')).toContainText(catalogue('en')('outcome.mfa.movedElsewhere'));
  await expect(tab.getByRole('img', { name: /QR code/ })).toBeHidden();
  await expect(tab.getByText(newSecret)).toBeHidden();
  await expectAccessible(tab);
  await tab.close();
  // The old phone's browser was signed out; this one stays signed in, and the two-factor page offers
  // the move again.
  await po.goto('/profile');
  await expect(po).toHaveURL(/\/sign-in/);
  await page.getByRole('link', { name: 'Continue' }).click();
  await expect(page).toHaveURL(`${E2E.appUrl}/profile`);
  await page.goto('/security/two-factor');
  await expect(page.getByText('Two-factor authentication is on.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Move to a new phone' })).toBeVisible();
  await expectAccessible(page);

  // The next sign-in: the old phone's code and an old recovery code are refused, the new phone's is taken.
  const next = await (await browser.newContext()).newPage();
  await signIn(next, user);
  await expect(next).toHaveURL(/\/security\/verify/);
  for (const refused of [appCode(oldSecret), oldCodes[1]]) {
    await enterCode(next, refused);
    await expect(next.locator('#code-error')).toContainText('That code is not correct.');
  }
  await next.getByLabel('Authentication code').fill(await totpNow(newSecret, newSecret));
  await next.getByRole('button', { name: 'Verify' }).click();
  await expect(next).toHaveURL(`${E2E.appUrl}/`);
  await old.close();
  await ctx.close();
});

test("Auth.js's own sign-out endpoint ends the Session row too, not just the cookie", async ({ browser }) => {
  const email = 'edge@e2e.example';
  const sessions = () =>
    query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM "Session" s JOIN "User" u ON u.id = s."userId" WHERE u.email = ?`,
      email,
    )[0].n;
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signIn(page, who(email));
  const before = sessions();
  const signOuts = auditCount('sign_out', email);
  const jwt = await sessionCookie(ctx);
  expect(jwt).toBeDefined();
  const { csrfToken } = (await (await page.request.get('/api/auth/csrf')).json()) as { csrfToken: string };
  const res = await page.request.post('/api/auth/signout', { form: { csrfToken }, maxRedirects: 0 });
  expect(res.status()).toBeLessThan(400);
  expect(sessions()).toBe(before - 1);
  // Audited as the portal's own "Sign out" is (review, session 35: it left no row).
  expect(auditCount('sign_out', email)).toBe(signOuts + 1);
  // A copy of the old cookie opens nothing either: its Session row is gone.
  const copy = await browser.newContext();
  await copy.addCookies([jwt!]);
  const cp = await copy.newPage();
  await cp.goto('/');
  await expect(cp).toHaveURL(/\/sign-in/);
  await ctx.close();
  await copy.close();
});

const edgeCode = (timestamp: number) =>
  new TOTP({ secret: EDGE_TOTP_SECRET, digits: 6, period: 30 }).generate({ timestamp });
const auditCount = (action: string, email: string) =>
  query<{ n: number }>(
    `SELECT COUNT(*) AS n FROM "AuditLog" WHERE action = ? AND "actorEmail" = ?`,
    action,
    email,
  )[0].n;

async function passwordThenVerifyPage(page: Page, email: string) {
  await signIn(page, who(email), '/staff');
  await expect(page).toHaveURL(/\/security\/verify/);
}

/** Submits a code and waits until React has reset the form after the action (else the next fill is lost). */
async function enterCode(page: Page, code: string) {
  const field = page.getByLabel('Authentication code');
  await field.fill(code);
  await Promise.all([
    page.waitForResponse(
      (r) => r.request().method() === 'POST' && r.request().headers()['next-action'] !== undefined,
    ),
    page.getByRole('button', { name: 'Verify' }).click(),
  ]);
  await expect(field).toHaveValue('');
  await expect(page.getByRole('button', { name: 'Verify' })).toBeEnabled();
}

// Review, session 33: the customer pages' "not on your accounts" 404 is rendered into every page of
// its segment, so a block page asked for by a session with the password only carried the login's
// account list past the code prompt's redirect: in the page update (`RSC: 1`, what a link click asks
// for) and in the inline data of the HTML answer alike. Of the same kind: the user's stored time zone
// and their accounts' country (next-intl's client provider, on the code prompt too), their name
// (Auth.js's session endpoint) and their role (the header's Staff link, tested in 05-staff).
test('with the password only, no page gives away her accounts, name, zone or country, as a page or a page update', async ({
  browser,
}) => {
  const name = `Hana Halfway ${crypto.randomUUID().slice(0, 8)}`;
  const { user, accounts } = await createCustomer(
    [
      {
        name: 'Halfway Dental',
        country: 'NZ',
        block: { calls: [{ to: '+252611234567', sourceIp: '198.51.100.33' }] },
      },
      { name: 'Halfway Labs', country: 'NZ' },
    ],
    { totp: true, timeZone: 'Pacific/Chatham', name },
  );
  const [a, b] = accounts;
  // No region in the browser's language: the accounts' country would choose the date format (en-NZ).
  // The browser's zone is hers too: the right code adopts the zone the browser reports.
  const ctx = await browser.newContext({
    extraHTTPHeaders: { 'accept-language': 'en' },
    timezoneId: 'Pacific/Chatham',
  });
  const page = await ctx.newPage();
  await signIn(page, user, `/blocks/${a.blockId}`);
  await expect(page).toHaveURL(/\/security\/verify/);
  const secrets = [
    a.name,
    b.name,
    name,
    a.credentials[0].username,
    b.credentials[0].username,
    '+252 61 123 4567',
    'Pacific/Chatham',
    'en-NZ',
  ];
  const paths = [
    page.url().slice(E2E.appUrl.length),
    `/blocks/${a.blockId}`,
    `/blocks/${a.blockId}/calls`,
    `/blocks/${a.blockId}/misdial`,
    '/blocks/not-a-block',
    `/accounts/${a.number}`,
    `/credentials/${a.credentials[0].id}/reset?block=${a.blockId}`,
    `/credentials/not-a-credential/reset`,
    '/',
    '/profile',
    '/api/auth/session',
  ];
  for (const path of paths)
    for (const headers of [{}, { rsc: '1' }] as Record<string, string>[]) {
      const res = await page.request.get(path, { headers, maxRedirects: 0 });
      const body = await res.text();
      for (const secret of secrets) expect(body, `${path} ${JSON.stringify(headers)}`).not.toContain(secret);
    }
  // The code given, the same session reads them: the checks above could see each of them.
  await page.getByLabel('Authentication code').fill(await totpNow(user.totpSecret!, user.email));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(`/blocks/${a.blockId}`);
  const notFound = await (await page.request.get('/blocks/not-a-block', { headers: { rsc: '1' } })).text();
  for (const shown of [b.name, 'Pacific/Chatham', 'en-NZ']) expect(notFound).toContain(shown);
  expect(await (await page.request.get('/api/auth/session')).text()).toContain(name);
  await ctx.close();
});

// Review, session 33: Auth.js sets its callback-url cookie when it makes a sign-in link, so the answer
// to "Email me a sign-in link" carried a Set-Cookie for a login and none for an unknown address.
test('"Email me a sign-in link" answers a login and an unknown address alike: status, words and cookies', async ({
  browser,
}) => {
  const { user } = await createCustomer([{ name: 'Link Alike Co' }]);
  const answer = async (email: string) => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto('/sign-in?callbackUrl=%2Fprofile');
    const [res] = await Promise.all([
      page.waitForResponse(
        (r) => r.request().method() === 'POST' && r.request().headers()['next-action'] !== undefined,
      ),
      askForLink(page, email),
    ]);
    const cookies = (await res.headersArray())
      .filter((h) => h.name.toLowerCase() === 'set-cookie')
      .map((h) => h.value)
      .sort();
    await ctx.close();
    return { status: res.status(), cookies };
  };
  const known = await answer(user.email);
  const unknown = await answer(`nobody-${crypto.randomUUID().slice(0, 8)}@e2e.example`);
  expect(unknown).toEqual(known);
  await waitForMail(user.email, /^Your sign-in link/);
});

// Review, session 39: a link opened in a browser already signed in as its owner was used anyway (a
// new session replaced the one there, and a second factor was asked again); a period copied after a
// link landed, signed in, on a 404 (the callback is the link's last parameter).
test('a link opened by its owner, signed in, goes to its page in that session; a period after it is not the page', async ({
  browser,
}) => {
  const { user } = await createCustomer([{ name: 'Link Owner Co' }]);
  const linkTo = async (callbackUrl: string) => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`);
    const seen = new Set(mailTo(user.email).map((m) => m.file));
    await askForLink(page, user.email);
    await ctx.close();
    return linkOf(await waitForMail(user.email, /^Your sign-in link/, seen));
  };

  const signedIn = await browser.newContext();
  const sp = await signedIn.newPage();
  await signIn(sp, { email: user.email, password: user.password });
  const before = await sessionCookie(signedIn);
  const link = await linkTo('/profile');
  await sp.goto(link);
  await expect(sp).toHaveURL(`${E2E.appUrl}/profile`);
  expect((await sessionCookie(signedIn))?.value).toBe(before?.value);
  await signedIn.close();

  // Unused by that visit: in another browser, with a period copied after it, it lands on the page.
  const other = await browser.newContext();
  const op = await other.newPage();
  await op.goto(`${link}.`);
  await continueLink(op);
  await expect(op).toHaveURL(`${E2E.appUrl}/profile`);
  await expectAccessible(op);
  await other.close();
});

// Review, session 39: the binding cookie was SameSite=Strict, so a link opened from webmail (a
// navigation from another site) came without it and got a new one, which overwrote the binding of a
// page already open: that page's Continue was refused as "this browser did not keep the cookie".
test('a link page opened from another site leaves the binding of one already open; its Continue signs in', async ({
  browser,
}) => {
  const { user } = await createCustomer([{ name: 'Link Two Tabs Co' }]);
  const link = await requestLink(browser, user.email);
  const ctx = await browser.newContext();
  const first = await ctx.newPage();
  await first.goto(link);
  await expect(first.getByRole('button', { name: 'Continue' })).toBeVisible();
  // The same person opens it again from their webmail: a page of another origin links to it.
  const mail = await ctx.newPage();
  await mail.setContent(`<a href="${link}">Open</a>`);
  await mail.getByRole('link', { name: 'Open' }).click();
  await expect(mail.getByRole('button', { name: 'Continue' })).toBeVisible();
  await continueLink(first);
  await expect(first).toHaveURL(`${E2E.appUrl}/`);
  expect(await sessionCookie(ctx)).toBeDefined();
  await ctx.close();
});

// Tester, session 56: a reseller, member of many blocked accounts, opened 10 block notices' links as
// 10 tabs of one fresh browser at once, then pressed Continue in each: 2 of 10 reached their block
// page, 8 were refused as "this browser did not keep the cookie". Every page load saw no binding
// cookie, set its own value of the one cookie, and the last one won. One cookie per link now
// (lib/auth/link-binding.ts): no page load replaces another link's binding.
test("several sign-in links opened at once as tabs of one browser: each tab's Continue signs in", async ({
  browser,
}) => {
  const { user, accounts } = await createCustomer(
    Array.from({ length: 5 }, (_, i) => ({
      name: `Many Tabs ${i}`,
      block: { calls: [{ to: '+252611234567', sourceIp: '185.220.101.47' }] },
    })),
  );
  const links = runTsx(
    'e2e/support/db-task.ts',
    ['sign-in-links', user.email, ...accounts.map((a) => `/blocks/${a.blockId}`)],
    { DATABASE_URL: E2E.databaseUrl, AUTH_SECRET: E2E.authSecret, APP_URL: E2E.appUrl },
  ).split('\n');
  expect(links).toHaveLength(5);
  const ctx = await browser.newContext();
  const tabs = await Promise.all(links.map(() => ctx.newPage()));
  // All five page loads at the same moment, none of them seeing another's cookie.
  await Promise.all(tabs.map((tab, i) => tab.goto(links[i])));
  for (const tab of tabs) await expect(tab.getByRole('button', { name: 'Continue' })).toBeVisible();
  const binds = (await ctx.cookies()).filter((c) => c.name.startsWith('tollgate-link-bind-'));
  expect(binds).toHaveLength(5);
  for (const [i, tab] of tabs.entries()) {
    await continueLink(tab);
    await expect(tab).toHaveURL(`${E2E.appUrl}/blocks/${accounts[i].blockId}`);
    await expect(
      tab.getByRole('heading', { name: `International calling blocked on ${accountLabel(accounts[i])}` }),
    ).toBeVisible();
  }
  // Each Continue deleted its own link's cookie: nothing piles up in the browser.
  expect((await ctx.cookies()).filter((c) => c.name.startsWith('tollgate-link-bind'))).toEqual([]);
  await ctx.close();
});

test('codes as people type them: "508 291", "508-291", a no-break space; malformed input is a form error, not a failure', async ({
  browser,
}) => {
  const email = 'edge-agent@e2e.example';
  for (const sep of ['\u00a0', '-', ' ']) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await passwordThenVerifyPage(page, email);
    await enterCode(page, '508 29');
    await expect(page.locator('#code-error')).toContainText(
      'Enter the 6-digit code from your authenticator app, or a recovery code.',
    );
    const code = await totpNow(EDGE_TOTP_SECRET, email);
    await page.getByLabel('Authentication code').fill(`${code.slice(0, 3)}${sep}${code.slice(3)}`);
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect(page).toHaveURL((u) => u.pathname.startsWith('/staff'));
    await ctx.close();
  }
  expect(auditCount('mfa.failure', email)).toBe(0);
  expect(auditCount('mfa.verified', email)).toBe(3);
});

test('a stranger cannot lock out a staff login; a known browser signs in on the attacked address', async ({
  browser,
}) => {
  // 13 password sign-ins (each an argon2 hash on the server) in 10 browser contexts, for one agent:
  // no limit depends on the role (lib/auth/sign-in.ts, lib/auth/limit-keys.ts), and running it for an
  // admin as well doubled the test (78 s in CI).
  test.slow();
  const relays: { url: string; close(): Promise<void> }[] = [];
  const at = async (address: string, forged?: string) => {
    const relay = await fromAddress(address);
    relays.push(relay);
    // Every request also claims another client address: with no proxy in front it must be ignored.
    return browser.newContext({
      baseURL: relay.url,
      extraHTTPHeaders: forged ? { 'x-forwarded-for': forged } : {},
    });
  };
  const NOT_CORRECT = 'The email or password is not correct.';
  const THROTTLED = /^Too many failed sign-in attempts/;
  /** A wrong password in a fresh page of `ctx`; the answer must match `expected`. */
  const wrong = async (ctx: BrowserContext, email: string, expected: string | RegExp) => {
    const page = await ctx.newPage();
    await page.goto('/sign-in');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.locator('#sign-in-message')).toHaveText(expected);
    await page.close();
  };
  for (const [n, email] of [[1, 'edge-guard@e2e.example']] as const) {
    // Five wrong passwords from five addresses: each address has used one attempt of its own.
    for (let i = 1; i <= 5; i++)
      await wrong(await at(`127.0.${n}.${10 + i}`, `198.51.100.${i}`), email, NOT_CORRECT);
    // One address trying again and again is stopped — that address only.
    const attacker = await at(`127.0.${n}.66`, '203.0.113.250');
    for (let i = 1; i <= 4; i++) await wrong(attacker, email, NOT_CORRECT);
    await wrong(attacker, email, THROTTLED);
    await wrong(attacker, email, THROTTLED);

    // The right password from another address still signs in.
    const user = await at(`127.0.${n}.20`);
    const page = await user.newPage();
    await passwordThenVerifyPage(page, email);
    // The sign-in is complete with the code (since session 41 the password alone gives no
    // known-device cookie to a login with a second factor).
    await page.getByLabel('Authentication code').fill(edgeCode(Date.now()));
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect(page).not.toHaveURL(/\/security\/verify/);
    // And the same person's browser, now a known device, signs in even from the attacked address.
    const device = (await user.cookies()).filter((c) => c.name === 'tollgate-device');
    expect(device).toHaveLength(1);
    const onAttacked = await at(`127.0.${n}.66`);
    await onAttacked.addCookies(device);
    await passwordThenVerifyPage(await onAttacked.newPage(), email);

    // The audit log names the socket addresses, never what the client wrote in X-Forwarded-For.
    const ips = query<{ ip: string | null }>(
      `SELECT ip FROM "AuditLog" WHERE action IN ('sign_in.failure', 'sign_in.throttled') AND detail LIKE ?`,
      `%${email}%`,
    ).map((r) => r.ip);
    expect(new Set(ips)).toEqual(new Set([11, 12, 13, 14, 15, 66].map((x) => `127.0.${n}.${x}`)));
  }
  for (const r of relays) await r.close();
});

test('wrong second-factor codes add up across windows: after 20 the factor locks, the user is emailed, the link unlocks', async ({
  browser,
}) => {
  const email = 'edge-totp@e2e.example';
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await passwordThenVerifyPage(page, email);
  const now = Date.now();
  const valid = new Set([-1, 0, 1].map((d) => edgeCode(now + d * 30_000)));
  const wrongCodes = Array.from({ length: 200 }, (_, i) => edgeCode(now - (i + 10) * 3_600_000)).filter(
    (c) => !valid.has(c),
  );
  const seen = new Set(mailTo(email).map((m) => m.file));
  // Four windows of five wrong codes: each window ends "try again in a few minutes"; the last one locks.
  for (let window = 0; window < 4; window++) {
    for (let i = 0; i < 5; i++) await enterCode(page, wrongCodes[window * 5 + i]);
    if (window < 3) {
      await expect(page.locator('#code-error')).toHaveText(
        'Too many wrong codes. Try again in a few minutes.',
      );
      runTsx('e2e/support/db-task.ts', ['next-totp-window', email], { DATABASE_URL: E2E.databaseUrl });
    }
  }
  await expect(page.locator('#code-error')).toContainText('your two-factor authentication is locked');
  expect(auditCount('mfa.failure', email)).toBe(20);
  expect(auditCount('mfa.locked', email)).toBe(1);

  // Even the right code is refused now.
  await enterCode(page, await totpNow(EDGE_TOTP_SECRET, email));
  await expect(page.locator('#code-error')).toContainText('your two-factor authentication is locked');

  const mail = await waitForMail(email, /two-factor authentication is locked/, seen);
  expect(mail.text).toContain('20 wrong authentication codes');
  await page.goto(linkOf(mail));
  await continueLink(page);
  await expect(page).toHaveURL(/\/security\/verify/);
  await page.getByLabel('Authentication code').fill(await totpNow(EDGE_TOTP_SECRET, email));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).not.toHaveURL(/\/security\/verify|\/sign-in/);
  expect(auditCount('mfa.unlocked', email)).toBe(1);
  await ctx.close();
});

test('nothing after sign-out: no-store, and Back shows no call data (router cache and bfcache)', async ({
  browser,
}) => {
  const email = 'edge-back@e2e.example';
  const attackerIp = '203.0.113.77';
  const { blockPath } = await newNotice([email], attackerIp);

  const a = await browser.newContext();
  const pa = await a.newPage();
  await signIn(pa, who(email), blockPath);
  const res = await pa.goto(blockPath);
  expect(res?.headers()['cache-control']).toContain('no-store');
  await expect(pa.getByText(attackerIp).first()).toBeVisible();

  // Signed out from a second browser: Back and Forward in the first show nothing from memory.
  await pa.getByRole('link', { name: 'Accounts', exact: true }).click();
  await expect(pa).toHaveURL(`${E2E.appUrl}/`);
  const b = await browser.newContext();
  const pb = await b.newPage();
  await signIn(pb, who(email));
  await pb.goto('/profile');
  await pb.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(pb).toHaveURL(/\/sign-in/);
  await pa.goBack();
  await expect(pa).toHaveURL(/\/sign-in/);
  await expect(pa.getByText(attackerIp)).toHaveCount(0);
  await pa.goForward();
  await expect(pa.getByText(attackerIp)).toHaveCount(0);

  // Signed out in this browser, with a full page load in between (the bfcache path).
  await signIn(pa, who(email), blockPath);
  await expect(pa.getByText(attackerIp).first()).toBeVisible();
  await pa.goto('/profile');
  await pa.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(pa).toHaveURL(/\/sign-in/);
  await pa.goBack();
  await expect(pa).toHaveURL(/\/sign-in/);
  await expect(pa.getByText(attackerIp)).toHaveCount(0);
  await pa.goBack();
  await expect(pa.getByText(attackerIp)).toHaveCount(0);
  await a.close();
  await b.close();
});

test('with JavaScript, the sign-in form answers each button by that button, from its one action', async ({
  page,
}) => {
  await page.goto('/sign-in');
  // While one button's request waits, only that button says so; both refuse a second click.
  let release = () => {};
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/sign-in', async (route) => {
    if (route.request().method() === 'POST') await held;
    await route.fallback();
  });
  const signInButton = page.getByRole('button', { name: 'Sign in', exact: true });
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await expect(signInButton).toHaveAttribute('aria-disabled', 'true');
  // Read once, while the request is still held (a retrying assertion would pass after the answer).
  expect(await signInButton.textContent()).toBe('Sign in');
  // The pressed one says it is waiting (it said nothing while its link was on its way).
  expect(await page.locator('button[name=intent][value=link]').textContent()).toBe('Sending the link…');
  release();
  await page.unrouteAll();
  // The reason is said once, at the field focus moves to; by the button, the form's usual summary.
  await expect(page.locator('#sign-in-link-message')).toHaveText('Please correct the highlighted fields.');
  await expect(page.locator('#sign-in-message')).toBeEmpty();
  await expect(page.getByLabel('Email', { exact: true })).toBeFocused();
  await expect(page.getByLabel('Email', { exact: true })).toHaveAccessibleDescription(
    'Enter a valid email address first, then ask for a link.',
  );
  await page.getByLabel('Email', { exact: true }).fill('nobody-here@e2e.example');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.locator('#sign-in-message')).toHaveText('Please correct the highlighted fields.');
  await expect(page.locator('#sign-in-link-message')).toBeEmpty();
  await expectAccessible(page);
});
