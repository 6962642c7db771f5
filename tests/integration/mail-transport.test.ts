import net from 'node:net';
import os from 'node:os';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/server/db';
import { queueMail } from '@/lib/mail/queue';
import { mailServerTimes } from '@/lib/mail/server-state';
import { requiresStartTls, smtpOptions, smtpTransport } from '@/lib/mail/transport';
import { processMailOutbox } from '@/lib/mail/worker';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount } from '@/tests/helpers/factory';
import { TestSmtp } from '@/tests/helpers/smtp';
import { noHold } from '@/tests/helpers/mail-suite';

// The SMTP transport's options reach the conversation (lib/mail/transport.ts): its timeouts, and
// SMTP_URL's STARTTLS, required for a relay that is not on this host (`requiresStartTls`), so that no
// one on the path can strip it and read the relay password and the sign-in links (RFC 3207 §6).

describe('timeouts', () => {
  const mail = {
    id: 'm1',
    messageId: '<m1@tollgate.test>',
    from: 'no-reply@t.example',
    to: 'someone@t.example',
    subject: 'timeouts',
    html: '<p>x</p>',
    text: 'x',
    date: new Date(),
  };

  it('a server that never greets is given up after greetingTimeout, and nothing was sent', async () => {
    const silent = net.createServer(() => {}); // accepts, then says nothing
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const transport = smtpTransport(`smtp://127.0.0.1:${port}`, { greetingTimeout: 300 });
      await expect(transport.send(mail)).rejects.toMatchObject({
        message: expect.stringMatching(/Greeting never received/),
        contentUnsent: true,
      });
    } finally {
      silent.close();
    }
  });

  it('a server that stalls before its 250 is given up after socketTimeout', async () => {
    const smtp = await TestSmtp.start();
    smtp.stallData = true;
    try {
      await expect(smtpTransport(smtp.url, { socketTimeout: 300 }).send(mail)).rejects.toMatchObject({
        code: 'ETIMEDOUT',
      });
      expect(smtp.stalled).toHaveLength(1);
      expect(smtp.received).toEqual([]);
    } finally {
      await smtp.down();
    }
  });
});

