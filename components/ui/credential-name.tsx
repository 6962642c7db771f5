import { credentialLabel, type CredentialNaming } from '@/lib/accounts/credential-name';

/**
 * A SIP credential named in markup: its label, then its username in monospace (in brackets with
 * `brackets`), or the username alone when the label adds nothing (lib/accounts/credential-name.ts
 * credentialLabel: empty, or the username again). The username, with its brackets, is never broken
 * across lines ("acme-⏎reception"): the `unbroken` utility (app/globals.css). `usernameClass`: the
 * username's look. No hooks: server and client components alike.
 */
export function CredentialName({
  credential,
  brackets = false,
  usernameClass = 'font-mono text-sm text-slate-700',
}: {
  credential: CredentialNaming;
  brackets?: boolean;
  usernameClass?: string;
}) {
  const label = credentialLabel(credential);
  const { username } = credential;
  const look = usernameClass ? `unbroken ${usernameClass}` : 'unbroken';
  if (!label) return <span className={look}>{username}</span>;
  return (
    <>
      {label} <span className={look}>{brackets ? `(${username})` : username}</span>
    </>
  );
}
