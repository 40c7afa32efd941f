"use client";
// Small badges of a ticket: status, priority, SLA (staff).
import { formatDateTime } from "../lib/dates";
import { PRIORITY_TONE, slaBadge, SLA_TONE, STATUS_TONE, type Ticket } from "../lib/support";
import { useApp } from "./Providers";

export function TicketStatus({ t: ticket }: { t: Ticket }) {
  const { t } = useApp();
  return (
    <span className={`badge ${STATUS_TONE[ticket.status]}`} data-testid="ticket-status" data-status={ticket.status}>
      {t(`ticket.status.${ticket.status}` as never)}
    </span>
  );
}

export function TicketPriority({ t: ticket }: { t: Ticket }) {
  const { t } = useApp();
  return <span className={`badge ${PRIORITY_TONE[ticket.priority]}`}>{t(`ticket.priority.${ticket.priority}` as never)}</span>;
}

export function SlaBadgeView({ t: ticket, now }: { t: Ticket; now?: number }) {
  const { t, lang } = useApp();
  const b = slaBadge(ticket, now);
  const label = t(`sla.${b.state}` as never);
  const target = t(`sla.target.${b.target}` as never);
  return (
    <span className={`badge ${SLA_TONE[b.state]}`} data-testid="sla-badge" data-sla={b.state}>
      {label}
      {b.due ? ` · ${target} ${formatDateTime(b.due, lang)}` : ""}
    </span>
  );
}
