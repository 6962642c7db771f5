import { displayEmail } from '@/lib/auth/email-address';
import { type IpPlace, placeIp, placeWordKey } from '@/lib/geo/ip-country';
import { suggestsMisdial } from '@/lib/blocks/misdial-step';
import { type Destinations, destinationsByCalls } from '@/lib/blocks/destinations';
import { countryName, describeDialled, namedDestinations } from '@/lib/phone/format';
import { accountCountry } from '@/lib/phone/plan';
import { formatCallDuration } from '@/lib/requests/call-summary';
import { prefixSlip } from '@/lib/requests/dialling';
import { revealInvisible } from '@/lib/server/control-characters';
import {
  accountFooter,
  accountLabel,
  type Asker,
  askerArgs,
  type ClosedAllowance,
  closedAllowanceText,
  credentialLabel,
  list as listIn,
  type MailContext,
  mailTag,
  sipAddressArgs,
  url,
  when,
  hello,
} from './context';
import { type Part, renderMail } from './layout';
import { sourceIpInMail, switchNameInMail, unreadNumberInMail } from './switch-text';

export type BlockNoticeData = {
  recipient: { email: string; name: string | null };
  account: { name: string; number: string; country: string };
  block: {
    id: string;
    reason: 'high_risk_destination' | 'hotspot_source_ip' | 'suspicious_pattern' | 'manual';
    placedAt: Date;
  };
  /** The calls the mail describes (the latest, oldest first; lib/blocks/call-overview.ts), at most MAX_CALLS shown. */
  calls: { at: Date; sipUsername: string; to: string; sourceIp: string; durationSec: number }[];
  /** Calls stored with the block in all, when `calls` are only the latest of them; default `calls.length`. */
  callCount?: number;
  /**
   * What all the calls name, when `calls` are only some of them (lib/blocks/call-overview.ts
   * callOverview): the dialled numbers most calls name and how many there are, the account's
   * credentials any call names, and the other names (trunks). Default: read from `calls`.
   */
  summary?: { to: Ranked; named: string[]; unknownNames: Ranked };
  /**
   * Every destination of the block's calls (lib/blocks/destinations.ts blockDestinations); default:
   * those of `calls`, most called first.
   */
  destinations?: Destinations;
  /** The account's SIP credentials, for their labels. */
  credentials: { username: string; label: string }[];
  /** The one-time sign-in link landing on the block page; null when none could be made (plain link then). */
  link: { url: string; expires: Date } | null;
  /**
   * Allowance requests this block closed without a decision (asked under an earlier block), each with
   * who asked it as the reader is told ("your request", or the address of the member who asked).
   * Default: none.
   */
  closedAllowances?: ClosedAllowance[];
  /**
   * Unblock requests of an earlier block that an agent approved, whose lift this block withdrew
   * before the switch confirmed it (lib/blocks/lifecycle.ts cancelQueuedLifts): each is back in
   * support's queue, pending, and its block still in force (lib/mail/render.ts names only those that
   * still are). `kind`, `createdAt` (when it was sent), `blockPlacedAt` (when the block it is about
   * was placed), and who sent it as the reader is told ("your request", or the address of the member
   * who asked). The notice says so instead of a request_lift_failed of its own. Default: none.
   */
  reopenedRequests?: ReopenedRequest[];
  /**
   * Set when the block was lifted before its notice could be sent (lib/mail/render.ts): `at` when it
   * was lifted, `newerInForce` whether another block of the account is in force now. The notice then
   * says what happened and that this block is over: no steps, no closed allowance requests (every
   * country could be called again), and `link` should be null. Default: the block is in force.
   */
  lifted?: { at: Date; newerInForce: boolean } | null;
  /**
   * Whether the block's reason needs a person before international calling comes back, under the lift
   * policy as it is when the notice is written (lib/policy/settings.ts accountNeedsPerson): then the
   * password step says the passwords must still be changed and that support reviews the account and
   * lifts the block, never that calling comes back by itself. Default: the built-in policy (only
   * `manual`, which has no password step at all).
   */
  needsPerson?: boolean;
};

/** An approved unblock request whose lift a new block withdrew, as its notice names it (BlockNoticeData). */
export type ReopenedRequest = {
  kind: 'misdial' | 'firewall';
  createdAt: Date;
  blockPlacedAt: Date;
  asker: Asker;
};

