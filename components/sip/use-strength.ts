'use client';
import { useEffect, useRef, useState } from 'react';
import type { Assessment, PasswordRule } from '@/lib/passwords/strength';

/**
 * Scores `password` in a Web Worker, created on first use (so zxcvbn loads only on this page and only
 * when someone types). Late answers for older keystrokes are dropped.
 */
export function useStrength(
  password: string,
  ctx: { userInputs: string[]; username: string; rule: PasswordRule },
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
    if (!password) return;
    if (!worker.current) {
      worker.current = new Worker(new URL('./strength.worker.ts', import.meta.url), { type: 'module' });
      worker.current.onmessage = (e: MessageEvent<{ id: number; assessment: Assessment }>) => {
        if (e.data.id === seq.current) setResult({ assessment: e.data.assessment, for: pending.current });
      };
    }
    const id = ++seq.current;
    pending.current = password;
    worker.current.postMessage({
      id,
      password,
      userInputs: inputsKey.split('\u0000'),
      username,
      rule: JSON.parse(ruleKey) as PasswordRule,
    });
  }, [password, inputsKey, username, ruleKey]);

  return password && result?.for === password ? result.assessment : null;
}
