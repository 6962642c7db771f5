import crypto from 'node:crypto';
import { createElement as h } from 'react';
import { beforeAll, describe, expect, it } from 'vitest';
import { SummaryLocalTime } from '@/components/staff/request-summary';
import { removeMember } from '@/lib/accounts/commands';
import { getRequestForStaff } from '@/lib/requests/detail';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock, makeRequest, makeStaff } from '@/tests/helpers/factory';
import { text } from '@/tests/helpers/intl-markup';
import { renderAsync } from '@/tests/helpers/intl-markup-async';

// The tester's Madrid company (2026-12-07): its owner, travelling, asked for an unblock and gave a
// Mexican mobile. The staff request page read "10:00, within office hours" (Madrid's clock) beside it;
// at that moment it was 03:00 in Mexico City. Through the page's own data (getRequestForStaff) and its
// summary's clock line (SummaryLocalTime, as RequestSummary renders it).

// Monday 7 December 2026, 9:00 UTC: 10:00 in Madrid, 1:00 in Tijuana, 3:00 in Mexico City, 4:00 in
// Cancún, 23:00 on Sunday in Honolulu.
const MONDAY = new Date('2026-12-07T09:00:00Z');
const MEXICAN_MOBILE = '+525512345678';
const MEXICAN_TOLL_FREE = '+528001234567';
const HAWAIIAN_LINE = '+18085550100';
const MADRID_ON_FILE = '+34912345678';
const SANTIAGO_ON_FILE = '+56221234567';

describe.each(dialects())('the staff request page’s clocks beside the callback number, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  /** A Madrid account (its number on file `onFile`) whose owner asks to be called back on `callbackPhone`. */
  async function madridRequest(callbackPhone: string, onFile = MADRID_ON_FILE) {
    const tag = crypto.randomUUID().slice(0, 8);
    const { account, users } = await makeAccount({
      members: [`owner-${tag}@madrid.example`, `office-${tag}@madrid.example`],
    });
    const db = getDb();
    await db.customerAccount.update({
      where: { id: account.id },
      data: { country: 'ES', timeZone: 'Europe/Madrid', phone: onFile },
    });
    const request = await makeRequest(await makeBlock(account.id), users[0]!.id, { callbackPhone });
    const read = async () => (await getRequestForStaff(await makeStaff(), request.id))!;
    return { db, account, email: users[0]!.email, read };
  }
  const shown = async (r: Parameters<typeof SummaryLocalTime>[0]['r'], locale: 'en' | 'es' = 'en') =>
    text(await renderAsync(h('dl', null, h(SummaryLocalTime, { r, now: MONDAY })), locale)).trim();

  it('shows the clock where a Mexican mobile rings (55: Mexico City) beside Madrid’s', async () => {
    const { read } = await madridRequest(MEXICAN_MOBILE);
    const words = await shown(await read());
    expect(words).toContain(
      'Customer’s local time Mon, Dec 7, 2026, 10:00 AM GMT+1 (Spain time) · within business hours',
    );
    expect(words).toContain('Local time at the callback phone (Mexico) Mon, Dec 7, 2026, 3:00 AM GMT-6');
    expect(await shown(await read(), 'es')).toContain(
      'Hora local del teléfono de contacto (México) lun, 7 dic 2026, 3:00 GMT-6 (zona horaria: Ciudad de México)',
    );
  });

  it('a number that says its country only (toll-free): Mexico’s clocks, from Tijuana to Cancún', async () => {
    const { read } = await madridRequest(MEXICAN_TOLL_FREE);
    expect(await shown(await read())).toContain(
      'Local time at the callback phone (Mexico) from Mon, 1:00 AM GMT-8 (Tijuana) to Mon, 4:00 AM GMT-5 (Cancún)',
    );
    expect(await shown(await read(), 'es')).toContain(
      'Hora local del teléfono de contacto (México) de lun, 1:00 GMT-8 (Tijuana) a lun, 4:00 GMT-5 (Cancún)',
    );
  });

  it('a Hawaiian line: Honolulu’s clock, not the United States’ spread', async () => {
    const { read } = await madridRequest(HAWAIIAN_LINE);
    const words = await shown(await read());
    expect(words).toContain(
      'Local time at the callback phone (United States) Sun, Dec 6, 2026, 11:00 PM GMT-10',
    );
    expect(words).not.toContain(' from ');
  });

  it('a Spanish number for the Spanish account: the account’s clock alone', async () => {
    const { read } = await madridRequest('+34600123456');
    expect(await shown(await read())).not.toContain('callback phone');
  });

  it('once the sender left, the clock is the number on file’s, not the one he gave', async () => {
    const { db, account, email, read } = await madridRequest(MEXICAN_MOBILE);
    await removeMember(db, { email, account: account.number });
    expect(await shown(await read())).not.toContain('callback phone');
    // The account's number on file in Santiago: Chile's clocks, not Mexico's.
    const santiago = await madridRequest(MEXICAN_MOBILE, SANTIAGO_ON_FILE);
    await removeMember(santiago.db, { email: santiago.email, account: santiago.account.number });
    const words = await shown(await santiago.read());
    expect(words).toContain('Local time at the callback phone (Chile)');
    expect(words).not.toContain('Mexico');
  });
});