/** Where a call's source address is, in the pages' words (lib/geo/ip-country.ts placeWordKey). */
const placeWords = (place: IpPlace, t: MailContext['t']): string => {
  const key = placeWordKey(place);
  return key ? t(`ipPlace.${key}`) : place.countryName!;
};

/**
 * The paragraph (`mail.blockNotice.reopenedRequest`) that tells a member that the approved request
 * `r` had its lift withdrawn by this new block and is back with support: whose, which (kind, when
 * sent, the block it is about), and what happens next.
 */
const reopenedPart = (ctx: MailContext, r: ReopenedRequest): Part => ({
  kind: 'p',
  text: ctx.t('mail.blockNotice.reopenedRequest', {
    kind: r.kind,
    at: when(r.createdAt, ctx),
    blockAt: when(r.blockPlacedAt, ctx),
    ...askerArgs(r.asker),
  }),
});

/** The calls a notice describes one by one; render.ts reads only these (the latest) of a large block. */
export const MAX_CALLS = 10;

/** Some values of one kind, and how many distinct ones there are (lib/blocks/call-overview.ts `Ranked`). */
type Ranked = { values: string[]; distinct: number };

/**
 * The block notice (docs/email.md `block_notice`): subject, HTML and text in the recipient's language.
 * Text the switch wrote that Tollgate could not read is never repeated as it came (./switch-text.ts:
 * whoever placed the calls chooses what they dial, and this mail comes from the provider's domain):
 * a dialled `to` that describeDialled could not read shows as the switch wrote it when it is only
 * keypad characters and plain separators, else its keypad characters alone (unreadNumberInMail), or, when it is no dial string (a web address, a sentence), the words "a number
 * we could not read"; a name the switch reported that is none of the account's credentials shows
 * only when it has a SIP name's shape (switchNameInMail), else "a credential or trunk whose name we
 * could not read"; a `sourceIp` only when it is an address (sourceIpInMail). Each says the block page
 * shows it as the switch logged it. The account's own credentials are named by their labels. Looked
 * up and read as stored.
 */
