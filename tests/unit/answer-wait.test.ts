import { describe, expect, it } from 'vitest';
import { createWaitCount, followAnswer, type AnswerWait } from '@/components/ui/answer-wait';

// An agent places a manual block: "On its way to the switch. The block is in force once the switch
// confirms it; this page shows when." stayed beside "In force" once the page had refreshed itself
// (tester, session 42): a refresh keeps the form's state. The form now follows such an answer until
// its page no longer waits for the switch (components/ui/action-form.tsx).

describe('the page’s refresh loops', () => {
  it('wait while at least one runs, and tell their listeners each time that changes', () => {
    const waits = createWaitCount();
    const heard: boolean[] = [];
    const stop = waits.subscribe(() => heard.push(waits.waiting()));
    expect(waits.waiting()).toBe(false);
    const top = waits.start();
    const allowances = waits.start(); // the block page runs two at once
    top();
    top(); // a cleanup run twice counts once
    expect(waits.waiting()).toBe(true);
    allowances();
    expect(waits.waiting()).toBe(false);
    expect(heard).toEqual([true, false]);
    stop();
    waits.start();
    expect(heard).toEqual([true, false]);
  });
});

describe('an answer that is news until the switch answers', () => {
  const sent = { ok: true, message: 'On its way to the switch.' };
  /** The answer's course through the page's renders: whether the page waits at each. */
  const course = (answer: object, untilSwitch: boolean, waiting: boolean[]) => {
    let w: AnswerWait<object | undefined> = { answer: undefined, seen: false, over: false };
    return waiting.map((now) => (w = followAnswer(w, answer, untilSwitch, now)).over);
  };

  it('goes once the page, having waited for the switch since it came, waits no more', () => {
    // The answer and the refreshed page come together; the page's loop starts just after.
    expect(course(sent, true, [false, true, true, false, false])).toEqual([false, false, false, true, true]);
  });

  it('stays while the page waits, when the page never waited, and for any other answer', () => {
    expect(course(sent, true, [true, true, true])).toEqual([false, false, false]);
    expect(course(sent, true, [false, false])).toEqual([false, false]);
    expect(course({ ok: true, message: 'Request denied.' }, false, [true, false])).toEqual([false, false]);
  });

  it('a new answer starts afresh, and an unchanged one keeps its state (no re-render loop)', () => {
    const over = followAnswer(
      followAnswer({ answer: sent, seen: false, over: false }, sent, true, true),
      sent,
      true,
      false,
    );
    expect(over.over).toBe(true);
    expect(followAnswer(over, sent, true, true)).toBe(over);
    const next = { ok: false, message: 'This block is already being lifted or was lifted.' };
    expect(followAnswer(over, next, false, false)).toEqual({ answer: next, seen: false, over: false });
  });
});
