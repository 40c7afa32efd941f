"use client";
// App-wide state: language (cookie-remembered), the signed-in session, the gateway's address.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { configureGateway, loadSession, onSessionChange, saveSession, type Session } from "../lib/api";
import { LANG_COOKIE, translate, type Lang, type MessageKey } from "../lib/i18n";
import { realtime } from "../lib/realtime";

interface Ctx {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  session: Session | null;
  ready: boolean;
  notice: string | null;
  signIn: (s: Session) => void;
  signOut: () => void;
  /** The map's tile URL template (null: no tiles) and attribution, from the server's configuration. */
  tiles: { url: string | null; attribution: string };
}

const AppContext = createContext<Ctx | null>(null);

export function useApp(): Ctx {
  const c = useContext(AppContext);
  if (!c) throw new Error("useApp outside <Providers>");
  return c;
}

export function Providers(props: {
  lang: Lang;
  gatewayUrl: string | null;
  gatewayPort: string | null;
  tileUrl?: string | null;
  tileAttribution?: string;
  children: ReactNode;
}) {
  // Configure before any child effect runs (effects run children first).
  if (typeof window !== "undefined") configureGateway(props.gatewayUrl, props.gatewayPort);
  const [lang, setLangState] = useState<Lang>(props.lang);
  const [session, setSession] = useState<Session | null>(null);
  const [ready, setReady] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    setSession(loadSession());
    setReady(true);
    return onSessionChange((s, why) => {
      setSession(s);
      if (why === "expired") setNotice("auth.sessionEnded");
      realtime().reauth();
    });
  }, []);

  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    document.cookie = `${LANG_COOKIE}=${l}; path=/; max-age=31536000; samesite=lax`;
    document.documentElement.lang = l;
  }, []);

  const tileUrl = props.tileUrl ?? null;
  const tileAttribution = props.tileAttribution ?? "";
  const value = useMemo<Ctx>(
    () => ({
      lang,
      setLang,
      t: (key, vars) => translate(lang, key, vars),
      session,
      ready,
      notice: notice ? translate(lang, notice as MessageKey) : null,
      signIn: (s) => {
        setNotice(null);
        saveSession(s);
      },
      signOut: () => saveSession(null),
      tiles: { url: tileUrl, attribution: tileAttribution },
    }),
    [lang, setLang, session, ready, notice, tileUrl, tileAttribution],
  );
  return <AppContext.Provider value={value}>{props.children}</AppContext.Provider>;
}
