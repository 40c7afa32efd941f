"use client";
import { useEffect, useRef, useState } from "react";
import { useApp } from "../../../components/Providers";
import { ErrorBox, Field, Loading, RequireSession } from "../../../components/ui";
import { api, ApiError } from "../../../lib/api";
import { formatDateTime } from "../../../lib/dates";
import { insertAt, smsLength } from "../../../lib/smsLength";
import type { Template } from "../../../lib/support";
import { useLoad } from "../../../lib/useLoad";

const TITLE_MAX = 80;
const TEXT_MAX = 480;

const keyOf = (tp: Pick<Template, "kind" | "language">) => `${tp.kind}/${tp.language}`;
const pathOf = (tp: Pick<Template, "kind" | "language">) =>
  `/api/v1/support/templates/${encodeURIComponent(tp.kind)}/${encodeURIComponent(tp.language)}`;
const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, "_");
const domId = (tp: Pick<Template, "kind" | "language">) => safe(`${tp.kind}-${tp.language}`);

/** Templates in the order the API lists them, grouped by kind. */
function byKind(items: Template[]): [string, Template[]][] {
  const groups = new Map<string, Template[]>();
  for (const tp of items) groups.set(tp.kind, [...(groups.get(tp.kind) ?? []), tp]);
  return [...groups.entries()];
}

/** Live length of a text: characters against the API's limit, and the SMS parts it needs. */
function Counter({ id, text }: { id: string; text: string }) {
  const { t } = useApp();
  const len = smsLength(text);
  return (
    <div id={id} data-testid="template-counter" aria-live="polite">
      <small className={len.chars > TEXT_MAX ? "error" : undefined}>{t("templates.count", { chars: len.chars, max: TEXT_MAX })}</small>
      {" · "}
      <small data-testid="template-parts">
        {t("templates.parts", { parts: len.parts, per: len.perPart, encoding: len.gsm7 ? "GSM-7" : "UCS-2" })}
      </small>
      {!len.gsm7 && (
        <>
          <br />
          <small className="muted">{t("templates.unicodeNote")}</small>
        </>
      )}
      <br />
      <small className="muted">{t("templates.placeholdersNote")}</small>
    </div>
  );
}

