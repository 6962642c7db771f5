import crypto from 'node:crypto';
import os from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { CommandError, createUser, setPassword } from '@/lib/accounts/commands';
import { hashPassword, verifyPassword } from '@/lib/auth/password';
import { DEMO_USERS } from '@/lib/demo/data';
import { publishedDemoLogins, publishedLoginsRefusal } from '@/lib/demo/published';
import { renderMessage } from '@/lib/mail/render';
import { getDb } from '@/lib/server/db';
import { readAuditDetail } from '@/lib/staff/audit-detail';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeSession } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';

// The operator CLI's set-password (lib/accounts/commands.ts setPassword) and npm start's refusal of
// a database where a demo login accepts its published password (lib/demo/published.ts). A first
// deployment (2026-12-06) made sam@tollgate.example with demo-sam-2026 in its own database: npm start
// told it to start with a database of its own, and no operator command could change the password,
// so the row was deleted with SQL.

const PASSWORD = 'harbour lantern granite violet';
const SAM = DEMO_USERS.find((u) => u.email === 'sam@tollgate.example')!;

/** The subject and text `row` renders to, or a failure naming why not. */
async function words(row: Parameters<typeof renderMessage>[0]) {
  const r = await renderMessage(row, new Date());
  if (!r.ok) throw new Error(`not rendered: ${JSON.stringify(r)}`);
  return { subject: r.mail.subject, text: r.mail.text };
}

/** The CommandError message of `p`, or what it did instead. */
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'done',
    (e: Error) => (e instanceof CommandError ? e.message : `not a CommandError: ${e}`),
  );

