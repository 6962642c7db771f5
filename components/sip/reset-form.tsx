'use client';
import { Link } from '@/components/ui/link';
import { useRouter } from 'next/navigation';
import type { AbstractIntlMessages } from 'next-intl';
import { useActionState, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { SHOWN_BY_FIELD } from '@/lib/credentials/shown-by';
import { useAnswerAtField } from '@/components/ui/answer-at-field';
import type { FormAction } from '@/components/ui/action-form';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { CopyButton } from '@/components/sip/copy-button';
import { useScripted } from '@/components/sip/use-scripted';
import { type MeterWords, StrengthMeter } from '@/components/sip/strength-meter';
import { useLazyTranslator } from '@/components/sip/lazy-translator';
import { useStrength } from '@/components/sip/use-strength';
import type { ActionState } from '@/lib/server/safe-action';
import { IDEMPOTENCY_FIELD } from '@/lib/server/outcome';
import {
  GENERATED_DEFAULT,
  GENERATED_MAX,
  GENERATED_REDRAWS,
  generatedLengthFor,
  generatePassword,
  lengthNote,
} from '@/lib/passwords/generate';
import { type Note, noteText } from '@/lib/i18n/note';
import { contextWords } from '@/lib/passwords/words';
import { buttonClass } from '@/components/ui/button-class';
import { FocusOnArrival } from '@/components/ui/focus-on-arrival';

/**
 * The form's fixed words (catalogue keys reset.*; `lengthHint`, password.generate.lengthHint with this
 * rule's range), translated by the server page, so they are on the page from its first paint.
 */
export type ResetWords = Record<
  | 'updated'
  | 'lengthHint'
  | 'copy'
  | 'copied'
  | 'liftQueued'
  | 'done'
  | 'generatedLegend'
  | 'length'
  | 'simple'
  | 'generate'
  | 'field'
  | 'show'
  | 'hide'
  | 'submit'
  | 'pending'
  | 'lost'
  | 'noScript',
  string
>;

type Props = {
  /**
   * lib/credentials/actions.ts resetSipAction, as the page binds it: the server action itself, so the
   * form posts without JavaScript (a function made in the browser cannot be posted).
   */
  action: FormAction<ResetAnswer>;
  credentialId: string;
  /**
   * This render's idempotency key (lib/server/idempotency.ts): a resend of the form (its answer lost,
   * or "may or may not") is told what the first did and sends nothing to the switch again.
   */
  idempotencyKey: string;
  username: string;
  userInputs: string[];
  minGuessesLog10: number;
  backHref: string;
  /**
   * The link on to the next credential of the block the page came from whose password is still to
   * change (lib/credentials/next-to-change.ts), offered beside "Done" once the password is set:
   * `href` its reset page, `label` reset.next with its name. Null or absent when there is none.
   */
  next?: { href: string; label: string } | null;
  /**
   * The field's hint (reset.hint with the characters it names), rendered by the server page: a
   * message with values is formatted by intl-messageformat, whose first use in a page loads ICU's
   * data, and the form would pay that while it hydrates (bench/README.md "lighthouse").
   */
  hint: React.ReactNode;
  /** reset.confirmed and reset.enterOnDevice for this credential, rendered by the server page. */
  confirmed: React.ReactNode;
  enterOnDevice: React.ReactNode;
  /**
   * The devices the switch reports registered with this credential, in words, as the server page
   * renders them (components/devices/devices-to-retype.tsx, streamed in): `devicesBefore` is shown
   * above "Set password" (which devices stop making and receiving calls); `devicesAfter`, as it was
   * when the form was sent, beside the new password (which devices it must be typed into). Kept from
   * the submission: once the switch has the new password the page's own read finds them logged out.
   * Without JavaScript the answer is the server's render, read after the change, so it is not shown.
   */
  devicesBefore?: React.ReactNode;
  devicesAfter?: React.ReactNode;
  words: ResetWords;
  meterWords: MeterWords;
  /**
   * The `password` and `strength` namespaces in the page's `locale`: the meter's verdicts and the
   * generator's length note are notes (lib/i18n/note.ts) worded in the browser, by a formatter loaded
   * on the first keystroke (components/sip/lazy-translator.ts). The page renders no next-intl
   * provider, so its first load carries no message formatter (issue 14 goal 6).
   */
  locale: string;
  messages: AbstractIntlMessages;
};
/**
 * What a success of the action carries: `liftQueued`, and `password` only when the form said the page
 * shows it (lib/credentials/shown-by.ts).
 */
export type ResetAnswer = { liftQueued: boolean; password?: string };
type Result = ActionState<ResetAnswer>;

/**
 * A plain string of the `password` namespace in `messages` (no ICU arguments, so no formatter is
 * needed: the words are there in the server's render, before the lazy translator loads), or '' when
 * the catalogue lacks it.
 */
export function passwordWord(messages: AbstractIntlMessages, key: 'copyFailed' | 'scriptPending'): string {
  const ns = messages.password;
  const word = ns && typeof ns === 'object' ? ns[key] : undefined;
  return typeof word === 'string' ? word : '';
}

/**
 * A new password as the success panel shows it (`data-testid="new-password"`), large and monospaced.
 * A line breaks where the Unicode line-breaking rules allow (UAX #14: after the password's own
 * hyphens), or, only for a run that is longer than the whole line (a random password, at 200 % text),
 * anywhere inside it (`overflow-wrap: anywhere`). No `break-all`, which breaks between any two
 * letters: it split "ortodonc / ia" and ended a line in "fluor-", where the reader cannot tell the
 * password's hyphen from a break. No `hyphens`: a break never adds a hyphen, so a hyphen at the end
 * of a line is always the password's. The text is the password alone: what is selected and copied.
 */
export function NewPassword({ password, id }: { password: string; id?: string }) {
  return (
    <code
      id={id}
      className="rounded bg-white px-2 py-1 font-mono text-lg [overflow-wrap:anywhere]"
      data-testid="new-password"
    >
      {password}
    </code>
  );
}

/**
 * Whether the form's answer `state` changes what the rest of the reset page says, so that the page is
 * rendered again (router.refresh) once it arrives: a success with its data (the switch ended the old
 * password's registrations: "Registered devices" as it is now), or a refusal that is not the field's
 * (no `fieldErrors`), not a signed-out session (`signIn`) and not `lost` (the form's own words for an
 * answer that never came: nothing is known to have changed). Such a refusal is the switch's (busy with
 * a Retry-After, an error, no answer, another change in flight): the page's notice then says what
 * the change's row says (components/sip/unsettled.tsx) and its devices lines are read again with the
 * same wait (lib/credentials/reset.ts resetPageDevices), instead of the pause the page was first
 * rendered with ("read again from 12:45:06" beside the answer's "Try again from 12:45:14", testers
 * 2026-12-08). False before any answer, and for a resend answered from its receipt (no `data`).
 */
export function answerChangesPage(state: Result | undefined, lost: string): boolean {
  if (!state) return false;
  if (state.ok) return Boolean(state.data);
  return !state.fieldErrors && !state.signIn && Boolean(state.message) && state.message !== lost;
}

/** The password field's state as the server renders the form: empty (a password is never echoed). */
const NOTHING_TYPED = '';

/**
 * What the password field (`input`, the element, null when not rendered) holds that its state
 * (`state`, as the first render in the browser had it) does not: text typed or pasted, or filled by
 * a password manager, between the page's paint and its script's hydration, which React keeps in the
 * element (react-dom's initInput leaves a hydrated input's value) but a controlled input's next
 * render overwrites. Null when they agree, so nothing is adopted.
 */
export function typedBeforeScript(
  input: Pick<HTMLInputElement, 'value'> | null,
  state: string,
): string | null {
  return input && input.value !== state ? input.value : null;
}

/**
 * How a button that needs the page's script looks while it is disabled, waiting for it (useScripted):
 * dimmed, with the wait cursor; the same size, so nothing moves when it comes alive.
 */
const UNTIL_SCRIPTED = 'disabled:cursor-wait disabled:opacity-60';

/** Why Generate used another length than the Length field held (password.generate.lengthUsed `why`). */
type LengthChange = 'short' | 'long' | 'whole' | 'empty';

/**
 * The length Generate uses for `typed`, the Length field's value (a number field gives '' for empty or
 * unreadable text): a whole number from `shortest` (generatedLengthFor: the shortest draw that reaches
 * the SIP rule's strength) to GENERATED_MAX, and `why` it differs from what was typed, or null when it
 * does not. Empty: GENERATED_DEFAULT (or `shortest` when longer); a fraction is rounded; then clamped.
 */
export function lengthToUse(typed: string, shortest: number): { length: number; why: LengthChange | null } {
  const n = typed.trim() === '' ? NaN : Number(typed);
  if (!Number.isFinite(n)) return { length: Math.max(GENERATED_DEFAULT, shortest), why: 'empty' };
  const whole = Math.round(n);
  if (whole < shortest) return { length: shortest, why: 'short' };
  if (whole > GENERATED_MAX) return { length: GENERATED_MAX, why: 'long' };
  return { length: whole, why: whole === n ? null : 'whole' };
}

/**
 * The SIP password form: a generated password or one of the customer's own, the strength meter, and
 * "Set password", which the switch must confirm before the page says "Password updated" and shows the
 * password once (then "Done" goes to `backHref`, and `next`, when given, on to the next credential).
 * The form's action is `action` itself, so it posts without JavaScript too, and the answer is the
 * page: a refusal with its reasons and the field empty (a password is never echoed), or the success,
 * whose password the server's render shows this once (`shownBy` `page`). Generate, Show and the meter
 * need the page's script: without it they are hidden and a note (`words.noScript`) says that the
 * server checks the password when it is sent; until it runs (a slow phone), Generate, Show and Copy
 * are disabled, with password.scriptPending as their description. Once the script runs, the password shown comes from the
 * browser's own memory, a lost answer (the connection dropped) keeps the form with `words.lost`, and a
 * refusal at the field the focus was on already is said by the live region
 * (components/ui/answer-at-field.ts). A password typed into the field before the script ran is kept,
 * and scored (typedBeforeScript): hydration used to erase it, without a word.
 */
export function ResetForm({
  action: resetSipAction,
  credentialId,
  idempotencyKey,
  username,
  userInputs,
  minGuessesLog10,
  backHref,
  next,
  hint,
  confirmed,
  enterOnDevice,
  devicesBefore,
  devicesAfter,
  words: w,
  meterWords,
  locale,
  messages,
}: Props) {
  const [password, setPassword] = useState(NOTHING_TYPED);
  // The password field itself: what was typed into it before the page's script ran is adopted below.
  const field = useRef<HTMLInputElement>(null);
  const [visible, setVisible] = useState(false);
  // The rule sets the shortest length a generated password passes it at (a strict provider's 10^30).
  const shortest = generatedLengthFor(minGuessesLog10);
  // The Length field as typed (a number field's value: '' when empty or unreadable). Generate writes
  // back the length it used, and says why when that is not what was typed (`changed`, a note in the
  // field's live region): it used to draw 21 characters under a field that still said 8, silently.
  const [lengthText, setLengthText] = useState(String(Math.max(GENERATED_DEFAULT, shortest)));
  const [changed, setChanged] = useState<Note | null>(null);
  const [simple, setSimple] = useState(false);
  // The password as it was sent, kept until its answer: the one display of a new password comes from
  // the browser's own memory once the page's script runs, never from the server.
  const [sent, setSent] = useState<string | null>(null);
  // The devices to type the new password into, as the page named them when the form was sent.
  const [sentDevices, setSentDevices] = useState<React.ReactNode>(null);
  // The server's errors are about the password it was sent: once the field holds another (typed, or
  // drawn by Generate) they are hidden, or "remove ñ" stood beside a generated password (break-25).
  const [edited, setEdited] = useState(false);
  const router = useRouter();
  // The key the last submission carried: the form's next one carries the server's new key, else this
  // one (an answer lost, or one from the key's receipt), never the render's first key again: a resend
  // under it was answered with the first submission's outcome, or sent the password a second time.
  const [sentKey, setSentKey] = useState<string | null>(null);
  const scripted = useScripted();
  // The answer may never arrive (the connection dropped after the server took the form): the form
  // stays, with the password, and sending it again is safe (same key: it is never set twice). Only once
  // the script runs: the server's render, and so the form a browser without JavaScript posts, needs the
  // action itself (a function of the browser's cannot be posted).
  const answerKept = useCallback(
    (prev: Result | undefined, form: FormData): Promise<Result> =>
      resetSipAction(prev, form).catch((): Result => ({ ok: false, message: w.lost })),
    [resetSipAction, w.lost],
  );
  const [state, action] = useActionState<Result | undefined, FormData>(
    scripted ? answerKept : resetSipAction,
    undefined,
  );
  // Each answer, once: the server's errors are about the field as sent; a success empties the field
  // (a resend the switch already took answers without `data`: no password is shown again).
  const [answered, setAnswered] = useState(state);
  if (answered !== state) {
    setAnswered(state);
    setEdited(false);
    if (state?.ok) setPassword('');
    if (!state?.ok || !state.data) setSent(null);
  }
  // The switch ended the old password's registrations, or its answer left the change not known (a
  // busy answer's wait, the devices perhaps logged out): show the page as it is now (answerChangesPage).
  useEffect(() => {
    if (answerChangesPage(state, w.lost)) router.refresh();
  }, [state, router, w.lost]);
  // A refusal at the field the focus was on already, for the live region to say (answer-at-field.ts).
  const atField = useAnswerAtField(state);
  // The field took the focus: load the meter's worker and words before the first keystroke.
  const [engaged, setEngaged] = useState(false);
  // Typed before the script ran (a slow phone paints the form seconds earlier): hydration keeps what
  // the field holds, but the next render would set it to the state's '' and erase it, silently. Taken
  // into the state once, before any render can, as a keystroke would be, so the meter scores it.
  useLayoutEffect(() => {
    const typed = typedBeforeScript(field.current, NOTHING_TYPED);
    if (typed === null) return;
    setPassword(typed);
    setEdited(true);
    setEngaged(true);
  }, []);
  const assessment = useStrength(
    password,
    { userInputs, username, rule: { sipMinGuessesLog10: minGuessesLog10 } },
    engaged,
  );
  // A generated password always passes: the rare draw zxcvbn finds a pattern in is drawn again, at
  // most GENERATED_REDRAWS times in a row (the meter then shows why, rather than the field flickering on).
  const generated = useRef<string | null>(null);
  const redraws = useRef(0);
  const generate = (again = false) => {
    redraws.current = again ? redraws.current + 1 : 0;
    const used = lengthToUse(lengthText, shortest);
    if (!again) {
      setLengthText(String(used.length));
      setChanged(
        used.why
          ? {
              key: 'password.generate.lengthUsed',
              values: { why: used.why, length: used.length, min: shortest, max: GENERATED_MAX },
            }
          : null,
      );
    }
    const p = generatePassword(used.length, simple, contextWords([...userInputs, username]));
    generated.current = p;
    setPassword(p);
    setEdited(true);
    setVisible(true);
  };
  useEffect(() => {
    if (
      assessment &&
      !assessment.acceptable &&
      password === generated.current &&
      redraws.current < GENERATED_REDRAWS
    )
      generate(true);
  });
  const typed = Number(lengthText);
  const note = lengthText.trim() !== '' && Number.isFinite(typed) ? lengthNote(typed) : null;
  const errors = edited ? undefined : state?.fieldErrors?.password;
  const tNotes = useLazyTranslator(
    locale,
    messages,
    engaged || password !== '' || note !== null || changed !== null,
  );

  // The new password, this once: from the browser's memory, or from the answer the server rendered.
  const shown = state?.ok && state.data ? (state.data.password ?? sent) : null;
  if (shown) {
    return (
      <div
        className="flex flex-col gap-3 rounded-md border border-emerald-300 bg-emerald-50 p-4"
        role="status"
      >
        {/* Takes the focus: the form and its Set password button are gone, and without it the focus
            would fall to the document, before the new password and its Copy button. */}
        <FocusOnArrival look="title">{w.updated}</FocusOnArrival>
        <p>{confirmed}</p>
        <div className="flex flex-wrap items-center gap-2">
          <NewPassword password={shown} id="new-password" />
          <CopyButton
            text={shown}
            copy={w.copy}
            copied={w.copied}
            failed={passwordWord(messages, 'copyFailed')}
            selects="new-password"
          />
        </div>
        <p>{enterOnDevice}</p>
        {sentDevices}
        {state?.data?.liftQueued ? <p>{w.liftQueued}</p> : null}
        {/* On to the block's next credential still to change, when there is one: a PBX owner with many
            went back to the block page and hunted for it after each change. */}
        <div className="flex flex-wrap gap-3">
          {next ? (
            <Link href={next.href} onClick={() => setSent(null)} className={buttonClass('primary')}>
              {next.label}
            </Link>
          ) : null}
          <Link
            href={backHref}
            onClick={() => setSent(null)}
            className={buttonClass(next ? 'secondary' : 'primary')}
          >
            {w.done}
          </Link>
        </div>
      </div>
    );
  }

  return (
    <form
      action={action}
      className="flex max-w-xl flex-col gap-4"
      noValidate
      onSubmit={(e) => {
        const key = e.currentTarget.elements.namedItem(IDEMPOTENCY_FIELD);
        if (key instanceof HTMLInputElement) setSentKey(key.value || null);
        setSent(password);
        setSentDevices(devicesAfter ?? null);
        atField.sent(e.currentTarget);
      }}
    >
      <input type="hidden" name="credentialId" defaultValue={credentialId} />
      <input type="hidden" name={IDEMPOTENCY_FIELD} value={state?.nextKey ?? sentKey ?? idempotencyKey} />
      {/* Who shows the new password once it is set: the page the server answers with, until the
          script runs (lib/credentials/shown-by.ts). */}
      <input type="hidden" name={SHOWN_BY_FIELD} value={scripted ? 'browser' : 'page'} />
      {/* Whose password this is, for the browser's password manager (Chromium, "Create Amazing Password
          Forms": hidden fields for implicit information). Without a username field in the form, a
          browser may offer to save the new SIP password as the portal login's, or over it. Not sent. */}
      <input id="sip-username" type="text" autoComplete="username" value={username} readOnly hidden />
      {/* Generate, Show and the meter need the page's script: without it they are hidden (CSS
          `scripting: none`), and this says what the server checks instead. */}
      <p className="hidden max-w-xl rounded-md border border-slate-300 bg-white p-3 noscript:block">
        {w.noScript}
      </p>
      {/* Why Generate and Show are disabled while the page's script loads (useScripted): their
          description (aria-describedby reads a hidden element), never read on its own, so a browser
          without JavaScript, where they are hidden, says nothing of it; gone once they work. */}
      {scripted ? null : (
        <span id="reset-script-pending" hidden>
          {passwordWord(messages, 'scriptPending')}
        </span>
      )}
      {/* The legend floats: a fieldset draws its top border through the middle of its legend, which
          crossed the words when they wrapped to two lines on a 360 px phone (a tester, 2026-12). A
          floated legend is laid out as the fieldset's first item, inside the border, and is still
          the group's name. */}
      <fieldset className="flex flex-col gap-3 rounded-md border border-slate-300 bg-white p-4 noscript:hidden">
        <legend className="float-left w-full font-semibold">{w.generatedLegend}</legend>
        <div className="flex flex-wrap items-end gap-4">
          <div className="flex flex-col gap-1">
            <label htmlFor="gen-length" className="text-sm font-medium">
              {w.length}
            </label>
            <input
              id="gen-length"
              type="number"
              inputMode="numeric"
              min={shortest}
              max={GENERATED_MAX}
              step={1}
              value={lengthText}
              onChange={(e) => {
                setLengthText(e.target.value);
                setChanged(null);
              }}
              aria-describedby={`gen-length-hint gen-length-used${note ? ' gen-length-note' : ''}`}
              className="w-24 rounded-md border border-slate-400 px-2 py-1"
            />
          </div>
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={simple}
              onChange={(e) => setSimple(e.target.checked)}
              className="h-5 w-5 shrink-0"
            />
            {w.simple}
          </label>
        </div>
        <div className="flex flex-col gap-1">
          <p id="gen-length-hint" className="text-sm text-slate-600">
            {w.lengthHint}
          </p>
          {/* Always there, so a screen reader hears what Generate changed in the field (a live region
              added together with its words is often not read). */}
          <p id="gen-length-used" role="status" className="text-sm text-slate-800">
            {changed && tNotes ? noteText(tNotes, changed) : null}
          </p>
        </div>
        {note ? (
          <p id="gen-length-note" className="text-sm text-amber-900" aria-live="polite">
            {tNotes ? noteText(tNotes, note) : null}
          </p>
        ) : null}
        <button
          type="button"
          onClick={() => generate()}
          disabled={!scripted}
          aria-describedby={scripted ? undefined : 'reset-script-pending'}
          className={buttonClass('primary', `self-start ${UNTIL_SCRIPTED}`)}
        >
          {w.generate}
        </button>
      </fieldset>
      <div className="flex flex-col gap-1">
        <label htmlFor="password" className="font-medium">
          {w.field}
        </label>
        <p id="password-hint" className="text-sm text-slate-600">
          {hint}
        </p>
        <div className="flex gap-2">
          <input
            id="password"
            name="password"
            ref={field}
            type={visible ? 'text' : 'password'}
            value={password}
            onChange={(e) => {
              setPassword(e.target.value);
              setEdited(true);
            }}
            onFocus={() => setEngaged(true)}
            autoComplete="new-password"
            // Shown as text (Show, or Generate), a phone's keyboard would capitalise and correct a
            // passphrase ("Muela-empaste-…"): the password must be typed exactly as it is.
            autoCapitalize="none"
            autoCorrect="off"
            spellCheck={false}
            maxLength={128}
            aria-describedby={`password-hint${errors ? ' password-error' : ''}`}
            aria-invalid={errors ? true : undefined}
            className="min-w-0 flex-1 rounded-md border border-slate-400 px-3 py-2 font-mono"
          />
          <button
            type="button"
            // Its words say what it does next ("Hide" while shown); no aria-pressed, which with a label
            // that changes reads "Hide, pressed" (WAI-ARIA APG, toggle button).
            onClick={() => setVisible(!visible)}
            disabled={!scripted}
            aria-describedby={scripted ? undefined : 'reset-script-pending'}
            className={`rounded-md border border-slate-400 px-3 text-sm noscript:hidden ${UNTIL_SCRIPTED}`}
          >
            {visible ? w.hide : w.show}
          </button>
        </div>
        {errors ? (
          <p id="password-error" className="text-sm text-red-800">
            {errors.join(' ')}
          </p>
        ) : null}
      </div>
      <div className="noscript:hidden">
        <StrengthMeter assessment={assessment} empty={!password} attack="sip" words={meterWords} t={tNotes} />
      </div>
      {/* The password's own errors are said at the field (read as the focus moves there), or, when the
          focus was on it already, by this region to screen readers only (`heard`), until it is edited. */}
      <FormMessage
        id="reset-message"
        message={state?.fieldErrors?.password ? undefined : state?.message}
        ok={state?.ok}
        signIn={state?.signIn}
        heard={edited ? undefined : atField.heard}
      />
      {/* Which phones go silent, said before the button that silences them (and read with it). */}
      {devicesBefore ? (
        <div id="reset-devices" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950">
          {devicesBefore}
        </div>
      ) : null}
      <div>
        <SubmitButton pendingText={w.pending} aria-describedby={devicesBefore ? 'reset-devices' : undefined}>
          {w.submit}
        </SubmitButton>
      </div>
    </form>
  );
}
