import { getDb } from '@/lib/server/db';
import { renderMessage } from '@/lib/mail/render';

/**
 * The code of the latest enrolment_code mail queued for `email` (lib/auth/mfa/enrol-proof.ts), read
 * from the rendered text as its owner reads it ("482 913"). Throws when none is queued or it does not
 * render (its session ended, a newer code replaced it).
 */
export async function mailedEnrolmentCode(email: string): Promise<string> {
  const row = await getDb().mailMessage.findFirstOrThrow({
    where: { to: email, template: 'enrolment_code' },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
  const mail = await renderMessage(row, new Date());
  if (!mail.ok) throw new Error(`the enrolment code mail does not render: ${mail.reason}`);
  const code = /\b\d{3} \d{3}\b/.exec(mail.mail.text)?.[0];
  if (!code) throw new Error('no code in the enrolment code mail');
  return code;
}
