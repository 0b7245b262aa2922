// A bounded, sorted history of recent magnitudes (prediction errors, level deviations) and the tail
// probability of a new one against it: the share of the history at least as large (ties count
// half), and beyond the history's top tenth an exponential tail fitted to it (peaks over a
// threshold), so a value larger than anything seen still gets a finite, ordered probability
// instead of saturating. Works on flat and quantised histories: the tail's scale has a floor.
// Values are kept at single precision, and saved as base64 of their bytes: a state is compact and
// restores exactly.

export interface TailHistoryState {
  capacity: number;
  /** Values in arrival order as base64 of float32 bytes (a ring; `next` is the oldest once full). */
  ring: string;
  next: number;
}

export class TailHistory {
  private readonly ring: Float32Array;
  private readonly sorted: Float32Array;
  private size = 0;
  private next = 0;

  constructor(readonly capacity: number) {
    this.ring = new Float32Array(capacity);
    this.sorted = new Float32Array(capacity);
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

  add(value: number): void {
    const x = Math.fround(value);
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
    const ring = this.ring.slice(0, this.size);
    return { capacity: this.capacity, ring: Buffer.from(ring.buffer).toString('base64'), next: this.size < this.capacity ? this.size : this.next };
  }

  static from(state: TailHistoryState): TailHistory {
    const history = new TailHistory(state.capacity);
    // Replaying oldest first rebuilds both orders.
    const bytes = Buffer.from(state.ring, 'base64');
    const ring = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
    const full = ring.length === state.capacity;
    const ordered = full ? [...ring.slice(state.next), ...ring.slice(0, state.next)] : ring;
    for (const x of ordered) history.add(x);
    return history;
  }
}

/** First index in sorted[0, n) whose value is ≥ x, or with `past` > x. */
function bound(sorted: Float32Array, n: number, x: number, past: boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x || (past && sorted[mid] === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
const lowerBound = (sorted: Float32Array, n: number, x: number) => bound(sorted, n, x, false);
const upperBound = (sorted: Float32Array, n: number, x: number) => bound(sorted, n, x, true);
