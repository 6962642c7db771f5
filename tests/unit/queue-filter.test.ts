import { describe, expect, it } from 'vitest';
import { isFiltered, queueFilterParams, readQueueFilter } from '@/lib/requests/queue-filter';

// The queue's filters travel in the URL (lib/requests/queue-filter.ts): a bookmarked or shared view
// reads back as the same filter, and a hand-edited one never breaks the page.

describe('the queue filter in the URL', () => {
  it('reads kind, block reason and taken, and writes them back in one order', () => {
    const read = readQueueFilter({ taken: 'no', reason: 'hotspot_source_ip', kind: 'misdial', q: 'x' });
    expect(read).toEqual({ filter: { kind: 'misdial', reason: 'hotspot_source_ip', taken: 'no' }, bad: [] });
    expect(new URLSearchParams(queueFilterParams(read.filter)).toString()).toBe(
      'kind=misdial&reason=hotspot_source_ip&taken=no',
    );
    expect(isFiltered(read.filter)).toBe(true);
  });

  it('an empty choice ("All kinds") is no filter; a value it does not offer is left out and named', () => {
    expect(readQueueFilter({ kind: '', reason: '', taken: '' })).toEqual({ filter: {}, bad: [] });
    expect(readQueueFilter({})).toEqual({ filter: {}, bad: [] });
    expect(isFiltered({})).toBe(false);
    expect(readQueueFilter({ kind: 'MISDIAL', reason: "manual' OR 1=1", taken: ['yes', 'no'] })).toEqual({
      filter: { taken: 'yes' },
      bad: ['kind', 'reason'],
    });
  });

  it('destination-allowance requests have no block reason but can be taken: their links keep the kind and taken', () => {
    expect(queueFilterParams({ kind: 'allowance', reason: 'manual', taken: 'mine' })).toEqual({
      kind: 'allowance',
      taken: 'mine',
    });
    expect(
      new URLSearchParams(
        queueFilterParams(readQueueFilter({ taken: 'no', kind: 'allowance', reason: 'manual' }).filter),
      ).toString(),
    ).toBe('kind=allowance&taken=no');
    expect(queueFilterParams({ kind: 'allowance', reason: 'manual' })).toEqual({ kind: 'allowance' });
  });
});
