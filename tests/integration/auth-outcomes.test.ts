import { TOTP } from 'otpauth';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CurrentUser } from '@/lib/auth/session';
import { hashPassword } from '@/lib/auth/password';
import { encryptSecret } from '@/lib/auth/totp';
import { getDb } from '@/lib/server/db';
import { form, rendered, session } from '@/tests/helpers/action-edge';
import { makeSession, TOTP_SECRET } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';
import { browser } from '@/tests/helpers/browser-edge';
import { dialects, useFreshDb } from '@/tests/helpers/db';

// Sign-in and second-factor refusals are Outcomes with catalogue notes (issue 15): the same input gets
// the same answer in English and in Spanish, worded by the action wrapper (signed in: the user's
// language) or, before anyone is signed in, in this browser's language (Language cookie, else
// Accept-Language). The session and the request headers are the edge of this test (they exist only
// inside a Next request); the domain runs against a real database of each dialect.

// The password form's action refreshes the profile page (revalidatePath), which exists only in a Next request.
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const { changePasswordAction, emailLinkAction, signInAction, signInFormAction } =
  await import('@/lib/auth/actions');
const { enrolAction, newRecoveryCodesAction, sendEnrolmentProofAction, verifyAction } =
  await import('@/lib/auth/mfa/actions');
const { mailedEnrolmentCode } = await import('@/tests/helpers/enrol-code');
const { pendingEnrolment } = await import('@/lib/auth/mfa/enrol');

const PASSWORD = 'current-password-horse-7';
const wrongCode = (secret: string) =>
  new TOTP({ secret, digits: 6, period: 30 }).generate({ timestamp: Date.now() + 10 * 30_000 });

/** A signed-in user writing in `locale`; enrolled with TOTP_SECRET when asked (and verified this session). */
async function signedIn(locale: 'en' | 'es', o: { enrolled?: boolean } = {}): Promise<CurrentUser> {
  const db = getDb();
  const u = await db.user.create({
    data: {
      email: uniqueEmail('auth'),
      role: 'customer',
      locale,
      passwordHash: await hashPassword(PASSWORD),
      ...(o.enrolled ? { totpSecret: encryptSecret(TOTP_SECRET), totpEnabledAt: new Date() } : {}),
    },
  });
  const s = await makeSession(u.id);
  return (session.user = {
    id: u.id,
    email: u.email,
    name: null,
    role: 'customer',
    timeZone: 'UTC',
    locale,
    sessionId: s.id,
    mfaEnrolled: !!o.enrolled,
    mfaVerified: !!o.enrolled,
  });
}

