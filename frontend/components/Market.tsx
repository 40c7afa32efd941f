"use client";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { api, ApiError } from "../lib/api";
import { formatMoney, parseMoneyInput, toInputText } from "../lib/money";
import { realtime } from "../lib/realtime";
import { CATEGORIES, CONDITIONS, FUELS, SORTS, toggle, toQuery, type SearchKey, type SearchParams } from "../lib/search";
import type { SearchPage, VehicleItem } from "../lib/types";
import { useApp } from "./Providers";
import { ErrorBox } from "./ui";
import { VehicleCard } from "./VehicleCard";

export function Market({ params, first, error }: { params: SearchParams; first: SearchPage | null; error: string | null }) {
  const { t, lang } = useApp();
  const router = useRouter();
  const [items, setItems] = useState<VehicleItem[]>(first?.items ?? []);
  const [cursor, setCursor] = useState<string | null>(first?.next_cursor ?? null);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(error ? t("common.error") : null);
  const [q, setQ] = useState(params.q ?? "");
  const currency = params.currency ?? "UGX";
  const [priceMin, setPriceMin] = useState(params.price_min ? toInputText(Number(params.price_min), currency) : "");
  const [priceMax, setPriceMax] = useState(params.price_max ? toInputText(Number(params.price_max), currency) : "");
  const sentinel = useRef<HTMLDivElement>(null);

  // A new search (URL change) comes with a new server-rendered first page.
  useEffect(() => {
    setItems(first?.items ?? []);
    setCursor(first?.next_cursor ?? null);
    setLoadError(error ? t("common.error") : null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [first, error]);

  const go = (p: SearchParams) => router.push(`/${toQuery(p)}`, { scroll: false });

  const more = useCallback(async () => {
    if (!cursor || loading) return;
    setLoading(true);
    try {
      const page = await api<SearchPage>(`/api/v1/vehicles${toQuery(params, { cursor, limit: "12" })}`, { auth: false });
      setItems((prev) => [...prev, ...page.items.filter((i) => !prev.some((p) => p.id === i.id))]);
      setCursor(page.next_cursor);
    } catch (e) {
      setLoadError(e instanceof ApiError ? e.message : t("common.error"));
    } finally {
      setLoading(false);
    }
  }, [cursor, loading, params, t]);

  // Infinite scroll over the keyset pages.
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !cursor || typeof IntersectionObserver === "undefined") return;
    const io = new IntersectionObserver((es) => es.some((e) => e.isIntersecting) && more(), { rootMargin: "400px" });
    io.observe(el);
    return () => io.disconnect();
  }, [cursor, more]);

  // Availability and price changes arrive live on the public `vehicles` channel.
  useEffect(
    () =>
      realtime().on("vehicles", (e) => {
        const d = e.data as { vehicle_id?: string; new_status?: string; price?: VehicleItem["price"] };
        if (!d.vehicle_id) return;
        setItems((prev) =>
          prev.map((v) =>
            v.id === d.vehicle_id ? { ...v, status: d.new_status ?? v.status, price: d.price ?? v.price } : v,
          ),
        );
      }),
    [],
  );

  const chip = (key: SearchKey, value: string, label: string, count?: number) => (
    <button type="button" key={`${key}-${value}`} className="chip" aria-pressed={params[key] === value} onClick={() => go(toggle(params, key, value))}>
      {label}
      {count != null ? ` (${count})` : ""}
    </button>
  );
  const facets = first?.facets;

  const applyPrices = (e: React.FormEvent) => {
    e.preventDefault();
    const next: SearchParams = { ...params, currency };
    const min = priceMin ? parseMoneyInput(priceMin, currency) : null;
    const max = priceMax ? parseMoneyInput(priceMax, currency) : null;
    if (min != null) next.price_min = String(min);
    else delete next.price_min;
    if (max != null) next.price_max = String(max);
    else delete next.price_max;
    go(next);
  };

  return (
    <>
      <h1>{t("market.title")}</h1>
      <form
        role="search"
        className="search"
        onSubmit={(e) => {
          e.preventDefault();
          go({ ...params, q: q || undefined, sort: q ? params.sort : params.sort === "relevance" ? undefined : params.sort });
        }}
      >
        <label htmlFor="q" className="sr-only">
          {t("market.search")}
        </label>
        <input id="q" name="q" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t("market.search")} maxLength={100} />
        <button type="submit">{t("market.searchButton")}</button>
      </form>

      <div className="chips" aria-label={t("market.category")} role="group">
        {CATEGORIES.filter((c) => !facets || facets.category[c] || params.category === c).map((c) =>
          chip("category", c, c, facets?.category[c]),
        )}
      </div>
      <div className="chips" aria-label={t("market.fuel")} role="group">
        {FUELS.map((f) => chip("fuel", f, t(`market.fuel.${f}` as never), facets?.fuel[f]))}
        {CONDITIONS.map((c) => chip("condition", c, t(`market.condition.${c}` as never)))}
      </div>

      <details className="filters">
        <summary>{t("market.filters")}</summary>
        <form onSubmit={applyPrices} className="card">
          <div className="field">
            <label htmlFor="currency">{t("market.currency")}</label>
            <select id="currency" value={currency} onChange={(e) => go({ ...params, currency: e.target.value, price_min: undefined, price_max: undefined })}>
              {["UGX", "KES"].map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="price_min">
              {t("market.priceMin")} ({currency})
            </label>
            <input id="price_min" inputMode="decimal" value={priceMin} onChange={(e) => setPriceMin(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="price_max">
              {t("market.priceMax")} ({currency})
            </label>
            <input id="price_max" inputMode="decimal" value={priceMax} onChange={(e) => setPriceMax(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="year_min">{t("market.yearMin")}</label>
            <select id="year_min" value={params.year_min ?? ""} onChange={(e) => go({ ...params, year_min: e.target.value || undefined })}>
              <option value="">{t("market.any")}</option>
              {[2025, 2024, 2022, 2020, 2018, 2015].map((y) => (
                <option key={y} value={y}>
                  {y}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="city">{t("market.city")}</label>
            <select id="city" value={params.city ?? ""} onChange={(e) => go({ ...params, city: e.target.value || undefined })}>
              <option value="">{t("market.any")}</option>
              {Object.entries(facets?.city ?? {}).map(([c, n]) => (
                <option key={c} value={c}>
                  {c} ({n})
                </option>
              ))}
            </select>
          </div>
          <div className="row">
            <button type="submit">{t("market.searchButton")}</button>
            <button type="button" className="secondary" onClick={() => go({})}>
              {t("market.clear")}
            </button>
          </div>
        </form>
      </details>

      <div className="row" style={{ justifyContent: "space-between", marginBottom: 8 }}>
        <span className="muted" aria-live="polite">
          {t("market.results", { count: items.length })}
          {params.price_min || params.price_max
            ? ` · ${formatMoney({ amount: Number(params.price_min ?? 0), currency }, lang)}–${params.price_max ? formatMoney({ amount: Number(params.price_max), currency }, lang) : ""}`
            : ""}
        </span>
        <label>
          <span className="sr-only">{t("market.sort")}</span>
          <select aria-label={t("market.sort")} value={params.sort ?? (params.q ? "relevance" : "newest")} onChange={(e) => go({ ...params, sort: e.target.value })}>
            {SORTS.filter((s) => s !== "relevance" || params.q).map((s) => (
              <option key={s} value={s}>
                {t(`market.sort.${s}` as never)}
              </option>
            ))}
          </select>
        </label>
      </div>

      {loadError && <ErrorBox message={loadError} onRetry={() => router.refresh()} />}
      {!loadError && items.length === 0 && <p className="card">{t("market.empty")}</p>}
      <ul className="grid" aria-label={t("nav.market")}>
        {items.map((v, i) => (
          <VehicleCard key={v.id} v={v} eager={i < 2} />
        ))}
      </ul>
      <div ref={sentinel} />
      {cursor && (
        <p style={{ textAlign: "center" }}>
          <button type="button" className="secondary" onClick={more} disabled={loading}>
            {loading ? t("common.loading") : t("common.more")}
          </button>
        </p>
      )}
    </>
  );
}
