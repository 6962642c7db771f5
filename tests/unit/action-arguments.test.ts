import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CurrentUser } from '@/lib/auth/session';
import { session } from '@/tests/helpers/action-edge';
import { browser } from '@/tests/helpers/browser-edge';

// Review 9 item 4: a server action is a public POST endpoint (its id is in the client bundle), and Next
// decodes its arguments from whatever the body holds: a text/plain body `["$undefined","x"]` calls
// action(undefined, "x"), `["x"]` calls action("x"), `[]` calls action(). Every exported action of
// every 'use server' module (found on disk, so a new one is covered) must answer such a call with a
// refusal in words, or change nothing, and never throw (a throw is Next's 500).

const root = path.resolve(import.meta.dirname, '../..');

/** Every file under lib/ whose first statement is 'use server'. */
function serverActionModules(dir = path.join(root, 'lib')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : serverActionModules(p);
    return /\.tsx?$/.test(e.name) && /^['"]use server['"]/.test(fs.readFileSync(p, 'utf8')) ? [p] : [];
  });
}

/** What Next hands an action for each hand-made argument list. */
const BAD_ARGUMENT_LISTS: unknown[][] = [
  [],
  [undefined, 'x'],
  ['x'],
  [undefined, { email: ['a@b.example'] }],
  [null, null],
  [undefined, ['$K1']],
];

const admin: CurrentUser = {
  id: 'u-admin',
  email: 'admin@t.example',
  name: null,
  role: 'admin',
  timeZone: 'UTC',
  locale: 'en',
  sessionId: 's',
  mfaEnrolled: true,
  mfaVerified: true,
};

const NOT_A_FORM = 'This form could not be read: nothing was changed. Reload the page and try again.';
const NO_FORM_ES =
  'No se ha podido leer este formulario: no se ha cambiado nada. Vuelva a cargar la página e inténtelo de nuevo.';

const modules = serverActionModules();
const actions: [string, (...a: unknown[]) => Promise<unknown>][] = [];
for (const file of modules) {
  const mod = (await import(file)) as Record<string, unknown>;
  for (const [name, fn] of Object.entries(mod))
    if (typeof fn === 'function') actions.push([`${path.relative(root, file)} ${name}`, fn as never]);
}

describe('server actions called with arguments that are not a form', () => {
  beforeEach(() => {
    session.user = admin;
    browser.cookie = undefined;
    browser.acceptLanguage = null;
  });

  it('finds every action module and its actions', () => {
    expect(modules.length).toBeGreaterThanOrEqual(10);
    expect(actions.map(([n]) => n)).toEqual(
      expect.arrayContaining([
        'lib/auth/actions.ts signInAction',
        'lib/auth/actions.ts emailLinkAction',
        'lib/auth/actions.ts continueLinkAction',
        'lib/i18n/actions.ts chooseLocaleAction',
        'lib/credentials/actions.ts resetSipAction',
        'lib/staff/actions.ts createStaffAction',
      ]),
    );
  });

  for (const [name, action] of actions) {
    it(`${name}: a refusal in words or nothing, never a throw`, async () => {
      // Sign-out takes no argument: whatever is posted is never read.
      if (action.length === 0) return expect(name).toMatch(/signOut/);
      for (const args of BAD_ARGUMENT_LISTS) {
        const r = await action(...args);
        if (action.length === 1) expect(r, JSON.stringify(args)).toBeUndefined();
        else expect(r, JSON.stringify(args)).toEqual({ ok: false, message: NOT_A_FORM });
      }
    });
  }

  it('signed out, or in Spanish: the same refusal in this browser’s words, or the session message', async () => {
    const { signInAction } = await import('@/lib/auth/actions');
    const { resetSipAction } = await import('@/lib/credentials/actions');
    browser.acceptLanguage = 'es-ES';
    session.user = null;
    expect(await signInAction(undefined, 'x' as never)).toEqual({ ok: false, message: NO_FORM_ES });
    expect(await resetSipAction(undefined, 'x' as never)).toEqual({
      message: 'Su sesión ha terminado. Vuelva a iniciar sesión para continuar.',
      signIn: 'Abrir el inicio de sesión en una pestaña nueva (lo que escribió se queda aquí)',
    });
    session.user = { ...admin, role: 'customer', mfaEnrolled: false, mfaVerified: false, locale: 'es' };
    expect(await resetSipAction(undefined, 'x' as never)).toEqual({ ok: false, message: NO_FORM_ES });
  });
});
