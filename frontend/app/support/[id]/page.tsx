"use client";
import Link from "next/link";
import { use, useEffect, useState } from "react";
import { useApp } from "../../../components/Providers";
import { SlaBadgeView, TicketPriority, TicketStatus } from "../../../components/TicketBadges";
import { ErrorBox, Loading, RequireSession, TextArea } from "../../../components/ui";
import { api, ApiError, hasRole } from "../../../lib/api";
import { formatDateTime } from "../../../lib/dates";
import { realtime } from "../../../lib/realtime";
import { customerMoves, STAFF_MOVES, type Comment, type TicketDetail, type TicketStatus as Status } from "../../../lib/support";
import { useLoad } from "../../../lib/useLoad";

const STAFF = ["support_agent", "admin"];
const STAFF_POLL_MS = 15_000;

function errorText(e: unknown, field: string, fallback: string): { field?: string; general?: string } {
  if (!(e instanceof ApiError)) return { general: fallback };
  const fe = e.fieldErrors();
  if (fe[field]) return { field: fe[field] };
  return { general: e.message };
}

function Reply({ ticket, staff, onSent }: { ticket: TicketDetail; staff: boolean; onSent: () => void }) {
  const { t } = useApp();
  const [body, setBody] = useState("");
  const [internal, setInternal] = useState(false);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const send = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setFieldError(undefined);
    setError(undefined);
    try {
      await api<Comment>(`/api/v1/support/tickets/${ticket.id}/comments`, { body: staff ? { body, internal } : { body } });
      setBody("");
      setInternal(false);
      onSent();
    } catch (err) {
      const x = errorText(err, "body", t("common.error"));
      setFieldError(x.field);
      setError(x.general);
      if (x.field) document.getElementById("reply")?.focus();
    } finally {
      setBusy(false);
    }
  };
  if (ticket.status === "closed") return <p className="muted">{t("ticket.closedNote")}</p>;
  return (
    <form onSubmit={send} noValidate>
      <TextArea id="reply" label={staff ? t("ticket.reply") : t("ticket.yourMessage")} value={body} onChange={setBody} error={fieldError} rows={3} />
      {staff && (
        <label className="check">
          <input type="checkbox" checked={internal} onChange={(e) => setInternal(e.target.checked)} /> {t("ticket.internal")}
        </label>
      )}
      {error && <ErrorBox message={error} />}
      <button type="submit" disabled={busy}>
        {t("ticket.send")}
      </button>
    </form>
  );
}

