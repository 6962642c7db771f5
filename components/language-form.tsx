import { getLocale, getTranslations } from 'next-intl/server';
import { chooseLocaleAction } from '@/lib/i18n/actions';
import { catalogueLocale, LOCALE_NAMES, LOCALES } from '@/lib/i18n/locales';
import { TARGET_SIZE } from '@/components/ui/button-class';

/**
 * The Language control (CONTRACTS §6: a control named "Language" offering English and Español), on
 * every page through the header and on the profile. A select and a button, not a select that submits
 * itself: changing a field must not move the reader to another page (WCAG 3.2.2). `id` keeps two on
 * one page apart; `label` names a second one differently (the header's keeps the contract's name).
 * Its three parts wrap onto more lines rather than run off a narrow screen (`flex-wrap`, and no wider
 * than its container): at 200 % text on a 390 px phone the button was off-screen on every page
 * (WCAG 1.4.10 Reflow, 1.4.4 Resize Text).
 */
export async function LanguageForm({ id = 'language', label }: { id?: string; label?: string }) {
  const t = await getTranslations('app.language');
  const locale = catalogueLocale(await getLocale());
  return (
    <form
      action={chooseLocaleAction}
      className="flex max-w-full min-w-0 flex-wrap items-center gap-2 text-sm"
    >
      <label htmlFor={id}>{label ?? t('label')}</label>
      {/* Keyed by the page's language: React resets a form after its action, and a select keeps the
          default it was mounted with, so the control went back to the old language (review 13). */}
      <select
        key={locale}
        id={id}
        name="locale"
        defaultValue={locale}
        className={`${TARGET_SIZE} max-w-full rounded-md border border-slate-400 bg-white px-2 py-1`}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
      <button
        type="submit"
        className={`${TARGET_SIZE} rounded-md border border-slate-400 px-3 py-1 hover:bg-slate-100`}
      >
        {t('apply')}
      </button>
    </form>
  );
}
