"use client";
// The cash desk (agent, admin): the rider gives their plan's reference, the agent sees what is due
// and owed (GET /api/v1/plans/{reference}/cash-desk — not the rider's schedule, payments or
// identity) and records the cash received, after which the view is read again.
import { useState } from "react";
import { useApp } from "../../../components/Providers";
import { RecordCash } from "../../../components/RecordCash";
import { ErrorBox, Field, Loading, RequireSession } from "../../../components/ui";
import { api, ApiError } from "../../../lib/api";
import { formatDate } from "../../../lib/dates";
import { formatMoney } from "../../../lib/money";
import { CASH_ROLES, PAYABLE_STATUSES, vehicleLine, type CashDesk } from "../../../lib/plans";

const deskPath = (ref: string) => `/api/v1/plans/${encodeURIComponent(ref)}/cash-desk`;

function DeskView({ desk, refreshing }: { desk: CashDesk; refreshing: boolean }) {
  const { t, lang } = useApp();
  const m = (x: CashDesk["outstanding"]) => formatMoney(x, lang);
  const vehicle = vehicleLine(desk.vehicle);
  return (
    <section className="card" aria-labelledby="desk-plan" aria-busy={refreshing} data-testid="cash-desk">
      <h2 id="desk-plan">{t("desk.plan", { ref: desk.reference })}</h2>
      <p>
        <span className="badge info" data-testid="desk-status" data-status={desk.status}>
          {t(`plan.status.${desk.status}` as never)}
        </span>{" "}
        {desk.locked && <span className="badge bad">{t("plan.locked")}</span>}
        {refreshing && (
          <span className="muted" role="status">
            {" "}
            {t("desk.refreshing")}
          </span>
        )}
      </p>
      {desk.locked && (
        <p className="alert" data-testid="desk-locked">
          {t("desk.locked")}
        </p>
      )}
      <dl className="specs">
        <dt>{t("desk.vehicle")}</dt>
        <dd data-testid="desk-vehicle">{vehicle ?? "—"}</dd>
        <dt>{t("desk.nextDue")}</dt>
        <dd data-testid="desk-next-due">
          {desk.next_due ? t("desk.nextDueValue", { amount: m(desk.next_due.amount), date: formatDate(desk.next_due.due_date, lang) }) : t("desk.nothingDue")}
        </dd>
        <dt>{t("desk.overdue")}</dt>
        <dd data-testid="desk-overdue">{m(desk.overdue)}</dd>
        {desk.fees_outstanding && desk.fees_outstanding.amount > 0 && (
          <>
            <dt>{t("desk.fees")}</dt>
            <dd data-testid="desk-fees">{m(desk.fees_outstanding)}</dd>
          </>
        )}
        <dt>{t("desk.outstanding")}</dt>
        <dd data-testid="desk-outstanding">{m(desk.outstanding)}</dd>
        <dt>{t("desk.daysPastDue")}</dt>
        <dd data-testid="desk-days-past-due">{desk.days_past_due}</dd>
      </dl>
      {desk.as_of && <p className="muted">{t("desk.asOf", { date: formatDate(desk.as_of, lang) })}</p>}
    </section>
  );
}

function Desk() {
  const { t } = useApp();
  const [reference, setReference] = useState("");
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [desk, setDesk] = useState<CashDesk | null>(null);
  const [loading, setLoading] = useState(false);
  const [refreshing, setRefreshing] = useState(false);

  const lookUp = async (ref: string) => {
    setError(null);
    setFieldError(undefined);
    setLoading(true);
    setDesk(null);
    try {
      setDesk(await api<CashDesk>(deskPath(ref)));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) setFieldError(t("desk.notFound"));
      else if (e instanceof ApiError && e.status === 403) setError(t("common.forbidden"));
      else setError(e instanceof Error && e.message ? e.message : t("common.error"));
    } finally {
      setLoading(false);
    }
  };

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    // The payment service reads any case, with or without the dash; it is shown as typed, upper case.
    const ref = reference.trim().toUpperCase();
    if (!ref) {
      setFieldError(t("desk.referenceNeeded"));
      return;
    }
    setReference(ref);
    void lookUp(ref);
  };

  // After cash is recorded: the same plan again, keeping the view (and the receipt shown) meanwhile.
  const reread = async () => {
    if (!desk) return;
    setRefreshing(true);
    try {
      setDesk(await api<CashDesk>(deskPath(desk.reference)));
    } catch (e) {
      setError(e instanceof Error && e.message ? e.message : t("common.error"));
    } finally {
      setRefreshing(false);
    }
  };

  return (
    <>
      <h1>{t("desk.title")}</h1>
      <p>{t("desk.intro")}</p>
      <form className="card" onSubmit={submit} noValidate role="search" aria-label={t("desk.title")}>
        <Field
          id="desk_reference"
          label={t("desk.reference")}
          hint={t("desk.referenceHint")}
          value={reference}
          onChange={setReference}
          error={fieldError}
          autoComplete="off"
          required
        />
        <button type="submit" disabled={loading}>
          {t("desk.find")}
        </button>
      </form>
      {loading && <Loading />}
      {error && <ErrorBox message={error} onRetry={desk ? () => void reread() : reference.trim() ? () => void lookUp(reference.trim().toUpperCase()) : undefined} />}
      {!loading && !desk && !error && !fieldError && <p className="muted">{t("desk.empty")}</p>}
      {desk && (
        <>
          <DeskView desk={desk} refreshing={refreshing} />
          {PAYABLE_STATUSES.includes(desk.status) ? (
            <RecordCash key={desk.id} planId={desk.reference} currency={desk.currency ?? desk.outstanding.currency} onRecorded={() => void reread()} />
          ) : (
            <p className="alert" data-testid="desk-closed">
              {t("desk.closed")}
            </p>
          )}
        </>
      )}
    </>
  );
}

export default function CashDeskPage() {
  return (
    <RequireSession roles={CASH_ROLES}>
      <Desk />
    </RequireSession>
  );
}
