// Group commit for gateways that acknowledge what they stored: items (a device's message each) are
// written together, many to a write, and acknowledged in the order they arrived once their write
// succeeded. No timer: while writes are in flight, what arrives waits and leaves as the next batch,
// so an idle gateway writes each message at once and a busy one writes thousands per statement.

export interface Sized {
  /** What the item weighs against the batch limit (its readings). */
  readonly size: number;
}

export interface GroupCommitLimits {
  /** Largest batch, in item sizes; an item larger than this leaves alone. */
  batchSize: number;
  /** Writes in flight at once. */
  writes: number;
}

export class GroupCommit<T extends Sized> {
  private pending: T[] = [];
  private writing = 0;
  private acknowledged: Promise<void> = Promise.resolve();

  /**
   * `write` stores a batch and resolves true, or reports its failure itself and resolves false (the
   * batch is then not acknowledged); `acknowledge` is called with each stored batch, in order.
   */
  constructor(
    private readonly write: (batch: T[]) => Promise<boolean>,
    private readonly acknowledge: (batch: T[]) => void,
    private readonly limits: GroupCommitLimits,
  ) {}

  /** Items waiting for a write slot. */
  get waiting(): number {
    return this.pending.length;
  }

  push(item: T): void {
    this.pending.push(item);
    this.flush();
  }

  /** Resolves once everything pushed so far is written and acknowledged (or failed). */
  async settled(): Promise<void> {
    while (this.pending.length > 0 || this.writing > 0) await this.acknowledged;
  }

  private flush(): void {
    while (this.writing < this.limits.writes && this.pending.length > 0) {
      const batch = this.take();
      this.writing += 1;
      const stored = this.write(batch).finally(() => {
        this.writing -= 1;
        this.flush();
      });
      this.acknowledged = this.acknowledged.then(async () => {
        if (await stored) this.acknowledge(batch);
      });
    }
  }

  private take(): T[] {
    let size = 0;
    let count = 0;
    while (count < this.pending.length && (count === 0 || size + this.pending[count]!.size <= this.limits.batchSize)) {
      size += this.pending[count]!.size;
      count += 1;
    }
    return this.pending.splice(0, count);
  }
}
