"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import { useApp } from "../../components/Providers";
import { TicketStatus } from "../../components/TicketBadges";
import { ErrorBox, Loading, RequireSession } from "../../components/ui";
import { api, ApiError, hasRole } from "../../lib/api";
import { formatDateTime } from "../../lib/dates";
import { realtime } from "../../lib/realtime";
import type { Ticket } from "../../lib/support";
import { useLoad } from "../../lib/useLoad";

interface Page {
  items: Ticket[];
  next_cursor: string | null;
}

function MyTickets() {
  const { t, lang, session } = useApp();
  const first = useLoad(() => api<Page>("/api/v1/support/tickets?limit=20"), []);
  const [more, setMore] = useState<Ticket[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setMore([]);
    setCursor(first.data?.next_cursor ?? null);
  }, [first.data]);
  // A ticket's status or a staff answer arrives on the `me` channel.
  const reload = first.reload;
  useEffect(() => realtime().on("me", (e) => e.type.startsWith("support.ticket.") && void reload()), [reload]);

  const loadMore = async () => {
    if (!cursor) return;
    setBusy(true);
    try {
      const p = await api<Page>(`/api/v1/support/tickets?limit=20&cursor=${encodeURIComponent(cursor)}`);
      setMore((m) => [...m, ...p.items]);
      setCursor(p.next_cursor);
      setMoreError(null);
    } catch (e) {
      setMoreError(e instanceof ApiError ? e.message : t("common.error"));
    } finally {
      setBusy(false);
    }
  };

  if (first.loading && !first.data) return <Loading />;
  if (first.error) return <ErrorBox message={first.error.message} onRetry={first.reload} />;
  const items = [...(first.data?.items ?? []), ...more];
  return (
    <>
      <h1>{t("support.title")}</h1>
      {hasRole(session, "support_agent", "admin") && (
        <p className="alert">
          <Link href="/staff/tickets">{t("staff.tickets")}</Link>
        </p>
      )}
      <p>
        <Link className="button" href="/support/new">
          {t("support.new")}
        </Link>
      </p>
      {items.length === 0 ? (
        <p className="card" data-testid="no-tickets">
          {t("support.none")}
        </p>
      ) : (
        <ul className="plain" data-testid="tickets">
          {items.map((tk) => (
            <li key={tk.id} className="card" data-ticket-id={tk.id}>
              <h2>
                <Link href={`/support/${tk.id}`}>{tk.subject}</Link>
              </h2>
              <p className="muted">
                <TicketStatus t={tk} /> {t(`ticket.category.${tk.category}` as never)} · {t("support.opened", { time: formatDateTime(tk.created_at, lang) })}
              </p>
            </li>
          ))}
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

export default function SupportPage() {
  return (
    <RequireSession>
      <MyTickets />
    </RequireSession>
  );
}
