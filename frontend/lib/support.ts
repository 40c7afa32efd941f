// The support service's shapes (docs/api/support-service.yaml) and the pure rules the screens
// use: which status moves are offered, and the SLA badge of a ticket.

export type TicketStatus = "open" | "in_progress" | "waiting_customer" | "resolved" | "closed";
export type Priority = "low" | "normal" | "high" | "urgent";
export type Category = "breakdown" | "accident" | "theft" | "payment_dispute" | "account" | "vehicle_handover" | "other";

export const STATUSES: TicketStatus[] = ["open", "in_progress", "waiting_customer", "resolved", "closed"];
export const PRIORITIES: Priority[] = ["low", "normal", "high", "urgent"];
export const CATEGORIES: Category[] = ["breakdown", "accident", "theft", "payment_dispute", "account", "vehicle_handover", "other"];

export interface Ticket {
  id: string;
  customer_id: string;
  category: Category;
  priority: Priority;
  status: TicketStatus;
  subject: string;
  description: string;
  plan_id: string | null;
  vehicle_id: string | null;
  first_response_due: string;
  resolution_due: string;
  first_response_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  sla_breached: boolean;
  rating: number | null;
  created_at: string;
  updated_at: string;
  // Staff view only.
  assignee_id?: string | null;
  origin?: "customer" | "staff" | "event";
  first_response_breached?: boolean;
  resolution_breached?: boolean;
}

export interface Comment {
  id: string;
  author_id: string;
  author_kind: "customer" | "staff" | "system";
  body: string;
  internal: boolean;
  created_at: string;
}

export interface TicketDetail extends Ticket {
  comments: Comment[];
  history: { action: string; old_value: string | null; new_value: string | null; at: string; actor?: string }[];
}

export interface Notification {
  id: string;
  kind: string;
  language: "en" | "sw";
  title: string;
  body: string;
  read: boolean;
  read_at: string | null;
  created_at: string;
}

export interface SmsMessage {
  id: string;
  user_id: string;
  event_id: string;
  notification_id: string | null;
  phone: string;
  body: string;
  segments: number;
  gsm7: boolean;
  urgent: boolean;
  status: string;
  attempts: number;
  provider: string | null;
  provider_message_id: string | null;
  provider_status: string | null;
  failure_reason: string | null;
  created_at: string;
  updated_at: string;
}

/** A notification template as staff see it (GET /api/v1/support/templates): the text in use. */
export interface Template {
  kind: string;
  language: "en" | "sw";
  title: string;
  /** The edited text when there is one, else the built-in one; "{{var}}" placeholders. */
  text: string;
  class: "transactional" | "marketing";
  /** The variables this kind may use. */
  variables: string[];
  gsm7: boolean;
  template_units: number;
  edited: boolean;
  builtin: { title: string; text: string };
  updated_by: string | null;
  updated_at: string | null;
}

/** Staff moves along the status machine (src/domain/ticket.cpp of the support service). */
export const STAFF_MOVES: Record<TicketStatus, TicketStatus[]> = {
  open: ["in_progress", "waiting_customer", "resolved"],
  in_progress: ["waiting_customer", "resolved"],
  waiting_customer: ["in_progress", "resolved"],
  resolved: ["closed", "open"],
  closed: [],
};

const REOPEN_DAYS = 7;

/** What a customer may do with their own ticket: close or (within 7 days) reopen a resolved one. */
export function customerMoves(t: Pick<Ticket, "status" | "resolved_at">, now = Date.now()): TicketStatus[] {
  if (t.status !== "resolved") return [];
  const resolved = t.resolved_at ? Date.parse(t.resolved_at) : NaN;
  const canReopen = Number.isFinite(resolved) && now - resolved <= REOPEN_DAYS * 86_400_000;
  return canReopen ? ["closed", "open"] : ["closed"];
}

export type SlaState = "breached" | "due_soon" | "on_track" | "met";
export interface SlaBadge {
  state: SlaState;
  /** Which target the badge is about: the first response until there is one, then resolution. */
  target: "first_response" | "resolution";
  /** The due time shown with the badge (null once the ticket is resolved or closed). */
  due: string | null;
}

/** A target is "due soon" in its last quarter (counted from the ticket's creation). */
const DUE_SOON_SHARE = 0.25;

/**
 * The SLA badge of a ticket at `now`: breached (the server says so, or the due time passed),
 * due soon, on track, or met (resolved in time).
 */
export function slaBadge(t: Ticket, now = Date.now()): SlaBadge {
  const frBreached = t.first_response_breached ?? false;
  const resBreached = t.resolution_breached ?? false;
  if (t.status === "resolved" || t.status === "closed") {
    return { state: t.sla_breached || frBreached || resBreached ? "breached" : "met", target: "resolution", due: null };
  }
  const target = t.first_response_at ? "resolution" : "first_response";
  const due = target === "first_response" ? t.first_response_due : t.resolution_due;
  const dueAt = Date.parse(due);
  const resolutionMissed = resBreached || now > Date.parse(t.resolution_due);
  const firstMissed = frBreached || (!t.first_response_at && now > Date.parse(t.first_response_due));
  if (resolutionMissed) return { state: "breached", target: "resolution", due: t.resolution_due };
  if (firstMissed || t.sla_breached) return { state: "breached", target: "first_response", due: t.first_response_due };
  const window = dueAt - Date.parse(t.created_at);
  const left = dueAt - now;
  return { state: window > 0 && left <= window * DUE_SOON_SHARE ? "due_soon" : "on_track", target, due };
}

export const SLA_TONE: Record<SlaState, "ok" | "warn" | "bad" | "info"> = { breached: "bad", due_soon: "warn", on_track: "info", met: "ok" };
export const STATUS_TONE: Record<TicketStatus, "ok" | "warn" | "bad" | "info"> = {
  open: "warn", in_progress: "info", waiting_customer: "warn", resolved: "ok", closed: "ok",
};
export const PRIORITY_TONE: Record<Priority, "ok" | "warn" | "bad" | "info"> = { low: "info", normal: "info", high: "warn", urgent: "bad" };

/** The window event that tells the header's unread badge to count again. */
export const UNREAD_CHANGED = "rto:unread-changed";
