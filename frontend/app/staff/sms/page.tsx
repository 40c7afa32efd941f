"use client";
import { useState } from "react";
import { useApp } from "../../../components/Providers";
import { ErrorBox, Loading, RequireSession } from "../../../components/ui";
import { api, ApiError } from "../../../lib/api";
import { formatDateTime } from "../../../lib/dates";
import type { SmsMessage } from "../../../lib/support";
import { useLoad } from "../../../lib/useLoad";

const TONE: Record<string, string> = { pending: "warn", sending: "warn", sent: "info", delivered: "ok", failed: "bad" };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The SMS the support service sent or queued (SMS_PROVIDER=outbox keeps them here in development). */
function Outbox() {
  const { t, lang } = useApp();
  const [user, setUser] = useState("");
  const [applied, setApplied] = useState("");
  const [userError, setUserError] = useState<string | undefined>();
  const qs = `limit=100${applied ? `&user_id=${encodeURIComponent(applied)}` : ""}`;
  const sms = useLoad(() => api<{ items: SmsMessage[] }>(`/api/v1/support/sms?${qs}`), [qs]);
  const apply = (e: React.FormEvent) => {
    e.preventDefault();
    const u = user.trim();
    if (u && !UUID.test(u)) {
      setUserError(t("sms.userInvalid"));
      return;
    }
    setUserError(undefined);
    setApplied(u);
  };
  const fieldError = userError ?? (sms.error instanceof ApiError ? sms.error.fieldErrors().user_id : undefined);
  const items = sms.data?.items ?? [];
  return (
    <>
      <h1>{t("sms.title")}</h1>
      <p className="muted">{t("sms.intro")}</p>
      <form className="row" onSubmit={apply} noValidate>
        <div className="field" style={{ flex: 1, minWidth: 220 }}>
          <label htmlFor="sms-user">{t("sms.user")}</label>
          <input id="sms-user" value={user} onChange={(e) => setUser(e.target.value)} aria-invalid={fieldError ? true : undefined} aria-describedby={fieldError ? "sms-user-error" : undefined} />
          {fieldError && (
            <small id="sms-user-error" className="error" role="alert">
              {fieldError}
            </small>
          )}
        </div>
        <button type="submit">{t("sms.filter")}</button>
        <button type="button" className="secondary" onClick={() => void sms.reload()}>
          {t("tickets.refresh")}
        </button>
      </form>
      {sms.loading && !sms.data ? (
        <Loading />
      ) : sms.error && !fieldError ? (
        <ErrorBox message={sms.error.message} onRetry={sms.reload} />
      ) : items.length === 0 ? (
        <p className="card">{t("sms.empty")}</p>
      ) : (
        <div className="table-wrap card">
          <table data-testid="sms-outbox">
            <thead>
              <tr>
                <th scope="col">{t("common.date")}</th>
                <th scope="col">{t("sms.phone")}</th>
                <th scope="col">{t("sms.message")}</th>
                <th scope="col">{t("common.status")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((m) => (
                <tr key={m.id}>
                  <td>{formatDateTime(m.created_at, lang)}</td>
                  <td>{m.phone}</td>
                  <td>
                    {m.body}
                    <br />
                    <small className="muted">
                      {t("sms.segments", { n: m.segments })} · {m.gsm7 ? "GSM-7" : "UCS-2"}
                      {m.urgent ? ` · ${t("sms.urgent")}` : ""}
                    </small>
                  </td>
                  <td>
                    <span className={`badge ${TONE[m.status] ?? "info"}`}>{TONE[m.status] ? t(`sms.status.${m.status}` as never) : m.status}</span>
                    {m.provider_status && <small className="muted"> {m.provider_status}</small>}
                    {m.failure_reason && <small className="error"> {m.failure_reason}</small>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

export default function SmsPage() {
  return (
    <RequireSession roles={["support_agent", "admin"]}>
      <Outbox />
    </RequireSession>
  );
}
