"use client";
import Link from "next/link";
import { useApp } from "../../components/Providers";
import { ErrorBox, Loading, RequireSession } from "../../components/ui";
import { api } from "../../lib/api";
import { formatMoney } from "../../lib/money";
import type { VehicleItem } from "../../lib/types";
import { useLoad } from "../../lib/useLoad";

function Listings() {
  const { t, lang } = useApp();
  const mine = useLoad(() => api<{ items: VehicleItem[]; next_cursor: string | null }>("/api/v1/vehicles/mine?limit=50"), []);
  if (mine.loading && !mine.data) return <Loading />;
  if (mine.error) return <ErrorBox message={mine.error.message} onRetry={mine.reload} />;
  const items = mine.data?.items ?? [];
  return (
    <>
      <h1>{t("dealer.title")}</h1>
      <p>
        <Link className="button" href="/dealer/listings/new">
          {t("listing.new")}
        </Link>
      </p>
      {items.length === 0 && <p className="card">{t("dealer.empty")}</p>}
      <div className="table-wrap card">
        <table>
          <thead>
            <tr>
              <th scope="col">{t("nav.market")}</th>
              <th scope="col">{t("vehicle.price")}</th>
              <th scope="col">{t("common.status")}</th>
              <th scope="col">
                <span className="sr-only">{t("listing.edit")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((v) => (
              <tr key={v.id} data-vehicle-id={v.id}>
                <td>
                  <Link href={`/vehicles/${v.id}`}>
                    {v.make} {v.model} {v.year}
                  </Link>
                </td>
                <td>{formatMoney(v.price, lang)}</td>
                <td>
                  <span className="badge info">{t(`vstatus.${v.status}` as never)}</span>
                  {v.rejection_reason ? <small className="error"> {v.rejection_reason}</small> : null}
                </td>
                <td>
                  <Link href={`/dealer/listings/${v.id}`} aria-label={`${t("listing.edit")} ${v.make} ${v.model} ${v.year}`}>
                    {t("listing.edit")}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export default function DealerPage() {
  return (
    <RequireSession roles={["dealer", "admin"]}>
      <Listings />
    </RequireSession>
  );
}
