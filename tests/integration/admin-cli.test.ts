import { spawn } from 'node:child_process';
import os from 'node:os';
import { quote } from 'shell-quote';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '@/lib/auth/password';
import { getDb } from '@/lib/server/db';
import { readAuditDetail } from '@/lib/staff/audit-detail';
import { runAdminAsync } from '@/tests/helpers/admin-cli';
import { useFreshDb } from '@/tests/helpers/db';
import { startTestSim, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// The operator CLI as a process, for what review session 42 added: create-account asking the switch,
// add-member / remove-member, who ran a command in its audit rows, and the password at a terminal; and
// for a first deployment's findings (2026-12-06): add-sip-credential asking the switch, a wrong
// SWITCH_API_URL path named as such, set-password, and --help saying what create-account does.
// SQLite only, as tests/integration/demo-and-admin.test.ts's process tests: argv, stdin, the terminal
// and exit codes do not depend on the database; the commands' writes are checked on both databases
// in tests/integration/admin-members.test.ts.

const PASSWORD = 'harbour lantern granite violet';

/**
 * `npm run admin -- <args>` at a terminal: under `script` (util-linux) a pseudo-terminal is its stdin
 * and stdout. Each of `keys` is typed once the screen shows its `after` text (after the previous
 * one), as a person types at a prompt. Resolves to the exit code and everything the terminal showed,
 * the echo of what was typed included.
 */
function atTerminal(
  args: string[],
  keys: { after: string; type: string }[],
): Promise<{ code: number | null; screen: string }> {
  const command = quote([
    process.execPath,
    '--conditions=react-server',
    '--import',
    'tsx',
    'scripts/admin.ts',
    ...args,
  ]);
  const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let from = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    screen += chunk.toString('utf8');
    const next = keys[0];
    if (next && screen.indexOf(next.after, from) >= 0) {
      keys.shift();
      from = screen.length;
      child.stdin.write(next.type);
    }
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, screen });
    }),
  );
}

