// A site's calendar through GraphQL: its shifts, holidays and planned stops (audited writes, a CSV
// import of stops) and the shift report of planned time, downtime and availability per shift.
import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import {
  addPlannedStop,
  importPlannedStops,
  listHolidays,
  listPlannedStops,
  listShifts,
  removeCalendarEntry,
  saveHoliday,
  saveShift,
} from '@threadline/db/plant/calendar';
import { shiftReport } from '@threadline/db/value/shift-report';
import { tenantOf, type Context } from '../../context.ts';
import { domainCommand, withCodedErrors } from '../../common/domain-command.ts';
import { requireUuid } from '../../common/errors.ts';
import { DateTime } from '../../common/scalars.ts';
import { Site } from './plant.types.ts';
import {
  PlannedStop,
  PlannedStopImport,
  PlannedStopInput,
  PlannedStopsImportInput,
  Shift,
  ShiftInput,
  ShiftPerformance,
  ShiftReportInput,
  SiteHoliday,
  SiteHolidayInput,
} from './calendar.types.ts';

const write = 'plant:write' as const;

@Resolver(() => Site)
export class SiteCalendarResolver {
  @FieldResolver(() => [Shift], { description: "The site's shifts, by start time." })
  shifts(@Root() site: Site, @Ctx() ctx: Context): Promise<Shift[]> {
    const { tenant, principal } = tenantOf(ctx);
    return listShifts(tenant, principal.organizationId, site.id);
  }

  @FieldResolver(() => [SiteHoliday], { description: "The site's holidays, by day." })
  holidays(@Root() site: Site, @Ctx() ctx: Context): Promise<SiteHoliday[]> {
    const { tenant, principal } = tenantOf(ctx);
    return listHolidays(tenant, principal.organizationId, site.id);
  }

  @FieldResolver(() => [PlannedStop], { description: 'Planned stops at the site (of it, its lines or assets) overlapping [from, to), at most 1,000.' })
  plannedStops(@Root() site: Site, @Arg('from', () => DateTime) from: Date, @Arg('to', () => DateTime) to: Date, @Ctx() ctx: Context): Promise<PlannedStop[]> {
    const { tenant, principal } = tenantOf(ctx);
    return listPlannedStops(tenant, principal.organizationId, site.id, from, to);
  }

  @FieldResolver(() => [ShiftPerformance], { description: "The site's shift report over [from, to) (at most 62 days), as shiftReport." })
  shiftReport(
    @Root() site: Site,
    @Arg('from', () => DateTime) from: Date,
    @Arg('to', () => DateTime) to: Date,
    @Ctx() ctx: Context,
  ): Promise<ShiftPerformance[]> {
    const { tenant, principal } = tenantOf(ctx);
    return withCodedErrors(() => shiftReport(tenant, principal.organizationId, { siteIds: [site.id] }, from, to, ctx.services.clock.now()));
  }
}

@Resolver()
export class CalendarResolver {
  @Authorized('read')
  @Query(() => [ShiftPerformance], {
    description:
      'Per shift instance in [from, to) (at most 62 days): planned production time of the assets named, on the lines or at the sites named, the downtime within it and availability.',
  })
  shiftReport(@Arg('input', () => ShiftReportInput) input: ShiftReportInput, @Ctx() ctx: Context): Promise<ShiftPerformance[]> {
    const { tenant, principal } = tenantOf(ctx);
    return withCodedErrors(() => shiftReport(tenant, principal.organizationId, input, input.from, input.to, ctx.services.clock.now(), input.oee ?? null));
  }

  @Authorized(write)
  @Mutation(() => Shift, { description: 'Creates a shift, or changes the one with `id`; audited as shift.created or shift.updated.' })
  saveShift(
    @Arg('input', () => ShiftInput) input: ShiftInput,
    @Arg('id', () => ID, { nullable: true }) id: string | null,
    @Ctx() ctx: Context,
  ): Promise<Shift> {
    return domainCommand(ctx, (db, actor, organizationId) => saveShift(db, organizationId, actor, input, id ? requireUuid(id) : undefined));
  }

  @Authorized(write)
  @Mutation(() => SiteHoliday, { description: 'Adds a holiday, or renames the one on that day; audited.' })
  saveHoliday(@Arg('input', () => SiteHolidayInput) input: SiteHolidayInput, @Ctx() ctx: Context): Promise<SiteHoliday> {
    return domainCommand(ctx, (db, actor, organizationId) => saveHoliday(db, organizationId, actor, input));
  }

  @Authorized(write)
  @Mutation(() => PlannedStop, { description: 'Adds a planned stop of a site, a line or an asset; audited as planned_stop.created.' })
  addPlannedStop(@Arg('input', () => PlannedStopInput) input: PlannedStopInput, @Ctx() ctx: Context): Promise<PlannedStop> {
    return domainCommand(ctx, (db, actor, organizationId) => addPlannedStop(db, organizationId, actor, input));
  }

  @Authorized(write)
  @Mutation(() => PlannedStopImport, {
    description:
      'Imports planned stops from CSV; a dry run (the default) only checks. Any problem (by record) means nothing is written; each stop written is audited.',
  })
  importPlannedStops(@Arg('input', () => PlannedStopsImportInput) input: PlannedStopsImportInput, @Ctx() ctx: Context): Promise<PlannedStopImport> {
    return domainCommand(ctx, (db, actor, organizationId) => importPlannedStops(db, organizationId, actor, input.csv, input.dryRun));
  }

  @Authorized(write)
  @Mutation(() => Boolean, { description: 'Removes a shift; audited as shift.removed with what it was.' })
  async removeShift(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    await domainCommand(ctx, (db, actor, organizationId) => removeCalendarEntry(db, organizationId, actor, 'shift', requireUuid(id)));
    return true;
  }

  @Authorized(write)
  @Mutation(() => Boolean, { description: 'Removes a holiday; audited as site_holiday.removed.' })
  async removeHoliday(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    await domainCommand(ctx, (db, actor, organizationId) => removeCalendarEntry(db, organizationId, actor, 'site_holiday', requireUuid(id)));
    return true;
  }

  @Authorized(write)
  @Mutation(() => Boolean, { description: 'Removes a planned stop; audited as planned_stop.removed.' })
  async removePlannedStop(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    await domainCommand(ctx, (db, actor, organizationId) => removeCalendarEntry(db, organizationId, actor, 'planned_stop', requireUuid(id)));
    return true;
  }
}
