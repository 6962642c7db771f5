import 'server-only';
import { randomUUID } from 'node:crypto';
import { notFound, redirect, unstable_rethrow } from 'next/navigation';
import type { z } from 'zod';
import { audit } from '@/lib/audit/log';
import { isStaff, STAFF_ROLES } from '@/lib/auth/roles';
import { currentUser, secondFactorPending, type CurrentUser } from '@/lib/auth/session';
import { requestMeta, type RequestMeta } from '@/lib/server/request-meta';
import type { Role } from '@/lib/generated/sqlite/enums';
import { type Locale, localeOf, localeOfTag } from '@/lib/i18n/locales';
import { requestFormatTag, requestLocale } from '@/lib/i18n/request-locale';
import { markedUnavailable } from '@/lib/server/db/unavailable';
import { translate, translator } from '@/lib/i18n/translate';
import {
  fail,
  isOutcome,
  PAGE_LANGUAGE_FIELD,
  succeed,
  type FormState,
  type Outcome,
} from '@/lib/server/outcome';
import { noteText, type Translate } from '@/lib/i18n/note';
import { outcomeToState } from '@/lib/server/outcome-state';
import { issueNote } from '@/lib/server/form-issues';
import { cutWhole, hasControlCharacter } from '@/lib/server/control-characters';
import { errorForLog, log } from '@/lib/server/log';
import {
  findReceipt,
  newIdempotencyKey,
  onceOf,
  receiptWrittenBy,
  type Once,
  type Receipt,
} from '@/lib/server/idempotency';
import { formatWhen } from '@/lib/time/format';

/**
 * What every form action returns; forms render it with useActionState and an aria-live region.
 * `values`: echo of safe (non-secret) fields so a re-rendered (and React-reset) form keeps what the user typed.
 */
export type ActionState<T = unknown> = FormState<T>;

/** `once`: the form's idempotency key and digest, for an action with the `once` option (recordReceipt). */
export type ActionContext = { user: CurrentUser; meta: RequestMeta; once?: Once };

/**
 * A form that applies at most once per render (lib/server/idempotency.ts): `action` names it (a key is
 * good for that form only), `secret` lists its fields left out of the digest (passwords), and
 * `replay(receipt, at)` answers a resend whose first outcome a row settles later (the SIP password
 * change: applied, refused or still unknown), or that goes where the first went (Take next request:
 * a redirect, which it may throw); without it the receipt's note is the answer, with
 * `at` (when the first submission committed, in the reader's zone and language) among its values.
 * `keyOptional`: a post without a key (a page rendered before the form had one) is applied as before,
 * with no receipt, rather than refused `outcome.again.noKey`; for a form whose second application
 * costs a nuisance, not a harm (Take next request: one more request held for 20 minutes).
 */
export type OnceOptions = {
  action: string;
  secret?: readonly string[];
  replay?: (receipt: Receipt, at: string) => Promise<Outcome<unknown>>;
  keyOptional?: boolean;
};

/**
 * roles: who may call it (others get a 404, and staff also need their second factor verified);
 * allowUnverified: callable before the second factor (only the code pages); echo: the form fields
 * that may come back in `values` (never a password); once: a resend of the same render of the form
 * is answered with what the first did, never applied again (OnceOptions).
 */
export type ActionOptions = {
  roles?: readonly Role[];
  allowUnverified?: boolean;
  echo?: readonly string[];
  once?: OnceOptions;
};

/**
 * FormData → plain object; repeated keys (checkbox groups) become arrays. `null` when `form` is not a
 * FormData: an action's id is public, and Next hands an action whatever a POST's argument list holds
 * (a text/plain body `["x"]` gives a string, `[]` gives undefined), so every action must check.
 * Line breaks become LF: a browser submits each line break of a text area as CRLF (HTML's form
 * submission "normalize newlines"), while the text area's maxlength and its writer count one
 * character, so a text at a schema's limit would be refused as too long (break-15).
 */
