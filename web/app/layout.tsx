// The portal's frame: header with the sections, who is signed in and sign-out.
import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { cookies } from 'next/headers';
import { NavLinks } from './components/nav-links';
import { USER_COOKIE } from '../lib/config';
import { ROLE } from '../lib/format';
import { signOut } from './sign-out';
import './globals.css';

export const metadata: Metadata = {
  title: 'Threadline',
  description: 'The AIoT digital thread: from business KPI to realised value.',
};

async function signedIn(): Promise<{ name: string; role: string } | null> {
  const raw = (await cookies()).get(USER_COOKIE)?.value;
  if (!raw) return null;
  try {
    return JSON.parse(raw) as { name: string; role: string };
  } catch {
    return null;
  }
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await signedIn();
  return (
    <html lang="en">
      <body>
        <header className="top">
          <a href="/" className="brand">
            Threadline
          </a>
          {user ? <NavLinks admin={user.role === 'ADMIN'} /> : null}
          {user ? (
            <div className="who">
              <span data-testid="signed-in">
                {user.name} <span className="role">{ROLE[user.role] ?? user.role}</span>
              </span>
              <form action={signOut}>
                <button type="submit" className="link">
                  Sign out
                </button>
              </form>
            </div>
          ) : null}
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
