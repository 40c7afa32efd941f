"use client";
import { useState } from "react";
import { useApp } from "../../../components/Providers";
import { ErrorBox, Loading, RequireSession, Select } from "../../../components/ui";
import { api, ApiError } from "../../../lib/api";
import { formatDate } from "../../../lib/dates";
import { useUserPages } from "../../../lib/useUserPages";
import { ROLES, USER_STATUSES, userPath, usersQuery, type User, type UserFilters } from "../../../lib/users";

const KYC_TONE: Record<string, "ok" | "warn" | "bad" | "info"> = { not_submitted: "info", pending: "warn", verified: "ok", rejected: "bad" };

/** The API's message for a field, also when it names an item of it (`roles[1]`). */
function fieldError(e: ApiError, field: string): string | undefined {
  const fe = e.fieldErrors();
  if (fe[field]) return fe[field];
  const key = Object.keys(fe).find((k) => k.startsWith(`${field}[`) || k.startsWith(`${field}.`));
  return key ? fe[key] : undefined;
}

/** Checkboxes of the known roles; Save PUTs exactly {"roles": [...]}. */
function RolesEditor({ user, onSaved, onCancel }: { user: User; onSaved: (u: User) => void; onCancel: () => void }) {
  const { t } = useApp();
  const [roles, setRoles] = useState<string[]>(user.roles);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const idp = `roles-${user.id}`;
  const toggle = (r: string, on: boolean) => setRoles((rs) => (on ? ROLES.filter((x) => x === r || rs.includes(x)) : rs.filter((x) => x !== r)));
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    if (roles.length === 0) {
      setError(t("users.rolesRequired"));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      onSaved(await api<User>(userPath(user.id, "/roles"), { method: "PUT", body: { roles } }));
    } catch (err) {
      setError(err instanceof ApiError ? fieldError(err, "roles") ?? (err.problem?.detail || err.message) : t("common.error"));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={save} noValidate>
      <fieldset aria-describedby={error ? `${idp}-error` : undefined}>
        <legend>{t("users.roles")}</legend>
        {ROLES.map((r) => (
          <label key={r} style={{ display: "block" }}>
            <input type="checkbox" name={`${idp}-${r}`} checked={roles.includes(r)} onChange={(e) => toggle(r, e.target.checked)} /> {t(`users.role.${r}`)}
          </label>
        ))}
        {error && (
          <small id={`${idp}-error`} className="error" role="alert">
            {error}
          </small>
        )}
      </fieldset>
      <div className="row">
        <button type="submit" disabled={busy}>
          {t("users.saveRoles")}
        </button>
        <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
          {t("staff.cancel")}
        </button>
      </div>
    </form>
  );
}

