/** Recovery codes, shown once right after they were made (set-up, or "New recovery codes"). */
export function RecoveryCodeList({ codes }: { codes: string[] }) {
  return (
    <>
      <p>Store these recovery codes somewhere safe. Each works once if you lose your phone. They will not be shown again.</p>
      <ul aria-label="Recovery codes" className="grid grid-cols-2 gap-1 rounded-md border border-slate-300 bg-white p-3 font-mono">
        {codes.map((c) => <li key={c}>{c}</li>)}
      </ul>
    </>
  );
}
