// The browser's client for the API gateway: bearer token, one refresh on 401, problem+json errors.
export interface FieldError {
  field: string;
  message: string;
}
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: FieldError[];
  request_id?: string;
}

export class ApiError extends Error {
  constructor(public status: number, public problem: Problem, public retryAfter?: number) {
    super(problem.detail || problem.title || `HTTP ${status}`);
  }
  /** Field name → message, for showing each error beside its field. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) if (!out[e.field]) out[e.field] = e.message;
    return out;
  }
}

export interface Session {
  access_token: string;
  refresh_token: string;
  user_id: string;
  roles: string[];
}

const SESSION_KEY = "rto.session";
let gatewayBase = "";

/** Where the gateway is, seen from the browser (set once from the server's configuration). */
export function configureGateway(publicUrl: string | null, port: string | null): void {
  if (publicUrl) gatewayBase = publicUrl.replace(/\/$/, "");
  else if (typeof window !== "undefined" && port) gatewayBase = `${window.location.protocol}//${window.location.hostname}:${port}`;
}
export function gatewayUrl(): string {
  return gatewayBase;
}

/** The claims of an access token (no signature check: the gateway checks; this only reads). */
export function tokenClaims(token: string): { sub?: string; roles?: string[]; exp?: number } {
  try {
    const part = token.split(".")[1] ?? "";
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "="));
    return JSON.parse(json);
  } catch {
    return {};
  }
}

export function sessionFromTokens(t: { access_token: string; refresh_token: string }): Session {
  const c = tokenClaims(t.access_token);
  return { access_token: t.access_token, refresh_token: t.refresh_token, user_id: c.sub ?? "", roles: c.roles ?? [] };
}

type Listener = (s: Session | null, why?: "expired") => void;
const listeners = new Set<Listener>();
export function onSessionChange(l: Listener): () => void {
  listeners.add(l);
  return () => {
    listeners.delete(l);
  };
}

export function loadSession(): Session | null {
  if (typeof window === "undefined") return null;
  try {
    const raw = window.localStorage.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(s: Session | null, why?: "expired"): void {
  if (typeof window === "undefined") return;
  if (s) window.localStorage.setItem(SESSION_KEY, JSON.stringify(s));
  else window.localStorage.removeItem(SESSION_KEY);
  for (const l of listeners) l(s, why);
}

let refreshing: Promise<Session | null> | null = null;

async function refreshOnce(s: Session): Promise<Session | null> {
  if (!refreshing) {
    refreshing = (async () => {
      try {
        const r = await fetch(`${gatewayBase}/api/v1/auth/refresh`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ refresh_token: s.refresh_token }),
        });
        if (!r.ok) return null;
        const next = sessionFromTokens(await r.json());
        saveSession(next);
        return next;
      } catch {
        return null;
      } finally {
        setTimeout(() => (refreshing = null), 0);
      }
    })();
  }
  return refreshing;
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  /** Bytes sent as they are (an image upload, say) with their own Content-Type, instead of JSON. */
  raw?: { data: BodyInit; type: string };
  headers?: Record<string, string>;
  /** Send the access token when there is one (default true). */
  auth?: boolean;
  signal?: AbortSignal;
}

async function parse(r: Response): Promise<unknown> {
  const text = await r.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text };
  }
}

/** Calls the gateway; throws ApiError with the problem document on a non-2xx answer. */
export async function api<T>(path: string, opts: CallOptions = {}): Promise<T> {
  const send = async (s: Session | null) => {
    const headers: Record<string, string> = { Accept: "application/json", ...(opts.headers ?? {}) };
    if (opts.raw) headers["Content-Type"] = opts.raw.type;
    else if (opts.body !== undefined) headers["Content-Type"] = "application/json";
    if (s && opts.auth !== false) headers.Authorization = `Bearer ${s.access_token}`;
    return fetch(`${gatewayBase}${path}`, {
      method: opts.method ?? (opts.body !== undefined || opts.raw ? "POST" : "GET"),
      headers,
      body: opts.raw ? opts.raw.data : opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      signal: opts.signal,
    });
  };
  let session = opts.auth === false ? null : loadSession();
  let r = await send(session);
  if (r.status === 401 && session) {
    // The access token lasts 15 minutes: refresh once, then give up and sign out.
    const next = await refreshOnce(session);
    if (!next) {
      saveSession(null, "expired");
      throw new ApiError(401, (await parse(r)) as Problem);
    }
    session = next;
    r = await send(session);
    if (r.status === 401) {
      saveSession(null, "expired");
    }
  }
  const data = await parse(r);
  if (!r.ok) {
    const ra = r.headers.get("Retry-After");
    throw new ApiError(r.status, (data ?? {}) as Problem, ra ? Number(ra) : undefined);
  }
  return data as T;
}

/** The field errors of a problem document, and its detail when no field is named. */
export function problemOf(e: unknown, fallback: string): { fields: Record<string, string>; detail: string | null } {
  if (!(e instanceof ApiError)) return { fields: {}, detail: fallback };
  const fields = e.fieldErrors();
  return { fields, detail: Object.keys(fields).length ? null : e.problem?.detail || e.message };
}

export function hasRole(s: Session | null, ...roles: string[]): boolean {
  return !!s && s.roles.some((r) => roles.includes(r));
}

export const STAFF_ROLES = ["admin", "credit_officer", "support_agent"];
/** Who may open the staff console: the staff, and field agents (for the cash desk only). */
export const CONSOLE_ROLES = [...STAFF_ROLES, "agent"];
