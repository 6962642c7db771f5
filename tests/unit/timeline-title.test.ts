import { describe, expect, it } from 'vitest';
import { timelineTitle } from '@/lib/blocks/timeline-title';

// A timeline entry's heading says what happened, whatever the event's stored type suggests: who
// placed a block (fraud monitoring, support, or Tollgate placing it again), and a lift asked for
// apart from a block being placed again and from a lift the switch stopped.
describe('timelineTitle', () => {
  it.each([
    ['placed', 'switch', 'placed'],
    ['placed', 'agent@tollgate.example', 'placed_manual'],
    ['placed', 'tollgate', 'placed_again'],
    ['lift_requested', 'policy', 'lift_requested'],
    ['lift_requested', 'agent@tollgate.example', 'lift_requested'],
    ['lift_requested', 'tollgate', 'reapply_requested'],
    ['lift_requested', 'switch', 'lift_stopped'],
    ['notice_sent', 'switch', 'notice_sent'],
  ] as const)('%s by %s reads as %s', (type, actor, title) => {
    expect(timelineTitle(type, actor)).toBe(title);
  });
});
