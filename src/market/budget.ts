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
    return AbortSignal.timeout(Math.max(1, slice));
  }
}
