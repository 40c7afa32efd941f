"use client";
// The header's link to the inbox with its unread count, kept live: the support service's
// `support.notification.created` events arrive on the signed-in user's `me` channel; the count is
// read again after a reconnect and whenever a page marks notifications read (UNREAD_CHANGED).
import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { api } from "../lib/api";
import { realtime } from "../lib/realtime";
import { UNREAD_CHANGED } from "../lib/support";
import { useApp } from "./Providers";

export function UnreadBadge({ userId }: { userId: string }) {
  const { t } = useApp();
  const [count, setCount] = useState<number | null>(null);
  const refresh = useCallback(async () => {
    try {
      const r = await api<{ unread_count: number }>("/api/v1/support/notifications/unread-count");
      setCount(r.unread_count);
    } catch {
      /* keep what is shown */
    }
  }, []);
  useEffect(() => {
    setCount(null);
    void refresh();
    const hub = realtime();
    const off = hub.on("me", (e) => {
      if (e.type === "support.notification.created") void refresh();
    });
    const offState = hub.onState((c) => c && void refresh());
    const onChanged = () => void refresh();
    window.addEventListener(UNREAD_CHANGED, onChanged);
    return () => {
      off();
      offState();
      window.removeEventListener(UNREAD_CHANGED, onChanged);
    };
  }, [userId, refresh]);
  const n = count ?? 0;
  return (
    <Link href="/notifications" data-testid="unread-badge" data-count={count ?? undefined}>
      {t("nav.notifications")}
      {n > 0 && (
        <>
          <span className="count" aria-hidden="true">
            {n > 99 ? "99+" : n}
          </span>
          <span className="sr-only"> {t("nav.unreadCount", { n })}</span>
        </>
      )}
    </Link>
  );
}
