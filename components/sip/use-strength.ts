'use client';
import { useEffect, useRef, useState } from 'react';
import type { Assessment, PasswordRule } from '@/lib/passwords/strength';

/**
 * Scores `password` in a Web Worker, created on first use (so zxcvbn loads only on this page and only
 * when someone is about to type). Late answers for older keystrokes are dropped.
 * `ready`: someone is about to type (the field took the focus). The worker is then started and made to
 * load zxcvbn and its dictionaries (lib/passwords/dictionaries.mjs) before the first keystroke, so
 * that keystroke does not wait for them: hundreds of milliseconds on a desk, seconds on a phone
 * (bench/meter-browser.ts, "first keystroke").
 */
export function useStrength(
  password: string,
  ctx: { userInputs: string[]; username: string; rule: PasswordRule },
  ready = false,
) {
  const worker = useRef<Worker | null>(null);
  const seq = useRef(0);
  const pending = useRef('');
  const [result, setResult] = useState<{ assessment: Assessment; for: string } | null>(null);
  const { userInputs, username, rule } = ctx;
  const inputsKey = userInputs.join('\u0000');
  const ruleKey = JSON.stringify(rule);

  useEffect(() => () => worker.current?.terminate(), []);

  useEffect(() => {
    if (!password && !ready) return;
    const first = !worker.current;
    if (!worker.current) {
      worker.current = new Worker(new URL('./strength.worker.ts', import.meta.url), { type: 'module' });
      worker.current.onmessage = (e: MessageEvent<{ id: number; assessment: Assessment }>) => {
        if (e.data.id === seq.current) setResult({ assessment: e.data.assessment, for: pending.current });
      };
    }
    const message = {
      userInputs: inputsKey.split('\u0000'),
      username,
      rule: JSON.parse(ruleKey) as PasswordRule,
    };
    // Scoring an empty password loads the dictionaries; its answer (id -1) is never shown.
    if (!password) {
      if (first) worker.current.postMessage({ id: -1, password: '', ...message });
      return;
    }
    const id = ++seq.current;
    pending.current = password;
    worker.current.postMessage({ id, password, ...message });
  }, [password, ready, inputsKey, username, ruleKey]);

  return password && result?.for === password ? result.assessment : null;
}
