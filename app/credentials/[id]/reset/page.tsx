import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { getFormatter, getLocale, getMessages, getNow, getTranslations } from 'next-intl/server';
import { RegisteredDevices } from '@/components/devices/registered-devices';
import { DevicesToRetype } from '@/components/devices/devices-to-retype';
import { DevicesBeforeReset } from '@/components/sip/devices-before';
import { RenderAgainIn } from '@/components/sip/render-again';
import { busyStill } from '@/lib/credentials/change-state';
import { ResetForm } from '@/components/sip/reset-form';
import { UnsettledNotice } from '@/components/sip/unsettled';
import { resetSipAction } from '@/lib/credentials/actions';
import { requireUser } from '@/lib/auth/session';
import { env } from '@/lib/server/env';
import { newIdempotencyKey } from '@/lib/server/idempotency';
import { credentialForUser, latestChange, resetPageDevices } from '@/lib/credentials/reset';
import { nextCredentialToChange } from '@/lib/credentials/next-to-change';
import { displayEmail } from '@/lib/auth/email-address';
import { blockOfAccount, getBlockForUser } from '@/lib/blocks/queries';
import { blockPageData } from '@/lib/blocks/page-version';
import { versionOf } from '@/lib/server/version';
import { AutoRefresh } from '@/components/auto-refresh';
import { followsLift, liftNews } from '@/components/sip/lift-news';
import { LiftStatus } from '@/components/sip/lift-status';
import { ZONED } from '@/lib/time/format';
import { PageHead } from '@/components/ui/page-head';
import { CredentialName } from '@/components/ui/credential-name';
import { credentialCallName } from '@/lib/accounts/credential-name';
import { SIP_REFUSED_SHOWN } from '@/lib/passwords/sip-characters';
import { GENERATED_MAX, generatedLengthFor } from '@/lib/passwords/generate';
import { passphraseWordsFor } from '@/lib/passwords/rules';
import { CREDENTIALS_CLIENT_NAMESPACES, pickMessages } from '@/lib/i18n/client-messages';
import { pageTitle } from '@/lib/i18n/page-title';

export const generateMetadata = () => pageTitle('reset.title');

