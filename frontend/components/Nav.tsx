"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { api, CONSOLE_ROLES, hasRole, loadSession } from "../lib/api";
import { LANGS, type Lang } from "../lib/i18n";
import { useApp } from "./Providers";
import { UnreadBadge } from "./UnreadBadge";

export function Nav() {
  const { t, lang, setLang, session, signOut, notice } = useApp();
  const router = useRouter();
  const logout = async () => {
    const s = loadSession();
    if (s) await api("/api/v1/auth/logout", { method: "POST", body: { refresh_token: s.refresh_token } }).catch(() => undefined);
    signOut();
    router.push("/");
  };
  return (
    <header className="top">
      <div className="bar">
        <Link href="/" className="brand">
          {t("app.name")}
        </Link>
        <label className="lang">
          <span className="sr-only">{t("lang.label")}</span>
          <select
            aria-label={t("lang.label")}
            value={lang}
            onChange={(e) => {
              setLang(e.target.value as Lang);
              router.refresh();
            }}
          >
            {LANGS.map((l) => (
              <option key={l} value={l}>
                {t(`lang.${l}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <nav aria-label={t("nav.menu")} className="links">
        <Link href="/">{t("nav.market")}</Link>
        {session ? (
          <>
            <Link href="/plans">{t("nav.plans")}</Link>
            {hasRole(session, "customer") && <Link href="/my-vehicle">{t("nav.myVehicle")}</Link>}
            <Link href="/applications">{t("nav.applications")}</Link>
            {hasRole(session, "customer") && <Link href="/support">{t("nav.support")}</Link>}
            <UnreadBadge userId={session.user_id} />
            <Link href="/account">{t("nav.account")}</Link>
            {hasRole(session, "dealer", "admin") && <Link href="/dealer">{t("nav.dealer")}</Link>}
            {hasRole(session, ...CONSOLE_ROLES) && <Link href="/staff">{t("nav.staff")}</Link>}
            <button type="button" className="linklike" onClick={logout}>
              {t("nav.logout")}
            </button>
          </>
        ) : (
          <>
            <Link href="/login">{t("nav.login")}</Link>
            <Link href="/register">{t("nav.register")}</Link>
          </>
        )}
      </nav>
      {notice && (
        <p className="alert" role="status">
          {notice}
        </p>
      )}
    </header>
  );
}