/** The edit form of one template: PUT {title, text}; the API's field errors beside their fields. */
function Editor({ tp, onSaved, onCancel }: { tp: Template; onSaved: (next: Template) => void; onCancel: () => void }) {
  const { t } = useApp();
  const [title, setTitle] = useState(tp.title);
  const [text, setText] = useState(tp.text);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const caret = useRef<number | null>(null);
  const id = domId(tp);
  const language = t(`lang.${tp.language}`);

  useEffect(() => {
    document.getElementById(`${id}-title`)?.focus();
  }, [id]);
  // Puts the caret after an inserted variable once the new text is on screen.
  useEffect(() => {
    const el = textRef.current;
    if (el && caret.current !== null) {
      el.focus();
      el.setSelectionRange(caret.current, caret.current);
      caret.current = null;
    }
  }, [text]);

  const insert = (name: string) => {
    const el = textRef.current;
    const start = el ? el.selectionStart : text.length;
    const end = el ? el.selectionEnd : text.length;
    const next = insertAt(text, `{{${name}}}`, start, end);
    caret.current = next.caret;
    setText(next.text);
  };

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    const titleLen = Array.from(title.trim()).length;
    if (titleLen < 1 || titleLen > TITLE_MAX) local.title = t("templates.titleRequired");
    const textLen = Array.from(text).length;
    if (textLen < 1 || textLen > TEXT_MAX) local.text = t("templates.textRequired");
    setErrors(local);
    setError(null);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      onSaved(await api<Template>(pathOf(tp), { method: "PUT", body: { title: title.trim(), text } }));
    } catch (err) {
      const fields = err instanceof ApiError ? err.fieldErrors() : {};
      const shown = { title: fields.title, text: fields.text };
      setErrors(Object.fromEntries(Object.entries(shown).filter(([, v]) => v)) as Record<string, string>);
      // A problem that names neither field (or none at all) goes above the buttons.
      if (!shown.title && !shown.text) setError(err instanceof Error ? err.message : t("common.error"));
    } finally {
      setBusy(false);
    }
  };

  const textDescribedBy = [`${id}-vars`, `${id}-counter`, errors.text ? `${id}-text-error` : ""].filter(Boolean).join(" ");
  return (
    <form
      onSubmit={save}
      noValidate
      aria-label={t("templates.editing", { kind: tp.kind, language })}
      data-testid="template-editor"
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          onCancel();
        }
      }}
    >
      <Field id={`${id}-title`} label={t("templates.titleField")} value={title} onChange={setTitle} error={errors.title} />
      <div className="field">
        <label htmlFor={`${id}-text`}>{t("templates.text")}</label>
        <textarea
          id={`${id}-text`}
          name="text"
          ref={textRef}
          rows={5}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={errors.text ? true : undefined}
          aria-describedby={textDescribedBy}
        />
        {errors.text && (
          <small id={`${id}-text-error`} className="error" role="alert">
            {errors.text}
          </small>
        )}
        <Counter id={`${id}-counter`} text={text} />
      </div>
      <div role="group" aria-labelledby={`${id}-vars`}>
        <p id={`${id}-vars`} className="muted">
          {t("templates.variables")}
        </p>
        <div className="chips">
          {tp.variables.map((v) => (
            <button
              key={v}
              type="button"
              className="chip"
              aria-label={t("templates.insert", { v: `{{${v}}}` })}
              onMouseDown={(e) => e.preventDefault() /* keep the caret in the text */}
              onClick={() => insert(v)}
            >
              <code>{`{{${v}}}`}</code>
            </button>
          ))}
        </div>
      </div>
      {error && <ErrorBox message={error} />}
      <div className="row">
        <button type="submit" disabled={busy}>
          {t("common.save")}
        </button>
        <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
          {t("staff.cancel")}
        </button>
      </div>
    </form>
  );
}

/** One template (one kind in one language): what is in use, edit, restore the built-in text. */
function TemplateCard({
  tp,
  editing,
  notice,
  onEdit,
  onClose,
  onChange,
}: {
  tp: Template;
  editing: boolean;
  notice: "saved" | "restored" | null;
  onEdit: () => void;
  onClose: () => void;
  onChange: (next: Template, notice: "saved" | "restored") => void;
}) {
  const { t, lang } = useApp();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = domId(tp);
  const language = t(`lang.${tp.language}`);
  const len = smsLength(tp.text);

  const restore = async () => {
    setBusy(true);
    setError(null);
    try {
      await api<null>(pathOf(tp), { method: "DELETE" });
      setConfirming(false);
      onChange({ ...tp, title: tp.builtin.title, text: tp.builtin.text, edited: false, updated_by: null, updated_at: null }, "restored");
    } catch (err) {
      setError(err instanceof Error ? err.message : t("common.error"));
    } finally {
      setBusy(false);
    }
  };

  return (
    <article className="card" aria-labelledby={`${id}-head`} data-template={keyOf(tp)}>
      <h3 id={`${id}-head`}>
        {language} · {tp.title}{" "}
        <span className={`badge ${tp.edited ? "warn" : "info"}`}>{tp.edited ? t("templates.edited") : t("templates.builtin")}</span>
      </h3>
      {tp.edited && tp.updated_at && <small className="muted">{t("templates.editedAt", { date: formatDateTime(tp.updated_at, lang) })}</small>}
      {editing ? (
        <Editor
          tp={tp}
          onCancel={onClose}
          onSaved={(next) => {
            onChange(next, "saved");
          }}
        />
      ) : (
        <>
          <p style={{ whiteSpace: "pre-wrap" }} data-testid="template-text">
            {tp.text}
          </p>
          <small className="muted">
            {t("templates.parts", { parts: len.parts, per: len.perPart, encoding: len.gsm7 ? "GSM-7" : "UCS-2" })}
          </small>
          {tp.edited && (
            <details>
              <summary>{t("templates.builtinText")}</summary>
              <p>
                <strong>{tp.builtin.title}</strong>
              </p>
              <p style={{ whiteSpace: "pre-wrap" }}>{tp.builtin.text}</p>
            </details>
          )}
          {notice && (
            <p className="ok-box" role="status">
              {notice === "saved" ? t("templates.saved") : t("templates.restored")}
            </p>
          )}
          {confirming ? (
            <div role="group" aria-labelledby={`${id}-confirm`} className="row">
              <p id={`${id}-confirm`}>{t("templates.restoreConfirm")}</p>
              <button type="button" onClick={restore} disabled={busy}>
                {t("templates.restoreYes")}
              </button>
              <button type="button" className="secondary" onClick={() => setConfirming(false)} disabled={busy}>
                {t("staff.cancel")}
              </button>
            </div>
          ) : (
            <div className="row">
              <button type="button" id={`${id}-edit`} onClick={onEdit} aria-label={t("templates.editing", { kind: tp.kind, language })}>
                {t("templates.edit")}
              </button>
              {tp.edited && (
                <button type="button" className="secondary" onClick={() => setConfirming(true)}>
                  {t("templates.restore")}
                </button>
              )}
            </div>
          )}
          {error && <ErrorBox message={error} />}
        </>
      )}
    </article>
  );
}

