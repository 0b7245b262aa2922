// A bounded, sorted history of recent magnitudes (prediction errors, level deviations) and the tail
// probability of a new one against it: the share of the history at least as large (ties count
// half), and beyond the history's top tenth an exponential tail fitted to it (peaks over a
// threshold), so a value larger than anything seen still gets a finite, ordered probability
// instead of saturating. Works on flat and quantised histories: the tail's scale has a floor.

export interface TailHistoryState {
  capacity: number;
  /** Values in arrival order (a ring; `next` is the oldest once full). */
  ring: number[];
  next: number;
}

export class TailHistory {
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private size = 0;
  private next = 0;

  constructor(readonly capacity: number) {
    this.ring = new Float64Array(capacity);
    this.sorted = new Float64Array(capacity);
  }

  get count(): number {
    return this.size;
  }

  /** P(a history value ≥ x), with the fitted tail above the top tenth; 1 when the history is empty. */
  tailProbability(x: number, floor: number): number {
    const n = this.size;
    if (n === 0) return 1;
    const k = Math.max(3, Math.floor(n / 10));
    const u = this.sorted[n - k]!;
    if (x > u) {
      let excess = 0;
      for (let i = n - k; i < n; i += 1) excess += this.sorted[i]! - u;
      const beta = Math.max(excess / k, floor);
      return ((k - 0.5) / (n + 1)) * Math.exp(-(x - u) / beta);
    }
    const below = lowerBound(this.sorted, n, x);
    const above = n - upperBound(this.sorted, n, x);
    return (above + 0.5 * (n - below - above) + 0.5) / (n + 1);
  }

  /** The history's q-quantile (0 when empty). */
  quantile(q: number): number {
    return this.size === 0 ? 0 : this.sorted[Math.min(this.size - 1, Math.floor(q * this.size))]!;
  }

  add(x: number): void {
    if (this.size === this.capacity) {
      const oldest = this.ring[this.next]!;
      const at = lowerBound(this.sorted, this.size, oldest);
      this.sorted.copyWithin(at, at + 1, this.size);
      this.size -= 1;
    }
    const at = upperBound(this.sorted, this.size, x);
    this.sorted.copyWithin(at + 1, at, this.size);
    this.sorted[at] = x;
    this.size += 1;
    this.ring[this.next] = x;
    this.next = (this.next + 1) % this.capacity;
  }

  toJSON(): TailHistoryState {
    const ring = this.size < this.capacity ? Array.from(this.ring.subarray(0, this.size)) : Array.from(this.ring);
    return { capacity: this.capacity, ring, next: this.size < this.capacity ? this.size : this.next };
  }

  static from(state: TailHistoryState): TailHistory {
    const history = new TailHistory(state.capacity);
    // Replaying oldest first rebuilds both orders.
    const full = state.ring.length === state.capacity;
    const ordered = full ? [...state.ring.slice(state.next), ...state.ring.slice(0, state.next)] : state.ring;
    for (const x of ordered) history.add(x);
    return history;
  }
}

/** First index in sorted[0, n) whose value is ≥ x, or with `past` > x. */
function bound(sorted: Float64Array, n: number, x: number, past: boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x || (past && sorted[mid] === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
const lowerBound = (sorted: Float64Array, n: number, x: number) => bound(sorted, n, x, false);
const upperBound = (sorted: Float64Array, n: number, x: number) => bound(sorted, n, x, true);
