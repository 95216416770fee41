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
