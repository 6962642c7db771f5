import { cookies } from 'next/headers';

// A dynamic page (it reads a request cookie, so every request renders), the bench's baseline.
export default async function Page() {
  const signedIn = (await cookies()).has('authjs.session-token');
  return (
    <main>
      <h1>Bare page</h1>
      <p>{signedIn ? 'Signed in' : 'Anonymous'}</p>
    </main>
  );
}
