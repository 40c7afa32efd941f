"use client";
import { use, useCallback, useEffect, useRef, useState } from "react";
import { ProposeRefund, ProposeReversal } from "../../../components/PlanStaffActions";
import { RecordCash } from "../../../components/RecordCash";
import { useApp } from "../../../components/Providers";
import { ErrorBox, Field, Loading, RequireSession } from "../../../components/ui";
import { api, ApiError, hasRole } from "../../../lib/api";
import { formatDate, formatDateTime } from "../../../lib/dates";
import { formatMoney, parseMoneyInput, toInputText } from "../../../lib/money";
import { CASH_ROLES, FINAL_STATUSES, newIdempotencyKey, PROVIDERS, REFUND_ROLES, suggestedPayment, type PaymentRequest, type Provider, type Statement } from "../../../lib/plans";
import { realtime } from "../../../lib/realtime";
import { useLoad } from "../../../lib/useLoad";

const ROW_TONE: Record<string, string> = { paid: "ok", settled: "ok", overdue: "bad", due: "warn", partial: "warn" };

function PayNow({ plan, onChange }: { plan: Statement; onChange: () => void }) {
  const { t, lang } = useApp();
  const currency = plan.outstanding.currency;
  const [provider, setProvider] = useState<Provider>(currency === "KES" ? "mpesa" : "mtn_momo");
  const [phone, setPhone] = useState("");
  const [amount, setAmount] = useState(toInputText(suggestedPayment(plan).amount, currency));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [request, setRequest] = useState<PaymentRequest | null>(null);
  const [busy, setBusy] = useState(false);
  const key = useRef<string | null>(null);

  const refresh = useCallback(async (id: string) => {
    const r = await api<PaymentRequest>(`/api/v1/payments/${id}`);
    setRequest(r);
    if (FINAL_STATUSES.includes(r.status)) onChange();
    return r;
  }, [onChange]);

  // Follow the request live: every `me` event about payments re-reads it; a slow poll covers
  // a dropped connection. Stops once the status is final.
  useEffect(() => {
    if (!request || FINAL_STATUSES.includes(request.status)) return;
    const id = request.id;
    const off = realtime().on("me", (e) => {
      if (e.type.startsWith("payment.")) void refresh(id);
    });
    const timer = setInterval(() => void refresh(id).catch(() => undefined), 3000);
    return () => {
      off();
      clearInterval(timer);
    };
  }, [request, refresh]);

  const send = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    const minor = parseMoneyInput(amount, currency);
    if (minor == null || minor <= 0) {
      setErrors({ "amount.amount": t("common.error") });
      setBusy(false);
      return;
    }
    key.current = key.current ?? newIdempotencyKey();
    try {
      const r = await api<PaymentRequest>("/api/v1/payments", {
        body: { plan_id: plan.id, amount: { amount: minor, currency }, provider, phone },
        headers: { "Idempotency-Key": key.current },
      });
      key.current = null; // the next payment is a new one
      setRequest(r);
      if (FINAL_STATUSES.includes(r.status)) onChange();
    } catch (err) {
      if (err instanceof ApiError) {
        setErrors(err.fieldErrors());
        if (!err.problem.errors?.length) setError(err.message);
        if (err.status < 500) key.current = null;
      } else setError(t("common.error"));
    } finally {
      setBusy(false);
    }
  };

  const final = request && FINAL_STATUSES.includes(request.status);
  return (
    <section className="card" aria-labelledby="pay-title">
      <h2 id="pay-title">{t("plan.payNow")}</h2>
      <form onSubmit={send} noValidate>
        <fieldset className="providers">
          <legend className="sr-only">{t("plan.provider")}</legend>
          {PROVIDERS.map((p) => (
            <label key={p}>
              <input type="radio" name="provider" value={p} checked={provider === p} onChange={() => setProvider(p)} />
              {t(`provider.${p}`)}
            </label>
          ))}
        </fieldset>
        {errors.provider && <p className="error">{errors.provider}</p>}
        <Field id="payer_phone" label={t("plan.payerPhone")} type="tel" inputMode="tel" value={phone} onChange={setPhone} error={errors.phone} autoComplete="tel" />
        <Field id="pay_amount" label={`${t("plan.amount")} (${currency})`} inputMode="decimal" value={amount} onChange={setAmount} error={errors["amount.amount"] ?? errors.amount ?? errors["amount.currency"]} />
        {error && <ErrorBox message={error} />}
        <button type="submit" disabled={busy || (!!request && !final)}>
          {t("plan.send")}
        </button>
      </form>
      {request && (
        <div className={final && request.status === "succeeded" ? "ok-box" : "alert"} role="status" aria-live="polite" data-testid="payment-status" data-status={request.status} style={{ marginTop: 12 }}>
          {!final && <p>{t("plan.followPhone")}</p>}
          <p>
            {t(`provider.${request.provider}`)} · {formatMoney(request.amount, lang)} ·{" "}
            <strong>{t("plan.paymentStatus", { status: t(`pay.status.${request.status}` as never) })}</strong>
          </p>
          {request.reason && request.status !== "succeeded" && <p className="muted">{request.reason}</p>}
          {request.receipt && <p>{t("plan.receipt", { number: request.receipt.receipt_number })}</p>}
        </div>
      )}
    </section>
  );
}

