"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import { AgentAvailability } from "../../../components/AgentAvailability";
import { useApp } from "../../../components/Providers";
import { SlaBadgeView, TicketPriority, TicketStatus } from "../../../components/TicketBadges";
import { ErrorBox, Loading, RequireSession } from "../../../components/ui";
import { api, ApiError } from "../../../lib/api";
import { formatDateTime } from "../../../lib/dates";
import { PRIORITIES, STATUSES, type Ticket } from "../../../lib/support";
import { useLoad } from "../../../lib/useLoad";

interface Page {
  items: Ticket[];
  next_cursor: string | null;
}
const TICK_MS = 30_000;

function Queue() {
  const { t, lang, session } = useApp();
  const [status, setStatus] = useState("");
  const [priority, setPriority] = useState("");
  const [breached, setBreached] = useState(false);
  const [mine, setMine] = useState(false);
  const query = new URLSearchParams({ limit: "50" });
  if (status) query.set("status", status);
  if (priority) query.set("priority", priority);
  if (breached) query.set("breached", "true");
  if (mine && session) query.set("assignee_id", session.user_id);
  const qs = query.toString();
  const first = useLoad(() => api<Page>(`/api/v1/support/tickets?${qs}`), [qs]);
  const [more, setMore] = useState<Ticket[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // SLA badges move with time: re-render every half minute.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    setMore([]);
    setCursor(first.data?.next_cursor ?? null);
  }, [first.data]);

  const loadMore = async () => {
    if (!cursor) return;
    setBusy(true);
    try {
      const p = await api<Page>(`/api/v1/support/tickets?${qs}&cursor=${encodeURIComponent(cursor)}`);
      setMore((m) => [...m, ...p.items]);
      setCursor(p.next_cursor);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t("common.error"));
    } finally {
      setBusy(false);
    }
  };

  const items = [...(first.data?.items ?? []), ...more];
  return (
    <>
      <h1>{t("staff.tickets")}</h1>
      <AgentAvailability />
      <form className="filters-row" onSubmit={(e) => e.preventDefault()} aria-label={t("market.filters")}>
        <div className="field">
          <label htmlFor="f-status">{t("common.status")}</label>
          <select id="f-status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t("tickets.all")}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`ticket.status.${s}` as never)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-priority">{t("ticket.priority")}</label>
          <select id="f-priority" value={priority} onChange={(e) => setPriority(e.target.value)}>
            <option value="">{t("tickets.all")}</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {t(`ticket.priority.${p}` as never)}
              </option>
            ))}
          </select>
        </div>
        <label className="check">
          <input type="checkbox" checked={breached} onChange={(e) => setBreached(e.target.checked)} /> {t("tickets.breachedOnly")}
        </label>
        <label className="check">
          <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} /> {t("tickets.mine")}
        </label>
        <button type="button" className="secondary" onClick={() => void first.reload()} disabled={first.loading}>
          {t("tickets.refresh")}
        </button>
      </form>
      {first.loading && !first.data ? (
        <Loading />
      ) : first.error ? (
        <ErrorBox message={first.error.message} onRetry={first.reload} />
      ) : items.length === 0 ? (
        <p className="card" data-testid="queue-empty">
          {t("tickets.empty")}
        </p>
      ) : (
        <div className="table-wrap card">
          <table data-testid="ticket-queue">
            <thead>
              <tr>
                <th scope="col">{t("ticket.subject")}</th>
                <th scope="col">{t("common.status")}</th>
                <th scope="col">{t("ticket.priority")}</th>
                <th scope="col">{t("tickets.sla")}</th>
                <th scope="col">{t("tickets.opened")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((tk) => (
                <tr key={tk.id} data-ticket-id={tk.id}>
                  <td>
                    <Link href={`/support/${tk.id}`}>{tk.subject}</Link>
                    <br />
                    <small className="muted">
                      {t(`ticket.category.${tk.category}` as never)}
                      {tk.assignee_id ? ` · ${tk.assignee_id === session?.user_id ? t("ticket.you") : t("tickets.assigned")}` : ""}
                    </small>
                  </td>
                  <td>
                    <TicketStatus t={tk} />
                  </td>
                  <td>
                    <TicketPriority t={tk} />
                  </td>
                  <td>
                    <SlaBadgeView t={tk} now={now} />
                  </td>
                  <td>{formatDateTime(tk.created_at, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {error && <ErrorBox message={error} />}
      {cursor && (
        <button type="button" className="secondary" onClick={loadMore} disabled={busy}>
          {t("common.more")}
        </button>
      )}
    </>
  );
}

export default function StaffTicketsPage() {
  return (
    <RequireSession roles={["support_agent", "admin"]}>
      <Queue />
    </RequireSession>
  );
}
