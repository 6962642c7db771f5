import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/server/db';
import en from '@/messages/en.json';
import { form, session } from '@/tests/helpers/action-edge';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock, makeStaff, makeRequest } from '@/tests/helpers/factory';

// Issue 15: what staff are told comes from the catalogue, in their own language. Each case binds a
// staff domain function with the real action wrapper (as lib/<domain>/actions.ts does) and posts a
// form that the domain refuses; a Spanish agent reads the refusal in Spanish. The session and the
// request headers are the edge (Next's cookies() and headers() exist only inside a request).

const { adminAction, staffAction } = await import('@/lib/server/safe-action');
const { denyRequest, denySchema } = await import('@/lib/requests/decide');
const { placeManualBlock, placeSchema } = await import('@/lib/blocks/manual');
const { resolveSyncIssue, resolveSyncSchema } = await import('@/lib/blocks/sync-issues');
const { setStaffDisabled, disableSchema, createStaffUser, createStaffSchema } =
  await import('@/lib/staff/users');
const { grantAllowance, grantAllowanceSchema } = await import('@/lib/allowances/decide');
const { MAX_HOURS } = await import('@/lib/allowances/rules');

const deny = staffAction(denySchema, (input, { user, meta }) => denyRequest(user, input, meta));
const place = staffAction(placeSchema, (input, { user, meta }) => placeManualBlock(user, input, meta));
const resolve = staffAction(resolveSyncSchema, (input, { user, meta }) =>
  resolveSyncIssue(user, input, meta),
);
const disable = adminAction(disableSchema, (input, { user, meta }) => setStaffDisabled(user, input, meta));
const create = adminAction(createStaffSchema, (input, { user, meta }) => createStaffUser(user, input, meta));
const grant = staffAction(grantAllowanceSchema, (input, { user, meta }) => grantAllowance(user, input, meta));

const staff = (role: 'agent' | 'admin', locale: 'en' | 'es') => makeStaff({ role, locale });

