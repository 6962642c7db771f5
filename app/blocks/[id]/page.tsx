import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getFormatter, getTranslations } from 'next-intl/server';
import { BlockAllowances } from '@/components/allowance/block-allowances';
import { AutoRefresh } from '@/components/auto-refresh';
import { Explanation } from '@/components/block/explanation';
import { OtherDoors } from '@/components/block/other-doors';
import { RequestList } from '@/components/block/request-list';
import { Timeline } from '@/components/block/timeline';
import { TriggerCalls } from '@/components/block/trigger-calls';
import { RegisteredDevices } from '@/components/devices/registered-devices';
import { requireUser } from '@/lib/auth/session';
import { getBlockForUser } from '@/lib/blocks/queries';
import { devicesForBlock } from '@/lib/devices/registrations';
import { ZONED } from '@/lib/time/format';

export default async function BlockPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/blocks/${encodeURIComponent(id)}`);
  const block = await getBlockForUser(user.id, id);
  if (!block) notFound();
  const t = await getTranslations('block');
  const format = await getFormatter();
  const at = (d: Date) => format.dateTime(d, ZONED);
  const open = block.status !== 'lifted';
  const pending = block.requests.some((r) => r.status === 'pending');
  return (
    <div className="flex flex-col gap-8">
      {block.status === 'lift_pending' ? <AutoRefresh /> : null}
      <div className="flex flex-col gap-2">
        <Link href="/" className="text-sm text-blue-800 underline">
          {t('back')}
        </Link>
        <h1 className="text-2xl font-bold">
          {t(open ? 'title' : 'titleLifted', { name: block.account.name, number: block.account.number })}
        </h1>
        <div role="status" aria-live="polite">
          {block.status === 'active' ? (
            <p className="font-semibold text-red-900">{t('since', { at: at(block.placedAt) })}</p>
          ) : null}
          {block.status === 'lift_pending' ? (
            <p className="rounded-md border border-amber-300 bg-amber-50 p-3 font-semibold text-amber-950">
              {t('waiting')}
            </p>
          ) : null}
          {block.status === 'lifted' && block.liftedAt && block.otherOpenBlockId ? (
            <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950">
              {t('liftedOnly', { at: at(block.liftedAt) })} {t('otherOpen')}{' '}
              <Link href={`/blocks/${block.otherOpenBlockId}`} className="underline">
                {t('otherOpenLink')}
              </Link>
            </p>
          ) : null}
          {block.status === 'lifted' && block.liftedAt && !block.otherOpenBlockId ? (
            <p className="rounded-md border border-emerald-300 bg-emerald-50 p-3 text-emerald-950">
              <strong>{t('allowedNow')}</strong>. {t('liftedAt', { at: at(block.liftedAt) })}
            </p>
          ) : null}
        </div>
      </div>

      <section aria-labelledby="what" className="flex flex-col gap-2">
        <h2 id="what" className="text-xl font-semibold">
          {t('whatHappened')}
        </h2>
        <Explanation block={block} />
      </section>

      <section aria-labelledby="calls" className="flex flex-col gap-2">
        <h2 id="calls" className="text-xl font-semibold">
          {t('callsTitle')}
        </h2>
        <TriggerCalls block={block} />
      </section>

      <section aria-labelledby="creds" className="flex flex-col gap-3">
        <h2 id="creds" className="text-xl font-semibold">
          {t('credentialsTitle')}
        </h2>
        <ul aria-labelledby="creds" className="flex flex-col gap-3">
          {block.credentials.map((c) => (
            <li
              key={c.id}
              className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-slate-200 bg-white p-3"
            >
              <div>
                <p id={`cred-${c.id}`} className="font-medium">
                  {c.label} <span className="font-mono text-sm text-slate-700">{c.username}</span>
                </p>
                <p className="text-sm text-slate-700">
                  {c.named ? `${t('named')} · ` : ''}
                  {c.rotatedSinceBlock ? (
                    <span className="text-emerald-800">{t('rotated')}</span>
                  ) : c.named ? (
                    <span className="text-red-800">{t('notRotated')}</span>
                  ) : null}
                </p>
              </div>
              {open ? (
                <Link
                  href={`/credentials/${c.id}/reset?block=${block.id}`}
                  aria-describedby={`cred-${c.id}`}
                  className="rounded-md bg-blue-800 px-3 py-2 text-sm font-semibold text-white hover:bg-blue-900"
                >
                  {t('reset')}
                </Link>
              ) : null}
            </li>
          ))}
        </ul>
      </section>

      <RegisteredDevices load={devicesForBlock(user.id, block.id)} />

      {open ? <OtherDoors /> : null}

      {block.status === 'active' && !pending && block.reason !== 'manual' ? (
        <section aria-labelledby="other" className="flex flex-col gap-3">
          <h2 id="other" className="text-xl font-semibold">
            {t('actionsTitle')}
          </h2>
          <div className="flex flex-wrap gap-3">
            <Link
              href={`/blocks/${block.id}/misdial`}
              className="rounded-md border border-slate-500 bg-white px-4 py-2 font-semibold hover:bg-slate-100"
            >
              {t('misdial')}
            </Link>
            <Link
              href={`/blocks/${block.id}/firewall`}
              className="rounded-md border border-slate-500 bg-white px-4 py-2 font-semibold hover:bg-slate-100"
            >
              {t('firewall')}
            </Link>
          </div>
        </section>
      ) : null}

      <BlockAllowances userId={user.id} block={block} />

      {block.requests.length ? (
        <section aria-labelledby="reqs" className="flex flex-col gap-3">
          <h2 id="reqs" className="text-xl font-semibold">
            {t('requestsTitle')}
          </h2>
          <RequestList blockId={block.id} requests={block.requests} />
        </section>
      ) : null}

      <section aria-labelledby="timeline" className="flex flex-col gap-3">
        <h2 id="timeline" className="text-xl font-semibold">
          {t('timelineTitle')}
        </h2>
        <Timeline events={block.events} />
      </section>
    </div>
  );
}
