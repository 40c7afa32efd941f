// A stubbed global fetch for component tests: `handler` answers every request; posts() lists the
// POSTs made, each with its parsed JSON body.
import { vi } from "vitest";

export type Handler = (url: string, init: RequestInit) => Response | Promise<Response>;

export function stubFetch(handler: Handler) {
  const f = vi.fn(async (url: string, init: RequestInit = {}) => handler(url, init));
  vi.stubGlobal("fetch", f);
  return f;
}

export const posts = (f: ReturnType<typeof stubFetch>) =>
  f.mock.calls
    .filter(([, init]) => (init as RequestInit | undefined)?.method === "POST")
    .map(([url, init]) => ({ url, body: JSON.parse(String((init as RequestInit).body)) }));
