"use client";
import { useState } from "react";
import { useApp } from "../../../components/Providers";
import { ErrorBox, Loading, RequireSession, TextArea } from "../../../components/ui";
import { api, ApiError } from "../../../lib/api";
import { formatDate, formatDateTime } from "../../../lib/dates";
import { useLoad } from "../../../lib/useLoad";
import { useUserPages } from "../../../lib/useUserPages";
import { userPath, usersQuery, type KycProfile, type User } from "../../../lib/users";

const KYC_ROLES = ["admin", "credit_officer"];
const QUEUE_QS = usersQuery({ kyc_status: "pending" });

type Decision = "verified" | "rejected";

/** One applicant's KYC profile with Verify, and Reject with a required reason. */
function Review({ user, own, onDecided }: { user: User; own: boolean; onDecided: (d: Decision) => void }) {
  const { t, lang } = useApp();
  const profile = useLoad(() => api<KycProfile>(userPath(user.id, "/kyc")), [user.id]);
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const idp = `kyc-${user.id}`;

  const decide = async (what: "verify" | "reject") => {
    setError(null);
    setReasonError(undefined);
    const r = reason.trim();
    if (what === "reject" && r.length < 3) {
      setReasonError(t("kyc.reasonRequired"));
      return;
    }
    setBusy(true);
    try {
      await api<KycProfile>(userPath(user.id, `/kyc/${what}`), what === "reject" ? { body: { reason: r } } : { method: "POST" });
      onDecided(what === "verify" ? "verified" : "rejected");
    } catch (e) {
      if (e instanceof ApiError) {
        const fe = e.fieldErrors();
        if (fe.reason) setReasonError(fe.reason);
        else setError(e.problem?.detail || e.message);
      } else setError(t("common.error"));
    } finally {
      setBusy(false);
    }
  };

  if (profile.loading && !profile.data) return <Loading />;
  if (profile.error || !profile.data)
    return <ErrorBox message={profile.error?.message ?? t("common.error")} onRetry={profile.reload} />;
  const k = profile.data;
  const clashes = k.national_id_clashes_with ?? [];
  return (
    <div data-testid="kyc-profile">
      <dl className="specs">
        <dt>{t("kyc.nationalId")}</dt>
        <dd>
          <code>{k.national_id_masked}</code>
        </dd>
        <dt>{t("kyc.dateOfBirth")}</dt>
        <dd>{formatDate(k.date_of_birth, lang)}</dd>
        <dt>{t("kyc.address")}</dt>
        <dd style={{ whiteSpace: "pre-wrap" }}>{k.address}</dd>
        <dt>{t("kyc.nextOfKin")}</dt>
        <dd>
          {k.next_of_kin.name} ({k.next_of_kin.relationship}) · {k.next_of_kin.phone}
        </dd>
        <dt>{t("common.status")}</dt>
        <dd>{t(`account.kyc.${k.status}`)}</dd>
        <dt>{t("kyc.submitted")}</dt>
        <dd>{formatDateTime(k.submitted_at, lang)}</dd>
        {k.reviewed_at && (
          <>
            <dt>{t("kyc.reviewed")}</dt>
            <dd>
              {formatDateTime(k.reviewed_at, lang)}
              {k.reviewed_by ? ` · ${k.reviewed_by.slice(0, 8)}` : ""}
            </dd>
          </>
        )}
        {k.rejection_reason && (
          <>
            <dt>{t("kyc.previousReason")}</dt>
            <dd>{k.rejection_reason}</dd>
          </>
        )}
      </dl>
      {clashes.length > 0 && (
        <div className="alert" data-testid="kyc-clashes">
          <p>{t("kyc.clashes", { n: clashes.length })}</p>
          <ul>
            {clashes.map((c) => (
              <li key={c.user_id}>
                <code>{c.user_id.slice(0, 8)}</code> · {t(`account.kyc.${c.kyc_status}` as never)}
              </li>
            ))}
          </ul>
        </div>
      )}
      {own ? (
        <p className="muted" data-testid="kyc-own">
          {t("kyc.own")}
        </p>
      ) : (
        <>
          <TextArea id={`${idp}-reason`} label={t("kyc.reason")} value={reason} onChange={setReason} rows={2} maxLength={500} error={reasonError} />
          <div className="row">
            <button type="button" onClick={() => decide("verify")} disabled={busy}>
              {t("kyc.verify")}
            </button>
            <button type="button" className="secondary" onClick={() => decide("reject")} disabled={busy}>
              {t("kyc.reject")}
            </button>
          </div>
          {error && <ErrorBox message={error} />}
        </>
      )}
    </div>
  );
}

function Queue() {
  const { t, lang, session } = useApp();
  const pages = useUserPages(QUEUE_QS);
  const [open, setOpen] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const { first, items } = pages;

  const decided = (u: User, d: Decision) => {
    setDone(t(d === "verified" ? "kyc.verifiedDone" : "kyc.rejectedDone", { name: u.full_name }));
    setOpen(null);
    pages.drop(u.id);
  };

  return (
    <>
      <h1>{t("kyc.title")}</h1>
      <p className="muted">{t("kyc.intro")}</p>
      <div className="row">
        <button type="button" className="secondary" onClick={() => void first.reload()} disabled={first.loading}>
          {t("kyc.refresh")}
        </button>
      </div>
      {done && (
        <p className="ok-box" role="status">
          {done}
        </p>
      )}
      {first.loading && !first.data ? (
        <Loading />
      ) : first.error ? (
        <ErrorBox message={first.error.message} onRetry={first.reload} />
      ) : items.length === 0 ? (
        <p className="card" data-testid="kyc-empty">
          {t("kyc.empty")}
        </p>
      ) : (
        <ul style={{ listStyle: "none", padding: 0 }} data-testid="kyc-queue">
          {items.map((u) => (
            <li key={u.id} className="card" data-user-id={u.id}>
              <h2>{u.full_name}</h2>
              <p>
                {u.phone}
                {u.email ? ` · ${u.email}` : ""} · <small className="muted">{t("kyc.accountSince", { date: formatDate(u.created_at, lang) })}</small>
              </p>
              <button
                type="button"
                className="secondary"
                aria-expanded={open === u.id}
                onClick={() => setOpen(open === u.id ? null : u.id)}
              >
                {open === u.id ? t("kyc.close") : t("kyc.open")}
              </button>
              {open === u.id && <Review user={u} own={u.id === session?.user_id} onDecided={(d) => decided(u, d)} />}
            </li>
          ))}
        </ul>
      )}
      {pages.moreError && <ErrorBox message={pages.moreError} />}
      {pages.cursor && (
        <button type="button" className="secondary" onClick={pages.loadMore} disabled={pages.loadingMore}>
          {t("common.more")}
        </button>
      )}
    </>
  );
}

export default function KycReviewPage() {
  return (
    <RequireSession roles={KYC_ROLES}>
      <Queue />
    </RequireSession>
  );
}
