import { useTranslations } from 'next-intl';
import { ActorName } from '@/components/ui/actor-name';
import { namesAnActor } from '@/lib/i18n/actor';
import type { Audience } from '@/lib/i18n/note';
import { StoredText } from '@/components/ui/stored-text';
import { When } from '@/components/ui/when';
import { CredentialName } from '@/components/ui/credential-name';
import { credentialOfResetDetail } from '@/lib/accounts/credential-name';
import type { BlockView, PageActor, SuspectEntry } from '@/lib/blocks/queries';
import { displayEmail } from '@/lib/auth/email-address';
import { shownToCustomer, timelineHeadings, type TimelineHeading } from '@/lib/blocks/timeline-title';
import { readStored } from '@/lib/i18n/stored';

/**
 * `by`: the member who sent or withdrew a request, on the customer's page (getBlockForUser); staff
 * pages pass none. `suspect`: for a suspect credential's entry (getBlockForUser), what it says.
 */
type Event = Omit<BlockView['events'][number], 'by' | 'actor' | 'suspect'> & {
  actor?: string | null;
  by?: PageActor | null;
  suspect?: SuspectEntry | null;
};

/**
 * The ICU arguments of a sentence that names a member (block.request.sent, withdrawnBy,
 * timeline.byPerson): `who` (`you`, `member`, or `other` for a login that is gone) and `by`, a
 * member's address as people write it (displayEmail).
 */
export const actorArgs = (a: PageActor) => ({
  who: a.is === 'unknown' ? 'other' : a.is,
  by: a.is === 'member' ? displayEmail(a.email) : '',
});

/**
 * What a timeline entry says beyond its heading: for "SIP password changed", the credential, named as
 * every page names it (its label and username, the username alone when the label adds nothing:
 * CredentialName); else the stored detail in the words of `audience` (StoredText: a switch error in a
 * customer's entry says "our phone system", in staff's "the switch"). `audience` is required: a
 * default once chose staff's words for whoever forgot it. Server components only.
 */
export function TimelineDetail({
  event: e,
  audience,
}: {
  event: Pick<Event, 'type' | 'detail'>;
  audience: Audience;
}) {
  const credential = e.type === 'password_reset' ? credentialOfResetDetail(e.detail) : null;
  return credential ? (
    <CredentialName credential={credential} brackets usernameClass="font-mono" />
  ) : (
    <StoredText value={e.detail} audience={audience} />
  );
}

/**
 * What a suspect credential's entry says (lib/blocks/queries.ts SuspectEntry, `timeline.suspectSeen`):
 * "Fax (2001) was seen registered from 185.220.101.5, the address of the fraud calls: its password
 * must be changed too before international calls come back", the credential named as every page names
 * it (CredentialName), the address in the block page's words for it (block.suspected's three cases).
 */
function SuspectSeen({ suspect: s }: { suspect: SuspectEntry }) {
  const t = useTranslations('timeline');
  return t.rich('suspectSeen', {
    credential: () => <CredentialName credential={s.credential} brackets usernameClass="font-mono" />,
    reason: s.reason,
    ip: s.ip,
    callIp: s.callIp,
    open: s.open ? 'yes' : 'no',
  });
}

/**
 * The headings staff read in their own words (`staffTimeline.*`): those that speak of the switch, and
 * the block notice's steps through the mail queue ("Block notice queued for email"), which a customer
 * reads as what happened to them (CustomerNoticeSent; most queue steps are not theirs: shownToCustomer).
 */
const STAFF_HEADINGS = [
  'placed_calls',
  'placed_again',
  'reapply_requested',
  'lift_requested',
  'notice_queued',
  'notice_sent',
] as const;
const staffHeading = (h: TimelineHeading): h is (typeof STAFF_HEADINGS)[number] =>
  (STAFF_HEADINGS as readonly string[]).includes(h);

/** An entry's stored note as a customer reads it (lib/i18n/stored.ts readStored): its key and values, or null. */
function customerNote(detail: string | null | undefined) {
  const note = readStored(detail, 'customer');
  return note && typeof note === 'object' ? note : null;
}

/**
 * A `notice_sent` entry as the customer reads it: what happened to them, never the queue it went
 * through (staff's "Block notice emailed · Block notice emailed to …"). Its heading, a key of
 * `timeline` with its values: "We emailed the block notice to dana@acme.example" (`noticeSentTo`, the
 * recipient history.noticeEmailed stored, written as people write it), "We emailed the block notice"
 * (`notice_sent`) for an entry that names none. `more`, what the rest of its line says: for a notice
 * that went out before the switch's details of the calls (history.noticeEmailedNoCalls) that the
 * email did not list them (`noticeSentNoCalls`), `stored` for a note the heading does not say (shown
 * as TimelineDetail shows it), else nothing.
 */
