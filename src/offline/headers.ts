// The response headers an HttpClient returns: @azure/core-rest-pipeline's HttpHeaders shape
// (case-insensitive names, iterable), without a runtime dependency on the pipeline's own class.
import type { HttpHeaders, RawHttpHeaders } from "@azure/core-rest-pipeline";

export class OfflineHeaders implements HttpHeaders {
  readonly #map = new Map<string, { name: string; value: string }>();

  constructor(raw: Record<string, string> = {}) {
    for (const [name, value] of Object.entries(raw)) this.set(name, value);
  }

  get(name: string): string | undefined {
    return this.#map.get(name.toLowerCase())?.value;
  }

  has(name: string): boolean {
    return this.#map.has(name.toLowerCase());
  }

  set(name: string, value: string | number | boolean): void {
    this.#map.set(name.toLowerCase(), { name, value: String(value) });
  }

  delete(name: string): void {
    this.#map.delete(name.toLowerCase());
  }

  toJSON(options: { preserveCase?: boolean } = {}): RawHttpHeaders {
    const out: RawHttpHeaders = {};
    for (const [key, { name, value }] of this.#map) out[options.preserveCase ? name : key] = value;
    return out;
  }

  *[Symbol.iterator](): Iterator<[string, string]> {
    for (const [key, { value }] of this.#map) yield [key, value];
  }
}
