'use server';
// A site's calendar as engineers keep it (plant:write): shifts, holidays and planned stops, and a
// CSV import of stops; each through the API, which checks and audits it.
import { revalidatePath } from 'next/cache';
import { ApiError, graphql } from '../../../lib/graphql';
import { field, mutate, type ActionState } from '../../../lib/mutation';

const PATHS = ['/assets/calendar', '/assets'];
const weekdays = (form: FormData) =>
  field(form, 'weekdays')
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number);

export async function saveShift(_previous: ActionState, form: FormData): Promise<ActionState> {
  const id = field(form, 'shiftId');
  return mutate(
    'mutation($i: ShiftInput!, $id: ID) { saveShift(input: $i, id: $id) { id } }',
    {
      ...(id ? { id } : {}),
      i: {
        siteId: field(form, 'siteId'),
        name: field(form, 'name'),
        startsAt: field(form, 'startsAt'),
        endsAt: field(form, 'endsAt'),
        weekdays: weekdays(form),
      },
    },
    'Shift saved.',
    PATHS,
  );
}

export async function saveHoliday(_previous: ActionState, form: FormData): Promise<ActionState> {
  return mutate(
    'mutation($i: SiteHolidayInput!) { saveHoliday(input: $i) { id } }',
    { i: { siteId: field(form, 'siteId'), day: field(form, 'day'), name: field(form, 'name') } },
    'Holiday saved.',
    PATHS,
  );
}

/** A stop entered in the site's own wall-clock time; the API places it in the site's time zone. */
export async function addPlannedStop(_previous: ActionState, form: FormData): Promise<ActionState> {
  return mutate(
    'mutation($i: PlannedStopInput!) { addPlannedStop(input: $i) { id } }',
    { i: { siteId: field(form, 'siteId'), localStartsAt: field(form, 'startsAt'), localEndsAt: field(form, 'endsAt'), reason: field(form, 'reason') } },
    'Planned stop added.',
    PATHS,
  );
}

export async function importPlannedStops(_previous: ActionState, form: FormData): Promise<ActionState> {
  try {
    const { importPlannedStops: result } = await graphql<{ importPlannedStops: { stops: number; problems: { row: number; message: string }[] } }>(
      'mutation($i: PlannedStopsImportInput!) { importPlannedStops(input: $i) { stops problems { row message } } }',
      { i: { csv: field(form, 'csv'), dryRun: false } },
    );
    if (result.problems.length > 0) return { error: `Nothing imported: ${result.problems.map((p) => `row ${p.row}: ${p.message}`).join('; ')}`, done: null };
    for (const path of PATHS) revalidatePath(path);
    return { error: null, done: `${result.stops} planned stops imported.` };
  } catch (error) {
    return { error: error instanceof ApiError ? error.message : 'The file could not be imported; try again.', done: null };
  }
}

/** What the calendar's Remove buttons remove: a shift, a holiday or a planned stop. */
const REMOVALS: Record<string, { mutation: string; done: string }> = {
  shift: { mutation: 'removeShift', done: 'Shift removed.' },
  holiday: { mutation: 'removeHoliday', done: 'Holiday removed.' },
  stop: { mutation: 'removePlannedStop', done: 'Planned stop removed.' },
};

export async function removeEntry(_previous: ActionState, form: FormData): Promise<ActionState> {
  const removal = REMOVALS[field(form, 'kind')];
  if (!removal) return { error: 'Nothing to remove.', done: null };
  return mutate(`mutation($id: ID!) { ${removal.mutation}(id: $id) }`, { id: field(form, 'id') }, removal.done, PATHS);
}
