import { getTranslations } from 'next-intl/server';
import { ActorName } from '@/components/ui/actor-name';
import { namesAnActor } from '@/lib/i18n/actor';
import { StoredText } from '@/components/ui/stored-text';
import { When } from '@/components/ui/when';
import type { BlockView } from '@/lib/blocks/queries';

type Event = BlockView['events'][number] & { actor?: string | null };

/** A block's history. Customers see what happened; staff (`showActor`) also see who did it. */
export async function Timeline({ events, showActor = false }: { events: Event[]; showActor?: boolean }) {
  const t = await getTranslations('timeline');
  return (
    <ol className="flex flex-col gap-2 border-l-2 border-slate-300 pl-4">
      {events.map((e) => (
        <li key={e.id}>
          <p className="font-medium">{t(e.title)}</p>
          <p className="text-sm text-slate-700">
            <When at={e.at} />
            {showActor && namesAnActor(e.actor) ? (
              <>
                {' · '}
                <ActorName actor={e.actor} />
              </>
            ) : null}
            {e.detail ? (
              <>
                {' · '}
                <StoredText value={e.detail} />
              </>
            ) : null}
          </p>
        </li>
      ))}
    </ol>
  );
}
