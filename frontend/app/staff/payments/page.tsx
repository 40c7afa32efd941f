"use client";
import Link from "next/link";
import { useState } from "react";
import { useApp } from "../../../components/Providers";
import { ErrorBox, Loading, RequireSession } from "../../../components/ui";
import { api, ApiError, hasRole } from "../../../lib/api";
import { isProposal, type Approval } from "../../../lib/approvals";
import { formatDateTime } from "../../../lib/dates";
import { formatMoney } from "../../../lib/money";
import type { PaymentRequest } from "../../../lib/plans";
import { useLoad } from "../../../lib/useLoad";

interface StoredCallback {
  id: number;
  provider: string;
  key_kind: string;
  key: string;
  status: string;
  outcome: string | null;
  received_at: string;
}
interface Review {
  held: (PaymentRequest & { reason_code: string | null })[];
  stuck: PaymentRequest[];
  callbacks: StoredCallback[];
  /** Pending proposals (credits, refunds, reversals) waiting for a second staff member. */
  approvals?: Approval[];
}

function Resolve({ path, withPlanRef, onDone }: { path: string; withPlanRef?: boolean; onDone: (msg: string) => void }) {
  const { t } = useApp();
  const [note, setNote] = useState("");
  const [planRef, setPlanRef] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const go = async (action: "credit" | "dismiss") => {
    setBusy(true);
    setError(null);
    try {
      const body: Record<string, string> = { action, note };
      if (withPlanRef && action === "credit" && planRef) body.plan_ref = planRef;
      // A credit is a proposal (202 {approval}): nothing is credited until another staff member approves it.
      const answer = await api<unknown>(path, { body });
      onDone(action === "credit" && isProposal(answer) ? t("staff.sentForApproval") : t("staff.resolved"));
    } catch (e) {
      setError(e instanceof ApiError ? (Object.values(e.fieldErrors())[0] ?? e.message) : t("common.error"));
    } finally {
      setBusy(false);
    }
  };
  const id = path.replace(/[^a-z0-9]/gi, "-");
  return (
    <div>
      <div className="field">
        <label htmlFor={`n${id}`}>{t("staff.note")}</label>
        <input id={`n${id}`} value={note} onChange={(e) => setNote(e.target.value)} />
      </div>
      {withPlanRef && (
        <div className="field">
          <label htmlFor={`r${id}`}>{t("staff.planRef")}</label>
          <input id={`r${id}`} value={planRef} onChange={(e) => setPlanRef(e.target.value)} placeholder="RTO-XXXXXX" />
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button type="button" onClick={() => go("credit")} disabled={busy}>
          {t("staff.credit")}
        </button>
        <button type="button" className="secondary" onClick={() => go("dismiss")} disabled={busy}>
          {t("staff.dismiss")}
        </button>
      </div>
    </div>
  );
}

function Queue() {
  const { t, lang, session } = useApp();
  const q = useLoad(() => api<Review>("/api/v1/payments/review?limit=100"), []);
  const [msg, setMsg] = useState<string | null>(null);
  const canResolve = hasRole(session, "support_agent", "admin");
  if (q.loading && !q.data) return <Loading />;
  if (q.error || !q.data) return <ErrorBox message={q.error?.message ?? t("common.error")} onRetry={q.reload} />;
  const done = (m: string) => {
    setMsg(m);
    void q.reload();
  };
  const r = q.data;
  const approvals = r.approvals ?? [];
  const awaiting = (kind: Approval["kind"], subject: string) => approvals.some((a) => a.kind === kind && a.subject_id === subject);
  const awaitingBadge = (
    <>
      {" "}
      <span className="badge warn">{t("staff.awaitingApproval")}</span>
    </>
  );
  const req = (p: PaymentRequest & { reason_code?: string | null }, resolvable: boolean) => (
    <li key={p.id} className="card">
      <strong>{p.plan_reference}</strong> · {t(`provider.${p.provider}`)} · {formatMoney(p.amount, lang)} · {t(`pay.status.${p.status}` as never)}
      {awaiting("credit_request", p.id) && awaitingBadge}
      <br />
      <small className="muted">
        {formatDateTime(p.created_at, lang)} {p.reason_code ? `· ${p.reason_code}` : ""} {p.reason ? `· ${p.reason}` : ""}
      </small>
      {resolvable && canResolve && <Resolve path={`/api/v1/payments/${p.id}/resolve`} onDone={done} />}
    </li>
  );
  return (
    <>
      <h1>{t("staff.paymentQueue")}</h1>
      {msg && (
        <p className="ok-box" role="status">
          {msg}
        </p>
      )}
      <h2>
        {t("staff.held")} ({r.held.length})
      </h2>
      {r.held.length === 0 ? <p className="muted">{t("staff.emptyQueue")}</p> : <ul style={{ listStyle: "none", padding: 0 }}>{r.held.map((p) => req(p, true))}</ul>}
      <h2>
        {t("staff.stuck")} ({r.stuck.length})
      </h2>
      {r.stuck.length === 0 ? <p className="muted">{t("staff.emptyQueue")}</p> : <ul style={{ listStyle: "none", padding: 0 }}>{r.stuck.map((p) => req(p, false))}</ul>}
      <h2>
        {t("staff.callbacks")} ({r.callbacks.length})
      </h2>
      {r.callbacks.length === 0 ? (
        <p className="muted">{t("staff.emptyQueue")}</p>
      ) : (
        <ul style={{ listStyle: "none", padding: 0 }}>
          {r.callbacks.map((c) => (
            <li key={c.id} className="card">
              #{c.id} · {t(`provider.${c.provider}` as never)} · {c.key_kind}: <code>{c.key}</code> · {c.status}
              {awaiting("credit_callback", String(c.id)) && awaitingBadge}
              <br />
              <small className="muted">
                {formatDateTime(c.received_at, lang)} {c.outcome ? `· ${c.outcome}` : ""}
              </small>
              {canResolve && <Resolve path={`/api/v1/payments/review/callbacks/${c.id}/resolve`} withPlanRef onDone={done} />}
            </li>
          ))}
        </ul>
      )}
      <h2>
        {t("staff.pendingApprovals")} ({approvals.length})
      </h2>
      {approvals.length === 0 ? (
        <p className="muted">{t("staff.emptyQueue")}</p>
      ) : (
        <ul style={{ listStyle: "none", padding: 0 }} data-testid="review-approvals">
          {approvals.map((a) => (
            <li key={a.id} className="card" data-approval-id={a.id}>
              {t(`approvals.kind.${a.kind}` as never)} · <strong>{a.plan_reference ?? "—"}</strong> · {formatMoney(a.amount, lang)}
              <br />
              <small className="muted">
                {formatDateTime(a.proposed_at, lang)} {a.note ? `· ${a.note}` : ""}
              </small>
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link href="/staff/approvals">{t("staff.openApprovals")}</Link>
      </p>
    </>
  );
}

export default function PaymentQueuePage() {
  return (
    <RequireSession roles={["admin", "credit_officer", "support_agent"]}>
      <Queue />
    </RequireSession>
  );
}