export function blockNotice(d: BlockNoticeData, ctx: MailContext) {
  const { t } = ctx;
  const list = (items: string[]) => listIn(ctx, items);
  const account = accountLabel(ctx, d.account);
  // A credential's label is the account's own; the name the call gave is the switch's.
  const label = (u: string) =>
    credentialLabel(ctx, revealInvisible(u), d.credentials.find((c) => c.username === u)?.label);
  const isCredential = (u: string) => d.credentials.some((c) => c.username === u);
  // The account's country as libphonenumber knows it (the one fallback, as the block page reads it):
  // how its numbers are read, and whether a +1 number is dialled like a domestic one (highCost).
  const country = accountCountry(d.account.country);
  const calls = d.calls.map((c) => {
    const dialled = describeDialled(c.to, country, mailTag(ctx));
    // A read number as libphonenumber writes it; an unread one as its keypad characters, or none.
    const number = dialled.e164 === null ? unreadNumberInMail(c.to) : dialled.display;
    const name = isCredential(c.sipUsername) ? label(c.sipUsername) : switchNameInMail(c.sipUsername);
    return { ...c, dialled, number, name, ip: sourceIpInMail(c.sourceIp) };
  });
  const total = d.callCount ?? calls.length;
  const all = (values: string[]): Ranked => {
    const distinct = [...new Set(values)];
    return { values: distinct, distinct: distinct.length };
  };
  const others = (r: Ranked, key: 'otherNames') =>
    r.distinct > r.values.length ? [t(`block.explain.${key}`, { count: r.distinct - r.values.length })] : [];
  // Every destination, as the block page's explanation names them (components/block/explanation.tsx):
  // not "and 1,490 other numbers" when every call went to Somalia (lib/blocks/destinations.ts).
  const destinations =
    d.destinations ??
    destinationsByCalls(
      d.calls.map((c) => ({ number: c.to, calls: 1 })),
      country,
    );
  const shownDestinations = namedDestinations(destinations.numbers, country, mailTag(ctx));
  const countries = [
    ...shownDestinations.names,
    ...(shownDestinations.more
      ? [t('block.explain.otherDestinations', { count: shownDestinations.more })]
      : []),
    ...(destinations.unreadable
      ? [t('block.explain.unreadableNumbers', { count: destinations.unreadable })]
      : []),
  ];
  const names = [...new Set(d.calls.map((c) => c.sipUsername))];
  // Names the switch reported that are not SIP credentials here (IP-authenticated trunks): no password to change.
  const named = d.summary?.named ?? names.filter(isCredential);
  const unknown = d.summary?.unknownNames ?? all(names.filter((n) => !named.includes(n)));
  // Names with a SIP name's shape as reported; any other counted in words, never repeated.
  const shownNames = unknown.values.flatMap((n) => switchNameInMail(n) ?? []);
  const unreadNames = unknown.values.length - shownNames.length;
  const trunks = unknown.values.length
    ? [
        ...shownNames,
        ...(unreadNames ? [t('mail.blockNotice.unreadNames', { count: unreadNames })] : []),
        ...others(unknown, 'otherNames'),
      ]
    : [];

  const cards = calls.slice(-MAX_CALLS).map((c) => ({
    title: when(c.at, ctx, true),
    lines: [
      c.dialled.countryName && c.number
        ? t('mail.blockNotice.callTo', { number: c.number, country: c.dialled.countryName })
        : c.number
          ? t('mail.blockNotice.callToUnknown', { number: c.number })
          : t('mail.blockNotice.callToUnread'),
      ...(c.dialled.highCost
        ? [t('mail.blockNotice.callHighCost', { what: t(`block.highCost.${c.dialled.highCost}`) })]
        : []),
      c.name
        ? t('mail.blockNotice.callCredential', { credential: c.name })
        : t('mail.blockNotice.callCredentialUnread'),
      c.ip
        ? t('mail.blockNotice.callIp', { ip: c.ip, country: placeWords(placeIp(c.ip, mailTag(ctx)), t) })
        : t('mail.blockNotice.callIpUnread'),
      // A call of no seconds never connected (the switch refused it, or nobody answered): "Lasted 0
      // seconds" read as a call that cost something (tester on the reference switch, 2026-12).
      Math.round(c.durationSec) <= 0
        ? t('mail.blockNotice.callNotConnected')
        : t('mail.blockNotice.callDuration', { duration: formatCallDuration(c.durationSec, mailTag(ctx)) }),
    ],
  }));
  const callsPart: Part[] = [
    { kind: 'h', text: t('mail.blockNotice.whatHappened') },
    { kind: 'p', text: t('mail.blockNotice.callsIntro', { count: total }) },
    { kind: 'cards', items: cards },
    ...(total > cards.length
      ? [{ kind: 'small', text: t('mail.blockNotice.moreCalls', { count: total - cards.length }) } as Part]
      : []),
  ];
  // Support's own block: support decides, no password step. Otherwise the passwords to change, and
  // whether calling then comes back by itself or support reviews and lifts it (the lift policy).
  const rotateStep = d.needsPerson ? 'mail.blockNotice.stepRotateReview' : 'mail.blockNotice.stepRotate';
  const first =
    d.block.reason === 'manual'
      ? [t('mail.blockNotice.stepManual')]
      : [
          ...(named.length
            ? [t(rotateStep, { count: named.length, credentials: list(named.map(label)) })]
            : []),
          ...(trunks.length ? [t('mail.blockNotice.stepTrunk', { names: list(trunks) })] : []),
        ];
  // The misdial step speaks of this block's own destinations: the 00-for-0 slip when a number reads
  // as a national one (lib/requests/dialling.ts prefixSlip), else the countries with no invented
  // example. Only where the block page suggests it too (lib/blocks/misdial-step.ts, one rule): a
  // hotspot block's mail once suggested a misdial its page said the evidence ruled out.
  const slip = prefixSlip((d.summary?.to ?? all(d.calls.map((c) => c.to))).values, country);
  const misdial = !suggestsMisdial({ reason: d.block.reason, callCount: total })
    ? []
    : [
        slip
          ? t('mail.blockNotice.stepMisdialSlip', { ...slip })
          : t('mail.blockNotice.stepMisdial', { count: total, countries: list(countries) }),
      ];
  const blockUrl = url(ctx, `/blocks/${encodeURIComponent(d.block.id)}`);
  if (d.lifted) return liftedNotice(d, d.lifted, ctx, account, total ? callsPart : [], blockUrl);
  const parts: Part[] = [
    hello(ctx, d),
    {
      kind: 'p',
      strong: true,
      text: t('mail.blockNotice.intro', { account, at: when(d.block.placedAt, ctx) }),
    },
    // What still works and what the block stops, in the block page's words (block.stillWorks), less
    // the page's "no new charges": a new block ends the account's allowances, but the switch keeps one
    // until it confirms the end (lib/allowances/operations.ts endAllowancesWithBlock), and a mail cannot
    // know when it is read whether one still lets calls through (review, 2026-12-07). The page can.
    {
      kind: 'p',
      text: t('block.stillWorks', { country: countryName(country, mailTag(ctx)), allowed: 'unknown' }),
    },
    { kind: 'p', text: t(`reasons.${d.block.reason}`) },
    ...(d.reopenedRequests ?? []).map((r) => reopenedPart(ctx, r)),
    ...(d.closedAllowances ?? []).map((a): Part => ({
      kind: 'p',
      text: closedAllowanceText(ctx, 'blockNotice', a),
    })),
    ...(total ? callsPart : []),
    { kind: 'h', text: t('mail.blockNotice.whatToDo') },
    {
      kind: 'steps',
      items: [
        ...(first.length ? first : [t('mail.blockNotice.stepManual')]),
        t('mail.blockNotice.stepFirewall', sipAddressArgs(ctx)),
        ...misdial,
      ],
    },
    d.link
      ? { kind: 'button', label: t('mail.blockNotice.button'), url: d.link.url }
      : { kind: 'button', label: t('mail.blockNotice.buttonPlain'), url: blockUrl },
    ...(d.link
      ? [
          {
            kind: 'small',
            text: t('mail.blockNotice.linkNote', {
              email: displayEmail(d.recipient.email),
              expires: when(d.link.expires, ctx),
            }),
          } as Part,
          { kind: 'small', text: t('mail.linkNoForward') } as Part,
        ]
      : []),
    { kind: 'small', text: t('mail.blockNotice.notYou', { support: ctx.support }) },
  ];
  return renderMail(
    {
      subject: t('mail.blockNotice.subject', { account }),
      preheader: countries.length
        ? t('mail.blockNotice.preheader', { countries: list(countries) })
        : t('mail.blockNotice.preheaderNoCalls'),
      parts,
    },
    accountFooter(ctx, account),
  );
}

