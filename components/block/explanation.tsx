import { Fragment, type ReactNode } from 'react';
import { getLocale, getTranslations } from 'next-intl/server';
import { intlOf } from '@/lib/i18n/intl-cache';
import { intlTag } from '@/lib/i18n/locales';
import type { BlockView } from '@/lib/blocks/queries';
import { placeIp } from '@/lib/geo/ip-country';
import { destinationsOf } from '@/lib/phone/format';
import { accountCountry } from '@/lib/phone/plan';
import { prefixSlip } from '@/lib/requests/dialling';
import { accountNeedsPerson } from '@/lib/policy/settings';
import { credentialName } from '@/lib/accounts/credential-name';
import { CredentialName } from '@/components/ui/credential-name';
import { revealInvisible } from '@/lib/server/control-characters';

/**
 * Two or three sentences: what probably happened and what to do, from the block's own evidence. What to
 * do (change passwords, tell us about the trunk, ask for a misdial unblock) is said only while the block
 * is active: once the lift is on its way or done, there is nothing left to do and the page offers none
 * of those steps, so it does not ask for them (the firewall advice stays: it holds for the future).
 * Nor does it invite a misdial report while an unblock request is pending.
 *
 * What changing the passwords brings follows the admins' lift policy as it is now (lib/policy/settings.ts,
 * read on every render): for a reason that needs a person the page never says calling comes back by
 * itself, but that support reviews and lifts the block once the passwords are changed; and once every
 * named password is changed and the block is still in force (held for a person, by this policy or a
 * stricter earlier one), it says support will review, not to change them again. `manual` is support's
 * own block, with no password step at all. `needsPerson` overrides the policy read (tests).
 *
 * Every SIP username and dialled number in these sentences stays on one line (the `unbroken` utility,
 * app/globals.css): "salieron por acme-⏎pbx" was split on a phone, and the customer reads them back
 * to support.
 */
export async function Explanation({ block, needsPerson }: { block: BlockView; needsPerson?: boolean }) {
  const t = await getTranslations('block.explain');
  const country = accountCountry(block.account.country);
  const locale = await getLocale();
  const list = (items: string[]) =>
    intlOf(Intl.ListFormat, intlTag(locale), { style: 'long', type: 'conjunction' }).format(items);
  /** The same list with its names kept whole, as a `<tag></tag>` of the sentence renders it. */
  const nameList = (items: ListItem[]) => () => listOfNodes(items, intlTag(locale));
  const unbroken = (chunks: ReactNode) => <span className="unbroken">{chunks}</span>;
  const whole = (name: string): ListItem => ({ text: name, shown: unbroken(name) });
  // The most frequent values of each kind (lib/blocks/queries.ts callOverview), and how many others.
  const others = (key: 'otherNumbers' | 'otherNames' | 'otherIps', shown: number, distinct: number) =>
    distinct > shown ? [t(key, { count: distinct - shown })] : [];
  const { to, sipUsername, sourceIp } = block.top;
  // The destinations of the numbers most calls went to, named in the reader's alphabetical order
  // (which numbers are named is decided by frequency; the order of a short list of names is not),
  // then how many of them could not be read, then how many others.
  const { names, unreadable } = destinationsOf(to.values, country, locale);
  const countries = [
    ...names,
    ...(unreadable ? [t('unreadableNumbers', { count: unreadable })] : []),
    ...others('otherNumbers', to.values.length, to.distinct),
  ];
  // The names and addresses as shown: a bidi override the switch passed on cannot reverse the sentence.
  const written = switchWritten(block);
  const creds = [
    ...written.names.map(whole),
    ...others('otherNames', sipUsername.values.length, sipUsername.distinct),
  ];
  const ips = [
    ...written.ips.map(({ ip, shown }) =>
      t('ipIn', { ip: shown, country: placeIp(ip, locale).countryName ?? t('ipCountryUnknown') }),
    ),
    ...others('otherIps', sourceIp.values.length, sourceIp.distinct),
  ];
  const actionable = block.status === 'active';
  // A pending request is the customer's answer already: no second invitation to send one.
  const asked = block.requests.some((r) => r.status === 'pending');
  // The misdial hint names this block's destinations, or shows the 00-for-0 slip one of them reads as.
  const slip = prefixSlip(to.values, country);
  const named = block.credentials.filter((c) => c.named);
  const rotatable = named.map((c) => ({
    text: credentialName(c),
    shown: <CredentialName credential={c} brackets usernameClass="" />,
  }));
  // Every password the policy asks for is changed: asking for them again (and promising calls come
  // back) would send the customer round in a circle, whether the switch refused the lift or the
  // policy keeps the block for a person.
  const allRotated =
    !block.unknownNames.length && named.length > 0 && named.every((c) => c.rotatedSinceBlock);
  const step = rotationStep({
    actionable,
    manual: block.reason === 'manual',
    allRotated,
    liftRefused: block.liftRefused,
    unknownNames: block.unknownNames.length > 0,
    otherOpen: block.otherOpenBlockId !== null,
    rotatable: rotatable.length,
    needsPerson:
      needsPerson ??
      (actionable && block.reason !== 'manual' ? await accountNeedsPerson(block.account.id) : false),
  });
  return (
    <div className="flex flex-col gap-2">
      {block.callCount ? (
        <p>
          {t.rich('calls', {
            count: block.callCount,
            countries: list(countries),
            credentials: nameList(creds),
            ips: list(ips),
          })}
        </p>
      ) : null}
      <p>{t(block.reason)}</p>
      {step === 'rotatedStillBlocked' || step === 'rotatedReview' ? (
        <p className="font-medium">{t(step)}</p>
      ) : step ? (
        <p className="font-medium">
          {t.rich(step, { count: rotatable.length, credentials: nameList(rotatable) })}
        </p>
      ) : null}
      {actionable && block.unknownNames.length ? (
        <p>
          {t.rich('trunk', {
            names: nameList([
              ...written.unknownNames.map(whole),
              ...others('otherNames', block.unknownNames.length, block.unknownNameCount),
            ]),
          })}
        </p>
      ) : null}
      {block.reason !== 'manual' ? <p>{t('firewall')}</p> : null}
      {actionable && !asked && block.reason === 'high_risk_destination' && block.callCount > 0 ? (
        <p>
          {slip
            ? t.rich('misdialSlip', { ...slip, unbroken })
            : t('misdial', { count: block.callCount, countries: list(countries) })}
        </p>
      ) : null}
    </div>
  );
}

