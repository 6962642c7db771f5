import { type MailContext, providerArgs, securityShell, when, hello } from './context';
import { renderMail } from './layout';

export type EnrolmentCodeData = {
  recipient: { name: string | null; email: string };
  /** Six digits, written "482 913". */
  code: string;
  expires: Date;
  /** The client address of the request that asked for it, when known. */
  ip: string | null;
  /**
   * What it confirms (lib/auth/mfa/enrol-proof.ts ProofRequest): turning two-factor authentication
   * on, moving it to a new phone, or choosing a first password.
   */
  purpose: 'enrol' | 'move' | 'password';
  /**
   * The recipient is staff (an agent or admin: User.role is not `customer`): the footer names the
   * support console, not the customer portal. Omitted: a customer.
   */
  staff?: boolean;
};

/** The catalogue keys (under mail.enrolmentCode) of each purpose's subject, preheader and first paragraph. */
const WORDS = {
  enrol: { subject: 'subject', preheader: 'preheader', intro: 'intro' },
  move: { subject: 'subjectMove', preheader: 'preheaderMove', intro: 'introMove' },
  password: { subject: 'subjectPassword', preheader: 'preheaderPassword', intro: 'introPassword' },
} as const;

/**
 * The code that confirms turning on two-factor authentication (lib/auth/mfa/enrol-proof.ts): typed
 * on the set-up page beside the authenticator's first code, so whoever turns it on also reads this
 * mailbox; `purpose` `move`, moving it to a new phone ("Move to a new phone", beside the new phone's
 * first code: worded as a move, not a set-up, for someone who has just lost a phone); or, `purpose`
 * `password`, choosing a portal password on the profile page where support removed the last one.
 * Says what it is for, how long it works and what to do if the reader did not ask (someone else is
 * signed in to the login), and, in its footer, where that login is: the support console for staff
 * (`d.staff`), the customer portal for a customer (securityShell). No link: a code only works typed
 * into the page that asked for it.
 */
export function enrolmentCode(d: EnrolmentCodeData, ctx: MailContext) {
  const { t } = ctx;
  const words = WORDS[d.purpose];
  return renderMail(
    {
      subject: t(`mail.enrolmentCode.${words.subject}`, providerArgs(ctx)),
      preheader: t(`mail.enrolmentCode.${words.preheader}`),
      parts: [
        hello(ctx, d),
        {
          kind: 'p',
          text: t(`mail.enrolmentCode.${words.intro}`, { ip: d.ip ?? '', known: d.ip ? 'yes' : 'no' }),
        },
        { kind: 'h', text: `${d.code.slice(0, 3)} ${d.code.slice(3)}` },
        { kind: 'small', text: t('mail.enrolmentCode.expires', { expires: when(d.expires, ctx) }) },
        { kind: 'p', text: t('mail.enrolmentCode.notYou', { support: ctx.support }) },
      ],
    },
    securityShell(ctx, d.staff ?? false),
  );
}
