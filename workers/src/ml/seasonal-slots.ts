// What a signal usually is at a point of a cycle (a quarter hour of the day, of the week): per slot
// of the cycle, the mean of each visit (a day's, a week's samples in the slot) folded into a
// moving expectation once the visit is over. A slot knows its value after two visits, so the
// expectation comes from the cycle's history, never from the visit in progress.

/** [expectation (NaN, or null in JSON, until a visit is folded), visits folded, visit in progress, its sum, its count]. */
export type Slot = [number | null, number, number, number, number];

export class SeasonalSlots {
  private readonly slots: Slot[];
  private readonly slotMs: number;

  constructor(
    private readonly periodMs: number,
    count: number,
    private readonly weight: number,
    saved?: readonly Slot[],
  ) {
    this.slotMs = periodMs / count;
    this.slots = saved ? saved.map(([expected, ...rest]) => [expected ?? Number.NaN, ...rest]) : Array.from({ length: count }, () => [Number.NaN, 0, -1, 0, 0]);
  }

  /** The slot of time t, its last visit folded once t's visit has begun. */
  slotOf(t: number): number {
    const index = Math.floor((((t % this.periodMs) + this.periodMs) % this.periodMs) / this.slotMs);
    const slot = this.slots[index]!;
    const visit = Math.floor(t / this.periodMs);
    if (slot[2] !== visit) {
      if (slot[4] > 0) {
        const mean = slot[3] / slot[4];
        slot[0] = Number.isNaN(slot[0]) ? mean : slot[0]! + this.weight * (mean - slot[0]!);
        slot[1] += 1;
      }
      slot[2] = visit;
      slot[3] = 0;
      slot[4] = 0;
    }
    return index;
  }

  /** The slot's expectation once two visits are folded, else null. */
  expected(index: number): number | null {
    const slot = this.slots[index]!;
    return slot[1] >= 2 ? slot[0] : null;
  }

  add(index: number, value: number): void {
    const slot = this.slots[index]!;
    slot[3] += value;
    slot[4] += 1;
  }

  toJSON(): Slot[] {
    return this.slots.map((slot) => [...slot]);
  }
}
