import { useLocale, useTranslations } from 'next-intl';
import type { DoorView } from '@/lib/allowances/fraud-door';
import { intlOf } from '@/lib/i18n/intl-cache';
import { intlTag } from '@/lib/i18n/locales';
import { countryAndCode } from '@/lib/phone/format';
import { Link } from '@/components/ui/link';
import { PAGE_LINK } from '@/components/ui/button-class';

// What the trigger calls of the blocks in force say about allowing a country (lib/allowances/fraud-door.ts):
// a country reached through a credential whose password was not changed since a block that was not
// the office's calls cannot be allowed yet (the request, the approval and the grant are refused); one
// reached so under a high-risk-destination block, or through a name that is no credential of the
// account, is a warning. Said before anyone types or calls, in the words of the refusal.

const WARN = 'rounded-md border border-amber-300 bg-amber-50 px-2 py-1 text-sm text-amber-950';
const STOP = 'rounded-md border border-red-300 bg-red-50 px-2 py-1 text-sm text-red-950';

/** `items` as one phrase of the page's language ("a, b and c"). */
function useListed(): (items: string[]) => string {
  const tag = intlTag(useLocale());
  return (items) => intlOf(Intl.ListFormat, tag, { style: 'long', type: 'conjunction' }).format(items);
}

/** The unknown names of `door` as shown, with "N other names" after the first ones (block.explain.otherNames). */
function useNames(): (door: DoorView) => { names: string; total: number } {
  const listed = useListed();
  const other = useTranslations('block.explain');
  return (door) => ({
    names: listed([
      ...door.unknownNames,
      ...(door.otherNames ? [other('otherNames', { count: door.otherNames })] : []),
    ]),
    total: door.unknownNames.length + door.otherNames,
  });
}

/**
 * On the staff account page, what `door` says of its country (named "Country (CC)"): that it cannot
 * be allowed until the credentials are changed, which the agent cannot do; that credentials of a
 * high-risk-destination block still have their password; that calls came through names that are no
 * credential. Each a paragraph; nothing for a country absent from the doors (`door` undefined).
 */
export function StaffDoorNote({ door }: { door: DoorView | undefined }) {
  const t = useTranslations('staff.allowances.door');
  const locale = useLocale();
  const listed = useListed();
  const names = useNames();
  if (!door) return null;
  const country = countryAndCode(door.country, locale);
  const creds = (cs: DoorView['changeFirst']) => ({
    country,
    credentials: listed(cs.map((c) => c.name)),
    count: cs.length,
  });
  return (
    <>
      {door.changeFirst.length ? (
        <p className={`w-fit ${STOP}`}>{t('changeFirst', creds(door.changeFirst))}</p>
      ) : null}
      {door.unchanged.length ? (
        <p className={`w-fit ${WARN}`}>{t('unchanged', creds(door.unchanged))}</p>
      ) : null}
      {door.unknownNames.length ? (
        <p className={`w-fit ${WARN}`}>{t('unknown', { country, ...names(door) })}</p>
      ) : null}
    </>
  );
}

/**
 * Above the staff grant form: every country with something to say (`doors`), so the agent knows before
 * choosing one; nothing when there is none.
 */
export function StaffDoorList({ doors }: { doors: DoorView[] }) {
  const t = useTranslations('staff.allowances.door');
  if (doors.length === 0) return null;
  return (
    <div className="flex max-w-3xl flex-col gap-2">
      <h3 id="doors-title" className="font-medium">
        {t('title', { count: doors.length })}
      </h3>
      <ul aria-labelledby="doors-title" className="flex flex-col gap-2">
        {doors.map((d) => (
          <li key={d.country} className="flex flex-col gap-1">
            <StaffDoorNote door={d} />
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * On the customer's allowance page, before the form: the countries that cannot be allowed yet (the
 * form does not offer them), each with a link to change each password it waits for (the reset page,
 * back to block `blockId`); then the countries whose calls came through a name no password change
 * closes, in plain words. Nothing when `doors` says nothing.
 */
export function CustomerDoors({ doors, blockId }: { doors: DoorView[]; blockId: string }) {
  const t = useTranslations('allowance.door');
  const locale = useLocale();
  const listed = useListed();
  const names = useNames();
  const first = doors.filter((d) => d.changeFirst.length > 0);
  const unknown = doors.filter((d) => d.unknownNames.length > 0 && d.changeFirst.length === 0);
  const country = (d: DoorView) => countryAndCode(d.country, locale);
  return (
    <>
      {first.length ? (
        <div className={`flex max-w-xl flex-col gap-2 p-3 ${STOP}`}>
          <p>{t('changeFirstTitle', { count: first.length })}</p>
          <ul className="flex list-disc flex-col gap-2 pl-5">
            {first.map((d) => (
              <li key={d.country}>
                {t('changeFirst', {
                  country: country(d),
                  credentials: listed(d.changeFirst.map((c) => c.name)),
                  count: d.changeFirst.length,
                })}
                <span className="flex flex-wrap gap-x-4">
                  {d.changeFirst.map((c) => (
                    <Link
                      key={c.id}
                      href={`/credentials/${c.id}/reset?block=${blockId}`}
                      className={PAGE_LINK}
                    >
                      {t('reset', { credential: c.name })}
                    </Link>
                  ))}
                </span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {unknown.length ? (
        <div className={`flex max-w-xl flex-col gap-2 p-3 ${WARN}`}>
          <p>{t('unknownTitle', { count: unknown.length })}</p>
          <ul className="flex list-disc flex-col gap-2 pl-5">
            {unknown.map((d) => (
              <li key={d.country}>{t('unknown', { country: country(d), ...names(d) })}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </>
  );
}
