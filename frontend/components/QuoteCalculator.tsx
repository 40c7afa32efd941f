"use client";
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { api, ApiError } from "../lib/api";
import { formatDate } from "../lib/dates";
import { formatMoney } from "../lib/money";
import { depositRange, perDay, templatesFor, type PlanTemplate, type Quote } from "../lib/quote";
import type { Vehicle } from "../lib/types";
import { useApp } from "./Providers";

export function QuoteCalculator({ vehicle, templates }: { vehicle: Vehicle; templates: PlanTemplate[] }) {
  const { t, lang } = useApp();
  const offered = useMemo(() => templatesFor(templates, vehicle.category, vehicle.price.currency), [templates, vehicle]);
  const [templateId, setTemplateId] = useState(offered[0]?.id ?? "");
  const template = offered.find((x) => x.id === templateId);
  const range = template ? depositRange(vehicle.price, template) : null;
  const [deposit, setDeposit] = useState<number | null>(range?.min ?? null);
  const [quote, setQuote] = useState<Quote | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (range) setDeposit(range.min);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [templateId]);

  // Every change of template or deposit asks the payment service (debounced for slow links).
  useEffect(() => {
    if (!template || deposit == null) return;
    const ctl = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const q = await api<Quote>("/api/v1/plans/quote", {
          body: { vehicle_id: vehicle.id, template_id: template.id, deposit: { amount: deposit, currency: vehicle.price.currency } },
          auth: false,
          signal: ctl.signal,
        });
        setQuote(q);
        setError(null);
      } catch (e) {
        if ((e as Error).name === "AbortError") return;
        setError(e instanceof ApiError ? (e.fieldErrors().deposit ?? e.message) : t("common.error"));
      }
    }, 250);
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
  }, [template, deposit, vehicle, t]);

  if (offered.length === 0) return <p className="card">{t("quote.noTemplates")}</p>;
  const m = (x: Quote["deposit"]) => formatMoney(x, lang);
  return (
    <section className="card" aria-labelledby="quote-title">
      <h2 id="quote-title">{t("quote.title")}</h2>
      <div className="field">
        <label htmlFor="template">{t("quote.template")}</label>
        <select id="template" value={templateId} onChange={(e) => setTemplateId(e.target.value)}>
          {offered.map((x) => (
            <option key={x.id} value={x.id}>
              {x.name} — {x.instalment_count} × {t(`quote.freq.${x.frequency}`)}
            </option>
          ))}
        </select>
      </div>
      {range && deposit != null && (
        <div className="field">
          <label htmlFor="deposit">
            {t("quote.deposit")}: <output htmlFor="deposit">{m({ amount: deposit, currency: vehicle.price.currency })}</output>
          </label>
          <input id="deposit" type="range" min={range.min} max={range.max} step={range.step} value={deposit} onChange={(e) => setDeposit(Number(e.target.value))} />
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {quote && (
        <dl className="specs" aria-live="polite" data-testid="quote">
          <dt>{t("quote.deposit")}</dt>
          <dd>{m(quote.deposit)}</dd>
          <dt>{t("quote.instalment")}</dt>
          <dd data-testid="instalment">
            {m(quote.instalment)} {t(`quote.freq.${quote.frequency}`)}
            <br />
            <small className="muted">{t("quote.perDay", { amount: m(perDay(quote.instalment, quote.frequency)) })}</small>
          </dd>
          <dt>{t("quote.count")}</dt>
          <dd>{quote.instalment_count}</dd>
          <dt>{t("quote.last")}</dt>
          <dd>{m(quote.last_instalment)}</dd>
          <dt>{t("quote.total")}</dt>
          <dd data-testid="total">{m(quote.total_payable)}</dd>
          <dt>{t("quote.cost")}</dt>
          <dd>{m(quote.cost_of_credit)}</dd>
          <dt>{t("quote.firstDue")}</dt>
          <dd>{formatDate(quote.first_due_date, lang)}</dd>
        </dl>
      )}
      {template && (
        <p style={{ marginTop: 12 }}>
          <Link className="button" href={`/apply?vehicle=${vehicle.id}&template=${template.id}&deposit=${deposit ?? ""}`}>
            {t("quote.apply")}
          </Link>
        </p>
      )}
    </section>
  );
}