describe('requiresStartTls: which SMTP_URLs must have STARTTLS', () => {
  it.each([
    // A relay elsewhere: by name, by address (a private one too: a LAN is a path), IPv6.
    ['smtp://user:pass@mail.example.com:587', true],
    ['smtp://MAIL.EXAMPLE.COM', true],
    ['smtp://10.0.0.25:25', true],
    ['smtp://192.168.1.10:587', true],
    ['smtp://[2001:db8::25]:587', true],
    ['smtp://127.0.0.1.example.com', true],
    // Names, localhost's included: nodemailer asks the DNS server for them before /etc/hosts.
    ['smtp://localhost:25', true],
    ['smtp://LocalHost:1025', true],
    ['smtp://mail.localhost:25', true],
    ['smtp://localhost.:25', true],
    // Legacy IPv4 forms that Node does not take as an address (nodemailer resolves them as names).
    ['smtp://127.1:25', true],
    ['smtp://2130706433:25', true],
    ['smtp://0x7f.1:25', true],
    // A URL that WHATWG's parser and nodemailer's read differently: judged as nodemailer connects.
    ['smtp://relay.example.com\\@127.0.0.1:587', true],
    // A well-known provider is elsewhere, whatever the host says.
    ['smtp://127.0.0.1?service=Gmail', true],
    // A loopback address written as one: opportunistic, as the connection never leaves the machine.
    ['smtp://127.0.0.1:2525', false],
    ['smtp://127.8.9.10:25', false],
    ['smtp://[::1]:25', false],
    ['smtp://[::ffff:127.0.0.1]:25', false],
    // The URL says: the operator's word wins either way, as nodemailer reads it.
    ['smtp://mail.example.com:25?requireTLS=false', false],
    ['smtp://mail.example.com:25?requireTLS=0', false],
    ['smtp://mail.example.com:25?ignoreTLS=true', false],
    ['smtp://mail.example.com:25?ignoreTLS=true&requireTLS=true', false],
    ['smtp://mail.example.com:25?opportunisticTLS=true', false],
    ['smtp://mail.example.com:25?ignoreTLS=false', true],
    ['smtp://127.0.0.1:25?requireTLS=true', true],
    ['smtp://127.0.0.1:25?requireTLS=1', true],
    // Implicit TLS: encrypted from the first byte, nothing to negotiate.
    ['smtps://mail.example.com:465', false],
    // …which only the scheme asks for: nodemailer does not read `secure` from an smtp:// URL.
    ['smtp://mail.example.com:465?secure=true', true],
  ])('%s → %s', (url, required) => {
    expect(requiresStartTls(url)).toBe(required);
  });

  it('every option reaches nodemailer: the timeouts beneath, the URL’s own above them', () => {
    expect(smtpOptions('smtp://mail.example.com:587?proxy=http://proxy.example:3128')).toMatchObject({
      host: 'mail.example.com',
      port: 587,
      requireTLS: true,
      proxy: 'http://proxy.example:3128',
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    expect(smtpOptions('smtp://mail.example.com?socketTimeout=5000&requireTLS=false')).toMatchObject({
      socketTimeout: 5000,
      requireTLS: false,
    });
  });
});

/** This machine's first IPv4 address that is not loopback: it stands for a relay elsewhere. */
function machineAddress(): string {
  for (const list of Object.values(os.networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  throw new Error('no IPv4 address but loopback on this machine: this test needs one for its relay');
}

describe.each(dialects())('a relay reached across the network, on %s', (dialect) => {
  let plain: TestSmtp;
  let withTls: TestSmtp;
  let credentialId: string;
  beforeAll(async () => {
    await useFreshDb(dialect);
    const host = machineAddress();
    plain = await TestSmtp.start({ host });
    withTls = await TestSmtp.start({ host, startTls: true });
    credentialId = (await makeAccount()).creds[0].id;
  });
  afterAll(async () => {
    await plain?.down();
    await withTls?.down();
  });
  beforeEach(async () => {
    // Each test sees only its own message, and its relay starts with no hold on the outbox.
    await getDb().mailMessage.updateMany({ where: { status: 'pending' }, data: { status: 'failed' } });
    noHold();
  });

  async function queue(to: string) {
    await getDb().$transaction((tx) =>
      queueMail(tx, to, 'sip_password_changed', { credentialId, changedAt: new Date().toISOString() }),
    );
  }
  const row = (to: string) => getDb().mailMessage.findFirstOrThrow({ where: { to } });

  it('offering no STARTTLS, it gets no message: the mail waits in the outbox and readiness hears of it', async () => {
    const to = `clear-${dialect}@t.example`;
    await queue(to);
    const before = Date.now();
    expect(await processMailOutbox({ transport: smtpTransport(plain.url) })).toBe(0);
    expect(plain.received).toEqual([]);
    expect(plain.stalled).toEqual([]);
    const waiting = await row(to);
    expect(waiting.status).toBe('pending');
    expect(waiting.attempts).toBe(1);
    expect(waiting.lastError).toMatch(/^ETLS: /);
    expect(waiting.nextAttemptAt.getTime()).toBeGreaterThan(before);
    expect(mailServerTimes().lastUnavailableAt).toBeGreaterThanOrEqual(before);
    // Readiness's own probe (nodemailer's verify) says the same without sending anything.
    await expect(smtpTransport(plain.url).verify!()).rejects.toMatchObject({ code: 'ETLS' });
  });

  it('offering STARTTLS with a certificate it cannot prove, it gets no message either', async () => {
    const to = `untrusted-${dialect}@t.example`;
    await queue(to);
    expect(await processMailOutbox({ transport: smtpTransport(withTls.url) })).toBe(0);
    expect(withTls.received).toEqual([]);
    expect((await row(to)).lastError).toMatch(/certificate/i);
  });

  it('offering STARTTLS with a certificate the portal is told to take, the message goes over TLS', async () => {
    const to = `tls-${dialect}@t.example`;
    await queue(to);
    // smtp-server's own self-signed certificate: accepted here only because the URL says so.
    const url = `${withTls.url}?tls.rejectUnauthorized=false`;
    expect(await processMailOutbox({ transport: smtpTransport(url) })).toBe(1);
    expect(withTls.to(to)).toMatchObject([{ secure: true }]);
    expect((await row(to)).status).toBe('done');
  });

  it("the operator's ?requireTLS=false sends in clear to a relay that has no TLS", async () => {
    const to = `opt-out-${dialect}@t.example`;
    await queue(to);
    expect(await processMailOutbox({ transport: smtpTransport(`${plain.url}?requireTLS=false`) })).toBe(1);
    expect(plain.to(to)).toMatchObject([{ secure: false }]);
  });

  it('a relay on this host without STARTTLS still takes mail, as before', async () => {
    const local = await TestSmtp.start();
    try {
      const to = `local-${dialect}@t.example`;
      await queue(to);
      expect(await processMailOutbox({ transport: smtpTransport(local.url) })).toBe(1);
      expect(local.to(to)).toMatchObject([{ secure: false }]);
    } finally {
      await local.down();
    }
  });
});
