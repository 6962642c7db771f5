import { Fragment, type ReactNode } from 'react';
import { useLocale, useTranslations } from 'next-intl';
import { intlOf } from '@/lib/i18n/intl-cache';
import { intlTag } from '@/lib/i18n/locales';
import type { BlockView } from '@/lib/blocks/queries';
import { suggestsMisdial } from '@/lib/blocks/misdial-step';
import { placeIp, placeWordKey } from '@/lib/geo/ip-country';
import { namedDestinations } from '@/lib/phone/format';
import { accountCountry } from '@/lib/phone/plan';
import { prefixSlip } from '@/lib/requests/dialling';
import { accountNeedsPerson } from '@/lib/policy/settings';
import { credentialName } from '@/lib/accounts/credential-name';
import { CredentialName } from '@/components/ui/credential-name';
import { providerSipAddressValues } from '@/components/ui/sip-addresses';
import { revealInvisible } from '@/lib/server/control-characters';
import type { ExplanationCheck } from '@/lib/blocks/live-read';

/**
 * The lift policy's answer the explanation needs for `block` (ExplanationText's `needsPerson`):
 * whether, by the admins' lift policy as it is now (lib/policy/settings.ts accountNeedsPerson, read on
 * every view), the block's lift waits for a person once every named password is changed; false
 * without a read for a block not in force or support's own (`manual`), whose words do not depend on it.
 *
 * The page reads it beside its other reads, before it renders, and passes it in: the explanation is
 * rendered inside the block page's boundary (app/blocks/[id]/page.tsx WithLiveSuspects), and a read
 * there suspended it; with the switch read in time that boundary has no fallback, so the page's first
 * paint lacked its explanation, calls and passwords until the policy read came in (Tester P,
 * 2026-12-08). A `running` check does not use it (whileChecking drops what it decides); an `unread`
 * one does (checkUnreadSentence).
 */
export async function explanationNeedsPerson(
  block: Pick<BlockView, 'status' | 'reason'> & { account: { id: string } },
): Promise<boolean> {
  return block.status === 'active' && block.reason !== 'manual'
    ? accountNeedsPerson(block.account.id)
    : false;
}

/**
 * Two or three sentences: what probably happened and what to do, from the block's own evidence, in the
 * reader's language (next-intl's provider: the page's, or a test's), for `block` as getBlockForUser
 * reads it. What to do (change passwords, tell us about the trunk, ask for a misdial unblock) is said
 * only while the block is active: once the lift is on its way or done, there is nothing left to do and
 * the page offers none of those steps, so it does not ask for them (the firewall advice stays: it holds
 * for the future). Nor does it invite a misdial report while an unblock request is pending, nor for a
 * block a misdial does not explain (lib/blocks/misdial-step.ts suggestsMisdial, the block notice's rule
 * too). Synchronous, with nothing to read: the block page renders it inside a boundary with no
 * fallback (explanationNeedsPerson).
 *
 * What changing the passwords brings follows `needsPerson`, the lift policy's answer for the block
 * (explanationNeedsPerson): for a reason that needs a person the page never says calling comes back by
 * itself, but that support reviews and lifts the block once the passwords are changed; and once every
 * named password is changed and the block is still in force (held for a person, by this policy or a
 * stricter earlier one), it says support will review, not to change them again. `manual` is support's
 * own block, with no password step at all.
 *
 * `check`: `running`, the block as stored while the page's live read of the switch is still out (the
 * block page's Suspense fallback, app/blocks/[id]/page.tsx WithLiveSuspects): that read may find
 * another credential registered from the calls' address, whose password the lift waits for too;
 * `unread`, the read came back without the devices of some credential (the switch failed to answer,
 * or asked Tollgate to pause: lib/blocks/live-read.ts explanationCheck), so such a credential is as
 * unknown. Either way no step says what happens next (whileChecking) and a sentence says why.
 *
 * The password step names only the passwords still to change, the block's suspects among them (not
 * named by the calls but seen registered from their address or by a SIP scanning tool, `suspected`:
 * the lift waits for them too, and a sentence says why they are asked for), with how many of those
 * are changed already ("1 of the 2 SIP passwords named in this block has been changed"; "…this block
 * asks you to change…" once a suspect is among them), and once
 * every one is, what happens next instead (rotationStep): the page kept asking for both after one was
 * changed (tester, 2026-12).
 *
 * A lifted block's reasons are history: why the switch placed it, in the past (`placedBecause`), never
 * "what probably happened" beside a lift support agreed to as a misdial; the page says how it ended
 * above (block.ended). A block being lifted (`lift_pending`) says the same, then that the lift is on
 * its way to the switch (`liftOnItsWay`), whatever its reason: support's own block read "They will
 * decide when it is lifted" after support had lifted it (tester, 2026-12). The firewall advice
 * (`firewall`, "Also make sure your router…") follows a step it adds to; with none before it (a
 * lifted block, one being lifted, one with no calls), it comes after the advice to keep each SIP
 * password strong (`keepSafe`), so its "also" never dangles.
 *
 * The calls' sentence names the source addresses the switch reported; calls it reported without one
 * (lib/blocks/call-overview.ts `top.sourceIp.unreported`) are counted once at the end of that list
 * ("and 2 calls with no address reported"), and when none had one the sentence says the address was
 * not reported (`callsNoAddress`): an empty address read "and (country unknown)" (tester, 2026-12-07).
 *
 * Every SIP username and dialled number in these sentences stays on one line (the `unbroken` utility,
 * app/globals.css): "salieron por acme-⏎pbx" was split on a phone, and the customer reads them back
 * to support.
 *
 * `check`: the password step without what follows it (whileChecking), then, while
 * the read is `running`, that our phone system is still being checked for other devices using the
 * account's passwords (`checking`), and, where no script runs (CSS `scripting: none`: the streamed
 * live render never replaces the fallback there), that a reload shows what the check found
 * (`checkingNoScript`: the read records its suspects, lib/blocks/suspects.ts, so the next view names
 * them); when it came back `unread`, that the check could not be made, and who makes it before the
 * lift (checkUnreadSentence: the outbox reads every credential before the rotation policy's lift,
 * lib/switch/outbox.ts readBeforePolicyLift; support reviews the devices before its own). A tester read "…comes back automatically once it is changed" for 4 s,
 * until the read named a second password; another, with the read failing, did as asked and saw the
 * lift stopped for a credential the page had not named.
 */
