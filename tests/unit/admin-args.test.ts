import { describe, expect, it } from 'vitest';
import { ADMIN_OPTIONS, isAdminCommand, readAdminArgs } from '@/lib/accounts/admin-args';

// The operator CLI's options (scripts/admin.ts). Before 2026-12-04 a repeated option silently took
// its last value (`--name A --name B` made an account named B) and an option of another command was
// silently ignored (`create-account … --label Desk` made the account without a word).
describe('npm run admin: reading the options', () => {
  it('reads each command’s own options, each once', () => {
    expect(
      readAdminArgs('create-account', [
        '--number',
        'ACC-7001',
        '--name',
        'Pier Seven',
        '--phone=+34 911 23 45 67',
      ]),
    ).toEqual({
      ok: true,
      values: { number: 'ACC-7001', name: 'Pier Seven', phone: '+34 911 23 45 67' },
      flags: {},
    });
    expect(readAdminArgs('reseal-secrets', [])).toEqual({ ok: true, values: {}, flags: {} });
    // A value that looks like an option is still the value when given with `=`.
    expect(readAdminArgs('create-user', ['--name=--nobody', '--email', 'a@b.example'])).toEqual({
      ok: true,
      values: { name: '--nobody', email: 'a@b.example' },
      flags: {},
    });
  });

  it('refuses an option given twice, in any spelling, naming it', () => {
    for (const args of [
      ['--name', 'A', '--name', 'B'],
      ['--name=A', '--name', 'B'],
      ['--number', 'ACC-1', '--name', 'A', '--number=ACC-2'],
    ]) {
      const r = readAdminArgs('create-account', args);
      expect(r.ok, args.join(' ')).toBe(false);
      expect(!r.ok && r.message, args.join(' ')).toMatch(/^--(name|number) is given more than once/);
    }
  });

  it('refuses an option the command does not take, naming the ones it does', () => {
    expect(readAdminArgs('create-account', ['--number', 'ACC-1', '--label', 'Desk'])).toEqual({
      ok: false,
      message:
        'create-account does not take --label (it takes --number, --name, --country, --time-zone, --phone, --offline)',
    });
    expect(readAdminArgs('add-sip-credential', ['--email', 'a@b.example']).ok).toBe(false);
    expect(readAdminArgs('reseal-secrets', ['--force'])).toEqual({
      ok: false,
      message: 'reseal-secrets takes no options',
    });
    // Every command refuses every option that belongs only to others.
    const all = new Set(Object.values(ADMIN_OPTIONS).flat());
    for (const [command, own] of Object.entries(ADMIN_OPTIONS))
      for (const other of [...all].filter((o) => !(own as readonly string[]).includes(o)))
        expect(
          readAdminArgs(command as keyof typeof ADMIN_OPTIONS, [`--${other}`, 'x']).ok,
          `${command} --${other}`,
        ).toBe(false);
  });

  it('refuses a missing value and a word that is not an option', () => {
    expect(readAdminArgs('create-account', ['--name']).ok).toBe(false);
    expect(readAdminArgs('create-account', ['ACC-1001']).ok).toBe(false);
  });

  it('knows its commands', () => {
    expect(
      ['create-account', 'add-sip-credential', 'create-user', 'reseal-secrets'].every(isAdminCommand),
    ).toBe(true);
    for (const name of [undefined, 'frobnicate', 'toString', 'constructor', '__proto__'])
      expect(isAdminCommand(name)).toBe(false);
  });
});
