'use client';
// Live data without a reload: every few seconds the page asks /live for a fingerprint of what it
// shows (the newest audit event, insight, incident, drift report and, on an asset, its latest
// readings) and re-renders its server components only when that changed. Paused while the tab is
// hidden; the time of the last update is announced politely.
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';

export function LiveRefresh({ everySeconds, assetId }: { everySeconds: number; assetId?: string }) {
  const router = useRouter();
  const fingerprint = useRef<string | null>(null);
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
        if (fingerprint.current !== null && fingerprint.current !== next) {
          router.refresh();
          setUpdatedAt(new Date().toLocaleTimeString('en-GB'));
        }
        fingerprint.current = next;
      } catch {
        // The next poll tries again; the page keeps what it shows.
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), everySeconds * 1000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [router, everySeconds, assetId]);

  return <p className="live muted small" role="status" aria-live="polite">{updatedAt ? `Live: updated ${updatedAt}` : 'Live'}</p>;
}
