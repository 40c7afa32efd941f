"use client";
import { useState } from "react";
import { useApp } from "../../../components/Providers";
import { ErrorBox, Loading, RequireSession } from "../../../components/ui";
import { api, ApiError } from "../../../lib/api";
import { reasonText, type Application } from "../../../lib/credit";
import { formatDateTime } from "../../../lib/dates";
import { formatMoney } from "../../../lib/money";
import { useLoad } from "../../../lib/useLoad";

function Decide({ app, onDone }: { app: Application; onDone: () => void }) {
  const { t } = useApp();
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const decide = async (decision: "approved" | "declined") => {
    setBusy(true);
    setError(null);
    try {
      await api(`/api/v1/credit/applications/${app.id}/decision`, { body: { decision, note } });
      onDone();
    } catch (e) {
      setError(e instanceof ApiError ? (e.fieldErrors().note ?? e.message) : t("common.error"));
    } finally {
      setBusy(false);
    }
  };
  const id = `note-${app.id}`;
  return (
    <div>
      <div className="field">
        <label htmlFor={id}>{t("staff.note")}</label>
        <textarea id={id} value={note} onChange={(e) => setNote(e.target.value)} rows={2} aria-invalid={error ? true : undefined} />
        {error && (
          <small className="error" role="alert">
            {error}
          </small>
        )}
      </div>
      <div className="row">
        <button type="button" onClick={() => decide("approved")} disabled={busy}>
          {t("staff.approve")}
        </button>
        <button type="button" className="secondary" onClick={() => decide("declined")} disabled={busy}>
          {t("staff.decline")}
        </button>
      </div>
    </div>
  );
}

function Queue() {
  const { t, lang } = useApp();
  const q = useLoad(() => api<{ items: Application[]; next_cursor: string | null }>("/api/v1/credit/review-queue?limit=50"), []);
  const [done, setDone] = useState<string | null>(null);
  if (q.loading && !q.data) return <Loading />;
  if (q.error) return <ErrorBox message={q.error.message} onRetry={q.reload} />;
  const items = q.data?.items ?? [];
  return (
    <>
      <h1>{t("staff.creditQueue")}</h1>
      {done && (
        <p className="ok-box" role="status">
          {done}
        </p>
      )}
      {items.length === 0 && <p className="card">{t("staff.emptyQueue")}</p>}
      <ul style={{ listStyle: "none", padding: 0 }} data-testid="credit-queue">
        {items.map((a) => (
          <li key={a.id} className="card" data-application-id={a.id}>
            <h2>
              {a.vehicle.make} {a.vehicle.model} {a.vehicle.year} · {a.vehicle.price ? formatMoney(a.vehicle.price, lang) : ""}
            </h2>
            <p className="muted">
              {formatDateTime(a.created_at, lang)} · {t(`apply.emp.${a.employment_type}` as never)} · {t("apply.income")}: {formatMoney(a.monthly_income, lang)} ·{" "}
              {t("quote.instalment")}: {formatMoney(a.instalment.monthly, lang)}
            </p>
            {a.decision && (
              <>
                <p>
                  {t("staff.score")}: <strong>{a.decision.score}</strong> ({a.decision.grade})
                </p>
                <ul>
                  {a.decision.reasons.map((r) => (
                    <li key={r.code}>
                      <code>{r.code}</code> — {reasonText(r, lang)}
                    </li>
                  ))}
                </ul>
                <details>
                  <summary>{t("staff.breakdown")}</summary>
                  <div className="table-wrap">
                    <table>
                      <tbody>
                        {a.decision.breakdown.map((f) => (
                          <tr key={f.code}>
                            <td>{f.label}</td>
                            <td>{f.bin}</td>
                            <td>
                              {f.points}/{f.max_points}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                </details>
              </>
            )}
            <Decide
              app={a}
              onDone={() => {
                setDone(t("staff.decided"));
                void q.reload();
              }}
            />
          </li>
        ))}
      </ul>
    </>
  );
}

export default function CreditQueuePage() {
  return (
    <RequireSession roles={["credit_officer", "admin"]}>
      <Queue />
    </RequireSession>
  );
}
