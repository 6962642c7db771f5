import { getTranslations } from 'next-intl/server';
import { ActorName } from '@/components/ui/actor-name';
import { namesAnActor } from '@/lib/i18n/actor';
import { StoredText } from '@/components/ui/stored-text';
import { When } from '@/components/ui/when';
import { CredentialName } from '@/components/ui/credential-name';
import { credentialOfResetDetail } from '@/lib/accounts/credential-name';
import type { BlockView } from '@/lib/blocks/queries';

type Event = BlockView['events'][number] & { actor?: string | null };

/**
 * What a timeline entry says beyond its heading: for "SIP password changed", the credential, named as
 * every page names it (its label and username, the username alone when the label adds nothing:
 * CredentialName); else the stored detail in the reader's words (StoredText). Server components only.
 */
export function TimelineDetail({ event: e }: { event: Pick<Event, 'type' | 'detail'> }) {
  const credential = e.type === 'password_reset' ? credentialOfResetDetail(e.detail) : null;
  return credential ? (
    <CredentialName credential={credential} brackets usernameClass="font-mono" />
  ) : (
    <StoredText value={e.detail} />
  );
}

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
                <TimelineDetail event={e} />
              </>
            ) : null}
          </p>
        </li>
      ))}
    </ol>
  );
}
