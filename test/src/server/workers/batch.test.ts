// Batched messages over a real MessageChannel (structured clone, as between worker threads): what
// one turn posts arrives as one message, in order; a message that cannot be cloned fails alone.
import { MessageChannel } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { eachMessage, MessageBatcher } from "../../../../src/server/workers/batch.js";

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
    const batcher = new MessageBatcher<Msg>(
      (data, transfer) => channel.port1.postMessage(data, transfer as never),
      setImmediate,
      (m) => failed.push(m.n),
    );
    const settled = () => new Promise((r) => setTimeout(r, 20));
    return { raw, got, failed, batcher, settled };
  }

  it("sends what one turn posts as one message, in order; a lone message as itself", async () => {
    const { raw, got, batcher, settled } = setup();
    for (let n = 1; n <= 5; n++) batcher.post({ n });
    await settled();
    batcher.post({ n: 6 });
    await settled();
    expect(got).toEqual([1, 2, 3, 4, 5, 6]);
    expect(raw).toEqual([[{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }], { n: 6 }]);
  });

  it("transfers the buffers of every message of a batch", async () => {
    const { got, batcher, settled } = setup();
    const a = new Uint8Array(8);
    const b = new Uint8Array(16);
    batcher.post({ n: 1, buf: a } as Msg, [a.buffer]);
    batcher.post({ n: 2, buf: b } as Msg, [b.buffer]);
    await settled();
    expect(got).toEqual([1, 2]);
    expect([a.byteLength, b.byteLength]).toEqual([0, 0]);
  });

  it("a message that cannot be cloned fails alone: the others of its batch arrive, in order", async () => {
    const { got, failed, batcher, settled } = setup();
    batcher.post({ n: 1 });
    batcher.post({ n: 2, f: () => {} });
    batcher.post({ n: 3 });
    await settled();
    expect(got).toEqual([1, 3]);
    expect(failed).toEqual([2]);
  });
});