export function formToObject(form: unknown): Record<string, unknown> | null {
  if (!(form instanceof FormData)) return null;
  const out: Record<string, unknown> = {};
  for (const key of new Set(form.keys())) {
    if (key.startsWith('$ACTION')) continue;
    const all = form
      .getAll(key)
      .filter((v): v is string => typeof v === 'string')
      .map((v) => v.replace(/\r\n?/g, '\n'));
    out[key] = all.length > 1 || key.endsWith('[]') ? all : all[0];
  }
  return out;
}

/**
 * The answer to an action called with something other than a form (see formToObject): an `invalid`
 * refusal in the reader's words (`outcome.notAForm`); nothing was read or changed.
 */
export function notAForm(t: Translate): ActionState<never> {
  return outcomeToState(fail('invalid', 'outcome.notAForm'), t);
}

/**
 * Runs the work of a form nobody is signed in for (`run`: sign-in, "email me a link", a sign-in
 * link's Continue), which userAction does not wrap, and returns its answer. When the database could
 * not be used before the work changed anything (its first statement: markedUnavailable), the answer
 * is userAction's for that case instead: "sending this form changed nothing", in this browser's
 * language, the `echo` fields of `form` kept (never a password), logged as userAction logs it.
 * Anything else `run` throws, a redirect included, is thrown on.
 */
export async function guestForm<T>(
  form: unknown,
  echo: readonly string[],
  run: () => Promise<ActionState<T>>,
): Promise<ActionState<T>> {
  try {
    return await run();
  } catch (e) {
    if (!markedUnavailable(e)) throw e;
    return unexpectedFailure(e, form, echo, await requestLocale());
  }
}

/**
 * The names of the form fields (of formToObject's output) whose text holds a control character
 * (lib/server/control-characters.ts). Invisible formatting characters (bidi marks, a soft hyphen) are
 * taken: people paste them with phone numbers, names and right-to-left text; staff pages show them
 * escaped (revealInvisible), which is where a bidi override could mislead a reader.
 */
export function fieldsWithControlCharacters(raw: Record<string, unknown>): string[] {
  return Object.entries(raw)
    .filter(([, v]) => hasControlCharacter(v))
    .map(([k]) => k);
}

/** Echoes only the fields an action names (opt-in), so a password field can never come back. */
function echo(raw: Record<string, unknown>, keys: readonly string[] = []): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!keys.includes(k)) continue;
    if (typeof v === 'string') out[k] = cutWhole(v, 2000);
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string').slice(0, 200);
  }
  return out;
}

/**
 * `{ values }`: the echoed fields (`keys`) of a form that was not acted on before it was read (the
 * session ended, the second factor is still due), whose action failed unexpectedly
 * (unexpectedFailure), or that a form nobody is signed in for answers (lib/auth/actions.ts: sign-in,
 * "email me a link"), so the re-rendered form keeps what was typed: each text cut to 2000 characters
 * (whole characters), a list to 200 values; a field holding a control character (a NUL) is left out,
 * as on the control-character refusal. `{}` when nothing is echoed, or `form` is not a FormData.
 */
export function kept(
  form: unknown,
  keys: readonly string[] = [],
): { values?: Record<string, string | string[]> } {
  const raw = formToObject(form);
  if (!raw) return {};
  const controlled = fieldsWithControlCharacters(raw);
  const values = echo(
    raw,
    keys.filter((k) => !controlled.includes(k)),
  );
  return Object.keys(values).length ? { values } : {};
}

/**
 * A schema's message for a field, in the reader's language: a schema names a catalogue key under
 * `outcome.field.*` (e.g. `.min(1, 'outcome.field.intendedNumber')`) and this translates it; any other
 * message (an older schema's English sentence) passes through unchanged.
 */
export function fieldMessage(message: string, locale: Locale): string {
  if (!message.startsWith('outcome.field.')) return message;
  const t = translator(locale);
  return t.has(message as never) ? t(message as never) : message;
}

/**
 * The words for one zod issue of a form field in `locale`: issueNote's note (lib/server/form-issues.ts:
 * the catalogue key the schema names; `outcome.field.tooLong` for a string over its `.max(n)`;
 * `outcome.field.notSent` for any other issue) in the reader's words, never zod's own (English) message.
 */
