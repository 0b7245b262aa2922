// Waiting in tests on a condition with a deadline sized for a busy CI machine, never on a count
// of iterations or a fixed sleep: polls until the check holds and fails naming what it waited for.
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, options: { timeoutMs?: number; everyMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${options.timeoutMs ?? 30_000} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 50));
  }
}
