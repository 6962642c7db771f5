import { describe, expect, it } from 'vitest';
import { timelineTitle } from '@/lib/blocks/timeline-title';

// A timeline entry's heading says what happened, whatever the event's stored type suggests.
describe('timelineTitle', () => {
  it('names who placed a block: fraud monitoring, support, or Tollgate placing it again', () => {
    expect(timelineTitle('placed', 'switch')).toBe('placed');
    expect(timelineTitle('placed', 'agent@tollgate.example')).toBe('placed_manual');
    expect(timelineTitle('placed', 'tollgate')).toBe('placed_again');
  });

  it('tells a lift asked for from a block placed again and from a lift the switch stopped', () => {
    expect(timelineTitle('lift_requested', 'policy')).toBe('lift_requested');
    expect(timelineTitle('lift_requested', 'agent@tollgate.example')).toBe('lift_requested');
    expect(timelineTitle('lift_requested', 'tollgate')).toBe('reapply_requested');
    expect(timelineTitle('lift_requested', 'switch')).toBe('lift_stopped');
    expect(timelineTitle('notice_sent', 'switch')).toBe('notice_sent');
  });
});
