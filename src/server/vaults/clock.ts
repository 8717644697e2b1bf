// A clock that tests can move forward (the management API's time shift). Each vault has one whose
// parent is the emulator's, so a shift of every vault moves the parent and a shift of one vault moves
// only its own. Milliseconds since the epoch, like Date.now.

export class ShiftableClock {
  readonly #base: () => number;
  readonly #parent: ShiftableClock | undefined;
  #offsetMs = 0;

  constructor(base: () => number = Date.now, parent?: ShiftableClock) {
    this.#base = base;
    this.#parent = parent;
  }

  readonly now = (): number => (this.#parent ? this.#parent.now() : this.#base()) + this.#offsetMs;

  /** Moves this clock forward by whole seconds. */
  shift(seconds: number): void {
    this.#offsetMs += seconds * 1000;
  }

  /** This clock's own offset, without its parent's. */
  get offsetSeconds(): number {
    return this.#offsetMs / 1000;
  }

  /** The offset from real time, its parent's included. */
  get totalOffsetSeconds(): number {
    return this.offsetSeconds + (this.#parent?.totalOffsetSeconds ?? 0);
  }
}