export function issueMessage(issue: z.core.$ZodIssue, locale: Locale): string {
  return noteText(translate(locale), issueNote(issue));
}

/**
 * The one wrapper for server actions: load the session, check the role (and the staff second
 * factor), parse the input with zod, then call the domain and map its Outcome to form state
 * (lib/server/outcome.ts outcomeToState, words in the page's language). A page check does not protect an action.
 * Callers outside their role get a 404, exactly like an id that is not theirs.
 * Anything else that throws (the database cut by a timeout, a bug) is answered as form state by
 * unexpectedFailure: the form stays, with what was typed; Next's own throws (redirect(), notFound(),
 * forbidden()…) pass through.
 */
export function userAction<S extends z.ZodType, T = unknown>(
  schema: S,
  handler: Handler<S, T>,
  opts: ActionOptions = {},
) {
  return async (_prev: ActionState<T> | undefined, form: FormData): Promise<ActionState<T>> => {
    // The reader's language once it is known (the user's), for the answer to a failure after that.
    const reader: { locale?: Locale } = {};
    try {
      return await act(schema, handler, opts, form, reader);
    } catch (e) {
      unstable_rethrow(e);
      return unexpectedFailure(e, form, opts.echo, reader.locale ?? (await unknownReaderLocale(form)));
    }
  };
}

/**
 * The language to answer a post in when its reader is not known (no session, or a failure before it
 * was read): the language of the page the form was posted from (PAGE_LANGUAGE_FIELD, which
 * ActionForm fills from `<html lang>`), else what a signed-out visitor's pages are in (requestLocale:
 * the Language cookie, then Accept-Language). A page in English for a user who chose it, in a browser
 * set to Spanish, gets its "session ended" in English.
 */
async function unknownReaderLocale(form: unknown): Promise<Locale> {
  const shown = formToObject(form)?.[PAGE_LANGUAGE_FIELD];
  return (typeof shown === 'string' && localeOfTag(shown)) || (await requestLocale());
}

