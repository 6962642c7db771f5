import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { NextIntlClientProvider } from 'next-intl';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locale } from '@/lib/i18n/locales';

// The firewall request form's box "SIP ports 5060 and 5061 accept connections only from the
// provider's addresses", and its refusal, named no address, while the block page's advice beside it
// listed them (PROVIDER_SIP_ADDRESSES): the customer ticked a box about a list they had not been
// shown. The box and its refusal now list them (or, unset, say to ask support:
// tests/integration/request-fields-at-once.test.ts). The environment is read once per file, so it is
// set before the modules that read it load.

process.env.PROVIDER_SIP_ADDRESSES = '203.0.113.10, 2001:db8::/32, sip.example.net';
process.env.SUPPORT_CONTACT = 'help@voice.example';

const { SipPortsConfirm } = await import('@/components/block/sip-ports-confirm');
const { submitFirewall } = await import('@/lib/requests/submit');
const { CATALOGUES } = await import('@/lib/i18n/translate');
const { dialects, useFreshDb } = await import('@/tests/helpers/db');
const { asUser, makeAccount, makeBlock } = await import('@/tests/helpers/factory');
const { inWords } = await import('@/tests/helpers/outcome');
const { getDb } = await import('@/lib/server/db');

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const code = (a: string) => `<code class="unbroken font-mono">${a}</code>`;

// The configuration is read with the database's (useFreshDb points DATABASE_URL at it).
describe.each(dialects())('the firewall form’s SIP ports box, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  it('lists our addresses as the block page does, each as code', () => {
    const label = (locale: Locale) =>
      renderToStaticMarkup(
        h(NextIntlClientProvider, {
          locale,
          messages: CATALOGUES[locale],
          timeZone: 'UTC',
          children: h(SipPortsConfirm),
        }),
      );
    expect(label('en')).toBe(
      `SIP ports 5060 and 5061 accept connections only from our addresses (${code('203.0.113.10')}, ${code('2001:db8::/32')}, and ${code('sip.example.net')})`,
    );
    expect(label('es')).toBe(
      `Los puertos SIP 5060 y 5061 solo aceptan conexiones desde nuestras direcciones (${code('203.0.113.10')}, ${code('2001:db8::/32')} y ${code('sip.example.net')})`,
    );
  });

  it('is refused with the same addresses, in the reader’s words, and files nothing', async () => {
    const { account, users } = await makeAccount();
    const block = await makeBlock(account.id, { calls: [{ sipUsername: 'x', to: '+252611234567' }] });
    const posted = {
      blockId: block.id,
      voicemailDisa: 'on',
      callForwarding: 'on',
      webAdmin: 'on',
      defaultPasswords: 'on',
      pbxIp: '198.51.100.20',
      whatHappened: '',
      callbackPhone: '+1 202 555 0143',
    };
    const user = asUser(users[0]!);
    const en = inWords(await submitFirewall(user, posted, meta));
    expect(en.fieldErrors).toEqual({
      sipPorts: [
        'Confirm that SIP ports 5060 and 5061 accept connections only from our addresses (203.0.113.10, 2001:db8::/32, and sip.example.net).',
      ],
    });
    // The list is worded for the reader, in the language the answer is written in.
    const es = inWords(await submitFirewall(asUser({ ...users[0]!, locale: 'es' }), posted, meta), 'es');
    expect(es.fieldErrors).toEqual({
      sipPorts: [
        'Confirme que los puertos SIP 5060 y 5061 solo aceptan conexiones desde nuestras direcciones (203.0.113.10, 2001:db8::/32 y sip.example.net).',
      ],
    });
    expect(await getDb().unblockRequest.count({ where: { blockId: block.id } })).toBe(0);
  });
});
