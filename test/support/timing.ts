/**
 * Whether `promise` settles (either way) without waiting on anything: before the event loop's
 * next turn, so on no timer, socket or other I/O, only on already-resolved work. It says "answers
 * at once" without a stopwatch, so a busy machine cannot make it fail. Its outcome is left to the
 * caller, who may await `promise` afterwards.
 */
export async function settlesWithoutWaiting(promise: Promise<unknown>): Promise<boolean> {
  const waited = Symbol('waited');
  const first = await Promise.race([
    promise.then(
      () => 'settled',
      () => 'settled',
    ),
    // setImmediate runs after every queued microtask and nextTick, so only real waiting loses to it.
    new Promise<symbol>((resolve) => setImmediate(() => resolve(waited))),
  ]);
  return first !== waited;
}

/** Waits `ms` of timer time (faked timers included: it reads `setTimeout` when called). */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Checks `condition`, then lets `step` pass and checks again, until it holds; throws after
 * `timeoutMs` of real time. The step is the caller's: a real sleep, or fake time advanced, for
 * background work a test cannot await.
 */
export async function pollUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, step: () => Promise<unknown>): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await step();
  }
}
