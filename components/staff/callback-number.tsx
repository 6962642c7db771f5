import { getTranslations } from 'next-intl/server';
import type { CountryCode } from 'libphonenumber-js/max';
import { PAGE_LINK } from '@/components/ui/button-class';
import { noteText, type Translate } from '@/lib/i18n/note';
import { type CallbackForAgent, callbackDisplay, callbackTel } from '@/lib/phone/callback';

/**
 * The number an agent calls back before approving (a misdial or a destination allowance): a tel: link
 * when it is safe to call, where it came from (on file or typed), a "do not call" warning, and the
 * number on file when the requester typed another. `phone` is as stored (E.164, with `;ext=…` when it
 * has an extension: shown as "ext. 21" and kept in the tel: link); `country` the account's.
 */
export async function CallbackNumber({
  phone,
  callback,
  country,
}: {
  phone: string;
  callback: CallbackForAgent;
  country: CountryCode;
}) {
  const s = await getTranslations('staff.summary');
  const all = await getTranslations();
  const display = callbackDisplay(phone, country);
  return (
    <>
      {callback.safe ? (
        <a href={callbackTel(phone)} className={`${PAGE_LINK} self-start font-mono text-lg`}>
          {display}
        </a>
      ) : (
        <p className="font-mono text-lg">{display}</p>
      )}
      <p className="text-sm">{callback.source === 'on_file' ? s('onFile') : <strong>{s('typed')}</strong>}</p>
      {callback.warning ? (
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-2 text-sm text-red-900">
          {s('doNotCall', { warning: noteText(all as unknown as Translate, callback.warning) })}
        </p>
      ) : null}
      {callback.source === 'typed' && callback.onFile ? (
        <p className="text-sm">
          {s('numberOnFile')}{' '}
          <a href={callbackTel(callback.onFile)} className="font-mono text-blue-800 underline">
            {callbackDisplay(callback.onFile, country)}
          </a>
        </p>
      ) : null}
    </>
  );
}
