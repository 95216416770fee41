/**
 * Whether the shared quota store (Redis) answered its last command, so an outage is told once
 * when it starts and once when it ends rather than on every call in between.
 */
export class StoreHealth {
  private healthy = true;

  constructor(
    private readonly onDown: (error: unknown) => void = () => undefined,
    private readonly onUp: () => void = () => undefined,
  ) {}

  up(): void {
    if (this.healthy) return;
    this.healthy = true;
    this.onUp();
  }

  down(error: unknown): void {
    if (!this.healthy) return;
    this.healthy = false;
    this.onDown(error);
  }

  get isUp(): boolean {
    return this.healthy;
  }
}
