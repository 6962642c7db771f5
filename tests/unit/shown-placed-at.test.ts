import { describe, expect, it } from 'vitest';
import { shownPlacedAt } from '@/lib/blocks/shown-placed-at';

const t = (hhmmss: string) => new Date(`2026-12-07T${hhmmss}Z`);

describe('shownPlacedAt', () => {
  it('shows the portal’s record of a block placed by a switch node running fast', () => {
    expect(shownPlacedAt({ placedAt: t('10:04:00'), createdAt: t('10:00:02') })).toEqual(t('10:00:02'));
  });
  it('keeps the switch’s time when the portal recorded the block after it (the usual case)', () => {
    expect(shownPlacedAt({ placedAt: t('10:00:00'), createdAt: t('10:00:03') })).toEqual(t('10:00:00'));
  });
});
