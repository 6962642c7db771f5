// Run by the email journeys through runTsx: small changes to the e2e database that a browser cannot make.
import crypto from 'node:crypto';
import { getDb } from '@/lib/server/db';
import { continueLink, hashLinkToken, NOTICE_LINK_MAX_AGE_SEC } from '@/lib/mail/link-token';

async function main() {
  const [command, email] = process.argv.slice(2);
  const db = getDb();
  if (command === 'expire-links') {
    // As if a day had passed: every sign-in link of this address has expired.
    const r = await db.verificationToken.updateMany({
      where: { identifier: email },
      data: { expires: new Date(Date.now() - 60_000) },
    });
    process.stdout.write(String(r.count));
  } else if (command === 'sign-in-links') {
    // A live sign-in link of this address to each destination that follows (argv[4]…: paths), as
    // that many block notices would carry (a day each): the links, one a line, in that order.
    const links: string[] = [];
    for (const callbackPath of process.argv.slice(4)) {
      const token = crypto.randomBytes(32).toString('hex');
      await db.verificationToken.create({
        data: {
          identifier: email,
          token: hashLinkToken(token),
          expires: new Date(Date.now() + NOTICE_LINK_MAX_AGE_SEC * 1000),
        },
      });
      links.push(continueLink(process.env.APP_URL!, { token, callbackPath }));
    }
    process.stdout.write(links.join('\n'));
  } else if (command === 'next-totp-window') {
    // As if the 5-minute window of second-factor attempts had passed (the count across windows stays).
    const user = await db.user.findUniqueOrThrow({ where: { email } });
    const key = `totp:${crypto.createHash('sha256').update(user.id.toLowerCase()).digest('base64url')}`;
    const r = await db.rateLimiterFlexible.deleteMany({ where: { key } });
    process.stdout.write(String(r.count));
  } else if (command === 'sync-issues') {
    // `email` is an account number here: that many open out-of-sync issues for it (argv[4]), found a
    // day from now (so every other journey's issue sorts before them), as the reconciler records them.
    const count = Number(process.argv[4]);
    const account = await db.customerAccount.findUniqueOrThrow({ where: { number: email } });
    const base = Date.now() + 86_400_000;
    const r = await db.syncIssue.createMany({
      data: Array.from({ length: count }, (_, i) => ({
        accountId: account.id,
        detectedAt: new Date(base + i * 1000),
        portalState: 'blocked',
        switchState: 'allowed',
        action: 'reapplied_on_switch',
      })),
    });
    process.stdout.write(String(r.count));
  } else if (command === 'resolve-sync-issues') {
    // The clean-up of `sync-issues`: the account's open issues are marked resolved.
    const account = await db.customerAccount.findUniqueOrThrow({ where: { number: email } });
    const r = await db.syncIssue.updateMany({
      where: { accountId: account.id, resolvedAt: null },
      data: { resolvedAt: new Date(), resolvedNote: 'e2e clean-up' },
    });
    process.stdout.write(String(r.count));
  } else {
    throw new Error(`unknown command ${command}`);
  }
  await db.$disconnect();
}

main().then(() => process.exit(0));