describe('the operator CLI as a process: members, the switch, the password', () => {
  let sim: TestSim;
  let onSwitch: Record<string, string>;
  beforeAll(async () => {
    await useFreshDb('sqlite');
    sim = await startTestSim();
    onSwitch = { SWITCH_API_URL: sim.url, SWITCH_API_TOKEN: TOKEN };
  });
  afterAll(() => sim.stop());

  it('create-account asks the switch: a number it does not know is created with a warning; --offline skips the question', async () => {
    // Asynchronous: the simulator answers from this process. CONTRACTS §1's plain create-account still
    // creates the account; the warning on stderr says the switch does not know it (a typo?).
    expect(
      await runAdminAsync(['create-account', '--number', 'ACC-8010', '--name', 'Typo Dental'], '', onSwitch),
    ).toEqual({
      code: 0,
      out: 'created account ACC-8010\n',
      err:
        'warning: the switch does not know account ACC-8010 (HTTP 404 account_not_found: no account ACC-8010). ' +
        'Check the number: an account the switch does not know is never blocked or lifted there (pass ' +
        '--offline when the switch learns it later)\n',
    });
    // One the switch has blocked: created, and the line says when the portal shows the block.
    await sim.control('PUT', '/_sim/accounts/ACC-8030', {
      internationalCalling: 'blocked',
      reason: 'hotspot_source_ip',
      credentials: [],
    });
    expect(
      await runAdminAsync(['create-account', '--number', 'ACC-8030', '--name', 'Harbor'], '', onSwitch),
    ).toEqual({
      code: 0,
      out:
        "created account ACC-8030; blocked on the switch (hotspot_source_ip): the portal's reconciler shows the " +
        'block at its next pass and mails its notice to the members the account has by then\n',
      err: '',
    });
    // Without the switch's address the command says which variable is missing (--offline needs none).
    expect(
      await runAdminAsync(['create-account', '--number', 'ACC-8010', '--name', 'Typo Dental'], '', {
        SWITCH_API_URL: '',
      }),
    ).toMatchObject({ code: 1, err: expect.stringMatching(/^error: SWITCH_API_URL: is required/) });
    expect(
      await runAdminAsync(
        ['create-account', '--number', 'ACC-8012', '--name', 'Later Dental', '--offline'],
        '',
        { SWITCH_API_URL: '' },
      ),
    ).toEqual({ code: 0, out: 'created account ACC-8012 without asking the switch (--offline)\n', err: '' });
    // Neither of the switch's variables set: created without asking, as CONTRACTS §1's plain command.
    expect(
      await runAdminAsync(['create-account', '--number', 'ACC-8013', '--name', 'Plain Dental'], '', {
        SWITCH_API_URL: '',
        SWITCH_API_TOKEN: '',
      }),
    ).toEqual({
      code: 0,
      out: 'created account ACC-8013 without asking the switch (SWITCH_API_URL is not set)\n',
      err: '',
    });
    // A flag takes no value; one given twice or meant for another command is refused, as options are.
    for (const args of [
      ['create-account', '--number', 'ACC-8011', '--name', 'X', '--offline=yes'],
      ['create-account', '--number', 'ACC-8011', '--name', 'X', '--offline', '--offline'],
      ['add-member', '--email', 'x@pier.example', '--account', 'ACC-8010', '--last-member'],
    ])
      expect(await runAdminAsync(args, '', { DATABASE_URL: '' })).toMatchObject({
        code: 2,
        err: expect.stringMatching(/^error: /),
      });
    // `--help` after a flag is help (a flag takes no value that --help could be).
    expect(
      await runAdminAsync(['create-account', '--offline', '--help'], '', { DATABASE_URL: '' }),
    ).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^usage: npm run admin[\s\S]*add-member[\s\S]*remove-member/),
    });
    expect(await getDb().customerAccount.count({ where: { number: 'ACC-8011' } })).toBe(0);
  }, 60_000);

  it('add-member and remove-member: plain answers, idempotent, the last member only with --last-member, audited with who ran them', async () => {
    const user = await runAdminAsync(
      ['create-user', '--email', 'dana@members.example', '--role', 'customer', '--account', 'ACC-8010'],
      `${PASSWORD}\n`,
    );
    expect(user.code).toBe(0);
    await sim.control('PUT', '/_sim/accounts/ACC-8020', { internationalCalling: 'allowed', credentials: [] });
    expect(
      await runAdminAsync(['create-account', '--number', 'ACC-8020', '--name', 'Acme Labs'], '', onSwitch),
    ).toEqual({ code: 0, out: 'created account ACC-8020\n', err: '' });
    const sudo = { SUDO_USER: 'alex-ops' };
    expect(
      await runAdminAsync(
        ['add-member', '--email', 'dana@members.example', '--account', 'acc 8020'],
        '',
        sudo,
      ),
    ).toEqual({ code: 0, out: 'added dana@members.example to ACC-8020\n', err: '' });
    expect(
      await runAdminAsync(['add-member', '--email', 'dana@members.example', '--account', 'ACC-8020']),
    ).toEqual({ code: 0, out: 'dana@members.example is already a member of ACC-8020\n', err: '' });
    expect(
      await runAdminAsync(['remove-member', '--email', 'dana@members.example', '--account', 'ACC-8020']),
    ).toMatchObject({
      code: 1,
      err: expect.stringMatching(
        /^error: dana@members\.example is the last member of ACC-8020: .*--last-member/,
      ),
    });
    expect(
      await runAdminAsync(
        ['remove-member', '--email', 'dana@members.example', '--account', 'ACC-8020', '--last-member'],
        '',
        sudo,
      ),
    ).toEqual({ code: 0, out: 'removed dana@members.example from ACC-8020; 0 member(s) left\n', err: '' });
    expect(
      await runAdminAsync(['remove-member', '--email', 'dana@members.example', '--account', 'ACC-8020']),
    ).toEqual({ code: 0, out: 'dana@members.example is not a member of ACC-8020\n', err: '' });
    // Every row the CLI writes names the operator's system user, the sudo user when there is one, the host.
    const rows = await getDb().auditLog.findMany({
      where: { actorEmail: 'operator-cli', action: { startsWith: 'membership.' } },
      orderBy: { at: 'asc' },
    });
    expect(rows.map((r) => [r.action, JSON.parse(r.detail!)])).toEqual([
      [
        'membership.added',
        {
          email: 'dana@members.example',
          osUser: os.userInfo().username,
          sudoUser: 'alex-ops',
          host: os.hostname(),
        },
      ],
      [
        'membership.removed',
        {
          email: 'dana@members.example',
          osUser: os.userInfo().username,
          sudoUser: 'alex-ops',
          host: os.hostname(),
        },
      ],
    ]);
    const created = await getDb().auditLog.findFirstOrThrow({ where: { action: 'user.created' } });
    expect(JSON.parse(created.detail!)).toEqual({
      email: 'dana@members.example',
      role: 'customer',
      locale: 'en',
      localeSource: 'country',
      localeCountry: 'US',
      localeChosen: false,
      osUser: os.userInfo().username,
      host: os.hostname(),
    });
  }, 60_000);

  it('create-user at a terminal: the password is not shown, is asked twice, and two that differ are refused', async () => {
    const typed = await atTerminal(
      ['create-user', '--email', 'tty@pier.example', '--role', 'customer', '--account', 'ACC-8010'],
      [
        { after: 'Password (not shown): ', type: `${PASSWORD}\r` },
        { after: 'The same password again: ', type: `${PASSWORD}\r` },
      ],
    );
    expect(typed).toMatchObject({
      code: 0,
      screen: expect.stringContaining('created user tty@pier.example'),
    });
    expect(typed.screen).not.toContain('harbour');
    const differ = await atTerminal(
      ['create-user', '--email', 'typo@pier.example', '--role', 'customer'],
      [
        { after: 'Password (not shown): ', type: `${PASSWORD}\r` },
        { after: 'The same password again: ', type: 'harbour lantern granite violin\r' },
      ],
    );
    expect(differ).toMatchObject({
      code: 1,
      screen: expect.stringContaining('error: the two passwords differ: nothing was created'),
    });
    expect(await getDb().user.count({ where: { email: 'tty@pier.example' } })).toBe(1);
    expect(await getDb().user.count({ where: { email: 'typo@pier.example' } })).toBe(0);
  }, 60_000);

  it('create-user from a pipe: one line, as a password field takes it; a second line is refused', async () => {
    // Before: `pw⏎pw` (typed twice into the old prompt, or a script's two lines) was stored as the password.
    expect(
      await runAdminAsync(
        ['create-user', '--email', 'twice@pier.example', '--role', 'customer'],
        `${PASSWORD}\n${PASSWORD}\n`,
      ),
    ).toEqual({
      code: 1,
      out: '',
      err:
        'error: --password: the password holds a line break or another control character, which a password ' +
        'field cannot take: give it once, on one line\n',
    });
    expect(
      await runAdminAsync(
        ['create-user', '--email', 'crlf@pier.example', '--role', 'customer'],
        `${PASSWORD}\r\n`,
      ),
    ).toMatchObject({ code: 0 });
    expect(await getDb().user.count({ where: { email: 'twice@pier.example' } })).toBe(0);
  }, 60_000);

  it('reset-second-factor asks why, as the staff web does: refused without --reason, kept in the audit row with one', async () => {
    // Before: the CLI reset any login's second factor with no "why", while /staff/users asks an admin for one.
    const email = 'lost@pier.example';
    expect(
      (await runAdminAsync(['create-user', '--email', email, '--role', 'customer'], `${PASSWORD}\n`)).code,
    ).toBe(0);
    const user = await getDb().user.update({
      where: { email },
      data: { totpSecret: 'sealed', totpEnabledAt: new Date() },
    });
    expect(await runAdminAsync(['reset-second-factor', '--email', email])).toEqual({
      code: 1,
      out: '',
      err:
        'error: --reason: is required: say why, e.g. --reason "Caller verified by a callback to the number ' +
        'on file"\n',
    });
    expect(await runAdminAsync(['reset-second-factor', '--email', email, '--reason', ' ok '])).toMatchObject({
      code: 1,
      err: expect.stringMatching(/^error: --reason: at least 5 characters/),
    });
    expect(await runAdminAsync(['reset-second-factor', '--email', email, '--reason'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^error: Option '--reason <value>' argument missing/),
    });
    // Nothing was reset by a refusal.
    expect((await getDb().user.findUniqueOrThrow({ where: { id: user.id } })).totpEnabledAt).not.toBeNull();
    expect(await getDb().auditLog.count({ where: { action: 'user.second_factor_reset' } })).toBe(0);

    const reason = 'Lost phone; owner verified by a callback to the number on file';
    expect(await runAdminAsync(['reset-second-factor', '--email', email, '--reason', reason])).toEqual({
      code: 0,
      out: `reset the second factor of ${email}; 0 session(s) ended\n`,
      err: '',
    });
    const row = await getDb().auditLog.findFirstOrThrow({ where: { action: 'user.second_factor_reset' } });
    expect(row).toMatchObject({ actorEmail: 'operator-cli', targetId: user.id });
    expect(JSON.parse(row.detail!)).toMatchObject({ email, reason });
    // The audit log shows it as the web reset's: "Reason given", as written.
    const shown = readAuditDetail(row.action, row.detail);
    expect(shown?.kind === 'fields' && shown.fields.find((f) => f.key === 'reason')).toEqual({
      key: 'reason',
      label: 'grantReason',
      value: { kind: 'text', text: reason },
    });
  }, 60_000);
  it('add-sip-credential asks the switch about the username as create-account asks about the number; --offline does not', async () => {
    // A first deployment (2026-12-06): `norte-recepcon` typed for `norte-recepcion` was added without a word.
    expect(
      (await runAdminAsync(['create-account', '--number', 'ACC-8040', '--name', 'Norte', '--offline'])).code,
    ).toBe(0);
    await sim.control('PUT', '/_sim/accounts/ACC-8040', {
      internationalCalling: 'allowed',
      credentials: [{ username: 'norte-recepcion' }],
    });
    const add = (username: string, env: Record<string, string> = onSwitch, ...more: string[]) =>
      runAdminAsync(
        ['add-sip-credential', '--account', 'ACC-8040', '--username', username, ...more],
        '',
        env,
      );
    expect(await add('norte-recepcon')).toEqual({
      code: 0,
      out: 'added SIP credential norte-recepcon\n',
      err:
        'warning: the switch does not know SIP username norte-recepcon (HTTP 404 credential_not_found: no SIP ' +
        'credential norte-recepcon). Check the username: the switch refuses a password reset for a username it ' +
        "does not know, so the customer's reset page could not set this one (pass --offline when the switch " +
        'learns it later)\n',
    });
    expect(await add('norte-recepcion')).toEqual({
      code: 0,
      out: 'added SIP credential norte-recepcion\n',
      err: '',
    });
    // No answer (nothing listens there): added, and said so.
    expect(await add('norte-fax', { ...onSwitch, SWITCH_API_URL: 'http://127.0.0.1:9' })).toMatchObject({
      code: 0,
      out: 'added SIP credential norte-fax\n',
      err: expect.stringMatching(
        /^warning: the switch did not answer for SIP username norte-fax \(.+\); nothing compares it/,
      ),
    });
    expect(await add('norte-door', onSwitch, '--offline')).toEqual({
      code: 0,
      out: 'added SIP credential norte-door without asking the switch (--offline)\n',
      err: '',
    });
    expect(await add('norte-hall', { SWITCH_API_URL: '', SWITCH_API_TOKEN: '' })).toEqual({
      code: 0,
      out: 'added SIP credential norte-hall without asking the switch (SWITCH_API_URL is not set)\n',
      err: '',
    });
    // One of the two set is a configuration error, named, and nothing is added.
    expect(await add('norte-attic', { SWITCH_API_URL: '' })).toMatchObject({
      code: 1,
      err: expect.stringMatching(/^error: SWITCH_API_URL: is required/),
    });
    expect(await getDb().sipCredential.count({ where: { username: 'norte-attic' } })).toBe(0);
    // SWITCH_API_URL copied with the /v1 of the curl examples: the warning names the URL, for both commands.
    const wrong = { ...onSwitch, SWITCH_API_URL: `${sim.url}/v1` };
    expect(await add('norte-lobby', wrong)).toMatchObject({
      code: 0,
      out: 'added SIP credential norte-lobby\n',
      err: expect.stringMatching(
        new RegExp(
          `^warning: GET ${sim.url}/v1/v1/sip-credentials/norte-lobby/registrations answered HTTP 404 not_found: ` +
            `no such endpoint, not the switch's answer for an unknown SIP username\\. Check SWITCH_API_URL ` +
            `\\(${sim.url}/v1\\): Tollgate adds /v1/… itself, so leave /v1 off\\.`,
        ),
      ),
    });
    await sim.control('PUT', '/_sim/accounts/ACC-8041', { internationalCalling: 'allowed', credentials: [] });
    const created = await runAdminAsync(
      ['create-account', '--number', 'ACC-8041', '--name', 'Norte Dos'],
      '',
      wrong,
    );
    expect(created).toMatchObject({ code: 0, out: 'created account ACC-8041\n' });
    expect(created.err).toMatch(
      new RegExp(
        `^warning: GET ${sim.url}/v1/v1/accounts/ACC-8041 answered HTTP 404 not_found: no such endpoint`,
      ),
    );
    expect(created.err).not.toMatch(/does not know account/);
    expect(
      (
        await getDb().sipCredential.findMany({
          where: { account: { number: 'ACC-8040' } },
          orderBy: { username: 'asc' },
        })
      ).map((c) => c.username),
    ).toEqual(['norte-door', 'norte-fax', 'norte-hall', 'norte-lobby', 'norte-recepcion', 'norte-recepcon']);
  }, 60_000);

  it('--help says what create-account and add-sip-credential do with the switch, and names set-password', async () => {
    const help = await runAdminAsync(['--help'], '', { DATABASE_URL: '' });
    expect(help.code).toBe(0);
    // Before: "an account it does not know is refused", while the command warned and created it.
    expect(help.out).not.toMatch(/refused/);
    expect(help.out).toContain('is still created, with a warning on stderr; --offline does not ask');
    expect(help.out).toContain(
      'add-sip-credential --account ACC-1001 --username acme-reception [--label "Reception desk"] [--offline]',
    );
    expect(help.out).toMatch(/^ {2}set-password --email E \[--reason "…"\] /m);
  }, 60_000);

  it('set-password: from a pipe or typed twice at a terminal; refused for a published demo password, a typo, no login', async () => {
    const email = 'sam-own@pier.example';
    expect(
      (await runAdminAsync(['create-user', '--email', email, '--role', 'agent'], `${PASSWORD}\n`)).code,
    ).toBe(0);
    expect(
      await runAdminAsync(['set-password', '--email', email], 'sextant orchard pewter ribbon\n'),
    ).toEqual({ code: 0, out: `set the password of ${email}; 0 session(s) ended\n`, err: '' });
    expect(await runAdminAsync(['set-password', '--email', email], 'demo-sam-2026\n')).toEqual({
      code: 1,
      out: '',
      err:
        'error: password refused: the README publishes it for a demo login, so anyone could sign in with it: ' +
        'choose another\n',
    });
    expect(await runAdminAsync(['set-password', '--email', 'nobody@pier.example'], `${PASSWORD}\n`)).toEqual({
      code: 1,
      out: '',
      err: 'error: no user nobody@pier.example\n',
    });
    const typed = await atTerminal(
      ['set-password', '--email', email],
      [
        { after: 'Password (not shown): ', type: `${PASSWORD}\r` },
        { after: 'The same password again: ', type: `${PASSWORD}\r` },
      ],
    );
    expect(typed).toMatchObject({ code: 0, screen: expect.stringContaining(`set the password of ${email}`) });
    expect(typed.screen).not.toContain('harbour');
    const differ = await atTerminal(
      ['set-password', '--email', email],
      [
        { after: 'Password (not shown): ', type: 'violet granite lantern harbour\r' },
        { after: 'The same password again: ', type: 'violet granite lantern harbor\r' },
      ],
    );
    expect(differ).toMatchObject({
      code: 1,
      screen: expect.stringContaining('error: the two passwords differ: nothing was changed'),
    });
    // The password typed at the terminal is the one that stands.
    const user = await getDb().user.findUniqueOrThrow({ where: { email } });
    expect(await verifyPassword(user.passwordHash, PASSWORD)).toBe(true);
    expect(await getDb().auditLog.count({ where: { action: 'password.changed', targetId: user.id } })).toBe(
      2,
    );
  }, 60_000);

  it('at a terminal, a wrong address, reason or account is said before the password is asked', async () => {
    // Before, the operator typed the new password twice and only then read "no user …" or "--reason:
    // at least 5 characters", and typed it twice again.
    const email = 'asked-last@pier.example';
    expect(
      (await runAdminAsync(['create-user', '--email', email, '--role', 'customer'], `${PASSWORD}\n`)).code,
    ).toBe(0);
    const cases: [string[], string][] = [
      [['set-password', '--email', 'nobody-here@pier.example'], 'error: no user nobody-here@pier.example'],
      [['set-password', '--email', email, '--reason', 'ok'], 'error: --reason: at least 5 characters'],
      [['create-user', '--email', email, '--role', 'customer'], `error: user ${email} already exists`],
      [
        ['create-user', '--email', 'new-one@pier.example', '--role', 'customer', '--account', 'ACC-9990'],
        'error: no account ACC-9990',
      ],
    ];
    for (const [args, error] of cases) {
      const shown = await atTerminal(args, []);
      expect(shown.code).toBe(1);
      expect(shown.screen).toContain(error);
      expect(shown.screen).not.toContain('Password (not shown)');
    }
    // With every check passed, it is asked, and the typed one stands.
    const asked = await atTerminal(
      ['set-password', '--email', email, '--reason', 'Owner verified by a callback'],
      [
        { after: 'Password (not shown): ', type: 'sextant orchard pewter ribbon\r' },
        { after: 'The same password again: ', type: 'sextant orchard pewter ribbon\r' },
      ],
    );
    expect(asked).toMatchObject({ code: 0, screen: expect.stringContaining(`set the password of ${email}`) });
    const user = await getDb().user.findUniqueOrThrow({ where: { email } });
    expect(await verifyPassword(user.passwordHash, 'sextant orchard pewter ribbon')).toBe(true);
  }, 120_000);

  it('set-password --reason: kept in the audit row; a too-short one refused, reset-second-factor’s words, nothing changed', async () => {
    const email = 'reasoned@pier.example';
    expect(
      (await runAdminAsync(['create-user', '--email', email, '--role', 'customer'], `${PASSWORD}\n`)).code,
    ).toBe(0);
    const user = await getDb().user.findUniqueOrThrow({ where: { email } });
    const next = 'sextant orchard pewter ribbon';
    expect(await runAdminAsync(['set-password', '--email', email, '--reason', ' ok '], `${next}\n`)).toEqual({
      code: 1,
      out: '',
      err:
        'error: --reason: at least 5 characters: say why, e.g. --reason "Caller verified by a callback to the ' +
        'number on file"\n',
    });
    expect(await runAdminAsync(['set-password', '--email', email, '--reason'], `${next}\n`)).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^error: Option '--reason <value>' argument missing/),
    });
    expect((await getDb().user.findUniqueOrThrow({ where: { email } })).passwordHash).toBe(user.passwordHash);
    expect(await getDb().auditLog.count({ where: { action: 'password.changed', targetId: user.id } })).toBe(
      0,
    );
    expect(await getDb().mailMessage.count({ where: { to: email, template: 'security_change' } })).toBe(0);

    const reason = 'Owner called from the number on file; password given by phone';
    expect(await runAdminAsync(['set-password', '--email', email, '--reason', reason], `${next}\n`)).toEqual({
      code: 0,
      out: `set the password of ${email}; 0 session(s) ended\n`,
      err: '',
    });
    const row = await getDb().auditLog.findFirstOrThrow({
      where: { action: 'password.changed', targetId: user.id },
    });
    expect(JSON.parse(row.detail!)).toMatchObject({ email, reason });
    const mail = await getDb().mailMessage.findFirstOrThrow({
      where: { to: email, template: 'security_change' },
    });
    expect(JSON.parse(mail.payload)).toMatchObject({ change: 'password_set_by_operator' });
    expect(mail.payload).not.toContain('phone');
  }, 60_000);
});
