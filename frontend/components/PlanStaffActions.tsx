"use client";
// Staff actions on a plan: a refund of what was paid in excess and the reversal of a payment,
// both maker–checker (the API answers 202 with an approval that another staff member decides).
// Cash received is recorded with RecordCash.
import Link from "next/link";
import { useState } from "react";
import { api, problemOf } from "../lib/api";
import { isProposal } from "../lib/approvals";
import type { MessageKey } from "../lib/i18n";
import { formatMoney, parseMoneyInput, toInputText, type Money } from "../lib/money";
import { REFUND_METHODS, type Payment, type RefundMethod } from "../lib/plans";
import { useApp } from "./Providers";
import { ErrorBox, Field, Select, TextArea } from "./ui";

const REASON_MIN = 3;
const REASON_MAX = 500;

function reasonOk(reason: string): boolean {
  const n = reason.trim().length;
  return n >= REASON_MIN && n <= REASON_MAX;
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