/** userAction's work, from the session to the form state; sets `reader.locale` once the reader is known. */
async function act<S extends z.ZodType, T>(
  schema: S,
  handler: Handler<S, T>,
  opts: ActionOptions,
  form: unknown,
  reader: { locale?: Locale },
): Promise<ActionState<T>> {
  const user = await currentUser();
  // No user to write to: the language of the page the form was on, else the language this browser's
  // pages are in (Language cookie, Accept-Language). What was typed comes back (the echoed fields): an
  // agent whose session ended during a call keeps the call's note, signs in again in another tab and
  // sends the same form (issue #14).
  if (!user) {
    const t = translate(await unknownReaderLocale(form));
    return {
      message: t('outcome.sessionEnded'),
      signIn: t('outcome.signInNewTab'),
      ...kept(form, opts.echo),
    };
  }
  if (opts.roles && (!opts.roles.includes(user.role) || (isStaff(user) && !user.mfaVerified))) {
    // A customer (or a staff session without its second factor) posting a staff action: recorded, then 404.
    await audit({
      action: 'access.denied',
      actor: user,
      detail: { need: opts.roles, mfaVerified: user.mfaVerified },
      meta: await requestMeta(),
    });
    notFound();
  }
  // The language of the page the form is on: User.locale, which the pages keep to the user's choice or
  // else this browser's language (lib/i18n/preference.ts). A session still waiting for its second
  // factor does not store the browser's language on the user (lib/auth/session.ts
  // secondFactorPending), so its answers take the request's, as its pages do (i18n/request.ts).
  const locale = secondFactorPending(user) ? await requestLocale(user) : localeOf(user);
  reader.locale = locale;
  const t = translate(locale);
  if (!opts.allowUnverified && secondFactorPending(user))
    return { message: t('outcome.mfaFirst'), ...kept(form, opts.echo) };
  const raw = formToObject(form);
  if (!raw) return notAForm(t);
  // Text with a control character (NUL above all: PostgreSQL refuses it in text, a 500) is refused
  // here, for every action, with a message on its field; nothing is changed. Every free-text field a
  // customer or an agent writes arrives through this wrapper.
  const controlled = fieldsWithControlCharacters(raw);
  if (controlled.length > 0) {
    const message = fieldMessage('outcome.field.controlCharacter', locale);
    return {
      message: t('outcome.correctFields'),
      fieldErrors: Object.fromEntries(controlled.map((k) => [k, [message]])),
      values: echo(
        raw,
        (opts.echo ?? []).filter((k) => !controlled.includes(k)),
      ),
    };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues)
      (fieldErrors[String(issue.path[0] ?? 'form')] ??= []).push(issueMessage(issue, locale));
    return { message: t('outcome.correctFields'), fieldErrors, values: echo(raw, opts.echo) };
  }
  const once = opts.once ? onceOf(opts.once.action, user.id, raw, opts.once.secret) : null;
  if (opts.once && !once && !opts.once.keyOptional)
    return { ...outcomeToState(fail('invalid', 'outcome.again.noKey'), t), values: echo(raw, opts.echo) };
  const first =
    once && opts.once ? () => answerFromReceipt(once, opts.once!, user, locale) : async () => null;
  // A resend of a render whose first submission committed: its outcome, and nothing applied again.
  let returned: ActionState<T> | Outcome<T> | null = await first();
  let fromReceipt = returned !== null;
  if (!returned) {
    try {
      returned = await handler(parsed.data, { user, meta: await requestMeta(), ...(once ? { once } : {}) });
    } catch (e) {
      // A submission of the same render committed meanwhile (two at once: this one's receipt was
      // refused as a duplicate), or this one committed and then failed: the receipt says what was done.
      unstable_rethrow(e);
      // A replay's own redirect (Next's throw) is the answer; anything else it throws is not.
      returned = await first().catch((again: unknown) => {
        unstable_rethrow(again);
        return null;
      });
      if (!returned) throw e;
      fromReceipt = true;
    }
    // Refused because the same render's other submission got there first (its change waited on a lock);
    // not when this submission wrote the receipt itself (a change made, then refused by the switch).
    if (
      once &&
      isOutcome(returned) &&
      !returned.ok &&
      returned.code !== 'not_found' &&
      !receiptWrittenBy(once)
    ) {
      const receipt = await first();
      if (receipt) [returned, fromReceipt] = [receipt, true];
    }
  }
  // The one place a domain's Outcome becomes form state (not_found → 404), in the caller's language.
  const result = isOutcome(returned) ? outcomeToState(returned, t) : returned;
  // Answered now, whatever the answer (applied, refused, or "the switch gave no answer: set a new
  // password"): the reader has it, so the form's next submission is a new change, with a new key. Only
  // a lost answer leaves the browser on the old key, and its resend is answered from the receipt. An
  // answer from a receipt gives none: the form keeps its key, and its words say to reload.
  const next = once && !fromReceipt ? { nextKey: newIdempotencyKey() } : {};
  if (!result.ok) return { values: echo(raw, opts.echo), ...result, ...next };
  return { ...result, ...next };
}

/**
 * The answer to a submission of a render whose receipt exists (findReceipt), or null when none does.
 * Other content under the same key (another form, or fields that differ from the first submission's)
 * is a conflict, `outcome.again.otherContent`: nothing is applied, and the reader is told what the key
 * did and to reload for a new change. Else `opts.replay`, or the receipt's note as a success, each
 * with `at`, the first submission's time in the reader's zone and language.
 */
async function answerFromReceipt(
  once: Once,
  opts: OnceOptions,
  user: CurrentUser,
  locale: Locale,
): Promise<Outcome<never> | null> {
  const receipt = await findReceipt(once);
  if (!receipt) return null;
  // In the tag the reader's pages format with (the browser's region first), as the page around it.
  const at = formatWhen(receipt.at, user.timeZone, { locale: await requestFormatTag(locale, user) });
  if (receipt.action !== once.action || receipt.digest !== once.digest)
    return fail('conflict', 'outcome.again.otherContent', { at });
  if (opts.replay) return (await opts.replay(receipt, at)) as Outcome<never>;
  return succeed(undefined, {
    key: receipt.note.key,
    values: { ...receipt.note.values, at },
  }) as Outcome<never>;
}

