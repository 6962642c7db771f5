import type { OtherBlockDto } from '@/lib/blocks/queries';
import { ZONED } from '@/lib/time/format';
import { useFormatter, useTranslations } from 'next-intl';
import { shownPlacedAt } from '@/lib/blocks/shown-placed-at';

/**
 * The other blocks in force on the account, each with its own tick: the switch lifts the whole
 * account at once, so a lift covers exactly the blocks the agent reviewed and ticked. A block placed
 * by support cannot be lifted from here.
 */
export function OtherBlocksChoice({
  blocks,
  idPrefix,
  checked,
}: {
  blocks: OtherBlockDto[];
  idPrefix: string;
  checked?: string | string[];
}) {
  const l = useTranslations('staff.labels');
  const t = useTranslations('staff.other');
  // Rendered inside client forms: next-intl's formatter carries the viewer's zone from the request config.
  const format = useFormatter();
  if (!blocks.length) return null;
  return (
    <fieldset className="flex flex-col gap-2 rounded-md border border-amber-300 bg-amber-50 p-3">
      <legend className="px-1 font-semibold">{t('legend')}</legend>
      <p className="text-sm">{t('intro')}</p>
      {blocks.map((b) => (
        <label key={b.id} className="flex items-start gap-2">
          <input
            type="checkbox"
            name="alsoLift[]"
            value={b.id}
            defaultChecked={[checked ?? []].flat().includes(b.id)}
            disabled={b.reason === 'manual'}
            className="mt-1 h-5 w-5 shrink-0"
            aria-describedby={`${idPrefix}-${b.id}-hint`}
          />
          <span>
            {t('alsoLift', {
              reason: l(`reason.${b.reason}`),
              placed: format.dateTime(
                shownPlacedAt({ placedAt: new Date(b.placedAt), createdAt: new Date(b.createdAt) }),
                ZONED,
              ),
            })}
            <span id={`${idPrefix}-${b.id}-hint`} className="block text-sm text-slate-700">
              {t('calls', { count: b.calls })}
              {b.reason === 'manual' ? ` · ${t('manual')}` : ''}
            </span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}