describe.each(dialects())('staff refusals in the agent’s language on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });
  beforeEach(() => {
    session.user = null;
  });

  it('a request someone else decided first: the second agent is told so, in Spanish, with its status', async () => {
    const { account, users } = await makeAccount();
    const db = getDb();
    const block = await makeBlock(account.id);
    const request = await makeRequest(block, users[0].id);
    const fields = {
      requestId: request.id,
      callback: 'unreached' as const,
      denyReason: 'We could not reach you on the callback number.',
    };
    const first = await staff('agent', 'en');
    session.user = first;
    // The first decision wins (the domain returns no words on success; the real action redirects).
    expect(await deny(undefined, form(fields))).toMatchObject({ ok: true });
    session.user = await staff('agent', 'es');
    // The agent who lost is told who decided, and how (c73dd0b).
    expect(await deny(undefined, form(fields))).toEqual({
      ok: false,
      message: `${first.email} ya rechazó esta solicitud. No se cambió nada y no se envió nada al switch ni al cliente. Esta página ya muestra en qué estado está.`,
      values: {},
    });
    // A field the schema checks, in Spanish too.
    expect(
      (await deny(undefined, form({ requestId: request.id, callback: 'spoke' as const, denyReason: 'No.' })))
        .fieldErrors,
    ).toEqual({ denyReason: ['Explique al cliente el motivo en una frase; la leerá en el correo.'] });
    expect(
      await db.auditLog.count({ where: { action: 'request.decision_conflict', targetId: request.id } }),
    ).toBe(1);
  });

  it('a manual block while another change waits for the switch: refused in Spanish, nothing queued twice', async () => {
    const { account } = await makeAccount();
    session.user = await staff('agent', 'es');
    const fields = { accountNumber: account.number, note: 'El cliente pidió el bloqueo.' };
    expect(await place(undefined, form(fields))).toEqual({
      ok: true,
      message:
        // Not "Enviado": the block is queued, and the switch may be down (nothing reached it yet).
        'En camino al switch. El bloqueo estará en vigor cuando el switch lo confirme; esta página le indicará cuándo.',
      // News only until the switch answers: the form drops these words then (lib/switch/awaits-switch.ts).
      data: { awaitsSwitch: true },
    });
    expect(await place(undefined, form(fields))).toEqual({
      ok: false,
      message:
        'Un cambio de esta cuenta sigue a la espera del switch. Vuelva a intentarlo cuando se haya confirmado.',
      values: {},
    });
    expect(await getDb().switchOperation.count({ where: { accountNumber: account.number } })).toBe(1);
  });

  it('a sync issue already resolved: the second agent is told, in Spanish', async () => {
    const { account } = await makeAccount();
    const issue = await getDb().syncIssue.create({
      data: {
        accountId: account.id,
        portalState: 'allowed',
        switchState: 'blocked',
        action: 'blocked_in_portal',
      },
    });
    session.user = await staff('agent', 'es');
    const fields = { issueId: issue.id, note: 'Comprobado en el switch.' };
    expect(await resolve(undefined, form(fields))).toEqual({ ok: true, message: 'Marcada como resuelta.' });
    expect(await resolve(undefined, form(fields))).toEqual({
      ok: false,
      message: 'Otra persona ya resolvió esta diferencia. Vuelva a cargar la página.',
      values: {},
    });
    // An issue that does not exist is answered like any other unknown id: 404.
    await expect(resolve(undefined, form({ ...fields, issueId: 'no-such-issue' }))).rejects.toEqual(
      expect.objectContaining({ digest: expect.stringMatching(/404/) }),
    );
  });

  it('staff users: an admin disabling their own login, or adding an existing one, is refused in Spanish', async () => {
    const admin = await staff('admin', 'es');
    session.user = admin;
    const why = 'Se fue de la empresa';
    expect(await disable(undefined, form({ userId: admin.id, disabled: 'true', reason: why }))).toEqual({
      ok: false,
      message: 'No puede desactivar su propio acceso.',
      values: {},
    });
    expect(
      await create(undefined, form({ email: session.user.email, name: 'Otra vez', role: 'agent' })),
    ).toMatchObject({ ok: false, message: 'Ya existe un acceso con este correo electrónico.' });
    const other = await staff('agent', 'en');
    // No reason (since 2026-12-05 every change to a staff login asks for one): the customer-login
    // forms' message at the field, in Spanish, and nothing changes.
    expect(
      await disable(undefined, form({ userId: other.id, disabled: 'true', reason: ' no ' })),
    ).toMatchObject({
      fieldErrors: { reason: ['Indique un motivo de al menos 5 caracteres: por qué y a petición de quién.'] },
    });
    expect((await getDb().user.findUniqueOrThrow({ where: { id: other.id } })).disabled).toBe(false);
    expect(await disable(undefined, form({ userId: other.id, disabled: 'true', reason: why }))).toEqual({
      ok: true,
      message: `${other.email} está desactivado; se cerraron 0 sesiones.`,
    });
    // The same form sent again (after "may or may not have been made"): nothing changes, no second audit row.
    expect(await disable(undefined, form({ userId: other.id, disabled: 'true', reason: why }))).toMatchObject(
      { ok: false, message: `${other.email} ya está desactivado: no se ha cambiado nada.` },
    );
    expect(
      await getDb().auditLog.count({ where: { action: 'staff_user.disabled', targetId: other.id } }),
    ).toBe(1);
    expect((await getDb().user.findUniqueOrThrow({ where: { id: admin.id } })).disabled).toBe(false);
  });

  it('an allowance form’s field errors reach a Spanish agent in Spanish (schema and home-country rule)', async () => {
    const { account } = await makeAccount(); // home country US (the column default)
    await makeBlock(account.id, { reason: 'manual', placedBy: 'test' });
    session.user = await staff('agent', 'es');
    const fields = {
      accountNumber: account.number,
      country: 'SO',
      hours: '4',
      reason: 'Proveedor en Mogadiscio.',
    };
    const tooLong = await grant(undefined, form({ ...fields, hours: String(MAX_HOURS + 1) }));
    expect(tooLong.message).toBe('Corrija los campos marcados.');
    expect(tooLong.fieldErrors).toEqual({
      hours: [
        'Un permiso dura como máximo 72 horas. Si todavía lo necesita cuando termine, vuelva a solicitarlo.',
      ],
    });
    const home = await grant(undefined, form({ ...fields, country: 'US' }));
    expect(home).toMatchObject({
      ok: false,
      message: 'Corrija los campos marcados.',
      fieldErrors: {
        country: [
          'Estados Unidos: es el país de la propia cuenta. Las llamadas allí son nacionales y no están bloqueadas, así que no hace falta ningún permiso.',
        ],
      },
    });
    expect(await getDb().destinationAllowance.count({ where: { accountId: account.id } })).toBe(0);
    // The English reader gets the same rule in English.
    session.user = await staff('agent', 'en');
    expect((await grant(undefined, form({ ...fields, country: 'US' }))).fieldErrors).toEqual({
      country: [
        'United States: this is the account’s own country. Calls there are national and are not blocked, so no allowance is needed.',
      ],
    });
  });

  it('the catalogue spells the allowance’s longest duration as the rule has it', () => {
    for (const key of ['hours', 'wholeHours', 'maxHours'] as const)
      expect(en.outcome.field.allowance[key]).toContain(String(MAX_HOURS));
  });
});
