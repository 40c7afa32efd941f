// Message catalogues and the translate function (pure; the React context is in components/).
import en, { type MessageKey } from "../messages/en";
import sw from "../messages/sw";

export type Lang = "en" | "sw";
export const LANGS: Lang[] = ["en", "sw"];
export const LANG_COOKIE = "rto_lang";
export const catalogues: Record<Lang, Record<MessageKey, string>> = { en, sw };

export function isLang(v: unknown): v is Lang {
  return v === "en" || v === "sw";
}

/** The message for `key` in `lang`, with {name} placeholders filled in. */
export function translate(lang: Lang, key: MessageKey, vars?: Record<string, string | number>): string {
  let s = catalogues[lang][key] ?? catalogues.en[key] ?? key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

export type { MessageKey };