describe.each(dialects())('auth and second-factor answers in the reader’s language on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });
  beforeEach(() => {
    session.user = null;
    browser.cookie = undefined;
    browser.acceptLanguage = null;
  });

  it('change password: a wrong current password, at the field and in the message', async () => {
    const input = { current: 'not-the-password', next: 'granite violet harbour lantern' };
    await signedIn('en');
    expect(await changePasswordAction(undefined, rendered(input))).toEqual({
      ok: false,
      message: 'The current password is not correct.',
      fieldErrors: { current: ['The current password is not correct.'] },
      values: {},
      // Answered: the form's next submission is a new change (lib/server/safe-action.ts).
      nextKey: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    await signedIn('es');
    expect(await changePasswordAction(undefined, rendered(input))).toEqual({
      ok: false,
      message: 'La contraseña actual no es correcta.',
      fieldErrors: { current: ['La contraseña actual no es correcta.'] },
      values: {},
      // Answered: the form's next submission is a new change (lib/server/safe-action.ts).
      nextKey: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const empty = await changePasswordAction(undefined, rendered({ current: '', next: '' }));
    expect(empty.fieldErrors).toEqual({
      current: ['Escriba su contraseña actual.'],
      next: ['Escriba una contraseña nueva.'],
    });
  });

  it('change password: a weak new password says why, in each language; a strong one is confirmed', async () => {
    await signedIn('en');
    const en = await changePasswordAction(undefined, rendered({ current: PASSWORD, next: 'password123' }));
    expect(en).toMatchObject({ ok: false, message: 'Choose a stronger password.' });
    expect(en.fieldErrors?.next?.length).toBeGreaterThan(0);
    await signedIn('es');
    const es = await changePasswordAction(undefined, rendered({ current: PASSWORD, next: 'password123' }));
    expect(es).toMatchObject({ ok: false, message: 'Elija una contraseña más segura.' });
    expect(es.fieldErrors?.next).toHaveLength(en.fieldErrors!.next!.length);
    expect(es.fieldErrors?.next).not.toEqual(en.fieldErrors?.next);
    expect(
      await changePasswordAction(
        undefined,
        rendered({ current: PASSWORD, next: 'granite violet harbour lantern' }),
      ),
    ).toEqual({
      ok: true,
      message: 'Se ha cambiado su contraseña. Se han cerrado todas las demás sesiones.',
      nextKey: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('enrolment: the emailed code, a malformed and a wrong first code, then the empty fields', async () => {
    for (const [locale, sent, none, malformed, wrong] of [
      [
        'en',
        'We are sending a 6-digit code to {email}. It works for 15 minutes.',
        'First press “Email me a code”, then enter the code from the email.',
        'Enter the 6-digit code your app shows (spaces and dashes are fine).',
        'That code is not correct. Scan the QR code again and enter the current code.',
      ],
      [
        'es',
        'Le estamos enviando un código de 6 dígitos a {email}. Funciona durante 15 minutos.',
        'Primero use el botón «Enviarme un código por correo» y luego escriba el código del correo.',
        'Escriba el código de 6 dígitos que muestra su aplicación (puede incluir espacios y guiones).',
        'Ese código no es correcto. Vuelva a escanear el código QR y escriba el código actual.',
      ],
    ] as const) {
      const me = await signedIn(locale);
      const { secret } = await pendingEnrolment(me);
      expect(await enrolAction(undefined, form({ code: wrongCode(secret), mailCode: '123 456' }))).toEqual({
        ok: false,
        message: none,
        fieldErrors: { mailCode: [none] },
        values: { mailCode: '123 456' },
      });
      expect(await sendEnrolmentProofAction(undefined, form({}))).toEqual({
        ok: true,
        message: sent.replace('{email}', me.email),
      });
      const mailCode = await mailedEnrolmentCode(me.email);
      expect(await enrolAction(undefined, form({ code: '12 34', mailCode }))).toEqual({
        ok: false,
        message: malformed,
        fieldErrors: { code: [malformed] },
        // The emailed code comes back typed: a refusal of the app's code keeps it.
        values: { mailCode },
      });
      expect(await enrolAction(undefined, form({ code: wrongCode(secret), mailCode }))).toMatchObject({
        ok: false,
        message: wrong,
        fieldErrors: { code: [wrong] },
      });
    }
    expect((await enrolAction(undefined, form({ code: ' ', mailCode: ' ' }))).fieldErrors).toEqual({
      code: ['Escriba el código de su aplicación de autenticación.'],
      mailCode: ['Escriba el código del correo.'],
    });
  });

  it('verification and new recovery codes: wrong and malformed codes', async () => {
    await signedIn('en', { enrolled: true });
    expect(await verifyAction(undefined, form({ code: wrongCode(TOTP_SECRET) }))).toMatchObject({
      ok: false,
      message: "That code is not correct. Check your authenticator app's clock and try again.",
    });
    expect(await newRecoveryCodesAction(undefined, form({ code: 'ABCD-EFGH-JKMN-PQRS' }))).toMatchObject({
      message: 'Enter the 6-digit code from your authenticator app (spaces and dashes are fine).',
    });
    await signedIn('es', { enrolled: true });
    expect(await verifyAction(undefined, form({ code: wrongCode(TOTP_SECRET) }))).toMatchObject({
      ok: false,
      message:
        'Ese código no es correcto. Compruebe la hora de su aplicación de autenticación y vuelva a intentarlo.',
      fieldErrors: {
        code: [
          'Ese código no es correcto. Compruebe la hora de su aplicación de autenticación y vuelva a intentarlo.',
        ],
      },
    });
    expect(await verifyAction(undefined, form({ code: 'twelve' }))).toMatchObject({
      message:
        'Escriba el código de 6 dígitos de su aplicación de autenticación o un código de recuperación.',
    });
    expect(await newRecoveryCodesAction(undefined, form({ code: 'ABCD-EFGH-JKMN-PQRS' }))).toMatchObject({
      message:
        'Escriba el código de 6 dígitos de su aplicación de autenticación (puede incluir espacios y guiones).',
    });
  });

  it('signed out: the sign-in form and the sign-in link answer in this browser’s language', async () => {
    const bad = form({ email: 'not-an-address', password: '' });
    expect((await signInAction(undefined, bad)).fieldErrors).toEqual({
      email: ['Enter a valid email address.'],
      password: ['Enter your password.'],
    });
    browser.acceptLanguage = 'es-AR,es;q=0.9';
    expect(await signInAction(undefined, bad)).toEqual({
      message: 'Corrija los campos marcados.',
      fieldErrors: {
        email: ['Escriba una dirección de correo electrónico válida.'],
        password: ['Escriba su contraseña.'],
      },
      values: { email: 'not-an-address' },
    });
    // The reason at the field, the form's summary by the button: one sentence read once.
    expect(await emailLinkAction(undefined, form({ email: 'nope' }))).toEqual({
      ok: false,
      message: 'Corrija los campos marcados.',
      fieldErrors: {
        email: ['Primero escriba una dirección de correo válida y después solicite el enlace.'],
      },
      values: { email: 'nope' },
    });
    // The sign-in form's one action: the pressed button's intent chooses, and the answer names it.
    expect(await signInFormAction(undefined, form({ email: '', intent: 'link' }))).toMatchObject({
      message: 'Corrija los campos marcados.',
      fieldErrors: {
        email: ['Primero escriba una dirección de correo válida y después solicite el enlace.'],
      },
      data: { intent: 'link' },
    });
    expect(await signInFormAction(undefined, bad)).toMatchObject({
      message: 'Corrija los campos marcados.',
      data: { intent: 'password' },
    });
    const email = `nobody-${dialect}@t.example`;
    // Sent, it lands on the sign-in page that says so (in the page's language): e2e/16-no-javascript.spec.ts.
    await expect(emailLinkAction(undefined, form({ email }))).rejects.toMatchObject({
      digest: expect.stringContaining(';/sign-in?linkSent=1&callbackUrl=%2F;'),
    });
  });

  // An input tester (2026-12): `email="dana@acme.example\u0000"` was refused, and the answer's
  // `values.email` carried the NUL back to the form; every other action leaves a value holding a
  // control character out of what it echoes (lib/server/safe-action.ts kept), and so do these now.
  it('signed out: an address holding a control character is refused, and not echoed', async () => {
    browser.acceptLanguage = 'es';
    for (const control of ['\u0000', '\u001b', '\u007f']) {
      const email = `dana@acme.example${control}`;
      expect(await signInAction(undefined, form({ email, password: 'x' }))).toEqual({
        message: 'Corrija los campos marcados.',
        fieldErrors: { email: ['Escriba una dirección de correo electrónico válida.'] },
      });
      expect(await emailLinkAction(undefined, form({ email }))).toEqual({
        ok: false,
        message: 'Corrija los campos marcados.',
        fieldErrors: {
          email: ['Primero escriba una dirección de correo válida y después solicite el enlace.'],
        },
      });
      for (const intent of ['password', 'link'])
        expect(await signInFormAction(undefined, form({ email, password: 'x', intent }))).not.toHaveProperty(
          'values',
        );
    }
    // Without one, what was typed comes back to be mended, as before.
    expect((await signInAction(undefined, form({ email: 'dana@acme', password: 'x' }))).values).toEqual({
      email: 'dana@acme',
    });
  });
});
