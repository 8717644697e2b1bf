// Batched messages over a real MessageChannel (structured clone, as between worker threads): what
// one turn posts arrives as one message, in order; a message after a pause, or one that would wait
// too long, leaves at once; a message that cannot be cloned fails alone. The clock is the test's.
import { MessageChannel } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { eachMessage, MAX_DELAY_MS, MessageBatcher } from "../../../../src/server/workers/batch.js";

type Msg = { n: number; f?: () => void };

describe("MessageBatcher", () => {
  const channel = new MessageChannel();
  afterEach(() => channel.port2.removeAllListeners("message"));

  function setup() {
    const raw: unknown[] = [];
    const got: number[] = [];
    const failed: number[] = [];
    channel.port2.on("message", (data: Msg | Msg[]) => {
      raw.push(data);
      eachMessage(data, (m) => got.push(m.n));
    });
    const clock = { ms: 1000 };
    const batcher = new MessageBatcher<Msg>(
      (data, transfer) => channel.port1.postMessage(data, transfer as never),
      setImmediate,
      (m) => failed.push(m.n),
      () => clock.ms,
    );
    const settled = () => new Promise((r) => setTimeout(r, 20));
    // A message after a pause leaves at once: open with one, then post the batch right after it.
    const open = () => batcher.post({ n: 0 });
    return { raw, got, failed, batcher, settled, clock, open };
  }

  it("sends what one turn posts in quick succession as one message, in order; one after a pause at once, as itself", async () => {
    const { raw, got, batcher, settled, clock, open } = setup();
    open();
    expect(raw).toEqual([]); // posted at once, received on a later turn
    for (let n = 1; n <= 5; n++) {
      clock.ms += 0.01;
      batcher.post({ n });
    }
    await settled();
    clock.ms += MAX_DELAY_MS;
    batcher.post({ n: 6 });
    await settled();
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(raw).toEqual([{ n: 0 }, [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }], { n: 6 }]);
  });

  it("sends a batch once it has been open MAX_DELAY_MS, without waiting for the end of the turn", async () => {
    const { raw, batcher, settled, clock, open } = setup();
    open();
    const step = MAX_DELAY_MS / 3;
    for (let n = 1; n <= 6; n++) {
      clock.ms += step * 0.99;
      batcher.post({ n });
    }
    await settled();
    // Opened by 1 at t, 4 comes at t + 2.97 steps (< MAX_DELAY_MS), 5 at 3.96 steps: 1-5 leave together.
    expect(raw).toEqual([{ n: 0 }, [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }], { n: 6 }]);
  });

  it("transfers the buffers of every message of a batch", async () => {
    const { got, batcher, settled, open } = setup();
    open();
    const a = new Uint8Array(8);
    const b = new Uint8Array(16);
    batcher.post({ n: 1, buf: a } as Msg, [a.buffer]);
    batcher.post({ n: 2, buf: b } as Msg, [b.buffer]);
    await settled();
    expect(got).toEqual([0, 1, 2]);
    expect([a.byteLength, b.byteLength]).toEqual([0, 0]);
  });

  it("a message that cannot be cloned fails alone: the others of its batch arrive, in order", async () => {
    const { got, failed, batcher, settled, open } = setup();
    open();
    batcher.post({ n: 1 });
    batcher.post({ n: 2, f: () => {} });
    batcher.post({ n: 3 });
    await settled();
    expect(got).toEqual([0, 1, 3]);
    expect(failed).toEqual([2]);
  });

  it("a message that cannot be cloned and leaves at once fails at once", () => {
    const { failed, batcher } = setup();
    batcher.post({ n: 7, f: () => {} });
    expect(failed).toEqual([7]);
  });
});
