// The gateway's WebSocket hub (/api/v1/realtime): one connection, signed in with the access
// token as the first message, re-subscribing after every reconnect.
import { gatewayUrl, loadSession } from "./api";

export interface HubEvent {
  id: string;
  type: string;
  time: string;
  subject: string;
  data: Record<string, unknown>;
}
type Handler = (e: HubEvent) => void;
type StateHandler = (connected: boolean) => void;

export class Realtime {
  private ws: WebSocket | null = null;
  private handlers = new Map<string, Set<Handler>>();
  private stateHandlers = new Set<StateHandler>();
  private retry = 0;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  connected = false;

  constructor(private readonly url: () => string) {}

  on(channel: string, h: Handler): () => void {
    let set = this.handlers.get(channel);
    const isNew = !set;
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(h);
    if (!this.ws) this.connect();
    else if (isNew && this.ws.readyState === WebSocket.OPEN) this.send({ op: "subscribe", channel });
    return () => {
      set!.delete(h);
      if (set!.size === 0) {
        this.handlers.delete(channel);
        if (this.ws?.readyState === WebSocket.OPEN) this.send({ op: "unsubscribe", channel });
      }
    };
  }

  onState(h: StateHandler): () => void {
    this.stateHandlers.add(h);
    return () => {
      this.stateHandlers.delete(h);
    };
  }

  /** Signs in again (after login or a token refresh) and re-subscribes. */
  reauth(): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.hello();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close();
  }

  private send(m: unknown) {
    this.ws?.send(JSON.stringify(m));
  }

  private hello() {
    const s = loadSession();
    if (s) this.send({ op: "auth", token: s.access_token });
    for (const ch of this.handlers.keys()) this.send({ op: "subscribe", channel: ch });
  }

  private setState(c: boolean) {
    this.connected = c;
    for (const h of this.stateHandlers) h(c);
  }

  private connect() {
    if (this.closed || typeof WebSocket === "undefined") return;
    const ws = new WebSocket(this.url());
    this.ws = ws;
    ws.onopen = () => {
      this.retry = 0;
      this.hello();
      this.setState(true);
    };
    ws.onmessage = (m) => {
      let f: { type?: string; channel?: string; event?: HubEvent; code?: string };
      try {
        f = JSON.parse(String(m.data));
      } catch {
        return;
      }
      if (f.type === "event" && f.channel && f.event) for (const h of this.handlers.get(f.channel) ?? []) h(f.event);
      if (f.type === "error" && f.code === "token-expired") this.hello();
    };
    ws.onclose = () => {
      this.setState(false);
      this.ws = null;
      if (this.closed || this.handlers.size === 0) return;
      const delay = Math.min(30_000, 500 * 2 ** this.retry++);
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }
}

let shared: Realtime | null = null;
export function realtime(): Realtime {
  if (!shared) shared = new Realtime(() => `${gatewayUrl().replace(/^http/, "ws")}/api/v1/realtime`);
  return shared;
}
