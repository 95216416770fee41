/**
 * The latency budget of one trip down the provider chain. A provider with others behind it gets
 * only part of what is left, so a primary that hangs still leaves its fallback time to answer;
 * the last provider gets all that remains.
 */
export class ChainBudget {
  private readonly deadline: number;

  constructor(
    budgetMs: number,
    private readonly now: () => number = Date.now,
    /** Share of the remaining budget a provider gets when others are behind it. */
    private readonly share = 0.6,
  ) {
    this.deadline = now() + budgetMs;
  }

  get remainingMs(): number {
    return Math.max(0, this.deadline - this.now());
  }

  get exhausted(): boolean {
    return this.remainingMs <= 0;
  }

  /** The signal bounding the next provider's call, `providersLeft` counting it. */
  signalFor(providersLeft: number): AbortSignal {
    const remaining = this.remainingMs;
    const slice = providersLeft > 1 ? Math.floor(remaining * this.share) : remaining;
    return timeoutSignal(Math.max(1, slice));
  }
}

/**
 * AbortSignal.timeout's signal, on the global timers rather than Node's internal ones, so that a
 * test's fake timers drive the budget as they drive its clock (`now`). Unref'd, as
 * AbortSignal.timeout's: a budget never keeps a process alive.
 */
function timeoutSignal(ms: number): AbortSignal {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms).unref();
  return controller.signal;
}
