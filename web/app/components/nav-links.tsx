'use client';
// The portal's sections, the current one marked for sighted and screen-reader users alike.
import Link from 'next/link';
import { usePathname } from 'next/navigation';

const SECTIONS = [
  { href: '/', label: 'Overview' },
  { href: '/use-cases', label: 'Use cases' },
  { href: '/assets', label: 'Assets' },
  { href: '/models', label: 'Models' },
  { href: '/operations', label: 'Operations' },
  { href: '/governance', label: 'Governance' },
];

export function NavLinks() {
  const path = usePathname();
  const current = (href: string) => (href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`));
  return (
    <nav aria-label="Sections">
      {SECTIONS.map((s) => <Link key={s.href} href={s.href} prefetch={false} aria-current={current(s.href) ? 'page' : undefined}>{s.label}</Link>)}
    </nav>
  );
}
