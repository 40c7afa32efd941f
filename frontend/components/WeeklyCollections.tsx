"use client";
// A portfolio's last weeks of money expected against money collected: two bars a week (expected
// hollow, collected solid, so they differ without colour), the current week marked, and a table
// that screen readers read instead of the bars. Nothing is drawn when the API sends no `weeks`.
import { formatDate, formatDayMonth } from "../lib/dates";
import { formatMoney } from "../lib/money";
import { weekBars, type PortfolioWeek } from "../lib/weekly";
import { useApp } from "./Providers";

const pct = (f: number) => `${(f * 100).toFixed(1)}%`;

export function WeeklyCollections({ weeks, currency, currentWeek }: { weeks?: PortfolioWeek[] | null; currency: string; currentWeek?: string | null }) {
  const { t, lang } = useApp();
  const bars = weekBars(weeks);
  if (!weeks || bars.length === 0) return null;
  const titleId = `weekly-${currency}`;
  const title = t("weekly.title", { n: bars.length });
  return (
    <figure className="weekly" aria-labelledby={titleId} data-testid={`weekly-${currency}`}>
      <figcaption id={titleId}>{title}</figcaption>
      <ul className="weekly-legend" aria-hidden="true">
        <li>
          <span className="swatch expected" />
          {t("weekly.expected")}
        </li>
        <li>
          <span className="swatch collected" />
          {t("weekly.collected")}
        </li>
        {currentWeek && bars.some((b) => b.week_starting === currentWeek) && (
          <li>
            <span className="swatch current" />
            {t("weekly.thisWeek")}
          </li>
        )}
      </ul>
      <div className="weekly-chart" aria-hidden="true">
        {bars.map((b) => (
          <div key={b.week_starting} className={`weekly-week${b.week_starting === currentWeek ? " current" : ""}`} data-week={b.week_starting}>
            <div className="weekly-bars">
              <span className="weekly-bar expected" data-bar="expected" style={{ height: pct(b.expected) }} />
              <span className="weekly-bar collected" data-bar="collected" style={{ height: pct(b.collected) }} />
            </div>
            <span className="weekly-label">{formatDayMonth(b.week_starting, lang)}</span>
          </div>
        ))}
      </div>
      <table className="sr-only">
        <caption>
          {title} ({currency})
        </caption>
        <thead>
          <tr>
            <th scope="col">{t("weekly.weekStarting")}</th>
            <th scope="col">{t("weekly.expected")}</th>
            <th scope="col">{t("weekly.collected")}</th>
          </tr>
        </thead>
        <tbody>
          {weeks.map((w) => (
            <tr key={w.week_starting}>
              <th scope="row">
                {formatDate(w.week_starting, lang)}
                {w.week_starting === currentWeek && ` (${t("weekly.thisWeek")})`}
              </th>
              <td>{formatMoney(w.expected, lang)}</td>
              <td>{formatMoney(w.collected, lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
