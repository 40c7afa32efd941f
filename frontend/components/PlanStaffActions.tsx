"use client";
// Staff actions on a plan: a refund of what was paid in excess and the reversal of a payment,
// both maker–checker (the API answers 202 with an approval that another staff member decides),
// and cash received by an agent or a branch, credited at once under its receipt number.
import Link from "next/link";
import { useState } from "react";
import { api, ApiError } from "../lib/api";
import { isProposal } from "../lib/approvals";
import type { MessageKey } from "../lib/i18n";
import { formatMoney, parseMoneyInput, toInputText, type Money } from "../lib/money";
import { RECEIPT_NUMBER, REFUND_METHODS, type Payment, type Recorded, type RefundMethod } from "../lib/plans";
import { useApp } from "./Providers";
import { ErrorBox, Field, Select, TextArea } from "./ui";

const REASON_MIN = 3;
const REASON_MAX = 500;

function reasonOk(reason: string): boolean {
  const n = reason.trim().length;
  return n >= REASON_MIN && n <= REASON_MAX;
}

/** The field errors of a problem document, and its detail when no field is named. */
function problemOf(e: unknown, fallback: string): { fields: Record<string, string>; detail: string | null } {
  if (!(e instanceof ApiError)) return { fields: {}, detail: fallback };
  const fields = e.fieldErrors();
  return { fields, detail: Object.keys(fields).length ? null : e.problem?.detail || e.message };
}

function Sent({ message }: { message: string }) {
  const { t } = useApp();
  return (
    <div className="ok-box" role="status">
      <p>{message}</p>
      <Link href="/staff/approvals">{t("staff.openApprovals")}</Link>
    </div>
  );
}

const METHOD_LABEL: Record<RefundMethod, MessageKey> = {
  cash: "provider.cash",
  mtn_momo: "provider.mtn_momo",
  airtel_money: "provider.airtel_money",
  mpesa: "provider.mpesa",
  bank: "staff.method.bank",
};

/** "Propose refund": the credit balance by default, a method, a reference and a reason. */
export function ProposeRefund({ planId, credit }: { planId: string; credit: Money }) {
  const { t, lang } = useApp();
  const [open, setOpen] = useState(false);
  const [amount, setAmount] = useState(toInputText(credit.amount, credit.currency));
  const [method, setMethod] = useState<RefundMethod>("cash");
  const [reference, setReference] = useState("");
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    const minor = parseMoneyInput(amount, credit.currency);
    const local: Record<string, string> = {};
    if (minor == null || minor <= 0) local["amount.amount"] = t("staff.amountInvalid");
    if (!reasonOk(reason)) local.reason = t("staff.reasonLength");
    setErrors(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      const answer = await api<unknown>(`/api/v1/plans/${encodeURIComponent(planId)}/refunds`, {
        body: { amount: { amount: minor, currency: credit.currency }, method, reference: reference.trim(), reason: reason.trim() },
      });
      setSent(isProposal(answer) ? t("staff.refundSent") : t("staff.resolved"));
      setOpen(false);
    } catch (err) {
      const p = problemOf(err, t("common.error"));
      setErrors(p.fields);
      setError(p.detail);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="refund-title" data-testid="propose-refund">
      <h2 id="refund-title">{t("staff.proposeRefund")}</h2>
      <p>{t("staff.refundIntro", { amount: formatMoney(credit, lang) })}</p>
      {sent && <Sent message={sent} />}
      {!open ? (
        !sent && (
          <button type="button" onClick={() => setOpen(true)}>
            {t("staff.proposeRefund")}
          </button>
        )
      ) : (
        <form id="refund-form" onSubmit={send} noValidate aria-labelledby="refund-title">
          <Field
            id="refund_amount"
            label={`${t("common.amount")} (${credit.currency})`}
            inputMode="decimal"
            value={amount}
            onChange={setAmount}
            error={errors["amount.amount"] ?? errors.amount ?? errors["amount.currency"]}
            required
          />
          <Select
            id="refund_method"
            label={t("staff.refundMethod")}
            value={method}
            onChange={(v) => setMethod(v as RefundMethod)}
            options={REFUND_METHODS.map((m) => ({ value: m, label: t(METHOD_LABEL[m]) }))}
            error={errors.method}
          />
          <Field id="refund_reference" label={t("staff.refundReference")} value={reference} onChange={setReference} error={errors.reference} />
          <TextArea id="refund_reason" label={t("staff.reason")} value={reason} onChange={setReason} rows={2} maxLength={REASON_MAX} error={errors.reason} required />
          {error && <ErrorBox message={error} />}
          <ProposalButtons busy={busy} onCancel={() => setOpen(false)} />
        </form>
      )}
    </section>
  );
}

