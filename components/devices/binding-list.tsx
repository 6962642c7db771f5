import { useLocale, useTranslations } from 'next-intl';
import { ContactText } from '@/components/devices/contact-text';
import { IpPlace } from '@/components/ui/ip-place';
import { TechnicalDetails } from '@/components/ui/technical-details';
import type { CredentialDevices, NotRead } from '@/lib/devices/registrations';
import { countryName } from '@/lib/phone/format';
import { revealInvisible } from '@/lib/server/control-characters';
import { useWhen } from '@/components/ui/when';

/** The flags said in words, under `devices.flag` (the customer's) and `staff.devices.flag` (support's). */
type FlagKey =
  'scanner' | 'noUserAgent' | 'triggerIp' | 'ownNetwork' | 'foreignCountry' | 'passwordInContact';

/**
 * A binding's terms and values side by side. On a phone the terms take a narrower column (and wrap),
 * as a stacked table's do (app/globals.css table-stack): the contact and address need the room.
 */
const TERMS = 'grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 max-md:grid-cols-[7.5rem_minmax(0,1fr)]';

/**
 * What the switch says of one SIP credential's devices (lib/devices/registrations.ts
 * CredentialDevices): the one rendering of them, on the customer's "Registered devices" (block and
 * reset pages, components/devices/registered-devices.tsx) and the staff account page's
 * (components/staff/account-devices.tsx). Why they were not read (NotRead), or "none", or a list
 * named "Devices registered as {username}" of each binding: its device software first (how a customer
 * tells their phones apart), its source address and where it is (components/ui/ip-place.tsx IpPlace), when the registration
 * ends, its contact folded under "Technical details", and in words why it deserves a second look (its
 * flags: scanner, no_user_agent, trigger_ip, own_network, foreign_country, password_in_contact); then
 * how many could not be read. A device that did not say what it is reads "not reported" as its
 * software (its `userAgent` is '', a registrar's `n/a` included: lib/devices/registrations.ts
 * reportedUserAgent). `audience`: who reads it (default 'customer'; the staff account page passes
 * 'staff'): the customer is asked to act ("change this SIP password"), support is told what the
 * customer should do, in staff's words (`staff.devices.flag`; a tester found "your SIP password" and
 * "our phone system" on the staff page, 2026-12); so are why a credential was not read, the mark of
 * a shortened field and the count of unreadable registrations (`staff.devices.notReadHere`,
 * `shortened`, `unreadable`: "the switch", testers 2026-12-08).
 * `notReadSaidAbove`: the section already says why credentials were not read, once, as its status
 * (DevicesNotRead, above the list): a credential not read then reads a plain short note of which
 * reason ("Could not be read just now."), not a status of its own, so a screen reader hears the
 * reason once, not once per credential (45 times on a large account). Default false: its own status
 * with the whole sentence (NotReadWords), for a BindingList shown alone.
 * `home`: the account's country (ISO 3166-1 alpha-2), named in the foreign-country flag. Switch-written
 * text arrives with its control characters replaced (readableSwitchText) and is shown with invisible
 * formatting written out (revealInvisible). Hooks only (no next-intl/server): renders in any server
 * component, and in a test.
 */