export default async function ResetPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ block?: string }>;
}) {
  const { id } = await params;
  const { block } = await searchParams;
  const user = await requireUser(`/credentials/${encodeURIComponent(id)}/reset`);
  const cred = await credentialForUser(user.id, id);
  if (!cred) notFound();
  const t = await getTranslations('reset');
  const tm = await getTranslations('password.meter');
  const tg = await getTranslations('password.generate');
  const tp = await getTranslations('password');
  const minGuesses = env().SIP_PASSWORD_MIN_GUESSES_LOG10;
  // The switch's registrations for this credential, read once: the form names the devices a new
  // password silences, and "Registered devices" lists them (lib/devices/registrations.ts); a pause of
  // those reads named by the change's own busy time (resetPageDevices), compared at the time the
  // notice compares it with (next-intl's getNow: the notice's useNow).
  const now = await getNow();
  const latest = latestChange(cred.id);
  const devices = resetPageDevices(user.id, cred.id, latest, now);
  const { unsettled, confirmed } = await latest;
  // The wait a new password waits for (a change the switch answered busy, its time still ahead): the
  // one time the page names; devices paused for that same wait say so without naming it again
  // (DevicesBeforeReset, RegisteredDevices `pausedWith`), and the page renders once more when it has
  // come, to say what is true then (as the dashboard does).
  const busy = unsettled?.kind === 'unknown' ? busyStill(unsettled.busyUntil, now) : undefined;
  const format = await getFormatter();
  // Back to the block page it came from, when that block is of this credential's account.
  const backBlock = typeof block === 'string' ? await blockOfAccount(cred.accountId, block) : null;
  const backHref = backBlock ? `/blocks/${backBlock}` : '/';
  // The block's next credential still to change, offered once this one is set (none when all are);
  // and what the lift of that block is doing (components/sip/lift-news.ts): the form's answer says
  // the lift is queued, and the page follows it as the block page follows its block, asking the block
  // page's own `/api/version/blocks/{id}` whether it changed (components/auto-refresh.tsx `watch`),
  // then says whether international calling is back, only once the switch confirmed the lift.
  const [next, view] = backBlock
    ? await Promise.all([
        nextCredentialToChange(user.id, backBlock, cred.id),
        getBlockForUser(user.id, backBlock),
      ])
    : [null, null];
  const news = view ? liftNews(view) : null;
  const watch =
    view && news && followsLift(news)
      ? {
          url: `/api/version/blocks/${encodeURIComponent(view.id)}`,
          version: versionOf(await blockPageData(user.id, view)),
        }
      : null;
  return (
    <div className="flex flex-col gap-4">
      {busy ? <RenderAgainIn inMs={busy.getTime() - now.getTime()} /> : null}
      {watch ? <AutoRefresh watch={watch} /> : null}
      <PageHead back={{ href: backHref, label: t('back') }} title={t('title')} />
      <p className="max-w-xl">
        {t.rich('intro', {
          credential: () => <CredentialName credential={cred} brackets usernameClass="font-mono" />,
          name: cred.account.name,
          number: cred.account.number,
        })}
      </p>
      {unsettled ? <UnsettledNotice unsettled={unsettled} /> : null}
      {/* Who set the password in force, so a member does not unknowingly replace one another member
          set a moment ago (and whose devices they may be configuring). */}
      {confirmed ? (
        <p className="max-w-xl">
          {t('lastChanged', {
            by: confirmed.byId === user.id ? 'you' : confirmed.email ? 'member' : 'unknown',
            email: confirmed.email ? displayEmail(confirmed.email) : '',
            at: format.dateTime(confirmed.at, ZONED),
          })}
        </p>
      ) : null}
      <ResetForm
        action={resetSipAction}
        credentialId={cred.id}
        idempotencyKey={newIdempotencyKey()}
        username={cred.username}
        minGuessesLog10={minGuesses}
        userInputs={[cred.account.number, cred.account.name, cred.username, user.email]}
        backHref={backHref}
        next={
          next
            ? {
                href: `/credentials/${next.id}/reset?block=${backBlock}`,
                label: t('next', { name: credentialCallName(next) }),
              }
            : null
        }
        hint={t.rich('hint', {
          chars: SIP_REFUSED_SHOWN,
          mono: (c) => <span className="font-mono">{c}</span>,
          // What passes the server's rule, from the rule itself: length alone does not (tester,
          // 2026-12: a random 12-character password, "at least 12 characters" as the hint said, was refused).
          guesses: tp('powerOfTen', { exp: minGuesses }),
          words: passphraseWordsFor(minGuesses),
          length: generatedLengthFor(minGuesses),
        })}
        confirmed={t.rich('confirmed', {
          credential: () => <CredentialName credential={cred} brackets usernameClass="font-mono" />,
        })}
        enterOnDevice={t.rich('enterOnDevice', {
          label: credentialCallName(cred),
          strong: (c) => <strong>{c}</strong>,
          // The name a username may be, kept on one line (app/globals.css).
          unbroken: (c) => <span className="unbroken">{c}</span>,
        })}
        words={{
          updated: t('updated'),
          copy: t('copy'),
          copied: t('copied'),
          liftQueued: t('liftQueued'),
          done: t('done'),
          generatedLegend: t('generatedLegend'),
          lengthHint: tg('lengthHint', { min: generatedLengthFor(minGuesses), max: GENERATED_MAX }),
          length: t('length'),
          simple: t('simple'),
          generate: t('generate'),
          field: t('field'),
          show: t('show'),
          hide: t('hide'),
          lost: t('lost'),
          noScript: t('noScript'),
          submit: t('submit'),
          pending: t('pending'),
        }}
        devicesBefore={
          <Suspense fallback={<p role="status">{t('devices.loading')}</p>}>
            <DevicesBeforeReset load={devices} busyUntil={busy} />
          </Suspense>
        }
        devicesAfter={
          <Suspense>
            <DevicesToRetype load={devices} when="after" />
          </Suspense>
        }
        meterWords={{ name: tm('name'), empty: tm('empty'), checking: tm('checking') }}
        locale={await getLocale()}
        messages={pickMessages(await getMessages(), CREDENTIALS_CLIENT_NAMESPACES)}
      />
      {/* Under the form's answer ("…The block page says which, or that calling is back"). */}
      {news ? <LiftStatus news={news} blockHref={backHref} /> : null}
      <RegisteredDevices load={devices} pausedWith={busy} />
    </div>
  );
}
