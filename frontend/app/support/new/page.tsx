"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useApp } from "../../../components/Providers";
import { ErrorBox, Field, RequireSession, Select, TextArea } from "../../../components/ui";
import { api, ApiError } from "../../../lib/api";
import type { PlanSummary } from "../../../lib/plans";
import { CATEGORIES, type Ticket } from "../../../lib/support";
import { useLoad } from "../../../lib/useLoad";

function NewTicket() {
  const { t } = useApp();
  const router = useRouter();
  const plans = useLoad(() => api<{ items: PlanSummary[] }>("/api/v1/plans/mine").catch(() => ({ items: [] as PlanSummary[] })), []);
  const [category, setCategory] = useState("");
  const [subject, setSubject] = useState("");
  const [description, setDescription] = useState("");
  const [planId, setPlanId] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    const plan = plans.data?.items.find((p) => p.id === planId);
    const body: Record<string, string> = { subject, description };
    if (category) body.category = category;
    if (plan) {
      body.plan_id = plan.id;
      body.vehicle_id = plan.vehicle_id;
    }
    try {
      const tk = await api<Ticket>("/api/v1/support/tickets", { body });
      router.push(`/support/${tk.id}`);
    } catch (err) {
      if (err instanceof ApiError) {
        const fe = err.fieldErrors();
        setErrors(fe);
        if (Object.keys(fe).length === 0) setError(err.message);
        // Focus the first field the API named.
        const first = ["category", "subject", "description", "plan_id", "vehicle_id"].find((f) => fe[f]);
        if (first) document.getElementById(first === "vehicle_id" ? "plan_id" : first)?.focus();
      } else setError(t("common.error"));
    } finally {
      setBusy(false);
    }
  };

  const riding = (plans.data?.items ?? []).filter((p) => !["cancelled", "completed"].includes(p.status));
  return (
    <>
      <p>
        <Link href="/support">← {t("support.title")}</Link>
      </p>
      <h1>{t("support.new")}</h1>
      <form className="card" onSubmit={send} noValidate>
        <Select
          id="category"
          label={t("ticket.category")}
          value={category}
          onChange={setCategory}
          options={[{ value: "", label: t("support.chooseCategory") }, ...CATEGORIES.map((c) => ({ value: c, label: t(`ticket.category.${c}` as never) }))]}
          error={errors.category}
        />
        <p className="muted small">{t("support.urgentHint")}</p>
        <Field id="subject" label={t("ticket.subject")} value={subject} onChange={setSubject} error={errors.subject} hint={t("support.subjectHint")} />
        <TextArea id="description" label={t("ticket.description")} value={description} onChange={setDescription} error={errors.description} rows={5} />
        {riding.length > 0 && (
          <Select
            id="plan_id"
            label={t("support.aboutPlan")}
            value={planId}
            onChange={setPlanId}
            options={[{ value: "", label: t("support.noPlan") }, ...riding.map((p) => ({ value: p.id, label: `${p.reference} · ${p.vehicle?.make ?? ""} ${p.vehicle?.model ?? ""}`.trim() }))]}
            error={errors.plan_id ?? errors.vehicle_id}
          />
        )}
        {error && <ErrorBox message={error} />}
        <button type="submit" disabled={busy}>
          {t("support.send")}
        </button>
      </form>
    </>
  );
}

export default function NewTicketPage() {
  return (
    <RequireSession>
      <NewTicket />
    </RequireSession>
  );
}
