/** A clock the test moves by hand. */
export class TestClock {
  constructor(private current: string) {}
  readonly now = (): string => this.current;
  set(instant: string): void {
    this.current = new Date(instant).toISOString();
  }
  advanceSeconds(seconds: number): void {
    this.current = new Date(Date.parse(this.current) + seconds * 1000).toISOString();
  }
}
