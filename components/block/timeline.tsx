import { getFormatter, getTranslations } from 'next-intl/server';
import type { BlockView } from '@/lib/blocks/queries';

export async function Timeline({ events }: { events: BlockView['events'] }) {
  const t = await getTranslations('timeline');
  const format = await getFormatter();
  return (
    <ol className="flex flex-col gap-2 border-l-2 border-slate-300 pl-4">
      {events.map((e) => (
        <li key={e.id}>
          <p className="font-medium">{t(e.type)}</p>
          <p className="text-sm text-slate-700">
            <time dateTime={e.at.toISOString()}>{format.dateTime(e.at, { dateStyle: 'medium', timeStyle: 'short' })}</time>
            {e.detail ? ` · ${e.detail}` : ''}
          </p>
        </li>
      ))}
    </ol>
  );
}