function customerNoticeSent(detail: string | null | undefined): {
  heading: 'noticeSentTo' | 'notice_sent';
  to: string;
  more: 'noticeSentNoCalls' | 'stored' | null;
} {
  const note = customerNote(detail);
  const to = typeof note?.values?.to === 'string' ? note.values.to : '';
  const more =
    note?.key === 'history.noticeEmailedNoCalls'
      ? 'noticeSentNoCalls'
      : note?.key === 'history.noticeEmailed' || !detail
        ? null
        : 'stored';
  return { heading: to ? 'noticeSentTo' : 'notice_sent', to, more };
}

/**
 * A block's history, for the reader `audience` says, which every page states (no default): the
 * customer's block page passes `customer`, staff pages `staff`. It decides both what an entry says
 * beside its time and the words of its stored note:
 * - `customer`: which member sent or withdrew a request ("by you", or the member's address: `by`)
 *   and when a suspect credential was found (`suspect`, SuspectSeen), never an agent; a lift the
 *   switch refused reads "(answer code “account_closed”)" (lib/switch/error-text.ts switchErrorNote,
 *   customerSwitchError.*: "our phone system", never "the switch"); the block notice as what
 *   happened to them, "We emailed the block notice to dana@acme.example" (customerNoticeSent), never
 *   its steps through the mail queue (queued, held, released: left out, lib/blocks/timeline-title.ts
 *   shownToCustomer);
 * - `staff`: every entry, the notice's queue steps in their words ("Block notice queued for email");
 *   who did each thing (`actor`: the agent, the switch, the policy…: ActorName), and the same
 *   refusal reads "(the switch answered “account_closed”)"; a stored note that speaks of the switch
 *   reads in staff's words too (lib/i18n/stored.ts STAFF_WORDED_NOTES: "The switch reports…").
 * It once followed a `showActor` flag, which a page could leave out and show staff's words to a
 * customer, or set and show a customer staff's. Each entry is headed by its `title`, but the
 * switch's own event with the calls of a block the reconciler found first, a second `placed`, reads
 * as what it is (lib/blocks/timeline-title.ts timelineHeadings: "Details of the calls received",
 * staff's "Calls of the block reported by the switch"), and headings that speak of the switch say
 * "the switch" to staff (`staffTimeline.*`), "our phone system" to a customer (`timeline.*`).
 * `events` are shown in the order given, each at its
 * `at` (lib/blocks/timeline-order.ts shownTimeline orders them and sets the times shown). Times in the
 * reader's zone (next-intl's request zone). No async: renders in a server component and in a test alike.
 */
export function Timeline({ events: given, audience }: { events: Event[]; audience: Audience }) {
  const t = useTranslations('timeline');
  const staffWords = useTranslations('staffTimeline');
  const staff = audience === 'staff';
  // A customer reads what happened to them, not the notice's steps through the mail queue.
  const events = staff
    ? given
    : given.filter((e) => shownToCustomer(e.type, customerNote(e.detail)?.key ?? null));
  const headings = timelineHeadings(events);
  // A heading that speaks of the switch: in staff's words for staff (staffTimeline), else the customer's.
  const heading = (h: TimelineHeading) => (staff && staffHeading(h) ? staffWords(h) : t(h));
  return (
    <ol className="flex flex-col gap-2 border-l-2 border-slate-300 pl-4">
      {events.map((e, i) => {
        const notice = !staff && e.type === 'notice_sent' ? customerNoticeSent(e.detail) : null;
        return (
          <li key={e.id}>
            <p className="font-medium">
              {notice ? t(notice.heading, { to: notice.to }) : heading(headings[i]!)}
            </p>
            <p className="text-sm text-slate-700">
              <When at={e.at} />
              {staff && namesAnActor(e.actor) ? (
                <>
                  {' · '}
                  <ActorName actor={e.actor} />
                </>
              ) : !staff && e.by && e.by.is !== 'unknown' ? (
                <>
                  {' · '}
                  {t('byPerson', actorArgs(e.by))}
                </>
              ) : null}
              {e.suspect ? (
                <>
                  {' · '}
                  <SuspectSeen suspect={e.suspect} />
                </>
              ) : notice?.more === 'noticeSentNoCalls' ? (
                <>
                  {' · '}
                  {t('noticeSentNoCalls')}
                </>
              ) : e.detail && (!notice || notice.more === 'stored') ? (
                <>
                  {' · '}
                  <TimelineDetail event={e} audience={audience} />
                </>
              ) : null}
            </p>
          </li>
        );
      })}
    </ol>
  );
}
