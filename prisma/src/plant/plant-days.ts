// Plant-local days: where a day starts in a site's time zone, as an instant, so that daily KPIs,
// gate windows, time to value and review dates follow the plant's calendar (a day lasts 23 or 25
// hours across a daylight-saving change). Pure, from the runtime's IANA time zone data.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock time in `timeZone` at `ms`, as if it were UTC (epoch ms). */
function wallClock(ms: number, timeZone: string): number {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(ms))
      .map((p) => [p.type, Number(p.value)]),
  );
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** The instant a wall-clock time (as UTC epoch ms) happens in `timeZone`; in a gap, the first instant after it. */
function instantOf(wall: number, timeZone: string): number {
  let guess = wall - (wallClock(wall, timeZone) - wall);
  guess = wall - (wallClock(guess, timeZone) - guess);
  return wallClock(guess, timeZone) < wall ? guess + (wall - wallClock(guess, timeZone)) : guess;
}

/** The start of the plant-local day containing `at`, `days` days later (earlier when negative). */
export function localDayStart(at: Date, timeZone: string, days = 0): Date {
  const wall = wallClock(at.getTime(), timeZone);
  const midnight = Math.floor(wall / 86_400_000) * 86_400_000 + days * 86_400_000;
  return new Date(instantOf(midnight, timeZone));
}

/** The plant-local date of `at`, as YYYY-MM-DD. */
export function localDate(at: Date, timeZone: string): string {
  return new Date(wallClock(at.getTime(), timeZone)).toISOString().slice(0, 10);
}