/**
 * The answer to an action that threw what nobody expected (a statement or lock timeout, a lost
 * connection, a bug): `{ ok: false, message, values? }`, never an error page, so the form keeps what
 * was typed (the echoed fields, as on every refusal; never a password). The message, in `locale`,
 * says the truth: the change may or may not have been made (a statement the client gave up on can
 * still commit on the server), so check before sending again; and gives a reference, the request's
 * id (X-Request-Id, `reqId` on its log lines; a new UUID outside a request), that support can quote.
 * Logged once at `error` as `"msg":"action failed"` with `reference` and the error's type, code,
 * message and stack (`error`), every text a form field held cut out of them (withoutFormText): a Prisma
 * error's message can quote the values of its query. When the action's first database work (the
 * session read; a signed-out form's own: guestForm) found the database unavailable
 * (lib/server/db/unavailable.ts markedUnavailable), nothing was done yet: the answer says so
 * (`outcome.databaseUnavailable`) and asks to send again in a minute, what was typed kept.
 */
async function unexpectedFailure(
  error: unknown,
  form: unknown,
  echoed: readonly string[] | undefined,
  locale: Locale,
): Promise<ActionState<never>> {
  const reference = (await requestMeta().catch(() => null))?.requestId ?? randomUUID();
  const scrub = withoutFormText(formToObject(form) ?? {});
  log().error({ reference, error: errorForLog(error, scrub) }, 'action failed');
  const values = kept(form, echoed);
  // The action's first database work found the database unavailable: nothing was done.
  if (markedUnavailable(error))
    return { ok: false, message: translate(locale)('outcome.databaseUnavailable'), ...values };
  const key = values.values ? 'outcome.unexpected.kept' : 'outcome.unexpected.nothingKept';
  return { ok: false, message: translate(locale)(key, { reference }), ...values };
}

/**
 * Cuts every text of at least 3 characters that `raw` (a posted form) holds out of a log text, as
 * sent and trimmed (a schema may trim what it hands the domain: a second-factor code).
 */
function withoutFormText(raw: Record<string, unknown>): (text: string) => string {
  const texts = [
    ...new Set(
      Object.values(raw)
        .flat()
        .flatMap((v) => (typeof v === 'string' ? [v, v.trim()] : []))
        .filter((v) => v.length >= 3),
    ),
  ].sort((a, b) => b.length - a.length);
  return (text) => texts.reduce((out, v) => out.replaceAll(v, '[form text]'), text);
}

/** A domain call behind a form: returns an Outcome (preferred) or, for older domains, form state in words. */
type Handler<S extends z.ZodType, T> = (
  input: z.output<S>,
  ctx: ActionContext,
) => Promise<ActionState<T> | Outcome<T>>;

/** A server action for support agents and admins (userAction with roles = STAFF_ROLES). */
export function staffAction<S extends z.ZodType, T = unknown>(
  schema: S,
  handler: Handler<S, T>,
  opts: Omit<ActionOptions, 'roles'> = {},
) {
  return userAction(schema, handler, { ...opts, roles: STAFF_ROLES });
}

/** A server action for admins only (staff user management). */
export function adminAction<S extends z.ZodType, T = unknown>(
  schema: S,
  handler: Handler<S, T>,
  opts: Omit<ActionOptions, 'roles'> = {},
) {
  return userAction(schema, handler, { ...opts, roles: ['admin'] });
}

/**
 * For a handler whose success leaves the page: on `r.ok`, redirect to `path` (next/navigation's
 * redirect throws, so nothing after it runs); a refusal is returned for the wrapper to word.
 */
export function redirectIfOk<R extends { ok: boolean }>(r: R, path: string): R {
  if (r.ok) redirect(path);
  return r;
}
