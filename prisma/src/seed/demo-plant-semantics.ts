// The demo plant's calendars and calculated signals (`npm run db:seed`, after the plant): Leipzig
// runs three shifts (the night shift Sunday to Thursday nights), Brno two, both stop over
// Christmas and New Year; each line's inspection station carries the line's power as a calculated
// signal. Once: a site with shifts is left as it is.
import type { PrismaClient } from '../client.ts';
import type { AuditActor } from '../audit/audit-log.ts';
import { saveHoliday, saveShift } from '../plant/calendar.ts';
import { checkCalculation } from '../telemetry/calculations.ts';
import type { RawSql } from '../sql.ts';

const SEED: AuditActor = { kind: 'SYSTEM', id: null, label: 'seed:demo-plant-semantics' };

const SHIFTS: Record<string, { name: string; startsAt: string; endsAt: string; weekdays: number[] }[]> = {
  LEJ: [
    { name: 'Early', startsAt: '06:00', endsAt: '14:00', weekdays: [1, 2, 3, 4, 5] },
    { name: 'Late', startsAt: '14:00', endsAt: '22:00', weekdays: [1, 2, 3, 4, 5] },
    { name: 'Night', startsAt: '22:00', endsAt: '06:00', weekdays: [7, 1, 2, 3, 4] },
  ],
  BRQ: [
    { name: 'Early', startsAt: '06:00', endsAt: '14:00', weekdays: [1, 2, 3, 4, 5] },
    { name: 'Late', startsAt: '14:00', endsAt: '22:00', weekdays: [1, 2, 3, 4, 5] },
  ],
};
const HOLIDAYS = [
  { day: '2026-12-24', name: 'Christmas Eve' },
  { day: '2026-12-25', name: 'Christmas Day' },
  { day: '2026-12-26', name: 'Boxing Day' },
  { day: '2027-01-01', name: "New Year's Day" },
];

export async function seedPlantSemantics(prisma: PrismaClient, organizationId: string): Promise<{ shifts: number; calculated: number }> {
  let shifts = 0;
  let calculated = 0;
  await prisma.$transaction(async (tx) => {
    const db = tx as unknown as RawSql;
    for (const site of await tx.site.findMany({ where: { organizationId }, include: { shifts: true } })) {
      if (site.shifts.length > 0 || !SHIFTS[site.code]) continue;
      for (const shift of SHIFTS[site.code]!) {
        await saveShift(db, organizationId, SEED, { siteId: site.id, ...shift });
        shifts += 1;
      }
      for (const holiday of HOLIDAYS) await saveHoliday(db, organizationId, SEED, { siteId: site.id, ...holiday });
    }
    for (const station of await tx.asset.findMany({ where: { organizationId, code: { endsWith: '-VIS01' } } })) {
      if (await tx.signal.findFirst({ where: { assetId: station.id, name: 'line_power' } })) continue;
      const expression = 'sum(line.power)';
      const unit = await checkCalculation(db, organizationId, { assetId: station.id, name: 'line_power', expression, unit: null });
      await tx.signal.create({
        data: {
          organizationId,
          assetId: station.id,
          name: 'line_power',
          unit,
          sourceProtocol: 'CALCULATED',
          sourceAddress: `calculated:${station.id}/line_power`,
          expression,
          tags: ['calculated'],
        },
      });
      calculated += 1;
    }
  });
  return { shifts, calculated };
}
