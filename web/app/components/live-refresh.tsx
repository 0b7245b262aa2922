'use client';
// Live data without a reload: every few seconds the page asks /live for the fingerprint of what it
// shows (lib/live.ts) and re-renders its server components only when it differs from the one the
// page was rendered with. Nothing is asked before the first interval, so a first view costs the
// page's one request. Paused while the tab is hidden; the last update is announced politely.
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';

export function LiveRefresh({ everySeconds, fingerprint: rendered, assetId }: { everySeconds: number; fingerprint: string; assetId?: string }) {
  const router = useRouter();
  const fingerprint = useRef(rendered);
  const [updatedAt, setUpdatedAt] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    const url = `/live${assetId ? `?asset=${encodeURIComponent(assetId)}` : ''}`;
    const poll = async () => {
      if (document.hidden) return;
      try {
        const response = await fetch(url, { cache: 'no-store' });
        if (!response.ok) return;
        const { fingerprint: next } = (await response.json()) as { fingerprint: string };
        if (stopped) return;
        if (fingerprint.current !== next) {
          router.refresh();
          setUpdatedAt(new Date().toLocaleTimeString('en-GB'));
        }
        fingerprint.current = next;
      } catch {
        // The next poll tries again; the page keeps what it shows.
      }
    };
    fingerprint.current = rendered;
    const timer = setInterval(() => void poll(), everySeconds * 1000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [router, everySeconds, assetId, rendered]);

  return (
    <p className="live muted small" role="status" aria-live="polite">
      {updatedAt ? `Live: updated ${updatedAt}` : 'Live'}
    </p>
  );
}
