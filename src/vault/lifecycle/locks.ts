// Per-name serialisation: every read-modify-write of one object's record runs alone, so that two
// requests on the same name never interleave. Names are case-insensitive, and so are the locks.
import { nameKey, type ObjectKind, type ObjectStore } from "../../store/types.js";

export class NameLocks {
  readonly #tails = new Map<string, Promise<void>>();
  /** A store shared by several processes adds its own lock inside ours (one waiter per name here, the rest there). */
  readonly #shared: ObjectStore["exclusive"];

  constructor(store?: ObjectStore) {
    this.#shared = store?.exclusive?.bind(store);
  }

  async exclusive<T>(kind: ObjectKind, name: string, fn: () => Promise<T>): Promise<T> {
    const id = `${kind}/${nameKey(name)}`;
    const previous = this.#tails.get(id) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => {
      release = r;
    });
    const tail = previous.then(() => mine);
    this.#tails.set(id, tail);
    await previous;
    try {
      return await (this.#shared ? this.#shared(kind, name, fn) : fn());
    } finally {
      release();
      if (this.#tails.get(id) === tail) this.#tails.delete(id);
    }
  }
}
