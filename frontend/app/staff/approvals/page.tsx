"use client";
import { useEffect, useState } from "react";
import { useApp } from "../../../components/Providers";
import { ErrorBox, Loading, RequireSession } from "../../../components/ui";
import { api, ApiError, hasRole, STAFF_ROLES } from "../../../lib/api";
import {
  APPROVAL_KINDS,
  APPROVAL_STATUSES,
  APPROVALS_PATH,
  approvalsQuery,
  isAlreadyDecided,
  isFourEyes,
  type Approval,
  type ApprovalKind,
  type ApprovalPage,
  type ApprovalStatus,
} from "../../../lib/approvals";
import { formatDateTime } from "../../../lib/dates";
import { formatMoney } from "../../../lib/money";
import { useLoad } from "../../../lib/useLoad";

type Outcome = "approved" | "rejected" | "withdrawn";

/** Approve (optional note) and Reject (note required); on one's own proposal only Withdraw. */
function Decide({ a, own, onDone }: { a: Approval; own: boolean; onDone: (o: Outcome) => void }) {
  const { t } = useApp();
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = `decision-note-${a.id}`;
  const errorId = `${id}-error`;
  const decide = async (what: "approve" | "reject") => {
    if (what === "reject" && !note.trim()) {
      setError(t("approvals.noteRequired"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body = what === "approve" ? (note.trim() ? { note: note.trim() } : {}) : { note: note.trim() };
      await api(`${APPROVALS_PATH}/${encodeURIComponent(a.id)}/${what}`, { body });
      onDone(what === "approve" ? "approved" : own ? "withdrawn" : "rejected");
    } catch (e) {
      if (e instanceof ApiError) {
        // The problem's detail says why (the four-eyes 403 above all); a short text when it has none.
        const fallback = isFourEyes(e) ? t("approvals.fourEyes") : isAlreadyDecided(e) ? t("approvals.alreadyDecided") : e.message;
        setError(e.fieldErrors().note ?? (e.problem?.detail || fallback));
      } else setError(t("common.error"));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      {own && <p data-testid="own-proposal">{t("approvals.ownWaiting")}</p>}
      <div className="field">
        <label htmlFor={id}>{own ? t("approvals.noteToWithdraw") : t("approvals.noteToReject")}</label>
        <textarea
          id={id}
          value={note}
          rows={2}
          onChange={(e) => setNote(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
        />
        {error && (
          <small id={errorId} className="error" role="alert">
            {error}
          </small>
        )}
      </div>
      <div className="row">
        {own ? (
          <button type="button" className="secondary" onClick={() => decide("reject")} disabled={busy}>
            {t("approvals.withdraw")}
          </button>
        ) : (
          <>
            <button type="button" onClick={() => decide("approve")} disabled={busy}>
              {t("approvals.approve")}
            </button>
            <button type="button" className="secondary" onClick={() => decide("reject")} disabled={busy}>
              {t("approvals.reject")}
            </button>
          </>
        )}
      </div>
    </div>
  );
}

const STATUS_TONE: Record<ApprovalStatus, "ok" | "warn" | "bad"> = { pending: "warn", approved: "ok", rejected: "bad" };

function Approvals() {
  const { t, lang, session } = useApp();
  const [status, setStatus] = useState<ApprovalStatus>("pending");
  const [kind, setKind] = useState<ApprovalKind | "">("");
  const qs = approvalsQuery(status, kind);
  const first = useLoad(() => api<ApprovalPage>(`${APPROVALS_PATH}?${qs}`), [qs]);
  const [more, setMore] = useState<Approval[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  useEffect(() => {
    setMore([]);
    setCursor(first.data?.next_cursor ?? null);
  }, [first.data]);

  const canDecide = hasRole(session, "admin", "support_agent");
  const who = (user: string | null) => (!user ? "—" : user === session?.user_id ? t("approvals.you") : user.slice(0, 8));

  const loadMore = async () => {
    if (!cursor) return;
    setBusy(true);
    try {
      const p = await api<ApprovalPage>(`${APPROVALS_PATH}?${qs}&cursor=${encodeURIComponent(cursor)}`);
      setMore((m) => [...m, ...p.items]);
      setCursor(p.next_cursor);
      setMoreError(null);
    } catch (e) {
      setMoreError(e instanceof ApiError ? e.message : t("common.error"));
    } finally {
      setBusy(false);
    }
  };
  const decided = (o: Outcome) => {
    setDone(t(`approvals.${o}`));
    void first.reload();
  };

  const items = [...(first.data?.items ?? []), ...more];
  return (
    <>
      <h1>{t("approvals.title")}</h1>
      <p className="muted">{t("approvals.intro")}</p>
      <form className="filters-row" onSubmit={(e) => e.preventDefault()} aria-label={t("market.filters")}>
        <div className="field">
          <label htmlFor="a-status">{t("common.status")}</label>
          <select id="a-status" value={status} onChange={(e) => setStatus(e.target.value as ApprovalStatus)}>
            {APPROVAL_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`approvals.status.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="a-kind">{t("approvals.kind")}</label>
          <select id="a-kind" value={kind} onChange={(e) => setKind(e.target.value as ApprovalKind | "")}>
            <option value="">{t("approvals.allKinds")}</option>
            {APPROVAL_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`approvals.kind.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="secondary" onClick={() => void first.reload()} disabled={first.loading}>
          {t("approvals.refresh")}
        </button>
      </form>
      {done && (
        <p className="ok-box" role="status">
          {done}
        </p>
      )}
      {first.loading && !first.data ? (
        <Loading />
      ) : first.error ? (
        <ErrorBox message={first.error.message} onRetry={first.reload} />
      ) : items.length === 0 ? (
        <p className="card" data-testid="approvals-empty">
          {t("approvals.empty")}
        </p>
      ) : (
        <ul style={{ listStyle: "none", padding: 0 }} data-testid="approvals">
          {items.map((a) => {
            const own = !!session && a.proposed_by === session.user_id;
            return (
              <li key={a.id} className="card" data-approval-id={a.id} data-status={a.status}>
                <h2>
                  {t(`approvals.kind.${a.kind}` as never)} · {a.plan_reference ?? "—"}{" "}
                  <span className={`badge ${STATUS_TONE[a.status] ?? "info"}`}>{t(`approvals.status.${a.status}` as never)}</span>
                </h2>
                <dl className="specs">
                  <dt>{t("approvals.plan")}</dt>
                  <dd>{a.plan_reference ?? "—"}</dd>
                  <dt>{t("common.amount")}</dt>
                  <dd data-testid="approval-amount">{formatMoney(a.amount, lang)}</dd>
                  <dt>{t("approvals.evidence")}</dt>
                  <dd>{a.evidence ? <code>{a.evidence}</code> : "—"}</dd>
                  <dt>{t("approvals.note")}</dt>
                  <dd>{a.note || "—"}</dd>
                  <dt>{t("approvals.proposed")}</dt>
                  <dd>{t("approvals.byWhen", { who: who(a.proposed_by), when: formatDateTime(a.proposed_at, lang) })}</dd>
                  {a.status !== "pending" && (
                    <>
                      <dt>{t("approvals.decided")}</dt>
                      <dd>{t("approvals.byWhen", { who: who(a.decided_by), when: formatDateTime(a.decided_at, lang) })}</dd>
                      <dt>{t("approvals.decisionNote")}</dt>
                      <dd>{a.decision_note || "—"}</dd>
                    </>
                  )}
                  {a.result_id && (
                    <>
                      <dt>{t("approvals.result")}</dt>
                      <dd>
                        <code>{a.result_id}</code>
                      </dd>
                    </>
                  )}
                </dl>
                {a.status === "pending" && (own || canDecide) && <Decide a={a} own={own} onDone={decided} />}
              </li>
            );
          })}
        </ul>
      )}
      {moreError && <ErrorBox message={moreError} />}
      {cursor && (
        <button type="button" className="secondary" onClick={loadMore} disabled={busy}>
          {t("common.more")}
        </button>
      )}
    </>
  );
}

export default function ApprovalsPage() {
  return (
    <RequireSession roles={STAFF_ROLES}>
      <Approvals />
    </RequireSession>
  );
}