describe.each(dialects())('set-password, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  it("an operator's own login with a demo login's published password: refused by npm start's check, named, and set-password ends it", async () => {
    const db = getDb();
    // As it was made before create-user refused published passwords: a row with the demo's hash.
    const sam = await db.user.create({
      data: { email: SAM.email, role: 'agent', passwordHash: await hashPassword(SAM.password) },
    });
    await makeSession(sam.id);
    await makeSession(sam.id);
    await db.verificationToken.create({
      data: {
        identifier: SAM.email,
        token: crypto.randomBytes(16).toString('hex'),
        expires: new Date(Date.now() + 600_000),
      },
    });
    expect(await publishedDemoLogins(db)).toEqual([SAM.email]);

    expect(await setPassword(db, { email: SAM.email, password: PASSWORD })).toEqual({
      email: SAM.email,
      sessionsEnded: 2,
    });
    const after = await db.user.findUniqueOrThrow({ where: { id: sam.id } });
    expect(await verifyPassword(after.passwordHash, PASSWORD)).toBe(true);
    expect(await verifyPassword(after.passwordHash, SAM.password)).toBe(false);
    expect(await publishedDemoLogins(db)).toEqual([]);
    expect(await db.session.count({ where: { userId: sam.id } })).toBe(0);
    expect(await db.verificationToken.count({ where: { identifier: SAM.email } })).toBe(0);
    expect(after.linksRevokedAt).not.toBeNull();
    expect(after).toMatchObject({ role: 'agent', disabled: false });
    // Audited as the portal's own password change, by the operator, with who ran it.
    const row = await db.auditLog.findFirstOrThrow({
      where: { action: 'password.changed', targetId: sam.id },
    });
    expect(row.actorEmail).toBe('operator-cli');
    expect(JSON.parse(row.detail!)).toMatchObject({
      email: SAM.email,
      sessionsEnded: 2,
      linksRevoked: 1,
      osUser: os.userInfo().username,
      host: os.hostname(),
    });
    // Without --reason the row has none (npm start's refusal and the README name the command without it).
    expect(JSON.parse(row.detail!)).not.toHaveProperty('reason');
    // Its owner is told that an operator set it, not "changed… if it was not you, someone signed in"
    // (before 2026-12-06: `password_changed`, worded for a change they made themselves); no address
    // (the operator's is not theirs).
    const mails = await db.mailMessage.findMany({ where: { to: SAM.email, template: 'security_change' } });
    expect(mails.map((m) => JSON.parse(m.payload))).toEqual([
      { userId: sam.id, change: 'password_set_by_operator', at: expect.any(String), ip: null },
    ]);
    const { subject, text } = await words(mails[0]!);
    expect(subject).toMatch(/^An operator set a new password for your .*login$/);
    expect(text).toContain('An operator of the support team set a new password for your login on ');
    expect(text).toContain(
      'The old password no longer works, every session of your login was signed out, and the sign-in links emailed to you were cancelled.',
    );
    expect(text).toContain("get the new password from your provider's support");
    expect(text).toContain('If you did not expect this, someone may have asked support for it in your name');
    expect(text).not.toMatch(/If it was not you|someone else signed in|internet address|operator-cli/);
  });

  it('--reason is kept in the audit row, not mailed; the owner reads the notice in their language', async () => {
    const db = getDb();
    const { users } = await makeAccount({ members: [uniqueEmail('lucia', 'clinica.example')] });
    const owner = await db.user.update({
      where: { id: users[0]!.id },
      data: { locale: 'es', passwordHash: await hashPassword('an old password of hers 1974') },
    });
    await makeSession(owner.id);
    const reason = 'Owner locked out; verified by a callback to the number on file';
    expect(await setPassword(db, { email: owner.email, password: PASSWORD, reason: ` ${reason} ` })).toEqual({
      email: owner.email,
      sessionsEnded: 1,
    });
    const row = await db.auditLog.findFirstOrThrow({
      where: { action: 'password.changed', targetId: owner.id },
    });
    expect(row.actorEmail).toBe('operator-cli');
    expect(JSON.parse(row.detail!)).toMatchObject({ email: owner.email, reason, sessionsEnded: 1 });
    // The audit log shows it as reset-second-factor's: "Reason given", as written (not a block's reason).
    const shown = readAuditDetail(row.action, row.detail);
    expect(shown?.kind === 'fields' && shown.fields.find((f) => f.key === 'reason')).toEqual({
      key: 'reason',
      label: 'grantReason',
      value: { kind: 'text', text: reason },
    });
    const mails = await db.mailMessage.findMany({ where: { to: owner.email, template: 'security_change' } });
    expect(mails.map((m) => JSON.parse(m.payload))).toEqual([
      { userId: owner.id, change: 'password_set_by_operator', at: expect.any(String), ip: null },
    ]);
    const { subject, text } = await words(mails[0]!);
    expect(subject).toMatch(/^Un operador estableció una contraseña nueva para su acceso/);
    expect(text).toContain(
      'Un operador del equipo de soporte estableció una contraseña nueva para su acceso el ',
    );
    expect(text).toContain('se cerraron todas las sesiones de su acceso y se anularon los enlaces de acceso');
    expect(text).toContain('pida la contraseña nueva al soporte de su proveedor');
    expect(text).toContain('Si no lo esperaba, alguien pudo pedirlo a soporte en su nombre');
    expect(text).not.toContain('callback');
    expect(text).not.toMatch(/Si no fue usted|dirección de internet/);
  });

  it('a reason outside 5 to 500 characters is refused with reset-second-factor’s words, and changes nothing', async () => {
    const db = getDb();
    const email = uniqueEmail('kim', 'pier.example');
    await createUser(db, { email, role: 'customer', password: PASSWORD });
    const user = await db.user.findUniqueOrThrow({ where: { email } });
    await makeSession(user.id);
    await db.verificationToken.create({
      data: {
        identifier: email,
        token: crypto.randomBytes(16).toString('hex'),
        expires: new Date(Date.now() + 600_000),
      },
    });
    const audits = () => db.auditLog.count({ where: { action: 'password.changed', targetId: user.id } });
    const mails = () => db.mailMessage.count({ where: { to: email, template: 'security_change' } });
    const next = 'sextant orchard pewter ribbon';
    expect(await refusal(setPassword(db, { email, password: next, reason: ' ok ' }))).toBe(
      '--reason: at least 5 characters: say why, e.g. --reason "Caller verified by a callback to the number on file"',
    );
    expect(await refusal(setPassword(db, { email, password: next, reason: '' }))).toMatch(
      /^--reason: at least 5 characters/,
    );
    expect(await refusal(setPassword(db, { email, password: next, reason: 'x'.repeat(501) }))).toBe(
      '--reason: at most 500 characters',
    );
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.passwordHash).toBe(user.passwordHash);
    expect(after.linksRevokedAt).toEqual(user.linksRevokedAt);
    expect(await db.session.count({ where: { userId: user.id } })).toBe(1);
    expect(await db.verificationToken.count({ where: { identifier: email } })).toBe(1);
    expect(await mails()).toBe(0);
    expect(await audits()).toBe(0);
    // 500 characters is still a reason.
    await setPassword(db, { email, password: next, reason: 'y'.repeat(500) });
    expect(await audits()).toBe(1);
    expect(await mails()).toBe(1);
  });

  it('refuses, changing nothing: a published demo password, a weak one, two lines, an address with no login', async () => {
    const db = getDb();
    const email = uniqueEmail('pat', 'pier.example');
    await createUser(db, { email, role: 'customer', password: PASSWORD });
    const before = (await db.user.findUniqueOrThrow({ where: { email } })).passwordHash;
    const audits = await db.auditLog.count({ where: { action: 'password.changed' } });
    for (const published of DEMO_USERS.map((u) => u.password))
      expect(await refusal(setPassword(db, { email, password: published }))).toBe(
        'password refused: the README publishes it for a demo login, so anyone could sign in with it: choose another',
      );
    expect(await refusal(setPassword(db, { email, password: 'password' }))).toMatch(/^password refused: /);
    expect(await refusal(setPassword(db, { email, password: `${PASSWORD}\n${PASSWORD}` }))).toMatch(
      /^--password: the password holds a line break/,
    );
    expect(await refusal(setPassword(db, { email: 'nobody@pier.example', password: PASSWORD }))).toBe(
      'no user nobody@pier.example',
    );
    expect(await refusal(setPassword(db, { email: 'not an address', password: PASSWORD }))).toMatch(
      /^--email: a valid --email is required/,
    );
    expect((await db.user.findUniqueOrThrow({ where: { email } })).passwordHash).toBe(before);
    expect(await db.auditLog.count({ where: { action: 'password.changed' } })).toBe(audits);
  });

  it('create-user refuses a published demo password too, for any address, so that npm start never has to', async () => {
    const db = getDb();
    // Not only for the demo's own address, where zxcvbn already finds the name in it: any login.
    for (const published of DEMO_USERS.map((u) => u.password))
      expect(
        await refusal(createUser(db, { email: 'ops@pier.example', role: 'admin', password: published })),
      ).toBe(
        'password refused: the README publishes it for a demo login, so anyone could sign in with it: choose another',
      );
    expect(await db.user.count({ where: { email: 'ops@pier.example' } })).toBe(0);
  });
});

describe("npm start's refusal of published demo logins", () => {
  it('names the logins, the set-password command for each, and the demo database', () => {
    expect(publishedLoginsRefusal(['sam@tollgate.example'])).toBe(
      [
        "This database holds logins that accept the password the README publishes for them (the demo's logins): sam@tollgate.example.",
        'Anyone could sign in with them, so Tollgate does not start. Give each a password of your own, with the',
        'same DATABASE_URL (the password on stdin, or typed twice at a terminal; its sessions end):',
        '  npm run admin -- set-password --email sam@tollgate.example',
        "If this is the demo's database, point DATABASE_URL at a database of your own instead (README,",
        '"Configuration"): `npm run demo` keeps its data in data/demo.db.',
      ].join('\n'),
    );
    expect(publishedLoginsRefusal(['dana@acme.example', 'sam@tollgate.example'])).toContain(
      '  npm run admin -- set-password --email dana@acme.example\n  npm run admin -- set-password --email sam@tollgate.example\n',
    );
  });
});
