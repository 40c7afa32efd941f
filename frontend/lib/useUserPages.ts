"use client";
import { useEffect, useState } from "react";
import { api, ApiError } from "./api";
import { USERS_PATH, type User, type UserPage } from "./users";
import { useLoad } from "./useLoad";

/**
 * Keyset pages of accounts for one query string: the first page, then "load more" with the
 * cursor. `replace` puts an updated account in place; `drop` takes one out (a decided KYC).
 */
export function useUserPages(qs: string) {
  const first = useLoad(() => api<UserPage>(`${USERS_PATH}?${qs}`), [qs]);
  const [more, setMore] = useState<User[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [changed, setChanged] = useState<Record<string, User | null>>({});
  useEffect(() => {
    setMore([]);
    setChanged({});
    setMoreError(null);
    setCursor(first.data?.next_cursor ?? null);
  }, [first.data]);

  const loadMore = async () => {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const p = await api<UserPage>(`${USERS_PATH}?${qs}&cursor=${encodeURIComponent(cursor)}`);
      setMore((m) => [...m, ...p.items]);
      setCursor(p.next_cursor);
      setMoreError(null);
    } catch (e) {
      setMoreError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setLoadingMore(false);
    }
  };

  const seen = new Set<string>();
  const items: User[] = [];
  for (const u of [...(first.data?.items ?? []), ...more]) {
    if (seen.has(u.id)) continue;
    seen.add(u.id);
    const c = changed[u.id];
    if (c === null) continue;
    items.push(c ?? u);
  }
  return {
    first,
    items,
    cursor,
    moreError,
    loadingMore,
    loadMore,
    replace: (u: User) => setChanged((c) => ({ ...c, [u.id]: u })),
    drop: (id: string) => setChanged((c) => ({ ...c, [id]: null })),
  };
}
