// Messages between threads, sent in batches: what one turn of the event loop posts to a thread leaves
// as one postMessage at the end of the turn (setImmediate: after the poll phase that read the
// requests, so no request waits for a timer). Under load a turn handles many requests, and each
// postMessage costs both threads a structured clone and a wake-up: measured with 32 requests in
// flight, the owner thread's CPU per ES256 sign fell from 15.5 to 7.0 µs and both threads' from 86.8
// to 72.1 µs (NOTES-speed.md). Messages are objects, never arrays, so an array is a batch.
// Order is kept: one batcher per direction of one port, sent in the order posted.
//
// A batch is also bounded in time, for slow work: a worker that got 16 RS256 requests in one message
// signs them in one turn (16 ms); holding every answer to the end of the turn left the worker idle
// while the owner and the client turned them into new requests (RS256 over HTTPS fell to 0.80x). So
// a message that comes MAX_DELAY_MS or more after the previous one leaves at once, and so does a
// batch that has been open that long: an answer waits at most MAX_DELAY_MS for others to join it.

/** The longest a message waits for others to join it, in ms (an ES256 signature is ~0.05 ms, RS256 ~1 ms). */
export const MAX_DELAY_MS = 0.2;

/** A message that could not be sent, even alone (it cannot be cloned). */
export type Undeliverable<M> = (msg: M, error: unknown) => void;

export class MessageBatcher<M> {
  readonly #send: (data: M | M[], transfer: Transferable[]) => void;
  readonly #schedule: (fn: () => void) => void;
  readonly #failed: Undeliverable<M>;
  readonly #now: () => number;
  #batch: { msg: M; transfer: Transferable[] }[] = [];
  /** When the open batch began, and when the last message was posted (ms, #now's clock). */
  #opened = 0;
  #last = Number.NEGATIVE_INFINITY;
  #scheduled = false;

  /**
   * `send` posts a message or an array of them; `schedule` runs a function at the end of this turn of
   * the event loop; `failed` hears of each message that cannot be sent (one such message fails a whole
   * batch, so the others are then sent alone); `now` is a clock in ms.
   */
  constructor(
    send: (data: M | M[], transfer: Transferable[]) => void,
    schedule: (fn: () => void) => void,
    failed: Undeliverable<M>,
    now: () => number = () => performance.now(),
  ) {
    this.#send = send;
    this.#schedule = schedule;
    this.#failed = failed;
    this.#now = now;
  }

  post(msg: M, transfer: Transferable[] = []): void {
    const now = this.#now();
    const slow = now - this.#last >= MAX_DELAY_MS;
    this.#last = now;
    if (this.#batch.length === 0) this.#opened = now;
    this.#batch.push({ msg, transfer });
    if (slow || now - this.#opened >= MAX_DELAY_MS) this.#flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      this.#schedule(this.#scheduledFlush);
    }
  }

  readonly #scheduledFlush = (): void => {
    this.#scheduled = false;
    this.#flush();
  };

  #flush(): void {
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
  }
}

/** Calls fn with each message of what arrived: one message, or a batch of them. */
export function eachMessage<M>(data: M | M[], fn: (msg: M) => void): void {
  if (Array.isArray(data)) for (const msg of data) fn(msg);
  else fn(data);
}