function StaffActions({ ticket, onChange }: { ticket: TicketDetail; onChange: () => void }) {
  const { t, session } = useApp();
  const moves = STAFF_MOVES[ticket.status];
  const [to, setTo] = useState<string>(moves[0] ?? "");
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  useEffect(() => setTo(STAFF_MOVES[ticket.status][0] ?? ""), [ticket.status]);
  const run = async (f: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await f();
      onChange();
    } catch (err) {
      setError(errorText(err, "status", t("common.error")).field ?? (err instanceof Error ? err.message : t("common.error")));
    } finally {
      setBusy(false);
    }
  };
  const mine = ticket.assignee_id && ticket.assignee_id === session?.user_id;
  return (
    <div className="row">
      {!mine && (
        <button type="button" className="secondary" disabled={busy} onClick={() => run(() => api(`/api/v1/support/tickets/${ticket.id}/assign`, { body: {} }))}>
          {t("ticket.assignMe")}
        </button>
      )}
      {moves.length > 0 && (
        <form className="row" onSubmit={(e) => { e.preventDefault(); void run(() => api(`/api/v1/support/tickets/${ticket.id}/status`, { body: { status: to } })); }}>
          <label htmlFor="move" className="sr-only">
            {t("ticket.newStatus")}
          </label>
          <select id="move" value={to} onChange={(e) => setTo(e.target.value)} style={{ width: "auto" }} aria-invalid={error ? true : undefined} aria-describedby={error ? "move-error" : undefined}>
            {moves.map((m) => (
              <option key={m} value={m}>
                {t(`ticket.status.${m}` as never)}
              </option>
            ))}
          </select>
          <button type="submit" disabled={busy}>
            {t("ticket.changeStatus")}
          </button>
        </form>
      )}
      {error && (
        <small id="move-error" className="error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

function CustomerActions({ ticket, onChange }: { ticket: TicketDetail; onChange: () => void }) {
  const { t } = useApp();
  const [error, setError] = useState<string | undefined>();
  const [rating, setRating] = useState(0);
  const [ratingError, setRatingError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const moves = customerMoves(ticket);
  const move = async (status: Status) => {
    setBusy(true);
    setError(undefined);
    try {
      await api(`/api/v1/support/tickets/${ticket.id}/status`, { body: { status } });
      onChange();
    } catch (err) {
      setError(err instanceof Error ? err.message : t("common.error"));
    } finally {
      setBusy(false);
    }
  };
  const rate = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setRatingError(undefined);
    try {
      await api(`/api/v1/support/tickets/${ticket.id}/rating`, { body: { rating } });
      onChange();
    } catch (err) {
      const x = errorText(err, "rating", t("common.error"));
      setRatingError(x.field ?? x.general);
    } finally {
      setBusy(false);
    }
  };
  const canRate = (ticket.status === "resolved" || ticket.status === "closed") && ticket.rating == null;
  if (moves.length === 0 && !canRate) return ticket.rating ? <p className="muted">{t("ticket.rated", { n: ticket.rating })}</p> : null;
  return (
    <>
      {moves.length > 0 && (
        <div className="row">
          {moves.includes("closed") && (
            <button type="button" disabled={busy} onClick={() => move("closed")}>
              {t("ticket.close")}
            </button>
          )}
          {moves.includes("open") && (
            <button type="button" className="secondary" disabled={busy} onClick={() => move("open")}>
              {t("ticket.reopen")}
            </button>
          )}
        </div>
      )}
      {error && <ErrorBox message={error} />}
      {canRate && (
        <form onSubmit={rate} noValidate>
          <fieldset className="rating" aria-describedby={ratingError ? "rating-error" : undefined}>
            <legend>{t("ticket.rate")}</legend>
            {[1, 2, 3, 4, 5].map((n) => (
              <label key={n}>
                <input type="radio" name="rating" value={n} checked={rating === n} onChange={() => setRating(n)} />
                <span>{n}</span>
                <span className="sr-only"> {t("ticket.ofFive")}</span>
              </label>
            ))}
          </fieldset>
          {ratingError && (
            <small id="rating-error" className="error" role="alert">
              {ratingError}
            </small>
          )}
          <button type="submit" className="secondary" disabled={busy || rating === 0}>
            {t("ticket.sendRating")}
          </button>
        </form>
      )}
    </>
  );
}

function Conversation({ id }: { id: string }) {
  const { t, lang, session } = useApp();
  const staff = hasRole(session, ...STAFF);
  const tk = useLoad(() => api<TicketDetail>(`/api/v1/support/tickets/${encodeURIComponent(id)}`), [id]);
  const reload = tk.reload;
  // The customer hears of answers and status changes on the `me` channel; staff, by a slow poll.
  useEffect(() => {
    if (staff) {
      const timer = setInterval(() => void reload(), STAFF_POLL_MS);
      return () => clearInterval(timer);
    }
    return realtime().on("me", (e) => {
      if (e.type.startsWith("support.ticket.") && (e.data as { ticket_id?: string }).ticket_id === id) void reload();
    });
  }, [staff, id, reload]);

  if (tk.loading && !tk.data) return <Loading />;
  if (tk.error || !tk.data) {
    if (tk.error instanceof ApiError && tk.error.status === 404) return <ErrorBox message={t("ticket.notFound")} />;
    return <ErrorBox message={tk.error?.message ?? t("common.error")} onRetry={tk.reload} />;
  }
  const ticket = tk.data;
  const who = (c: { author_kind: string; author_id: string }) =>
    c.author_id === session?.user_id ? t("ticket.you") : t(`ticket.author.${c.author_kind}` as never);
  const messages = [
    { id: "description", author_kind: "customer", author_id: ticket.customer_id, body: ticket.description, internal: false, created_at: ticket.created_at },
    ...[...ticket.comments].sort((a, b) => a.created_at.localeCompare(b.created_at)),
  ];
  return (
    <>
      <p>
        <Link href={staff ? "/staff/tickets" : "/support"}>← {staff ? t("staff.tickets") : t("support.title")}</Link>
      </p>
      <h1>{ticket.subject}</h1>
      <p className="row" style={{ gap: 6 }}>
        <TicketStatus t={ticket} /> <TicketPriority t={ticket} /> {staff && <SlaBadgeView t={ticket} />}
        <span className="muted">
          {t(`ticket.category.${ticket.category}` as never)} · {t("support.opened", { time: formatDateTime(ticket.created_at, lang) })}
        </span>
      </p>
      {staff && (
        <section className="card" aria-label={t("ticket.staffActions")}>
          <p className="muted">
            {t("ticket.assignee")}: {ticket.assignee_id ? (ticket.assignee_id === session?.user_id ? t("ticket.you") : ticket.assignee_id.slice(0, 8)) : "—"} ·{" "}
            {t("ticket.firstResponse")}: {ticket.first_response_at ? formatDateTime(ticket.first_response_at, lang) : "—"}
          </p>
          <StaffActions ticket={ticket} onChange={reload} />
        </section>
      )}
      <section className="card" aria-labelledby="conv-title">
        <h2 id="conv-title">{t("ticket.conversation")}</h2>
        <ol className="messages" data-testid="messages" aria-live="polite">
          {messages.map((m) => (
            <li key={m.id} className={`msg ${m.author_kind}${m.internal ? " internal" : ""}`} data-author={m.author_kind}>
              <p className="meta">
                <strong>{who(m)}</strong> · {formatDateTime(m.created_at, lang)} {m.internal && <span className="badge warn">{t("ticket.internalBadge")}</span>}
              </p>
              <p className="body">{m.body}</p>
            </li>
          ))}
        </ol>
        <Reply ticket={ticket} staff={staff} onSent={reload} />
      </section>
      {!staff && ticket.customer_id === session?.user_id && <CustomerActions ticket={ticket} onChange={reload} />}
    </>
  );
}

export default function TicketPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = use(params);
  return (
    <RequireSession>
      <Conversation id={id} />
    </RequireSession>
  );
}
