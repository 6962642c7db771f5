import { describe, expect, it } from 'vitest';
import { configWarnings, parseEnv } from '@/lib/server/env';
import { smtpUrlRisks } from '@/lib/mail/transport';
import { VALID_ENV } from '@/tests/helpers/config';

// What a production start tells its operator without refusing to start (lib/server/env.ts
// configWarnings, logged by instrumentation.ts): values that work but reach nobody, or leak.

const warningsFor = (env: Record<string, string>) =>
  configWarnings(parseEnv({ ...VALID_ENV, NODE_ENV: 'production', ...env }), smtpUrlRisks);
const named = (warnings: string[]) => warnings.map((w) => w.split(':')[0]);

describe('start-up warnings', () => {
  it('the defaults of MAIL_FROM and SUPPORT_CONTACT, in production, are named with what they cost', () => {
    const w = warningsFor({ SMTP_URL: 'smtps://relay.example.net:465' });
    expect(named(w)).toEqual(['MAIL_FROM', 'SUPPORT_CONTACT']);
    expect(w[0]).toContain('no-reply@localhost');
    expect(w[0]).toContain('DMARC');
    expect(w[1]).toContain('support@example.com');
  });

  it('each reserved domain is one; an address or phone number of the provider is not', () => {
    for (const from of [
      'Tollgate <no-reply@portal.localhost>',
      'no-reply@example.org',
      'no-reply@mail.example',
      'no-reply@voip.test',
      'no-reply@x.invalid',
      'NO-REPLY@EXAMPLE.COM',
      'no-reply@mail.local',
      'no-reply@relay.internal',
      'no-reply@box.home.arpa',
      'no-reply@localhost.localdomain',
    ])
      expect(named(warningsFor({ MAIL_FROM: from, SUPPORT_CONTACT: '+34 910 000 000' })), from).toEqual([
        'MAIL_FROM',
      ]);
    expect(
      warningsFor({
        MAIL_FROM: 'Voz Ibérica <avisos@voz-iberica.es>',
        SUPPORT_CONTACT: 'soporte@voz-iberica.es',
        SMTP_URL: 'smtp://user:pass@smtp.voz-iberica.es:587',
      }),
    ).toEqual([]);
    // An example.com look-alike of one's own is not reserved.
    expect(warningsFor({ MAIL_FROM: 'a@myexample.com', SUPPORT_CONTACT: 'help@notexample.org' })).toEqual([]);
  });

  it('an SMTP_URL that sends in clear to a relay elsewhere; not one on a loopback address, nor TLS', () => {
    const own = { MAIL_FROM: 'avisos@voz-iberica.es', SUPPORT_CONTACT: 'soporte@voz-iberica.es' };
    for (const url of [
      'smtp://relay.voz-iberica.es:25?requireTLS=false',
      'smtp://10.0.0.25:25?ignoreTLS=true',
      'smtp://relay.voz-iberica.es:587?opportunisticTLS=true',
    ])
      expect(named(warningsFor({ ...own, SMTP_URL: url })), url).toEqual(['SMTP_URL']);
    // Any certificate accepted: whoever is on the path can pose as the relay, TLS or not.
    const posing = warningsFor({
      ...own,
      SMTP_URL: 'smtps://relay.voz-iberica.es:465?tls.rejectUnauthorized=false',
    });
    expect(named(posing)).toEqual(['SMTP_URL']);
    expect(posing[0]).toContain('NODE_EXTRA_CA_CERTS');
    // Never the URL itself: it holds the relay's password.
    const withPassword = warningsFor({
      ...own,
      SMTP_URL: 'smtp://user:s3cret-pass@relay.voz-iberica.es:25?requireTLS=false',
    });
    expect(withPassword.join(' ')).not.toContain('s3cret-pass');
    for (const url of [
      'smtp://127.0.0.1:25',
      'smtp://127.0.0.1:25?requireTLS=false',
      'smtp://relay.voz-iberica.es:587',
      'smtps://relay.voz-iberica.es:465?requireTLS=false',
    ])
      expect(warningsFor({ ...own, SMTP_URL: url }), url).toEqual([]);
  });

  // An operator (session 41) pointed SMTP_URL at a relay on the same host as smtp://localhost:1025:
  // no word at start, readiness `smtp: degraded`, then ETLS at the first mail. The loopback exception
  // to required STARTTLS reads an address only (lib/mail/transport.ts requiresStartTls).
  it('an SMTP_URL naming a relay on this machine by a name: STARTTLS will be required of it', () => {
    const own = { MAIL_FROM: 'avisos@voz-iberica.es', SUPPORT_CONTACT: 'soporte@voz-iberica.es' };
    for (const url of [
      'smtp://localhost:1025',
      'smtp://user:s3cret-pass@LocalHost:25',
      'smtp://localhost.:25',
      'smtp://mail.localhost:25',
      'smtp://localhost.localdomain:25',
      'smtp://ip6-localhost:25',
      'smtp://127.1:25',
    ]) {
      const w = warningsFor({ ...own, SMTP_URL: url });
      expect(named(w), url).toEqual(['SMTP_URL']);
      expect(w[0]).toContain('STARTTLS will be required');
      expect(w[0]).toContain('127.0.0.1 or [::1]');
      expect(w[0]).not.toContain('s3cret-pass');
      expect(smtpUrlRisks(url)).toEqual(['startTlsOnThisMachine']);
    }
    for (const url of [
      // The loopback exception applies: opportunistic STARTTLS, nothing to say.
      'smtp://127.0.0.1:1025',
      'smtp://[::1]:1025',
      // The URL says what it wants of TLS.
      'smtp://localhost:25?requireTLS=true',
      'smtps://localhost:465',
      'smtp://localhost:25?tls.servername=relay.voz-iberica.es',
      // A relay elsewhere by name: STARTTLS required, as it should be.
      'smtp://relay.voz-iberica.es:587',
      'smtp://mail:587',
      'smtp://notlocalhost:25',
    ])
      expect(smtpUrlRisks(url), url).toEqual([]);
    // An opt-out of TLS with a name: the conversation may go in clear, which is said already.
    expect(smtpUrlRisks('smtp://localhost:25?requireTLS=false')).toEqual(['clear']);
  });

  it('says nothing outside production, nor in the demo', () => {
    const env = parseEnv({ ...VALID_ENV, NODE_ENV: 'development' });
    expect(configWarnings(env, smtpUrlRisks)).toEqual([]);
    const demo = parseEnv({ ...VALID_ENV, NODE_ENV: 'production', TOLLGATE_DEMO: '1' });
    expect(configWarnings(demo, smtpUrlRisks)).toEqual([]);
  });
});
