import { getTranslations } from 'next-intl/server';
import { LOCALE_NAMES, localeOf } from '@/lib/i18n/locales';
import { describeDialled } from '@/lib/phone/format';
import { accountCountry } from '@/lib/phone/plan';
import { isFirewallCheck } from '@/lib/requests/doors';
import type { StaffRequestView } from '@/lib/requests/detail';
import { When } from '@/components/ui/when';
import { CallbackNumber } from './callback-number';
import { CustomerLocalTime } from './customer-local-time';
import { SenderLeftCallback, SenderLeftNotice } from './sender-left';
import { displayEmail } from '@/lib/auth/email-address';
import { KeptLines } from '@/components/ui/stored-text';

/** The customer who asked, as staff pages name them: "Dana Reyes (dana@acme.example)", or the address alone. */
export function requesterLabel(who: { name: string | null; email: string }): string {
  return who.name ? `${who.name} (${displayEmail(who.email)})` : displayEmail(who.email);
}

/**
 * Who to call, on which number, and what they told us, in their own words. When the sender no longer
 * speaks for the account (`r.senderLeft`: removed from it, their login disabled or gone), a warning
 * comes first, and the callback is the account's number on file and its current members, not the
 * number the sender gave; their language is not offered as the one to call in.
 */
export async function RequestSummary({ r }: { r: StaffRequestView }) {
  const t = await getTranslations('staff.request');
  const left = r.senderLeft;
  const sender = r.submittedBy ?? left?.who ?? null;
  // The language of their words (the quote's `lang`) whoever they are; the one to call in only while they speak for the account.
  const wordsLanguage = sender ? localeOf(sender) : null;
  const language = r.submittedBy ? wordsLanguage : null;
  const doors = await getTranslations('doors');
  const s = await getTranslations('staff.summary');
  const country = accountCountry(r.account.country);
  return (
    <>
      {left ? (
        <SenderLeftNotice
          left={left}
          who={left.who ? requesterLabel(left.who) : null}
          since={left.since ? <When at={left.since} /> : null}
        />
      ) : null}
      <dl className="grid grid-cols-1 gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]">
        <dt className="font-medium">{s('callback')}</dt>
        <dd className="flex flex-col gap-1">
          <CallbackCell r={r} />
        </dd>
        <SummaryLocalTime r={r} />
        <dt className="font-medium">{s('sentBy')}</dt>
        <dd>
          {s.rich('sentByLine', {
            who: sender ? requesterLabel(sender) : s('formerMember'),
            when: () => <When at={r.createdAt} />,
          })}
        </dd>
        {language ? (
          <>
            <dt className="font-medium">{t('language')}</dt>
            <dd lang={language}>{LOCALE_NAMES[language]}</dd>
          </>
        ) : null}
        <dt className="font-medium">{s('words')}</dt>
        <dd>
          {/* The customer's own words, in their language (WCAG 3.1.2): a screen reader reads a Spanish
            account of the misdial with a Spanish voice on an English page. */}
          <blockquote
            lang={r.whatHappened.trim() && wordsLanguage ? wordsLanguage : undefined}
            className="whitespace-pre-wrap border-l-4 border-slate-300 pl-3 italic"
          >
            {r.whatHappened ? <KeptLines text={r.whatHappened} /> : s('nothingWritten')}
          </blockquote>
        </dd>
        {r.intendedNumber ? (
          <>
            <dt className="font-medium">{s('meant')}</dt>
            <dd className="font-mono">{describeDialled(r.intendedNumber, country).display}</dd>
          </>
        ) : null}
        {r.pbxIp ? (
          <>
            <dt className="font-medium">{s('pbx')}</dt>
            <dd className="font-mono">{r.pbxIp}</dd>
          </>
        ) : null}
        {r.checklist ? (
          <>
            <dt className="font-medium">{doors('staffConfirmed')}</dt>
            <dd>
              <ul className="list-disc pl-5">
                {Object.entries(r.checklist)
                  .filter(([, v]) => v)
                  .map(([k]) => (
                    <li key={k}>{isFirewallCheck(k) ? doors(`${k}.confirm`) : k}</li>
                  ))}
              </ul>
            </dd>
          </>
        ) : null}
      </dl>
    </>
  );
}

/**
 * The callback phone's cell: the number the sender gave (CallbackNumber: on file or typed, safe to
 * call or not) while they speak for the account; once they no longer do (`r.senderLeft`), the
 * account's number on file and its current members instead, the number they gave as text only.
 */
export function CallbackCell({
  r,
}: {
  r: Pick<StaffRequestView, 'senderLeft' | 'callback' | 'callbackPhone' | 'account'>;
}) {
  const country = accountCountry(r.account.country);
  return r.senderLeft ? (
    <SenderLeftCallback
      onFile={r.callback.onFile}
      typed={r.callbackPhone}
      country={country}
      members={r.account.members.filter((m) => !m.disabled).map((m) => m.email)}
    />
  ) : (
    <CallbackNumber phone={r.callbackPhone} callback={r.callback} country={country} />
  );
}

/**
 * The account's clock and, when the number to call is in another country, that number's clock
 * (CustomerLocalTime): the number the sender gave while they speak for the account, the account's
 * number on file once they do not (`r.senderLeft`, as CallbackCell offers it). `now`: the moment to
 * read (tests; the render time otherwise).
 */
export function SummaryLocalTime({
  r,
  now,
}: {
  r: Pick<StaffRequestView, 'senderLeft' | 'callback' | 'callbackPhone' | 'account'>;
  now?: Date;
}) {
  return (
    <CustomerLocalTime
      timeZone={r.account.timeZone}
      now={now}
      callback={r.senderLeft ? r.callback.onFile : r.callbackPhone}
      country={accountCountry(r.account.country)}
    />
  );
}
