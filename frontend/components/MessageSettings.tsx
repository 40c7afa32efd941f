"use client";
// The rider's choice of messages (GET/PUT /api/v1/support/preferences), under the inbox.
import { useEffect, useState } from "react";
import { api, ApiError } from "../lib/api";
import { useLoad } from "../lib/useLoad";
import { useApp } from "./Providers";
import { ErrorBox } from "./ui";

/** GET/PUT /api/v1/support/preferences: only marketing messages can be turned off. */
interface Preferences {
  marketing: { in_app: boolean; sms: boolean };
}

export function MessageSettings() {
  const { t } = useApp();
  const loaded = useLoad(() => api<Preferences>("/api/v1/support/preferences"), []);
  const [prefs, setPrefs] = useState<Preferences | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (loaded.data) setPrefs(loaded.data);
  }, [loaded.data]);
  if (!prefs) return loaded.error ? <ErrorBox message={loaded.error.message} onRetry={loaded.reload} /> : null;
  const set = async (channel: "in_app" | "sms", on: boolean) => {
    setError(null);
    setSaved(false);
    try {
      // Only the choice that changed is sent: another device changing the other one is kept.
      setPrefs(await api<Preferences>("/api/v1/support/preferences", { method: "PUT", body: { marketing: { [channel]: on } } }));
      setSaved(true);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t("common.error"));
    }
  };
  return (
    <section className="card" aria-labelledby="message-settings" data-testid="message-settings">
      <h2 id="message-settings">{t("inbox.settings")}</h2>
      <p className="muted">{t("inbox.settingsNote")}</p>
      <label className="row">
        <input type="checkbox" checked={prefs.marketing.in_app} onChange={(e) => void set("in_app", e.target.checked)} />
        {t("inbox.marketingInApp")}
      </label>
      <label className="row">
        <input type="checkbox" checked={prefs.marketing.sms} onChange={(e) => void set("sms", e.target.checked)} />
        {t("inbox.marketingSms")}
      </label>
      {saved && (
        <p className="ok-box" role="status">
          {t("inbox.settingsSaved")}
        </p>
      )}
      {error && <ErrorBox message={error} />}
    </section>
  );
}

