import type { Money } from "./money";
import type { PortfolioWeek } from "./weekly";

export interface ScheduleRow {
  seq: number;
  kind: "deposit" | "instalment";
  due_date: string;
  amount: Money;
  paid: Money;
  remaining: Money;
  status: string;
}
export interface Payment {
  id: string;
  amount: Money;
  provider: string;
  provider_txn_id: string;
  receipt_number: string | null;
  paid_at: string;
  status: "posted" | "reversed";
}
export interface PlanSummary {
  id: string;
  reference: string;
  status: string;
  customer_id: string;
  vehicle_id: string;
  vehicle?: { make?: string; model?: string; year?: number };
  frequency: string;
  price: Money;
  deposit: Money;
  instalment: Money;
  instalment_count: number;
  total_payable: Money;
  outstanding: Money;
  days_past_due: number;
  bucket: string;
  locked: boolean;
  deposit_due_by?: string;
}
export interface Statement extends PlanSummary {
  schedule: ScheduleRow[];
  payments: Payment[];
  balance: {
    outstanding: Money;
    overdue: Money;
    paid_total: Money;
    /** Paid beyond what the plan needs (minor units); staff may propose refunding it. */
    credit_balance?: Money;
    refund_due?: boolean;
  };
  next_due: { seq: number; due_date: string; amount: Money } | null;
  equity: { amount: Money; percent: string };
}
/** How a refund is paid out (POST /api/v1/plans/{id}/refunds). */
export type RefundMethod = "cash" | "mtn_momo" | "airtel_money" | "mpesa" | "bank";
export const REFUND_METHODS: RefundMethod[] = ["cash", "mtn_momo", "airtel_money", "mpesa", "bank"];
/** The staff roles that may propose a refund or a reversal. */
export const REFUND_ROLES = ["admin", "support_agent"];
/** The roles that may record cash received (POST /api/v1/plans/{id}/cash-payments). */
export const CASH_ROLES = ["agent", "admin"];
/**
 * GET /api/v1/plans/{id or reference}/cash-desk (agent, admin): what a cashier needs to take cash
 * for a plan, without the rider's schedule, payments or identity.
 */
export interface CashDesk {
  id: string;
  reference: string;
  status: string;
  currency: string;
  /** The vehicle as the plan's terms hold it (make, model, year, registration…), or null. */
  vehicle: Record<string, unknown> | null;
  deposit: Money;
  next_due: { seq: number; due_date: string; amount: Money } | null;
  outstanding: Money;
  overdue: Money;
  fees_outstanding: Money;
  days_past_due: number;
  locked: boolean;
  as_of: string;
}
/** The statuses in which a plan still takes payments. */
export const PAYABLE_STATUSES = ["pending_deposit", "active", "defaulted"];

/** "Toyota Premio 2014 · UAX 123B": the vehicle of a cash-desk view, from whatever its terms hold. */
export function vehicleLine(v: Record<string, unknown> | null | undefined): string | null {
  if (!v) return null;
  const text = (k: string) => {
    const x = v[k];
    return typeof x === "string" || typeof x === "number" ? String(x).trim() : "";
  };
  const name = ["make", "model", "year"].map(text).filter(Boolean).join(" ");
  const plate = text("registration") || text("plate") || text("registration_number");
  const line = [name, plate].filter(Boolean).join(" · ");
  return line || null;
}

/** A receipt number as the payment service takes it: the cash payment's idempotency key. */
export const RECEIPT_NUMBER = /^[A-Za-z0-9._:/-]{1,64}$/;

/** The answer to a recorded payment: 201 new, 200 the same receipt recorded before (`duplicate`). */
export interface Recorded {
  payment: Payment;
  plan: { id: string; reference: string; status: string; outstanding: Money; credit_balance: Money };
  duplicate: boolean;
}

export type Provider = "mtn_momo" | "airtel_money" | "mpesa";
export const PROVIDERS: Provider[] = ["mtn_momo", "airtel_money", "mpesa"];
export const FINAL_STATUSES = ["succeeded", "failed", "expired", "held", "dismissed"];

export interface PaymentRequest {
  id: string;
  plan_id: string;
  plan_reference: string;
  provider: Provider;
  phone: string;
  amount: Money;
  status: string;
  reason: string | null;
  created_at: string;
  receipt: { receipt_number: string; amount: Money; paid_at: string } | null;
}

/** The amount "Pay now" proposes: the deposit while it is unpaid, else the next due amount. */
export function suggestedPayment(s: Statement): Money {
  if (s.status === "pending_deposit") {
    const dep = s.schedule.find((r) => r.kind === "deposit");
    if (dep && dep.remaining.amount > 0) return dep.remaining;
  }
  if (s.balance.overdue.amount > 0) return s.balance.overdue;
  if (s.next_due) return s.next_due.amount;
  return s.instalment;
}

/** A fresh Idempotency-Key per payment the customer means to make. */
export function newIdempotencyKey(): string {
  if (typeof crypto !== "undefined" && "randomUUID" in crypto) return crypto.randomUUID();
  return `pay-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/** GET /api/v1/plans/portfolio: one portfolio per currency. */
export interface Portfolio {
  as_of: string;
  /** The Monday of the current week. */
  week_starting?: string;
  portfolios: {
    currency: string;
    active_plans: number;
    defaulted_plans: number;
    locked_plans: number;
    outstanding: Money;
    collected_this_week: Money;
    expected_this_week: Money;
    par: Record<"par1" | "par7" | "par30", { outstanding: Money; ratio: string }>;
    /** The last 8 ISO weeks, oldest first (absent from older payment services). */
    weeks?: PortfolioWeek[];
  }[];
}
