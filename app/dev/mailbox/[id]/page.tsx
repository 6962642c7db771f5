import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { linksIn, requireDevMailbox } from '@/lib/mail/dev-mailbox';
import { readMail } from '@/lib/mail/mailbox';
import { Section } from '@/components/ui/section';
import { PageHead } from '@/components/ui/page-head';
import { When } from '@/components/ui/when';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('app');
  return { title: t('meta.message', { app: t('name') }) };
}
export const dynamic = 'force-dynamic';

/** One message: its HTML in a sandboxed frame (own CSP, see lib/server/security-headers.ts), its text, its links. */
export default async function MailboxMessagePage({ params }: { params: Promise<{ id: string }> }) {
  requireDevMailbox();
  const { id } = await params;
  const m = await readMail(id);
  if (!m) notFound();
  const t = await getTranslations('mailbox');
  return (
    <div className="flex flex-col gap-4">
      <PageHead back={{ href: '/dev/mailbox', label: t('back') }} title={m.subject} />
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 text-sm">
        <dt className="font-semibold">{t('to')}</dt>
        <dd>{m.to}</dd>
        <dt className="font-semibold">{t('date')}</dt>
        <dd>
          <When at={m.date} seconds />
        </dd>
      </dl>
      <Section id="links" title={t('links')} gap={1} size="lg">
        <ul className="list-disc pl-6">
          {linksIn(m.text).map((href) => (
            <li key={href} className="break-all">
              <a href={href} rel="noreferrer" className="text-blue-800 underline">
                {href}
              </a>
            </li>
          ))}
        </ul>
      </Section>
      <Section id="html" title={t('html')} gap={1} size="lg">
        <iframe
          src={`/dev/mailbox/${m.id}/html`}
          title={t('frameTitle', { subject: m.subject })}
          sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation"
          className="h-[70vh] w-full rounded-md border border-slate-300 bg-white"
        />
      </Section>
      <Section id="text" title={t('text')} gap={1} size="lg">
        <pre className="overflow-x-auto rounded-md border border-slate-300 bg-white p-3 text-sm whitespace-pre-wrap">
          {m.text}
        </pre>
      </Section>
    </div>
  );
}
