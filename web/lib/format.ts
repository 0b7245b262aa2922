// How the portal writes numbers, money, ratios and durations (en-GB, the organisation's currency).
export const money = (value: number, currency = 'EUR') =>
  new Intl.NumberFormat('en-GB', { style: 'currency', currency, maximumFractionDigits: 0 }).format(value);

export const ratio = (value: number | null) => (value === null ? '—' : `${(value * 100).toLocaleString('en-GB', { maximumFractionDigits: 1 })} %`);

export const number = (value: number | null, digits = 1) => (value === null ? '—' : value.toLocaleString('en-GB', { maximumFractionDigits: digits }));

/** Seconds as "42 s", "3.5 min" or "2.1 h". */
export function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 90) return `${number(seconds, 0)} s`;
  if (seconds < 5_400) return `${number(seconds / 60)} min`;
  return `${number(seconds / 3_600)} h`;
}

export const date = (iso: string | null) =>
  iso === null ? '—' : new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });

export const PHASE: Record<string, string> = {
  PILOT_AND_PROVE: 'Pilot & Prove',
  ANCHOR_DEPLOYMENT: 'Anchor Deployment',
  ENTERPRISE_ROLLOUT: 'Enterprise Rollout',
};

export const ROLE: Record<string, string> = { VIEWER: 'Viewer', ENGINEER: 'Engineer', DATA_SCIENTIST: 'Data scientist', APPROVER: 'Approver', ADMIN: 'Admin' };

/** Date and time of day, as plant people read it. */
export const dateTime = (iso: string | null) =>
  iso === null ? '—' : new Date(iso).toLocaleString('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
