"use client";
import { useEffect, useState } from "react";
import { MessageSettings } from "../../components/MessageSettings";
import { useApp } from "../../components/Providers";
import { ErrorBox, Loading, RequireSession } from "../../components/ui";
import { api, ApiError } from "../../lib/api";
import { formatDateTime } from "../../lib/dates";
import { realtime } from "../../lib/realtime";
import { UNREAD_CHANGED, type Notification } from "../../lib/support";
import { useLoad } from "../../lib/useLoad";

interface Inbox {
  items: Notification[];
  unread_count: number;
  next_cursor: string | null;
}

const changed = () => window.dispatchEvent(new Event(UNREAD_CHANGED));

function InboxView() {
  const { t, lang } = useApp();
  const first = useLoad(() => api<Inbox>("/api/v1/support/notifications?limit=20"), []);
  const [items, setItems] = useState<Notification[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!first.data) return;
    setItems(first.data.items);
    setCursor(first.data.next_cursor);
  }, [first.data]);
  const reload = first.reload;
  useEffect(() => realtime().on("me", (e) => e.type === "support.notification.created" && void reload()), [reload]);

  const act = async (f: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await f();
      changed();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t("common.error"));
    } finally {
      setBusy(false);
    }
  };
  const markRead = (n: Notification) =>
    act(async () => {
      await api(`/api/v1/support/notifications/${n.id}/read`, { method: "POST" });
      setItems((xs) => xs.map((x) => (x.id === n.id ? { ...x, read: true, read_at: new Date().toISOString() } : x)));
    });
  const markAll = () =>
    act(async () => {
      await api("/api/v1/support/notifications/read-all", { method: "POST" });
      setItems((xs) => xs.map((x) => ({ ...x, read: true })));
    });
  const more = () =>
    act(async () => {
      if (!cursor) return;
      const p = await api<Inbox>(`/api/v1/support/notifications?limit=20&cursor=${encodeURIComponent(cursor)}`);
      setItems((xs) => [...xs, ...p.items.filter((i) => !xs.some((x) => x.id === i.id))]);
      setCursor(p.next_cursor);
    });

  if (first.loading && !first.data) return <Loading />;
  if (first.error) return <ErrorBox message={first.error.message} onRetry={first.reload} />;
  const unread = items.filter((n) => !n.read).length;
  return (
    <>
      <h1>{t("inbox.title")}</h1>
      <div className="row">
        <p className="muted" role="status" data-testid="inbox-unread">
          {t("inbox.unread", { n: unread })}
        </p>
        {unread > 0 && (
          <button type="button" className="secondary" onClick={markAll} disabled={busy}>
            {t("inbox.markAll")}
          </button>
        )}
      </div>
      {error && <ErrorBox message={error} />}
      {items.length === 0 ? (
        <p className="card" data-testid="inbox-empty">
          {t("inbox.empty")}
        </p>
      ) : (
        <ul className="plain" data-testid="inbox">
          {items.map((n) => (
            <li key={n.id} className={`card notice${n.read ? "" : " unread"}`} data-notification-id={n.id} data-read={n.read ? "true" : "false"}>
              <h2>
                {!n.read && <span className="sr-only">{t("inbox.unreadMark")} </span>}
                {n.title}
              </h2>
              <p>{n.body}</p>
              <p className="row muted">
                <span>{formatDateTime(n.created_at, lang)}</span>
                {!n.read && (
                  <button type="button" className="secondary small" onClick={() => markRead(n)} disabled={busy}>
                    {t("inbox.markRead")}
                    <span className="sr-only">: {n.title}</span>
                  </button>
                )}
              </p>
            </li>
          ))}
        </ul>
      )}
      {cursor && (
        <button type="button" className="secondary" onClick={more} disabled={busy}>
          {t("common.more")}
        </button>
      )}
      <MessageSettings />
    </>
  );
}

export default function NotificationsPage() {
  return (
    <RequireSession>
      <InboxView />
    </RequireSession>
  );
}
