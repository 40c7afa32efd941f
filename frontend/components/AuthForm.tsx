"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api, ApiError, sessionFromTokens } from "../lib/api";
import { useApp } from "./Providers";
import { ErrorBox, Field } from "./ui";

interface Tokens {
  access_token: string;
  refresh_token: string;
}
interface User {
  id: string;
  roles: string[];
  language: "en" | "sw";
}

export function AuthForm({ mode }: { mode: "login" | "register" }) {
  const { t, signIn, setLang, lang } = useApp();
  const router = useRouter();
  const [phone, setPhone] = useState("");
  const [password, setPassword] = useState("");
  const [fullName, setFullName] = useState("");
  const [email, setEmail] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      let tokens: Tokens;
      if (mode === "register") {
        const body: Record<string, string> = { phone, password, full_name: fullName };
        if (email) body.email = email;
        const r = await api<{ user: User; tokens: Tokens }>("/api/v1/auth/register", { body, auth: false });
        tokens = r.tokens;
        // The chosen language follows the new account.
        if (lang !== "en") {
          signIn(sessionFromTokens(tokens));
          await api("/api/v1/users/me", { method: "PATCH", body: { language: lang } }).catch(() => undefined);
        }
      } else {
        tokens = await api<Tokens>("/api/v1/auth/login", { body: { phone, password }, auth: false });
      }
      signIn(sessionFromTokens(tokens));
      if (mode === "login") {
        const me = await api<User>("/api/v1/users/me").catch(() => null);
        if (me && me.language !== lang) setLang(me.language);
      }
      const next = new URLSearchParams(window.location.search).get("next");
      router.push(next && next.startsWith("/") && !next.startsWith("//") ? next : "/");
    } catch (err) {
      if (err instanceof ApiError) {
        setErrors(err.fieldErrors());
        if (err.status === 401) setError(t("auth.badCredentials"));
        else if (err.status === 423) setError(t("auth.locked", { minutes: Math.ceil((err.retryAfter ?? 900) / 60) }));
        else if (!err.problem.errors?.length) setError(err.message);
      } else setError(t("common.error"));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={submit} noValidate>
      <h1>{mode === "login" ? t("auth.loginTitle") : t("auth.registerTitle")}</h1>
      {error && <ErrorBox message={error} />}
      {mode === "register" && (
        <Field id="full_name" label={t("auth.fullName")} value={fullName} onChange={setFullName} error={errors.full_name} autoComplete="name" required />
      )}
      <Field id="phone" label={t("auth.phone")} hint={t("auth.phoneHint")} value={phone} onChange={setPhone} error={errors.phone} type="tel" inputMode="tel" autoComplete="tel" required />
      <Field
        id="password"
        label={t("auth.password")}
        hint={mode === "register" ? t("auth.passwordHint") : undefined}
        value={password}
        onChange={setPassword}
        error={errors.password}
        type="password"
        autoComplete={mode === "login" ? "current-password" : "new-password"}
        required
      />
      {mode === "register" && <Field id="email" label={t("auth.email")} value={email} onChange={setEmail} error={errors.email} type="email" inputMode="email" autoComplete="email" />}
      <button type="submit" disabled={busy}>
        {mode === "login" ? t("auth.loginButton") : t("auth.registerButton")}
      </button>
      <p>
        {mode === "login" ? t("auth.noAccount") : t("auth.haveAccount")}{" "}
        <Link href={mode === "login" ? "/register" : "/login"}>{mode === "login" ? t("nav.register") : t("nav.login")}</Link>
      </p>
    </form>
  );
}