/** "Propose reversal" beside a payment that is not reversed: a reason, then a proposal. */
export function ProposeReversal({ payment }: { payment: Payment }) {
  const { t } = useApp();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formId = `reverse-${payment.id}`;

  const send = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!reasonOk(reason)) {
      setFieldError(t("staff.reasonLength"));
      return;
    }
    setFieldError(undefined);
    setBusy(true);
    try {
      const answer = await api<unknown>(`/api/v1/payments/${encodeURIComponent(payment.id)}/reverse`, { body: { reason: reason.trim() } });
      setSent(isProposal(answer) ? t("staff.reversalSent") : t("staff.resolved"));
      setOpen(false);
    } catch (err) {
      const p = problemOf(err, t("common.error"));
      setFieldError(p.fields.reason);
      setError(p.detail ?? (p.fields.reason ? null : Object.values(p.fields)[0] ?? null));
    } finally {
      setBusy(false);
    }
  };

  if (sent) return <Sent message={sent} />;
  if (!open)
    return (
      <button type="button" className="secondary" onClick={() => setOpen(true)}>
        {t("staff.proposeReversal")}
      </button>
    );
  return (
    <form id={formId} onSubmit={send} noValidate aria-label={t("staff.proposeReversal")}>
      <TextArea id={`${formId}-reason`} label={t("staff.reversalReason")} value={reason} onChange={setReason} rows={2} maxLength={REASON_MAX} error={fieldError} required />
      {error && <ErrorBox message={error} />}
      <ProposalButtons busy={busy} onCancel={() => setOpen(false)} />
    </form>
  );
}

// Send for approval, or cancel: the buttons of both proposal forms.
function ProposalButtons({ busy, onCancel }: { busy: boolean; onCancel: () => void }) {
  const { t } = useApp();
  return (
    <div className="row">
      <button type="submit" disabled={busy}>
        {t("staff.sendForApproval")}
      </button>
      <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
        {t("staff.cancel")}
      </button>
    </div>
  );
}

/**
 * "Record cash received": an amount in the plan's currency and the receipt number, which is the
 * payment's idempotency key — the same receipt again credits nothing and answers with the first
 * payment. `onRecorded` re-reads the plan's statement.
 */
export function RecordCash({ planId, currency, onRecorded }: { planId: string; currency: string; onRecorded: () => void }) {
  const { t, lang } = useApp();
  const [amount, setAmount] = useState("");
  const [receipt, setReceipt] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<Recorded | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    const minor = parseMoneyInput(amount, currency);
    const number = receipt.trim();
    const local: Record<string, string> = {};
    if (minor == null || minor <= 0) local["amount.amount"] = t("staff.amountInvalid");
    if (!RECEIPT_NUMBER.test(number)) local.receipt_number = t("cash.receiptInvalid");
    setErrors(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      const answer = await api<Recorded>(`/api/v1/plans/${encodeURIComponent(planId)}/cash-payments`, {
        body: { amount: { amount: minor, currency }, receipt_number: number },
      });
      setDone(answer);
      setAmount("");
      setReceipt("");
      onRecorded();
    } catch (err) {
      const p = problemOf(err, t("common.error"));
      const amountError = p.fields["amount.amount"] ?? p.fields.amount ?? p.fields["amount.currency"] ?? p.fields.currency;
      const shown = { "amount.amount": amountError, receipt_number: p.fields.receipt_number };
      setErrors(Object.fromEntries(Object.entries(shown).filter(([, v]) => v)) as Record<string, string>);
      // A field this form has no input for (paid_at, say) is told in the box under the form.
      const unplaced = Object.entries(p.fields).find(([k]) => !["amount.amount", "amount", "amount.currency", "currency", "receipt_number"].includes(k));
      setError(p.detail ?? (unplaced ? unplaced[1] : null));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="cash-title" data-testid="record-cash">
      <h2 id="cash-title">{t("cash.title")}</h2>
      <form id="cash-form" onSubmit={send} noValidate aria-labelledby="cash-title">
        <Field
          id="cash_amount"
          label={`${t("common.amount")} (${currency})`}
          inputMode="decimal"
          value={amount}
          onChange={setAmount}
          error={errors["amount.amount"]}
          required
        />
        <Field
          id="cash_receipt"
          label={t("cash.receiptNumber")}
          hint={t("cash.receiptHint")}
          value={receipt}
          onChange={setReceipt}
          error={errors.receipt_number}
          autoComplete="off"
          required
        />
        {error && <ErrorBox message={error} />}
        <button type="submit" disabled={busy}>
          {t("cash.record")}
        </button>
      </form>
      {done && (
        <div className="ok-box" role="status" data-testid="cash-recorded" data-duplicate={done.duplicate ? "true" : "false"} style={{ marginTop: 12 }}>
          <p>
            {t(done.duplicate ? "cash.duplicate" : "cash.recorded", {
              amount: formatMoney(done.payment.amount, lang),
              number: done.payment.receipt_number ?? done.payment.provider_txn_id,
            })}
          </p>
          <p className="muted">{t("cash.balanceNow", { amount: formatMoney(done.plan.outstanding, lang) })}</p>
        </div>
      )}
    </section>
  );
}