/** Disable (with a confirmation) or enable an account. */
function StatusAction({ user, onChanged }: { user: User; onChanged: (u: User) => void }) {
  const { t } = useApp();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const idp = `status-${user.id}`;
  const disable = user.status === "active";
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const u = await api<User>(userPath(user.id, disable ? "/disable" : "/enable"), { method: "POST" });
      setConfirming(false);
      onChanged(u);
    } catch (err) {
      setError(err instanceof ApiError ? err.problem?.detail || err.message : t("common.error"));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      {confirming ? (
        <div role="group" aria-labelledby={`${idp}-confirm`} className="row">
          <p id={`${idp}-confirm`}>{t(disable ? "users.disableConfirm" : "users.enableConfirm", { name: user.full_name })}</p>
          <button type="button" onClick={run} disabled={busy}>
            {t(disable ? "users.disableYes" : "users.enableYes")}
          </button>
          <button type="button" className="secondary" onClick={() => setConfirming(false)} disabled={busy}>
            {t("staff.cancel")}
          </button>
        </div>
      ) : (
        <button type="button" className="secondary" onClick={() => setConfirming(true)}>
          {t(disable ? "users.disable" : "users.enable")}
        </button>
      )}
      {error && (
        <small className="error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

function Users() {
  const { t, lang, session } = useApp();
  const [q, setQ] = useState("");
  const [filters, setFilters] = useState<UserFilters>({ q: "", role: "", status: "" });
  const pages = useUserPages(usersQuery(filters));
  const [editing, setEditing] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const { first, items } = pages;
  const listErrors = first.error instanceof ApiError ? first.error.fieldErrors() : {};
  const filterError = listErrors.q ?? listErrors.role ?? listErrors.status;

  const search = (e: React.FormEvent) => {
    e.preventDefault();
    setFilters((f) => ({ ...f, q }));
  };
  const updated = (u: User, msg: string) => {
    pages.replace(u);
    setEditing(null);
    setDone(msg);
  };

  return (
    <>
      <h1>{t("users.title")}</h1>
      <p className="muted">{t("users.intro")}</p>
      <form className="filters-row" onSubmit={search} noValidate aria-label={t("users.filters")}>
        <div className="field" style={{ flex: 1, minWidth: 200 }}>
          <label htmlFor="u-q">{t("users.search")}</label>
          <input
            id="u-q"
            type="search"
            value={q}
            maxLength={100}
            onChange={(e) => setQ(e.target.value)}
            aria-invalid={listErrors.q ? true : undefined}
            aria-describedby={listErrors.q ? "u-q-error" : "u-q-hint"}
          />
          <small id="u-q-hint">{t("users.searchHint")}</small>
          {listErrors.q && (
            <small id="u-q-error" className="error" role="alert">
              {listErrors.q}
            </small>
          )}
        </div>
        <Select
          id="u-role"
          label={t("users.role")}
          value={filters.role ?? ""}
          onChange={(v) => setFilters((f) => ({ ...f, role: v }))}
          options={[{ value: "", label: t("users.allRoles") }, ...ROLES.map((r) => ({ value: r, label: t(`users.role.${r}`) }))]}
          error={listErrors.role}
        />
        <Select
          id="u-status"
          label={t("common.status")}
          value={filters.status ?? ""}
          onChange={(v) => setFilters((f) => ({ ...f, status: v }))}
          options={[{ value: "", label: t("users.allStatuses") }, ...USER_STATUSES.map((s) => ({ value: s, label: t(`users.status.${s}`) }))]}
          error={listErrors.status}
        />
        <button type="submit">{t("users.searchButton")}</button>
      </form>
      {done && (
        <p className="ok-box" role="status">
          {done}
        </p>
      )}
      {first.loading && !first.data ? (
        <Loading />
      ) : first.error && !filterError ? (
        <ErrorBox message={first.error.message} onRetry={first.reload} />
      ) : first.error ? null : items.length === 0 ? (
        <p className="card" data-testid="users-empty">
          {t("users.empty")}
        </p>
      ) : (
        <ul style={{ listStyle: "none", padding: 0 }} data-testid="users">
          {items.map((u) => (
            <li key={u.id} className="card" data-user-id={u.id}>
              <h2>
                {u.full_name}
                {u.id === session?.user_id ? ` (${t("users.you")})` : ""}{" "}
                <span className={`badge ${u.status === "active" ? "ok" : "bad"}`}>{t(`users.status.${u.status}`)}</span>
              </h2>
              <dl className="specs">
                <dt>{t("users.phone")}</dt>
                <dd>{u.phone}</dd>
                {u.email && (
                  <>
                    <dt>{t("users.email")}</dt>
                    <dd>{u.email}</dd>
                  </>
                )}
                <dt>{t("users.roles")}</dt>
                <dd data-testid="user-roles">{u.roles.map((r) => t(`users.role.${r}` as never) || r).join(", ") || "—"}</dd>
                <dt>{t("users.kyc")}</dt>
                <dd>
                  <span className={`badge ${KYC_TONE[u.kyc_status] ?? "info"}`}>{t(`account.kyc.${u.kyc_status}` as never)}</span>
                </dd>
                <dt>{t("users.since")}</dt>
                <dd>{formatDate(u.created_at, lang)}</dd>
              </dl>
              {editing === u.id ? (
                <RolesEditor user={u} onSaved={(nu) => updated(nu, t("users.rolesSaved", { name: nu.full_name }))} onCancel={() => setEditing(null)} />
              ) : (
                <div className="row">
                  <button type="button" onClick={() => setEditing(u.id)}>
                    {t("users.editRoles")}
                  </button>
                  <StatusAction
                    user={u}
                    onChanged={(nu) => updated(nu, t(nu.status === "disabled" ? "users.disabledDone" : "users.enabledDone", { name: nu.full_name }))}
                  />
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {pages.moreError && <ErrorBox message={pages.moreError} />}
      {pages.cursor && !first.error && (
        <button type="button" className="secondary" onClick={pages.loadMore} disabled={pages.loadingMore}>
          {t("common.more")}
        </button>
      )}
    </>
  );
}

export default function UsersPage() {
  return (
    <RequireSession roles={["admin"]}>
      <Users />
    </RequireSession>
  );
}
