'use client';
// The portal's sections, the current one marked for sighted and screen-reader users alike. Being in
// every signed-in page, it also marks when the page was hydrated (ms since navigation start) on
// <html data-interactive-at>, for the journeys' time-to-interactive figure.
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect } from 'react';

const SECTIONS = [
  { href: '/', label: 'Overview' },
  { href: '/use-cases', label: 'Use cases' },
  { href: '/assets', label: 'Assets' },
  { href: '/models', label: 'Models' },
  { href: '/operations', label: 'Operations' },
  { href: '/pipeline', label: 'Pipeline' },
  { href: '/governance', label: 'Governance' },
];
/** Administrators also manage notifications. */
const ADMIN_SECTIONS = [{ href: '/notifications', label: 'Notifications' }];

export function NavLinks({ admin = false }: { admin?: boolean }) {
  const path = usePathname();
  useEffect(() => {
    document.documentElement.dataset.interactiveAt ??= String(Math.round(performance.now()));
  }, []);
  const current = (href: string) => (href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`));
  return (
    <nav aria-label="Sections">
      {(admin ? [...SECTIONS, ...ADMIN_SECTIONS] : SECTIONS).map((s) => (
        <Link key={s.href} href={s.href} prefetch={false} aria-current={current(s.href) ? 'page' : undefined}>
          {s.label}
        </Link>
      ))}
    </nav>
  );
}
