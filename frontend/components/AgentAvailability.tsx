"use client";
// Whether the signed-in support agent takes new tickets (PUT /api/v1/support/agents/me). Going
// away hands their open tickets to colleagues or the queue; the answer says how many.
import { useEffect, useState } from "react";
import { api, ApiError } from "../lib/api";
import { useApp } from "./Providers";
import { ErrorBox } from "./ui";

interface Agent {
  agent_id: string;
  available: boolean;
  open_tickets: number;
  handed_over?: number;
}

export function AgentAvailability() {
  const { t, session } = useApp();
  const [available, setAvailable] = useState<boolean | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    api<{ items: Agent[] }>("/api/v1/support/agents")
      .then((r) => live && setAvailable(r.items.find((a) => a.agent_id === session?.user_id)?.available ?? false))
      .catch(() => live && setAvailable(false));
    return () => {
      live = false;
    };
  }, [session?.user_id]);
  if (available === null) return null;
  const change = async (on: boolean) => {
    setBusy(true);
    setError(null);
    setNote(null);
    try {
      const a = await api<Agent>("/api/v1/support/agents/me", { method: "PUT", body: { available: on } });
      setAvailable(a.available);
      setNote(on ? t("agent.taking") : t("agent.away", { n: a.handed_over ?? 0 }));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t("common.error"));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="card" data-testid="agent-availability">
      <label className="row">
        <input type="checkbox" checked={available} disabled={busy} onChange={(e) => void change(e.target.checked)} />
        {t("agent.takesTickets")}
      </label>
      {note && (
        <p className="ok-box" role="status">
          {note}
        </p>
      )}
      {error && <ErrorBox message={error} />}
    </div>
  );
}
