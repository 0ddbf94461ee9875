/**
 * Polls `probe` until it returns a value other than undefined, and returns it; fails
 * after `timeoutMs` with `what` and the last error the probe threw.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, options: { timeoutMs: number; intervalMs?: number }): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      // Not instanceof: errors may come from another realm (fetch's, inside a test sandbox).
      const message = typeof lastError === 'object' && lastError !== null && 'message' in lastError ? String(lastError.message) : undefined;
      const reason = message === undefined ? '' : `: ${message}`;
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
  }
}
