// Maker–checker ("four eyes") approvals of the payment service: a credit no provider confirmed,
// a refund or a reversal is proposed by one staff member and carried out when another approves it.
import { ApiError } from "./api";
import type { Money } from "./money";

export type ApprovalKind = "credit_request" | "credit_callback" | "refund" | "reversal";
export type ApprovalStatus = "pending" | "approved" | "rejected";
export const APPROVAL_KINDS: ApprovalKind[] = ["credit_request", "credit_callback", "refund", "reversal"];
export const APPROVAL_STATUSES: ApprovalStatus[] = ["pending", "approved", "rejected"];

export interface Approval {
  id: string;
  kind: ApprovalKind;
  /** The payment request id, callback id, plan id or payment id the proposal is about. */
  subject_id: string;
  plan_id: string | null;
  plan_reference: string | null;
  amount: Money | null;
  /** Provider receipt, transaction reference or refund reference. */
  evidence: string | null;
  note: string;
  input: Record<string, unknown>;
  status: ApprovalStatus;
  proposed_by: string;
  proposed_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_note: string | null;
  result_id: string | null;
}

export interface ApprovalPage {
  items: Approval[];
  next_cursor: string | null;
}

/** The 202 answer of a credit, refund or reversal: a proposal waiting for a second staff member. */
export interface Proposal {
  approval: Approval;
}

export function isProposal(x: unknown): x is Proposal {
  return typeof x === "object" && x !== null && typeof (x as { approval?: unknown }).approval === "object" && (x as Proposal).approval !== null;
}

export const APPROVALS_PATH = "/api/v1/payments/approvals";

/** The query string of one page of approvals (pending ones come oldest first from the API). */
export function approvalsQuery(status: ApprovalStatus, kind: ApprovalKind | "", limit = 50): string {
  const q = new URLSearchParams({ status, limit: String(limit) });
  if (kind) q.set("kind", kind);
  return q.toString();
}

function problemTypeEndsWith(e: unknown, suffix: string): boolean {
  return e instanceof ApiError && typeof e.problem?.type === "string" && e.problem.type.endsWith(suffix);
}

/** 403: the approver is the one who proposed it. */
export function isFourEyes(e: unknown): boolean {
  return e instanceof ApiError && e.status === 403 && problemTypeEndsWith(e, "four-eyes");
}

/** 409: someone decided it first. */
export function isAlreadyDecided(e: unknown): boolean {
  return e instanceof ApiError && e.status === 409 && problemTypeEndsWith(e, "already-decided");
}
