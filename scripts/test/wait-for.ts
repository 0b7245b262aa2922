// Waiting in tests on a condition with a deadline sized for a busy CI machine, never on a count
// of iterations or a fixed sleep: polls until the check holds and fails naming what it waited for.
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, options: { timeoutMs?: number; everyMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${options.timeoutMs ?? 60_000} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 50));
  }
}

/** Reads `read` until its value passes `check`, within the deadline; that value. */
export async function waitForValue<T>(
  what: string,
  read: () => Promise<T> | T,
  check: (value: T) => boolean,
  options: { timeoutMs?: number } = {},
): Promise<T> {
  let value!: T;
  await waitFor(what, async () => check((value = await read())), options);
  return value;
}

/** Waits until the inference dispatcher has nothing pending and its queue is idle, three checks running. */
export async function waitForInferenceIdle(
  dispatcher: { flush(): Promise<void> },
  inference: { getJobCounts(...states: string[]): Promise<Record<string, number>> },
): Promise<void> {
  let quiet = 0;
  await waitFor(
    'the dispatcher and the inference queue to be idle three checks running',
    async () => {
      await dispatcher.flush();
      const counts = await inference.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      quiet = Object.values(counts).every((c) => c === 0) ? quiet + 1 : 0;
      return quiet >= 3;
    },
    { timeoutMs: 120_000, everyMs: 100 },
  );
}