export function ExplanationText({
  block,
  needsPerson,
  check,
}: {
  block: BlockView;
  needsPerson: boolean;
  check?: ExplanationCheck;
}) {
  const t = useTranslations('block.explain');
  const where = useTranslations('ipPlace');
  const country = accountCountry(block.account.country);
  const locale = useLocale();
  const list = (items: string[]) =>
    intlOf(Intl.ListFormat, intlTag(locale), { style: 'long', type: 'conjunction' }).format(items);
  /** The same list with its names kept whole, as a `<tag></tag>` of the sentence renders it. */
  const nameList = (items: ListItem[]) => () => listOfNodes(items, intlTag(locale));
  const unbroken = (chunks: ReactNode) => <span className="unbroken">{chunks}</span>;
  const whole = (name: string): ListItem => ({ text: name, shown: unbroken(name) });
  // The most frequent values of each kind (lib/blocks/queries.ts callOverview), and how many others.
  const others = (key: 'otherNames' | 'otherIps', shown: number, distinct: number) =>
    distinct > shown ? [t(key, { count: distinct - shown })] : [];
  const { sipUsername, sourceIp } = block.top;
  // Every destination of the calls (lib/blocks/destinations.ts), the first NAMED_DESTINATIONS of them
  // (most called first) named in the reader's alphabetical order, then how many other destinations, then
  // how many numbers could not be read. Not "and 1,490 other numbers": that read as calls elsewhere
  // when every call went to Somalia (tester, 2026-12).
  const { destinations } = block;
  const { names, more } = namedDestinations(destinations.numbers, country, locale);
  const countries = [
    ...names,
    ...(more > 0 ? [t('otherDestinations', { count: more })] : []),
    ...(destinations.unreadable ? [t('unreadableNumbers', { count: destinations.unreadable })] : []),
  ];
  // The names and addresses as shown: a bidi override the switch passed on cannot reverse the sentence.
  const written = switchWritten(block);
  const creds = [
    ...written.names.map(whole),
    ...others('otherNames', sipUsername.values.length, sipUsername.distinct),
  ];
  const ips = [
    ...written.ips.map(({ ip, shown }) => {
      const place = placeIp(ip, locale);
      const key = placeWordKey(place);
      return t('ipIn', { ip: shown, country: key ? where(key) : place.countryName! });
    }),
    ...others('otherIps', sourceIp.values.length, sourceIp.distinct),
    // Calls the switch reported without an address: counted once, never an empty address (a tester,
    // 2026-12-07: "…from 185.220.101.47 (Germany), and (country unknown)").
    ...(sourceIp.unreported && written.ips.length
      ? [t('noAddressCalls', { count: sourceIp.unreported })]
      : []),
  ];
  const actionable = block.status === 'active';
  // A pending request is the customer's answer already: no second invitation to send one.
  const asked = block.requests.some((r) => r.status === 'pending');
  // The misdial hint names this block's destinations, or shows the 00-for-0 slip one of them reads as.
  const slip = prefixSlip(block.top.to.values, country);
  // The block's lift waits for the credentials its calls named and for its suspects (seen registered
  // from the calls' address or by a scanning tool, lib/blocks/suspects.ts): each is asked for alike.
  const named = block.credentials.filter((c) => c.named || c.suspected);
  const suspects = named.filter((c) => !c.named);
  // The passwords still to change: those changed since the block are done, and not asked for again.
  const pending = named.filter((c) => !c.rotatedSinceBlock);
  // The suspects still to change, and why they are asked for: the calls did not use them.
  const pendingSuspects = actionable ? suspects.filter((c) => !c.rotatedSinceBlock) : [];
  const rotatable = pending.map((c) => ({
    text: credentialName(c),
    shown: <CredentialName credential={c} brackets usernameClass="" />,
  }));
  const changed = named.length - pending.length;
  const found = rotationStep({
    actionable,
    manual: block.reason === 'manual',
    liftRefused: block.liftRefused,
    unknownNames: block.unknownNames.length > 0,
    otherOpen: block.otherOpenBlockId !== null,
    pending: pending.length,
    changed,
    needsPerson,
  });
  const step = check ? whileChecking(found) : found;
  const trunk = actionable && block.unknownNames.length > 0;
  return (
    <div className="flex flex-col gap-2">
      {block.callCount ? (
        <p>
          {/* No call came with an address: the sentence says so, rather than "from 3 calls with…". */}
          {written.ips.length
            ? t.rich('calls', {
                count: block.callCount,
                countries: list(countries),
                credentials: nameList(creds),
                ips: list(ips),
              })
            : t.rich('callsNoAddress', {
                count: block.callCount,
                countries: list(countries),
                credentials: nameList(creds),
              })}
        </p>
      ) : null}
      {block.status === 'active' ? (
        <p>{t(block.reason)}</p>
      ) : (
        <p>
          {t('placedBecause', { reason: block.reason })}
          {block.status === 'lift_pending' ? ` ${t('liftOnItsWay')}` : null}
        </p>
      )}
      {step === 'rotatedOtherOpen' ? (
        <p className="font-medium">{t(step, { count: block.otherOpenBlockCount })}</p>
      ) : step === 'rotatedStillBlocked' || step === 'rotatedReview' || step === 'rotatedTrunk' ? (
        <p className="font-medium">{t(step)}</p>
      ) : step ? (
        <p className="font-medium">
          {changed
            ? `${t(suspects.length ? 'progressAll' : 'progress', { changed, total: named.length })} `
            : null}
          {t.rich(step, { count: rotatable.length, credentials: nameList(rotatable) })}
        </p>
      ) : null}
      {check === 'running' && step ? (
        <p>
          {t('checking')}
          <span className="hidden noscript:inline"> {t('checkingNoScript')}</span>
        </p>
      ) : check === 'unread' && step ? (
        <p>{t(checkUnreadSentence(found))}</p>
      ) : null}
      {step && pendingSuspects.length ? (
        <p>
          {t.rich('suspects', {
            count: pendingSuspects.length,
            credentials: nameList(
              pendingSuspects.map((c) => ({
                text: credentialName(c),
                shown: <CredentialName credential={c} brackets usernameClass="" />,
              })),
            ),
          })}
        </p>
      ) : null}
      {trunk ? (
        <p>
          {t.rich('trunk', {
            names: nameList([
              ...written.unknownNames.map(whole),
              ...others('otherNames', block.unknownNames.length, block.unknownNameCount),
            ]),
          })}
        </p>
      ) : null}
      {block.reason === 'manual' ? null : (
        <p>
          {/* With no step before it, the advice follows the one to keep each password strong: its
              "also" never dangles. */}
          {step || trunk ? null : `${t('keepSafe')} `}
          {t.rich(
            'firewall',
            providerSipAddressValues((entries) => listOfNodes(entries, intlTag(locale))),
          )}
        </p>
      )}
      {actionable && !asked && suggestsMisdial(block) ? (
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
 * destination (lib/phone/format.ts namedDestinations), an unread one only counted, so none is here.
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
export type RotationStep =
  | 'rotate'
  | 'rotateOnly'
  | 'rotateReview'
  | 'rotatedReview'
  | 'rotatedStillBlocked'
  | 'rotatedOtherOpen'
  | 'rotatedTrunk';

/**
 * Which password step the block page says (DESIGN.md "Re-enabling after a password reset"), from the
 * block's state: none while it is not in force (`actionable` false) or is support's own (`manual`).
 * `pending` is how many SIP passwords the block named are still to change, `changed` how many of them
 * are changed since it was placed (both ≥ 0). Once every one is changed (none pending, one or more
 * changed), what happens next: with a name that has no password here (`unknownNames`, a trunk) only
 * that the passwords are done (`rotatedTrunk`: the page's trunk sentence says what is left); else that
 * the switch refused the lift (`liftRefused`: support was told), or that support reviews and lifts it
 * when the reason needs a person (`needsPerson`, the lift policy), or when no other block of the
 * account is open (`otherOpen`) to explain why it is still in force: a stricter policy held it, and it
 * waits in support's list (lib/policy/rotated-waiting.ts); with another block open and a reason that
 * needs no person, that nothing more is needed for this block and calling comes back once the other
 * one is lifted too (`rotatedOtherOpen`, beside the page's note on the other block). Before that,
 * which passwords to change (the pending ones): with a trunk only that (`rotateOnly`: nothing comes
 * back by itself then), for a reason that needs a person that support reviews and lifts the block once
 * they are changed (`rotateReview`), else that calling comes back by itself (`rotate`). No named
 * credential at all: none.
 */
export function rotationStep(s: {
  actionable: boolean;
  manual: boolean;
  liftRefused: boolean;
  unknownNames: boolean;
  otherOpen: boolean;
  pending: number;
  changed: number;
  needsPerson: boolean;
}): RotationStep | null {
  if (!s.actionable || s.manual) return null;
  if (s.pending === 0 && s.changed > 0) {
    if (s.unknownNames) return 'rotatedTrunk';
    if (s.liftRefused) return 'rotatedStillBlocked';
    return s.needsPerson || !s.otherOpen ? 'rotatedReview' : 'rotatedOtherOpen';
  }
  if (!s.pending) return null;
  if (s.unknownNames) return 'rotateOnly';
  return s.needsPerson ? 'rotateReview' : 'rotate';
}

/**
 * The sentence for a live read that left some credential's devices unread (ExplanationText's `check`
 * `unread`), for `step`, rotationStep's answer before whileChecking: who checks the devices before
 * international calling comes back depends on who lifts the block. The rotation policy's own lift
 * (`rotate`, and `rotatedOtherOpen`, which waits for the account's other blocks) reads every
 * credential's devices first (lib/switch/outbox.ts readBeforePolicyLift): `checkUnread`, "it is
 * checked again before…". Every other step waits for support's lift (a reason that needs a person,
 * calls through a name with no password here, a lift the switch refused), which does no such read,
 * so the sentence says support reviews the account's devices before lifting (`checkUnreadSupport`,
 * docs/staff-console.md: the agent reviews the calls and devices on the account page).
 */
export function checkUnreadSentence(step: RotationStep | null): 'checkUnread' | 'checkUnreadSupport' {
  return step === 'rotate' || step === 'rotatedOtherOpen' ? 'checkUnread' : 'checkUnreadSupport';
}

/**
 * The password step the block page says while its live read of the switch is still out (ExplanationText's
 * `check`), for `step`, rotationStep's answer on the block as stored: that read may find another
 * credential whose password the lift waits for too, so no step promises what comes next. Calling
 * coming back by itself (`rotate`) or after support's review (`rotateReview`) becomes only the
 * passwords to change (`rotateOnly`); "nothing more is needed" (`rotatedOtherOpen`) and "support
 * reviews and lifts it" (`rotatedReview`) become only that the named passwords are changed
 * (`rotatedTrunk`'s words). The others promise nothing and stay.
 */
export function whileChecking(step: RotationStep | null): RotationStep | null {
  switch (step) {
    case 'rotate':
    case 'rotateReview':
      return 'rotateOnly';
    case 'rotatedReview':
    case 'rotatedOtherOpen':
      return 'rotatedTrunk';
    default:
      return step;
  }
}
