"use client";
import { useState } from "react";
import { Field, Loading, ErrorBox, RequireSession } from "../../components/ui";
import { useApp } from "../../components/Providers";
import { api, ApiError } from "../../lib/api";
import { formatDateTime } from "../../lib/dates";
import { useLoad } from "../../lib/useLoad";

interface User {
  id: string;
  phone: string;
  full_name: string;
  email: string | null;
  language: string;
  roles: string[];
  kyc_status: "not_submitted" | "pending" | "verified" | "rejected";
}
interface Kyc {
  national_id_masked: string;
  date_of_birth: string;
  address: string;
  next_of_kin: { name: string; phone: string; relationship: string };
  status: string;
  rejection_reason: string | null;
  submitted_at: string;
}

function KycForm({ onSaved }: { onSaved: () => void }) {
  const { t } = useApp();
  const [f, setF] = useState({ national_id: "", date_of_birth: "", address: "", kin_name: "", kin_phone: "", kin_rel: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      await api("/api/v1/users/me/kyc", {
        method: "PUT",
        body: {
          national_id: f.national_id,
          date_of_birth: f.date_of_birth,
          address: f.address,
          next_of_kin: { name: f.kin_name, phone: f.kin_phone, relationship: f.kin_rel },
        },
      });
      onSaved();
    } catch (err) {
      if (err instanceof ApiError) {
        setErrors(err.fieldErrors());
        if (!err.problem.errors?.length) setError(err.message);
      } else setError(t("common.error"));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate>
      {error && <ErrorBox message={error} />}
      <Field id="national_id" label={t("account.nationalId")} value={f.national_id} onChange={set("national_id")} error={errors.national_id} required />
      <Field id="date_of_birth" label={t("account.dob")} type="date" value={f.date_of_birth} onChange={set("date_of_birth")} error={errors.date_of_birth} required />
      <Field id="address" label={t("account.address")} value={f.address} onChange={set("address")} error={errors.address} autoComplete="street-address" required />
      <Field id="kin_name" label={t("account.kinName")} value={f.kin_name} onChange={set("kin_name")} error={errors["next_of_kin.name"]} required />
      <Field id="kin_phone" label={t("account.kinPhone")} type="tel" inputMode="tel" value={f.kin_phone} onChange={set("kin_phone")} error={errors["next_of_kin.phone"]} required />
      <Field id="kin_rel" label={t("account.kinRelationship")} value={f.kin_rel} onChange={set("kin_rel")} error={errors["next_of_kin.relationship"]} required />
      <button type="submit" disabled={busy}>
        {t("account.kycSubmit")}
      </button>
    </form>
  );
}

function Account() {
  const { t, lang } = useApp();
  const me = useLoad(() => api<User>("/api/v1/users/me"), []);
  const kyc = useLoad(() => api<Kyc>("/api/v1/users/me/kyc").catch((e) => (e instanceof ApiError && e.status === 404 ? null : Promise.reject(e))), []);
  if (me.loading && !me.data) return <Loading />;
  if (me.error || !me.data) return <ErrorBox message={me.error?.message ?? t("common.error")} onRetry={me.reload} />;
  const u = me.data;
  const tone = u.kyc_status === "verified" ? "ok" : u.kyc_status === "rejected" ? "bad" : "warn";
  return (
    <>
      <h1>{t("account.title")}</h1>
      <section className="card">
        <h2>{t("account.profile")}</h2>
        <dl className="specs">
          <dt>{t("auth.fullName")}</dt>
          <dd>{u.full_name}</dd>
          <dt>{t("auth.phone")}</dt>
          <dd>{u.phone}</dd>
          <dt>{t("account.roles")}</dt>
          <dd>{u.roles.join(", ")}</dd>
        </dl>
      </section>
      <section className="card">
        <h2>{t("account.kyc")}</h2>
        <p>
          {t("account.kycStatus")}:{" "}
          <span className={`badge ${tone}`} data-testid="kyc-status">
            {t(`account.kyc.${u.kyc_status}`)}
          </span>
        </p>
        {kyc.data && (
          <dl className="specs">
            <dt>{t("account.nationalId")}</dt>
            <dd>{kyc.data.national_id_masked}</dd>
            <dt>{t("account.address")}</dt>
            <dd>{kyc.data.address}</dd>
            <dt>{t("common.date")}</dt>
            <dd>{formatDateTime(kyc.data.submitted_at, lang)}</dd>
            {kyc.data.rejection_reason && (
              <>
                <dt>{t("staff.reason")}</dt>
                <dd>{kyc.data.rejection_reason}</dd>
              </>
            )}
          </dl>
        )}
        {(u.kyc_status === "not_submitted" || u.kyc_status === "rejected") && (
          <KycForm
            onSaved={() => {
              void me.reload();
              void kyc.reload();
            }}
          />
        )}
      </section>
    </>
  );
}

export default function AccountPage() {
  return (
    <RequireSession>
      <Account />
    </RequireSession>
  );
}