/**
 * The notice of a block lifted before it could be sent: when it was placed and why, the approved
 * requests whose lift it withdrew (still back with support), its calls, that it was lifted and when,
 * and no steps (nothing is asked of the reader for it); a newer block in force is named, and its own
 * notice says what to do. A plain link to the block page (its history).
 */
function liftedNotice(
  d: BlockNoticeData,
  lifted: { at: Date; newerInForce: boolean },
  ctx: MailContext,
  account: string,
  callsPart: Part[],
  blockUrl: string,
) {
  const { t } = ctx;
  const parts: Part[] = [
    hello(ctx, d),
    {
      kind: 'p',
      strong: true,
      text: t('mail.blockNotice.introLifted', {
        account,
        at: when(d.block.placedAt, ctx),
        liftedAt: when(lifted.at, ctx),
      }),
    },
    { kind: 'p', text: t(`reasons.${d.block.reason}`) },
    ...(d.reopenedRequests ?? []).map((r) => reopenedPart(ctx, r)),
    ...callsPart,
    ...(lifted.newerInForce
      ? [{ kind: 'p', text: t('mail.blockNotice.newerInForce', { account }) } as Part]
      : []),
    { kind: 'p', text: t('mail.blockNotice.keepSafeLifted', sipAddressArgs(ctx)) },
    { kind: 'button', label: t('mail.blockNotice.buttonPlain'), url: blockUrl },
    { kind: 'small', text: t('mail.blockNotice.notYou', { support: ctx.support }) },
  ];
  return renderMail(
    {
      subject: t('mail.blockNotice.subjectLifted', { account }),
      preheader: t('mail.blockNotice.preheaderLifted'),
      parts,
    },
    accountFooter(ctx, account),
  );
}