export function BindingList({
  credential: c,
  home,
  audience = 'customer',
  notReadSaidAbove = false,
}: {
  credential: CredentialDevices;
  home: string;
  audience?: 'customer' | 'staff';
  notReadSaidAbove?: boolean;
}) {
  const t = useTranslations('devices');
  const staff = useTranslations('staff.devices');
  const app = useTranslations('app');
  const locale = useLocale();
  // Each flag in words for its reader: the customer is asked to act; support reads what the customer
  // should do, in the words staff use (registrar, contact URI), and a trigger address as one of the
  // account's recent blocks', since the staff page is not about one block.
  const flag = (key: FlagKey, values?: Record<string, string | number>) =>
    audience === 'staff' ? staff(`flag.${key}`, values) : t(`flag.${key}`, values);
  // What Tollgate says of the switch's reads: "the switch" to support, "our phone system" to a customer.
  const said = audience === 'staff' ? staff : t;
  if (c.bindings === null)
    return notReadSaidAbove ? (
      // Said once for the section (DevicesNotRead): here only which reason, not a status of its own.
      <p className="text-amber-950">{said('notReadHere', { reason: c.notRead?.reason ?? 'failed' })}</p>
    ) : (
      <p role="status" className="text-amber-950">
        <NotReadWords notRead={c.notRead ?? { reason: 'failed' }} audience={audience} />
      </p>
    );
  if (c.bindings.length === 0 && c.unreadable === 0) return <p className="text-slate-700">{t('none')}</p>;
  const homeName = countryName(home, locale);
  return (
    <>
      {c.bindings.length > 0 ? (
        <ul aria-label={t('listOf', { username: c.username })} className="flex flex-col gap-2">
          {c.bindings.map((b, i) => (
            <li
              key={`${i}|${b.contact}|${b.sourceIp}`}
              className={`rounded border p-2 text-sm ${b.flags.length ? 'border-red-300 bg-red-50' : 'border-slate-200'}`}
            >
              <dl className={TERMS}>
                {/* What the device calls itself first: how a customer tells their phones apart. */}
                <dt className="text-slate-700">{t('userAgent')}</dt>
                <dd className="break-all">
                  {b.userAgent ? revealInvisible(b.userAgent) : t('noUserAgent')}
                  {b.shortened.includes('userAgent') ? <Shortened text={said('shortened')} /> : null}
                </dd>
                <dt className="text-slate-700">{t('sourceIp')}</dt>
                <dd>
                  <IpPlace ip={b.sourceIp} />
                </dd>
                <dt className="text-slate-700">{t('expires')}</dt>
                <dd>
                  <TimeAt at={b.expiresAt} />
                </dd>
              </dl>
              {/* The address the device gave the switch to reach it: support may ask for it, a
                  customer need not read it to tell their phones apart. */}
              <TechnicalDetails summary={app('technicalDetails')}>
                <dl className={TERMS}>
                  <dt className="text-slate-700">{t('contact')}</dt>
                  <dd className="min-w-0 font-mono">
                    <ContactText contact={b.contact} />
                    {b.shortened.includes('contact') ? <Shortened text={said('shortened')} /> : null}
                  </dd>
                </dl>
              </TechnicalDetails>
              {b.flags.length ? (
                <ul className="mt-2 list-disc pl-5 font-semibold text-red-900">
                  {b.flags.includes('scanner') ? <li>{flag('scanner')}</li> : null}
                  {b.flags.includes('no_user_agent') ? <li>{flag('noUserAgent')}</li> : null}
                  {b.flags.includes('trigger_ip') ? <li>{flag('triggerIp')}</li> : null}
                  {b.flags.includes('own_network') ? (
                    <li>{flag('ownNetwork', { count: b.sameAddress })}</li>
                  ) : null}
                  {b.flags.includes('foreign_country') && b.country ? (
                    <li>
                      {flag('foreignCountry', { country: countryName(b.country, locale), home: homeName })}
                    </li>
                  ) : null}
                  {b.flags.includes('password_in_contact') ? <li>{flag('passwordInContact')}</li> : null}
                </ul>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {c.unreadable > 0 ? (
        <p role="status" className="text-amber-950">
          {said('unreadable', { count: c.unreadable })}
        </p>
      ) : null}
    </>
  );
}

/**
 * A time in the reader's zone with its offset, as components/ui/when.tsx writes it (a <time>
 * element; `seconds` to the second), through hooks: next-intl's request config (the signed-in user's
 * zone) on a page, a test's provider in a test.
 */
function TimeAt({ at, seconds = false }: { at: Date; seconds?: boolean }) {
  const when = useWhen();
  return <time dateTime={at.toISOString()}>{when(at, { seconds })}</time>;
}

/**
 * Why the devices of some of `credentials` were not read, said once for a whole "Registered
 * devices" section as its one status (role="status"), above the list, whose BindingLists then take
 * `notReadSaidAbove`: each reason once (NotReadWords: "Could not get the registered devices from our
 * phone system just now…", or the switch's pause with the latest time any credential is read again),
 * after "The devices of 2 of the SIP passwords below were not read." when some were read. Nothing
 * when every credential was read. The unread credentials carry the same reason nearly always (the
 * switch down, or its pause, holds for every read of one page), and one status per credential made a
 * screen reader say the same sentence 3, 4 or 45 times. `audience` `staff` (the staff account page's
 * devices, components/staff/account-devices.tsx) says it in staff's words, "the switch"
 * (`staff.devices.couldNotLoad`, `paused`); default `customer`, "our phone system" (`devices.*`).
 */
export function DevicesNotRead({
  credentials,
  audience = 'customer',
}: {
  credentials: readonly CredentialDevices[];
  audience?: 'customer' | 'staff';
}) {
  const t = useTranslations('devices');
  const unread = credentials.filter((c) => c.bindings === null);
  if (unread.length === 0) return null;
  const reasons = unread.map((c) => c.notRead ?? { reason: 'failed' as const });
  const failed = reasons.some((r) => r.reason === 'failed');
  const until = reasons.reduce<Date | null>(
    (latest, r) => (r.reason === 'paused' && (!latest || r.until > latest) ? r.until : latest),
    null,
  );
  return (
    <p role="status" className="text-amber-950">
      {unread.length < credentials.length ? <>{t('notReadSome', { count: unread.length })} </> : null}
      {failed ? <NotReadWords notRead={{ reason: 'failed' }} audience={audience} /> : null}
      {failed && until ? ' ' : null}
      {until ? <NotReadWords notRead={{ reason: 'paused', until }} audience={audience} /> : null}
    </p>
  );
}

/**
 * Why a credential's devices are not listed (lib/devices/registrations.ts NotRead): the switch asked
 * Tollgate to pause, with the time they are read again in the reader's zone (to the second: a pause
 * lasts seconds to minutes); or the read failed, and a reload tries again. In the words of
 * `audience`: `devices.*` for a customer, `staff.devices.*` ("the switch") for support.
 */
function NotReadWords({ notRead, audience }: { notRead: NotRead; audience: 'customer' | 'staff' }) {
  const customer = useTranslations('devices');
  const staff = useTranslations('staff.devices');
  const t = audience === 'staff' ? staff : customer;
  if (notRead.reason === 'failed') return t('couldNotLoad');
  const until = notRead.until;
  return t.rich('paused', { from: () => <TimeAt at={until} seconds /> });
}

/** The mark after a field the switch sent longer than Tollgate keeps. */
function Shortened({ text }: { text: string }) {
  return <span className="ml-1 font-sans text-slate-700">{text}</span>;
}