function Templates() {
  const { t } = useApp();
  const list = useLoad(() => api<{ items: Template[] }>("/api/v1/support/templates"), []);
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ key: string; what: "saved" | "restored" } | null>(null);
  const items = list.data?.items ?? [];

  const close = (tp: Template) => {
    setEditing(null);
    // Back to the button that opened the form, for keyboard users.
    setTimeout(() => document.getElementById(`${domId(tp)}-edit`)?.focus(), 0);
  };
  const change = (next: Template, what: "saved" | "restored") => {
    list.setData((d) => (d ? { items: d.items.map((x) => (keyOf(x) === keyOf(next) ? next : x)) } : d));
    setNotice({ key: keyOf(next), what });
    if (what === "saved") close(next);
  };

  return (
    <>
      <h1>{t("templates.title")}</h1>
      <p className="muted">{t("templates.intro")}</p>
      <div className="row">
        <button type="button" className="secondary" onClick={() => void list.reload()} disabled={list.loading}>
          {t("tickets.refresh")}
        </button>
      </div>
      {list.loading && !list.data ? (
        <Loading />
      ) : list.error ? (
        <ErrorBox message={list.error.message} onRetry={list.reload} />
      ) : items.length === 0 ? (
        <p className="card" data-testid="templates-empty">
          {t("templates.empty")}
        </p>
      ) : (
        <div data-testid="templates">
          {byKind(items).map(([kind, group]) => (
            <section key={kind} aria-labelledby={`kind-${safe(kind)}`} data-kind={kind}>
              <h2 id={`kind-${safe(kind)}`}>
                <code>{kind}</code>{" "}
                <span className={`badge ${group[0].class === "marketing" ? "warn" : "ok"}`}>
                  {t(group[0].class === "marketing" ? "templates.class.marketing" : "templates.class.transactional")}
                </span>
              </h2>
              {group.map((tp) => (
                <TemplateCard
                  key={keyOf(tp)}
                  tp={tp}
                  editing={editing === keyOf(tp)}
                  notice={notice?.key === keyOf(tp) ? notice.what : null}
                  onEdit={() => {
                    setNotice(null);
                    setEditing(keyOf(tp));
                  }}
                  onClose={() => close(tp)}
                  onChange={change}
                />
              ))}
            </section>
          ))}
        </div>
      )}
    </>
  );
}

export default function StaffTemplatesPage() {
  return (
    <RequireSession roles={["support_agent", "admin"]}>
      <Templates />
    </RequireSession>
  );
}
