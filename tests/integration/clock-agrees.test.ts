import crypto from 'node:crypto';
import { createFormatter } from 'next-intl';
import { describe, expect, it } from 'vitest';
import { userOfSession } from '@/lib/auth/session';
import { readerFormatTag } from '@/lib/i18n/request-locale';
import { queueMailToMembers } from '@/lib/mail/queue';
import { getDb } from '@/lib/server/db';
import { ZONED } from '@/lib/time/format';
import { dialects } from '@/tests/helpers/db';
import { makeAccount, makeBlock } from '@/tests/helpers/factory';
import { mailSuite } from '@/tests/helpers/mail-suite';

// A tester whose browser was set to Spanish of Mexico read "11:31 p.m." on the pages and "23:31" in the
// mail about the same block (2026-12): pages wrote times for the browser's region first, mail for the
// country of the reader's accounts, the only one it knows. A page now writes them for the accounts'
// country too (lib/i18n/request-locale.ts readerFormatTag), so the page and the mail of one reader
// agree: Mexico's 12-hour clock for an account in Mexico, Spain's 24-hour one for an account in Spain,
// the United States' for one there, whatever region the browser names.

describe.each(dialects())('one reader, one clock, on the pages and in the mail, on %s', (dialect) => {
  const mail = mailSuite(dialect);

  it.each([
    // [language, the account's country and zone, the browser's Accept-Language, the moment, the clock]
    ['es', 'MX', 'America/Mexico_City', 'es-ES,es;q=0.9', '2026-11-26T05:31:00Z', /11:31\sp\.\s?m\./],
    ['es', 'ES', 'Europe/Madrid', 'es-MX,es;q=0.9', '2026-11-25T22:31:00Z', /, 23:31 GMT\+1$/],
    ['en', 'US', 'America/New_York', 'en-GB,en;q=0.9', '2026-11-26T04:31:00Z', /11:31\sPM GMT-5$/],
  ] as const)(
    '%s, an account in %s read from a browser in another region: the block notice writes its time as the block page does',
    async (locale, country, zone, acceptLanguage, at, clock) => {
      const db = getDb();
      const email = `clock-${country}-${dialect}-${crypto.randomInt(1e9)}@t.example`;
      const { account, users } = await makeAccount({ members: [email] });
      await db.customerAccount.update({ where: { id: account.id }, data: { country, timeZone: zone } });
      await db.user.update({
        where: { id: users[0]!.id },
        data: { locale, localeChosenAt: new Date(), timeZone: zone, timeZoneChosenAt: new Date() },
      });
      // The page: the signed-in reader as the session reads them, the tag the request config gives
      // next-intl, and the block's time as <When> writes it (ZONED, in the reader's zone).
      const sessionToken = crypto.randomUUID();
      await db.session.create({
        data: { sessionToken, userId: users[0]!.id, expires: new Date(Date.now() + 3_600_000) },
      });
      const reader = (await userOfSession(sessionToken))!;
      const tag = readerFormatTag(locale, acceptLanguage, reader);
      const placedAt = new Date(at);
      const onPage = createFormatter({ locale: tag, timeZone: reader.timeZone }).dateTime(placedAt, ZONED);
      expect(onPage).toMatch(clock);

      // The mail about the same block, as the outbox renders and sends it.
      const block = await makeBlock(account.id, {
        placedAt,
        calls: [{ sipUsername: 'x', to: '+4930123456', durationSec: 3, at: placedAt }],
      });
      await db.$transaction((tx) =>
        queueMailToMembers(tx, account.id, 'block_notice', { blockId: block.id }),
      );
      await mail.deliver();
      const sent = mail.smtp.to(email).at(-1)!;
      expect(sent.text).toContain(onPage);
      expect(sent.html).toContain(`<html lang="${tag}">`);
    },
  );
});
