import 'server-only';
import { audit } from '@/lib/audit/log';
import { hashPassword, verifyPassword } from '@/lib/auth/password';
import { revokeSignInLinks } from '@/lib/auth/revoke';
import type { CurrentUser } from '@/lib/auth/session';
import { env } from '@/lib/server/env';
import { db } from '@/lib/server/db';
import type { RequestMeta } from '@/lib/server/request-meta';
import { localeOf } from '@/lib/i18n/locales';
import { noteText, notesText } from '@/lib/i18n/note';
import { translate } from '@/lib/i18n/translate';
import { checkPassword } from '@/lib/passwords/check';

export type ChangeResult = { ok: true } | { ok: false; field: 'current' | 'next'; message: string };

/** Portal password change: current password required, same estimator as SIP passwords; other sessions and every outstanding sign-in link end. */
export async function changePortalPassword(
  user: CurrentUser,
  current: string,
  next: string,
  meta: RequestMeta,
): Promise<ChangeResult> {
  const u = await db.user.findUniqueOrThrow({ where: { id: user.id } });
  if (!(await verifyPassword(u.passwordHash, current))) {
    await audit({ action: 'password.change_failed', actor: user, meta });
    return { ok: false, field: 'current', message: 'The current password is not correct.' };
  }
  const checked = await checkPassword(
    next,
    { userInputs: [u.email, u.name ?? ''], minScore: env().PASSWORD_MIN_SCORE },
    { userId: u.id, ip: meta.ip },
  );
  if (!checked.ok)
    return { ok: false, field: 'next', message: noteText(translate(localeOf(user)), checked.note) };
  const verdict = checked.assessment;
  if (!verdict.acceptable)
    return { ok: false, field: 'next', message: notesText(translate(localeOf(user)), verdict.problems) };
  const passwordHash = await hashPassword(next);
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: u.id }, data: { passwordHash } });
    const { count } = await tx.session.deleteMany({ where: { userId: u.id, id: { not: user.sessionId } } });
    const linksRevoked = await revokeSignInLinks(tx, u.email);
    await audit(
      { action: 'password.changed', actor: user, detail: { otherSessionsEnded: count, linksRevoked }, meta },
      tx,
    );
  });
  return { ok: true };
}
