import { expect, type Page } from '@playwright/test';
import { submitAndWait } from './fixtures';
import { type E2eMail, linkOf, mailTo, waitForMail } from './mail';

// Steps of the sign-in journeys that several specs take: throttling, the portal password change,
// and the emailed sign-in links (a block notice's, or one asked for with "Email me a sign-in link").

/** A portal password zxcvbn scores as strong (the profile's meter says so); never any test user's. */
export const STRONG_PORTAL_PASSWORD = 'granite violet harbour lantern';

/**
 * Five wrong passwords in a row for `email` on the sign-in page (already open): the first four are told the
 * email or password is not correct, the fifth that there were too many failed attempts. Each answer
 * is awaited before the next try: the re-rendered form would otherwise clear what is typed next.
 */
export async function fiveWrongPasswords(page: Page, email: string) {
  for (let i = 1; i <= 5; i++) {
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(`wrong-password-${i}`);
    await submitAndWait(page);
    await expect(page.locator('#sign-in-message')).toContainText(
      i < 5 ? 'The email or password is not correct.' : 'Too many failed sign-in attempts',
    );
  }
}

/**
 * On /profile (already open): changes the portal password from `current` to `next`, after the meter
 * calls it strong, and expects the answer that every other session was signed out.
 */
export async function changePortalPassword(page: Page, current: string, next = STRONG_PORTAL_PASSWORD) {
  await page.getByLabel('Current password').fill(current);
  await page.getByLabel('New password').fill(next);
  await expect(page.getByRole('meter', { name: 'Password strength' })).toHaveAttribute(
    'aria-valuetext',
    /strong/i,
  );
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.locator('#change-password-message')).toContainText('Every other session was signed out');
}

/**
 * "Email me a sign-in link" for `email` on the sign-in page (`page` must show it; a callbackUrl it
 * carries goes into the link), and the answer any address gets, known or not.
 */
export async function askForLink(page: Page, email: string) {
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await expect(
    page.getByText(
      'If that address belongs to an account, a sign-in link is on its way. It works once and expires in 15 minutes.',
    ),
  ).toBeVisible();
}

/**
 * askForLink for a known address, then waits for the new "Your sign-in link" message to it and
 * returns its link (the URL of /sign-in/link, not yet opened). Opens /sign-in first unless `here`.
 */
export async function emailedLink(page: Page, email: string, o: { here?: boolean } = {}): Promise<string> {
  const seen = new Set(mailTo(email).map((m) => m.file));
  if (!o.here) await page.goto('/sign-in');
  await askForLink(page, email);
  return linkOf(await waitForMail(email, /^Your sign-in link/, seen));
}

/**
 * "Email me a code" on the two-factor set-up page (open in `page`), the answer it announces, and the
 * code of the new "Your code to turn on two-factor authentication" message to `email`, as the mail
 * shows it ("482 913"). `subject`: another purpose's subject (the profile's "Choose a portal
 * password" sends "Your code to choose a portal password"; "Move to a new phone" sends "Your code to
 * move two-factor authentication to a new phone").
 */
export async function emailedEnrolmentCode(
  page: Page,
  email: string,
  subject = /^Your code to turn on two-factor authentication/,
): Promise<string> {
  const seen = new Set(mailTo(email).map((m) => m.file));
  await page.getByRole('button', { name: 'Email me a code' }).click();
  await expect(page.locator('#enrol-proof-message')).toHaveText(
    `We are sending a 6-digit code to ${email}. It works for 15 minutes.`,
  );
  const mail = await waitForMail(email, subject, seen);
  const code = /\b\d{3} \d{3}\b/.exec(mail.text ?? '')?.[0];
  if (!code) throw new Error(`No code in "${mail.subject}"`);
  return code;
}

/** On a sign-in link's page (/sign-in/link?…): its one "Continue" button, which uses the link in this browser. */
export async function continueLink(page: Page) {
  await expect(page).toHaveURL(/\/sign-in\/link\?/);
  await page.getByRole('button', { name: 'Continue' }).click();
}

/**
 * Opens `link` and expects it refused: back on /sign-in with the "already used or expired" message,
 * and, when given, `callbackUrl` kept for the next sign-in.
 */
export async function expectLinkRefused(page: Page, link: string, callbackUrl?: string) {
  await page.goto(link);
  await expect(page).toHaveURL(/\/sign-in\?/);
  if (callbackUrl !== undefined)
    expect(new URL(page.url()).searchParams.get('callbackUrl')).toBe(callbackUrl);
  await expect(
    page.getByText('That sign-in link has already been used, has expired or was cancelled'),
  ).toBeVisible();
}

/**
 * Runs `place` (which makes the switch block an account) and waits for the block notice whose subject
 * matches `subject` to reach each of `emails`. Returns the messages and their links in `emails` order,
 * and the block page the first link lands on (its callbackUrl, `/blocks/<id>`).
 */
export async function blockNotices(
  emails: string[],
  subject: RegExp,
  place: () => Promise<unknown>,
): Promise<{ mails: E2eMail[]; links: string[]; blockPath: string }> {
  const seen = new Map(emails.map((e) => [e, new Set(mailTo(e).map((m) => m.file))]));
  await place();
  const mails = await Promise.all(emails.map((e) => waitForMail(e, subject, seen.get(e))));
  const links = mails.map(linkOf);
  const blockPath = new URL(links[0]).searchParams.get('callbackUrl')!;
  expect(blockPath).toMatch(/^\/blocks\/\w+$/);
  return { mails, links, blockPath };
}
