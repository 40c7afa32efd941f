"use client";
// Cash received by an agent or a branch, credited at once under its receipt number: on the plan
// screen and at the cash desk.
import { useState } from "react";
import { api, problemOf } from "../lib/api";
import { formatMoney, parseMoneyInput } from "../lib/money";
import { RECEIPT_NUMBER, type Recorded } from "../lib/plans";
import { useApp } from "./Providers";
import { ErrorBox, Field } from "./ui";

/**
 * "Record cash received": an amount in the plan's currency and the receipt number, which is the
 * payment's idempotency key — the same receipt again credits nothing and answers with the first
 * payment. `onRecorded` re-reads the plan (its statement, or
 * the cash-desk view). `planId` is the plan's id or its reference.
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