function Plan({ id }: { id: string }) {
  const { t, lang, session } = useApp();
  const plan = useLoad(() => api<Statement>(`/api/v1/plans/${encodeURIComponent(id)}`), [id]);
  const reload = plan.reload;
  useEffect(() => realtime().on("me", (e) => e.type.startsWith("payment.") && void reload()), [reload]);
  if (plan.loading && !plan.data) return <Loading />;
  if (plan.error || !plan.data) return <ErrorBox message={plan.error?.message ?? t("common.error")} onRetry={plan.reload} />;
  const p = plan.data;
  const pct = Number(p.equity?.percent ?? 0);
  const m = (x: Statement["outstanding"]) => formatMoney(x, lang);
  // Admins and support agents may propose a refund or a reversal; another staff member approves it.
  const canPropose = hasRole(session, ...REFUND_ROLES);
  const credit = p.balance.credit_balance;
  // Agents and admins record cash received at a branch, credited at once under its receipt number.
  const canRecordCash = hasRole(session, ...CASH_ROLES);
  const live = ["pending_deposit", "active", "defaulted"].includes(p.status);
  return (
    <>
      <h1>{t("plan.reference", { ref: p.reference })}</h1>
      <p>
        <span className="badge info" data-testid="plan-status" data-status={p.status}>
          {t(`plan.status.${p.status}` as never)}
        </span>{" "}
        {p.locked && <span className="badge bad">{t("plan.locked")}</span>}
      </p>
      {p.status === "pending_deposit" && p.deposit_due_by && <p className="alert">{t("plan.depositDue", { date: formatDateTime(p.deposit_due_by, lang) })}</p>}
      <section className="card row">
        <div className="ring" style={{ ["--p" as string]: Math.min(100, pct) }} role="img" aria-label={t("plan.equity", { percent: p.equity?.percent ?? "0" })}>
          <span>{Math.round(pct)}%</span>
        </div>
        <dl className="specs" style={{ flex: 1 }}>
          <dt>{t("plan.nextDue")}</dt>
          <dd>{p.next_due ? `${m(p.next_due.amount)} · ${formatDate(p.next_due.due_date, lang)}` : "—"}</dd>
          <dt>{t("plan.outstanding")}</dt>
          <dd data-testid="outstanding">{m(p.balance.outstanding)}</dd>
          <dt>{t("plan.paid")}</dt>
          <dd>{m(p.balance.paid_total)}</dd>
          <dt>{t("plan.daysPastDue")}</dt>
          <dd>{p.days_past_due}</dd>
          {credit && credit.amount > 0 && (
            <>
              <dt>{t("plan.creditBalance")}</dt>
              <dd data-testid="credit-balance">{m(credit)}</dd>
            </>
          )}
        </dl>
      </section>
      {canPropose && credit && credit.amount > 0 && <ProposeRefund planId={p.id} credit={credit} />}
      {live && canRecordCash && <RecordCash planId={p.id} currency={p.outstanding.currency} onRecorded={reload} />}
      {live && <PayNow plan={p} onChange={reload} />}
      <section className="card">
        <h2>{t("plan.payments")}</h2>
        {p.payments.length === 0 ? (
          <p className="muted">{t("common.none")}</p>
        ) : (
          <ul data-testid="payments">
            {p.payments.map((x) => (
              <li key={x.id} data-payment-id={x.id}>
                {formatDateTime(x.paid_at, lang)} · {t(`provider.${x.provider}` as never)} · <strong>{m(x.amount)}</strong> ·{" "}
                {t("plan.receipt", { number: x.receipt_number ?? x.provider_txn_id })}
                {x.status === "reversed" && (
                  <>
                    {" "}
                    <span className="badge bad">{t("plan.reversed")}</span>
                  </>
                )}
                {canPropose && x.status !== "reversed" && <ProposeReversal payment={x} />}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card">
        <h2>{t("plan.schedule")}</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t("common.date")}</th>
                <th scope="col">{t("common.amount")}</th>
                <th scope="col">{t("common.status")}</th>
              </tr>
            </thead>
            <tbody>
              {p.schedule.slice(0, 60).map((r) => (
                <tr key={r.seq}>
                  <td>{r.kind === "deposit" ? t("plan.row.deposit") : r.seq}</td>
                  <td>{formatDate(r.due_date, lang)}</td>
                  <td>{m(r.amount)}</td>
                  <td>
                    <span className={`badge ${ROW_TONE[r.status] ?? "info"}`}>{t(`plan.row.${r.status}` as never)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {p.schedule.length > 60 && <p className="muted">… {p.schedule.length - 60}</p>}
        </div>
      </section>
    </>
  );
}

export default function PlanPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = use(params);
  return (
    <RequireSession>
      <Plan id={id} />
    </RequireSession>
  );
}