/**
 * The text the switch wrote that the explanation names, as it shows it (lib/blocks/call-overview.ts
 * `top` and the unknown names): `names`, the SIP usernames (or a trunk's `from` as sent) most calls
 * came through; `ips`, the source addresses most calls came from, each as stored (`ip`, what its
 * country is read from) and as shown (`shown`); `unknownNames`, the names that are no credential of
 * the account (trunks). Shown means with invisible formatting characters written out as `\uXXXX`
 * (revealInvisible, lib/server/control-characters.ts "Text the switch wrote"), so a name or address
 * the fraudster chose cannot reverse the sentence it stands in. Dialled numbers are named by their
 * destination (destinationsOf), an unread one only counted, so none is here.
 */
export function switchWritten(block: Pick<BlockView, 'top' | 'unknownNames'>) {
  return {
    names: block.top.sipUsername.values.map((n) => revealInvisible(n)),
    ips: block.top.sourceIp.values.map((ip) => ({ ip, shown: revealInvisible(ip) })),
    unknownNames: block.unknownNames.map((n) => revealInvisible(n)),
  };
}

/** An item of a list in a sentence: its words (`text`), and how they are shown (a name kept whole). */
type ListItem = string | { text: string; shown: ReactNode };

/**
 * `items` joined as a list in the language of `tag` (Intl.ListFormat: "a, b y c"), each shown as given,
 * which a list formatted as text cannot do. The words are formatted, so the conjunction suits the
 * next word ("acme-pbx e ivr-trunk"); each item then takes its place in turn.
 */
export function listOfNodes(items: ListItem[], tag: string): ReactNode {
  const parts = intlOf(Intl.ListFormat, tag, { style: 'long', type: 'conjunction' }).formatToParts(
    items.map((item) => (typeof item === 'string' ? item : item.text)),
  );
  let next = 0;
  return parts.map((p, i) => {
    if (p.type !== 'element') return p.value;
    const item = items[next++]!;
    return <Fragment key={i}>{typeof item === 'string' ? item : item.shown}</Fragment>;
  });
}

/** The catalogue key (under `block.explain`) of the block page's password step, or null for none. */
export type RotationStep = 'rotate' | 'rotateOnly' | 'rotateReview' | 'rotatedReview' | 'rotatedStillBlocked';

/**
 * Which password step the block page says (DESIGN.md "Re-enabling after a password reset"), from the
 * block's state: none while it is not in force (`actionable` false) or is support's own (`manual`);
 * once every named password is changed (`allRotated`) and the block is still in force, that the switch
 * refused the lift (`liftRefused`: support was told), or that support reviews and lifts it when the
 * reason needs a person, or when no other block of the account is open (`otherOpen`) to explain why it
 * is still in force: a stricter policy held it, and it waits in support's list
 * (lib/policy/rotated-waiting.ts); with another block open and a reason that needs no person, calling
 * comes back by itself once that block's passwords are changed too (`rotate`, beside the page's note
 * on the other block). Before that, which passwords to change: with a name that has no password here
 * (`unknownNames`, a trunk) only that (`rotateOnly`: nothing comes back by itself then), for a reason
 * that needs a person (`needsPerson`, the lift policy) that support reviews and lifts the block once
 * they are changed (`rotateReview`), else that calling comes back by itself (`rotate`). No named
 * credential to change (`rotatable` 0): none.
 */
export function rotationStep(s: {
  actionable: boolean;
  manual: boolean;
  allRotated: boolean;
  liftRefused: boolean;
  unknownNames: boolean;
  otherOpen: boolean;
  rotatable: number;
  needsPerson: boolean;
}): RotationStep | null {
  if (!s.actionable || s.manual) return null;
  if (s.allRotated && s.liftRefused) return 'rotatedStillBlocked';
  if (s.allRotated && (s.needsPerson || !s.otherOpen)) return 'rotatedReview';
  if (!s.rotatable) return null;
  if (s.unknownNames) return 'rotateOnly';
  return s.needsPerson ? 'rotateReview' : 'rotate';
}
