import { describe, expect, it } from 'vitest';
import { ADMIN_OPTIONS, asksHelp, isAdminCommand, readAdminArgs } from '@/lib/accounts/admin-args';

// The operator CLI's options as scripts/admin.ts reads them (lib/accounts/admin-args.ts):
// add-member and remove-member by the same rules as the other commands, and the flags (review, session 42: create-account --offline, remove-member --last-member).
describe('npm run admin: commands and flags', () => {
  it('knows add-member and remove-member beside the other commands', () => {
    for (const command of [...Object.keys(ADMIN_OPTIONS), 'add-member', 'remove-member'])
      expect(isAdminCommand(command), command).toBe(true);
    for (const name of [undefined, 'frobnicate', 'toString', '__proto__'])
      expect(isAdminCommand(name)).toBe(false);
    expect(ADMIN_OPTIONS['add-member']).toEqual(['email', 'account']);
    expect(ADMIN_OPTIONS['remove-member']).toEqual(['email', 'account']);
  });

  it('reads a flag as true, options as their text, and leaves an absent flag out', () => {
    expect(readAdminArgs('create-account', ['--number', 'ACC-7001', '--offline', '--name', 'Pier'])).toEqual({
      ok: true,
      values: { number: 'ACC-7001', name: 'Pier' },
      flags: { offline: true },
    });
    expect(readAdminArgs('remove-member', ['--email', 'a@b.example', '--account', 'ACC-1002'])).toEqual({
      ok: true,
      values: { email: 'a@b.example', account: 'ACC-1002' },
      flags: {},
    });
    expect(
      readAdminArgs('remove-member', ['--last-member', '--email', 'a@b.example', '--account', 'ACC-1002']),
    ).toMatchObject({ ok: true, flags: { 'last-member': true } });
  });

  it('refuses a flag with a value, a flag twice, and a flag of another command, naming what it takes', () => {
    expect(readAdminArgs('create-account', ['--offline=yes']).ok).toBe(false);
    expect(readAdminArgs('create-account', ['--offline', '--offline'])).toEqual({
      ok: false,
      message: '--offline is given more than once: give it once',
    });
    expect(readAdminArgs('add-member', ['--email', 'a@b.example', '--last-member'])).toEqual({
      ok: false,
      message: 'add-member does not take --last-member (it takes --email, --account)',
    });
    expect(readAdminArgs('create-account', ['--label', 'x'])).toEqual({
      ok: false,
      message:
        'create-account does not take --label (it takes --number, --name, --country, --time-zone, --phone, --offline)',
    });
    expect(readAdminArgs('reseal-secrets', ['--offline'])).toEqual({
      ok: false,
      message: 'reseal-secrets takes no options',
    });
    // As before: an option given twice, a missing value, a positional word.
    expect(readAdminArgs('add-member', ['--email', 'a@b.example', '--email', 'c@d.example']).ok).toBe(false);
    expect(readAdminArgs('remove-member', ['--email']).ok).toBe(false);
    expect(readAdminArgs('remove-member', ['a@b.example']).ok).toBe(false);
  });

  it('asks for help where an option may stand: after a flag, not as the value of an option', () => {
    expect(asksHelp('create-account', ['--offline', '--help'])).toBe(true);
    expect(asksHelp('remove-member', ['--last-member', '-h'])).toBe(true);
    expect(asksHelp('create-account', ['--name', '--help'])).toBe(false);
    expect(asksHelp('add-member', ['--email', 'help'])).toBe(false);
  });
});
