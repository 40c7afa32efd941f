"use client";
// Small shared pieces: form fields that show the API's field errors, status states, guards.
import Link from "next/link";
import type { ReactNode } from "react";
import { hasRole } from "../lib/api";
import type { MessageKey } from "../lib/i18n";
import { useApp } from "./Providers";

export function Field(props: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  type?: string;
  error?: string;
  hint?: string;
  autoComplete?: string;
  inputMode?: "text" | "numeric" | "tel" | "decimal" | "email";
  required?: boolean;
}) {
  const describedBy = [props.hint ? `${props.id}-hint` : "", props.error ? `${props.id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.id}
        type={props.type ?? "text"}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        autoComplete={props.autoComplete}
        inputMode={props.inputMode}
        required={props.required}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy || undefined}
      />
      {props.hint && <small id={`${props.id}-hint`}>{props.hint}</small>}
      {props.error && (
        <small id={`${props.id}-error`} className="error" role="alert">
          {props.error}
        </small>
      )}
    </div>
  );
}

export function TextArea(props: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  hint?: string;
  rows?: number;
  maxLength?: number;
  required?: boolean;
}) {
  const describedBy = [props.hint ? `${props.id}-hint` : "", props.error ? `${props.id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <textarea
        id={props.id}
        name={props.id}
        value={props.value}
        rows={props.rows ?? 4}
        maxLength={props.maxLength}
        required={props.required}
        onChange={(e) => props.onChange(e.target.value)}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy || undefined}
      />
      {props.hint && <small id={`${props.id}-hint`}>{props.hint}</small>}
      {props.error && (
        <small id={`${props.id}-error`} className="error" role="alert">
          {props.error}
        </small>
      )}
    </div>
  );
}

export function Select(props: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: { value: string; label: string }[];
  error?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <select
        id={props.id}
        name={props.id}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${props.id}-error` : undefined}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {props.error && (
        <small id={`${props.id}-error`} className="error" role="alert">
          {props.error}
        </small>
      )}
    </div>
  );
}

export function Loading() {
  const { t } = useApp();
  return (
    <p className="muted" role="status" aria-live="polite">
      {t("common.loading")}
    </p>
  );
}

export function ErrorBox({ message, onRetry }: { message: string; onRetry?: () => void }) {
  const { t } = useApp();
  return (
    <div className="alert" role="alert">
      <p>{message}</p>
      {onRetry && (
        <button type="button" className="secondary" onClick={onRetry}>
          {t("common.retry")}
        </button>
      )}
    </div>
  );
}

/** Renders children only for a signed-in user (optionally with one of `roles`). */
export function RequireSession({ roles, children }: { roles?: string[]; children: ReactNode }) {
  const { session, ready, t } = useApp();
  if (!ready) return <Loading />;
  if (!session)
    return (
      <div className="card">
        <p>{t("common.signinNeeded")}</p>
        <Link className="button" href="/login">
          {t("nav.login")}
        </Link>
      </div>
    );
  if (roles && !hasRole(session, ...roles)) return <ErrorBox message={t("common.forbidden")} />;
  return <>{children}</>;
}

export function StatusBadge({ k, tone }: { k: MessageKey; tone?: "ok" | "warn" | "bad" | "info" }) {
  const { t } = useApp();
  return <span className={`badge ${tone ?? "info"}`}>{t(k)}</span>;
}
