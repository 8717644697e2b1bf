// Messages between threads, sent in batches: what one turn of the event loop posts to a thread leaves
// as one postMessage at the end of the turn (setImmediate: after the poll phase that read the
// requests, so no request waits for a timer). Under load a turn handles many requests, and each
// postMessage costs both threads a structured clone and a wake-up: measured with 32 requests in
// flight, the owner thread's CPU per ES256 sign fell from 15.5 to 7.0 µs and both threads' from 86.8
// to 72.1 µs (NOTES-speed.md). Messages are objects, never arrays, so an array is a batch.
// Order is kept: one batcher per direction of one port, sent in the order posted.

/** A message that could not be sent, even alone (it cannot be cloned). */
export type Undeliverable<M> = (msg: M, error: unknown) => void;

export class MessageBatcher<M> {
  readonly #send: (data: M | M[], transfer: Transferable[]) => void;
  readonly #schedule: (fn: () => void) => void;
  readonly #failed: Undeliverable<M>;
  #batch: { msg: M; transfer: Transferable[] }[] = [];

  /**
   * `send` posts a message or an array of them; `schedule` runs a function at the end of this turn of
   * the event loop; `failed` hears of each message that cannot be sent (one such message fails a whole
   * batch, so the others are then sent alone).
   */
  constructor(send: (data: M | M[], transfer: Transferable[]) => void, schedule: (fn: () => void) => void, failed: Undeliverable<M>) {
    this.#send = send;
    this.#schedule = schedule;
    this.#failed = failed;
  }

  post(msg: M, transfer: Transferable[] = []): void {
    if (this.#batch.length === 0) this.#schedule(this.#flush);
    this.#batch.push({ msg, transfer });
  }

  readonly #flush = (): void => {
    const batch = this.#batch;
    this.#batch = [];
    if (batch.length === 0) return;
    try {
      if (batch.length === 1) this.#send(batch[0]!.msg, batch[0]!.transfer);
      else
        this.#send(
          batch.map((b) => b.msg),
          batch.flatMap((b) => b.transfer),
        );
      return;
    } catch {
      // A clone error is thrown before anything is sent or transferred: send them one by one.
    }
    for (const { msg, transfer } of batch) {
      try {
        this.#send(msg, transfer);
      } catch (err) {
        this.#failed(msg, err);
      }
    }
  };
}

/** Calls fn with each message of what arrived: one message, or a batch of them. */
export function eachMessage<M>(data: M | M[], fn: (msg: M) => void): void {
  if (Array.isArray(data)) for (const msg of data) fn(msg);
  else fn(data);
}
