// The portal's frame: header with navigation and the signed-in state.
import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Threadline',
  description: 'The AIoT digital thread: from business KPI to realised value.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="top">
          <a href="/" className="brand">Threadline</a>
          <nav>
            <a href="/">Overview</a>
            <a href="/use-cases">Use cases</a>
            <a href="/models">Models</a>
            <a href="/governance">Governance</a>
            <a href="/logout">Sign out</a>
          </nav>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
