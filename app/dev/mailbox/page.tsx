import type { Metadata } from 'next';
import { Link } from '@/components/ui/link';
import { getTranslations } from 'next-intl/server';
import { requireDevMailbox } from '@/lib/mail/dev-mailbox';
import { listMail } from '@/lib/mail/mailbox';
import { When } from '@/components/ui/when';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('app');
  return { title: t('meta.mailbox', { app: t('name') }) };
}
export const dynamic = 'force-dynamic';

/** Demo only: the messages the demo "sent" (lib/mail/transport.ts stores them without SMTP_URL). */
export default async function MailboxPage() {
  requireDevMailbox();
  const t = await getTranslations('mailbox');
  const mail = await listMail();
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-bold">{t('title')}</h1>
      <p className="text-slate-700">{t('intro')}</p>
      {mail.length === 0 ? (
        <p>{t('empty')}</p>
      ) : (
        <ul className="flex flex-col gap-2">
          {mail.map((m) => (
            <li key={m.id} className="rounded-md border border-slate-200 bg-white p-3">
              <Link href={`/dev/mailbox/${m.id}`} className="font-semibold text-blue-800 underline">
                {m.subject}
              </Link>
              <p className="text-sm text-slate-700">
                {t('to')}: {m.to} · {t('date')}: <When at={m.storedAt} seconds />
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
