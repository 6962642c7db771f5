import { revealInvisible } from '@/lib/server/control-characters';
import { Suspense } from 'react';
import { getLocale, getTranslations } from 'next-intl/server';
import { IpPlace } from '@/components/ui/ip-place';
import { When } from '@/components/ui/when';
import type { CredentialDevices, NotRead } from '@/lib/devices/registrations';
import { countryName } from '@/lib/phone/format';
import { Section } from '@/components/ui/section';
import { CredentialName } from '@/components/ui/credential-name';
import { TechnicalDetails } from '@/components/ui/technical-details';

type Loaded = { accountCountry: string; credentials: CredentialDevices[] } | null;

/**
 * A binding's terms and values side by side. On a phone the terms take a narrower column (and wrap),
 * as a stacked table's do (app/globals.css table-stack): the contact and address need the room.
 */
const TERMS = 'grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 max-md:grid-cols-[7.5rem_minmax(0,1fr)]';

/**
 * "Registered devices" (CONTRACTS §6): the heading renders at once; the list streams in when the
 * switch has answered (Suspense), so a slow switch never holds back the rest of the page.
 * `load` is a promise started by the page (lib/devices/registrations.ts), already scoped to the user.
 */
export async function RegisteredDevices({ load }: { load: Promise<Loaded> }) {
  const t = await getTranslations('devices');
  return (
    <Section id="devices" title={t('title')}>
      <p className="max-w-2xl text-sm text-slate-700">{t('intro')}</p>
      <Suspense fallback={<p role="status">{t('loading')}</p>}>
        <DeviceList load={load} />
      </Suspense>
    </Section>
  );
}

async function DeviceList({ load }: { load: Promise<Loaded> }) {
  const [loaded, t, app, locale] = await Promise.all([
    load,
    getTranslations('devices'),
    getTranslations('app'),
    getLocale(),
  ]);
  if (!loaded) return null;
  const home = countryName(loaded.accountCountry, locale);
  return (
    <div className="flex flex-col gap-4">
      {loaded.credentials.map((c) => (
        <div key={c.id} className="flex flex-col gap-2 rounded-md border border-slate-200 bg-white p-3">
          <h3 className="font-medium">
            <CredentialName credential={c} />
          </h3>
          {c.bindings === null ? (
            <p role="status" className="text-amber-950">
              <NotReadWords notRead={c.notRead ?? { reason: 'failed' }} />
            </p>
          ) : c.bindings.length === 0 && c.unreadable === 0 ? (
            <p className="text-slate-700">{t('none')}</p>
          ) : (
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
                          {b.shortened.includes('userAgent') ? <Shortened text={t('shortened')} /> : null}
                        </dd>
                        <dt className="text-slate-700">{t('sourceIp')}</dt>
                        <dd>
                          <IpPlace ip={b.sourceIp} />
                        </dd>
                        <dt className="text-slate-700">{t('expires')}</dt>
                        <dd>
                          <When at={b.expiresAt} />
                        </dd>
                      </dl>
                      {/* The address the device gave the switch to reach it: support may ask for it, a
                          customer need not read it to tell their phones apart. */}
                      <TechnicalDetails summary={app('technicalDetails')}>
                        <dl className={TERMS}>
                          <dt className="text-slate-700">{t('contact')}</dt>
                          <dd className="min-w-0 font-mono">
                            <ContactText contact={b.contact} />
                            {b.shortened.includes('contact') ? <Shortened text={t('shortened')} /> : null}
                          </dd>
                        </dl>
                      </TechnicalDetails>
                      {b.flags.length ? (
                        <ul className="mt-2 list-disc pl-5 font-semibold text-red-900">
                          {b.flags.includes('scanner') ? <li>{t('flag.scanner')}</li> : null}
                          {b.flags.includes('trigger_ip') ? <li>{t('flag.triggerIp')}</li> : null}
                          {b.flags.includes('own_network') ? (
                            <li>{t('flag.ownNetwork', { count: b.sameAddress })}</li>
                          ) : null}
                          {b.flags.includes('foreign_country') && b.country ? (
                            <li>
                              {t('flag.foreignCountry', { country: countryName(b.country, locale), home })}
                            </li>
                          ) : null}
                        </ul>
                      ) : null}
                    </li>
                  ))}
                </ul>
              ) : null}
              {c.unreadable > 0 ? (
                <p role="status" className="text-amber-950">
                  {t('unreadable', { count: c.unreadable })}
                </p>
              ) : null}
            </>
          )}
        </div>
      ))}
    </div>
  );
}

/**
 * A registration's contact ("sip:acme-reception@185.220.101.47:5071;transport=tcp") in pieces that a
 * line may end between, never inside: the user part, the `@` and host, the `:` and port, each `;`
 * parameter (the `unbroken` utility, app/globals.css). Broken anywhere, a phone showed
 * "sip:acme-recep⏎tion@185.220.1⏎01.47:5071", the username and the address each cut in two. A piece
 * longer than the line still wraps (its cell may be narrower than the piece: `min-w-0`).
 */
export function ContactText({ contact }: { contact: string }) {
  // As the switch's registrar sent it, but with a direction override or other invisible formatting
  // written out (revealInvisible): a device's contact is text whoever registered it chose.
  return revealInvisible(contact)
    .split(/(?=[@;])|(?=:\d+(?:;|$))/)
    .map((piece, i) => (
      <span key={i} className="unbroken">
        {piece}
      </span>
    ));
}

/**
 * Why a credential's devices are not listed (lib/devices/registrations.ts NotRead): the switch asked
 * Tollgate to pause, with the time they are read again in the reader's zone (When, to the second: a
 * pause lasts seconds to minutes); or the read failed, and a reload tries again.
 */
async function NotReadWords({ notRead }: { notRead: NotRead }) {
  const t = await getTranslations('devices');
  if (notRead.reason === 'failed') return t('couldNotLoad');
  const until = notRead.until;
  return t.rich('paused', { from: () => <When at={until} seconds /> });
}

/** The mark after a field the switch sent longer than Tollgate keeps. */
function Shortened({ text }: { text: string }) {
  return <span className="ml-1 font-sans text-slate-700">{text}</span>;
}
