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
 */
export async function Explanation({ block, needsPerson }: { block: BlockView; needsPerson?: boolean }) {
  const t = await getTranslations('block.explain');
  const country = accountCountry(block.account.country);
  const locale = await getLocale();
  const list = (items: string[]) =>
    intlOf(Intl.ListFormat, intlTag(locale), { style: 'long', type: 'conjunction' }).format(items);
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
  const creds = [
    ...sipUsername.values,
    ...others('otherNames', sipUsername.values.length, sipUsername.distinct),
  ];
  const ips = [
    ...sourceIp.values.map((ip) =>
      t('ipIn', { ip, country: placeIp(ip, locale).countryName ?? t('ipCountryUnknown') }),
    ),
    ...others('otherIps', sourceIp.values.length, sourceIp.distinct),
  ];
  const actionable = block.status === 'active';
  // A pending request is the customer's answer already: no second invitation to send one.
  const asked = block.requests.some((r) => r.status === 'pending');
  // The misdial hint names this block's destinations, or shows the 00-for-0 slip one of them reads as.
  const slip = prefixSlip(to.values, country);
  const named = block.credentials.filter((c) => c.named);
  const rotatable = named.map((c) => credentialName(c));
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
          {t('calls', {
            count: block.callCount,
            countries: list(countries),
            credentials: list(creds),
            ips: list(ips),
          })}
        </p>
      ) : null}
      <p>{t(block.reason)}</p>
      {step === 'rotatedStillBlocked' || step === 'rotatedReview' ? (
        <p className="font-medium">{t(step)}</p>
      ) : step ? (
        <p className="font-medium">{t(step, { count: rotatable.length, credentials: list(rotatable) })}</p>
      ) : null}
      {actionable && block.unknownNames.length ? (
        <p>
          {t('trunk', {
            names: list([
              ...block.unknownNames,
              ...others('otherNames', block.unknownNames.length, block.unknownNameCount),
            ]),
          })}
        </p>
      ) : null}
      {block.reason !== 'manual' ? <p>{t('firewall')}</p> : null}
      {actionable && !asked && block.reason === 'high_risk_destination' && block.callCount > 0 ? (
        <p>
          {slip
            ? t('misdialSlip', { ...slip })
            : t('misdial', { count: block.callCount, countries: list(countries) })}
        </p>
      ) : null}
    </div>
  );
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
