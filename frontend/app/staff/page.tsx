"use client";
import Link from "next/link";
import { useApp } from "../../components/Providers";
import { RequireSession } from "../../components/ui";
import { CONSOLE_ROLES, hasRole, STAFF_ROLES } from "../../lib/api";
import { CASH_ROLES } from "../../lib/plans";

function Console() {
  const { t, session } = useApp();
  return (
    <>
      <h1>{t("staff.title")}</h1>
      <ul className="card">
        {hasRole(session, "credit_officer", "admin") && (
          <li>
            <Link href="/staff/credit">{t("staff.creditQueue")}</Link>
          </li>
        )}
        {hasRole(session, "credit_officer", "admin") && (
          <li>
            <Link href="/staff/kyc">{t("kyc.title")}</Link>
          </li>
        )}
        {hasRole(session, "admin") && (
          <li>
            <Link href="/staff/users">{t("users.title")}</Link>
          </li>
        )}
        {hasRole(session, "admin") && (
          <li>
            <Link href="/staff/listings">{t("listing.reviewTitle")}</Link>
          </li>
        )}
        {hasRole(session, ...CASH_ROLES) && (
          <li>
            <Link href="/staff/cash">{t("staff.cashDesk")}</Link>
          </li>
        )}
        {/* Field agents see the cash desk only: these screens are for the staff. */}
        {hasRole(session, ...STAFF_ROLES) && (
          <>
            <li>
              <Link href="/staff/payments">{t("staff.paymentQueue")}</Link>
            </li>
            <li>
              <Link href="/staff/approvals">{t("approvals.title")}</Link>
            </li>
            <li>
              <Link href="/staff/plans">{t("staff.plans")}</Link>
            </li>
            <li>
              <Link href="/staff/fleet">{t("fleet.title")}</Link>
            </li>
          </>
        )}
        {hasRole(session, "support_agent", "admin") && (
          <>
            <li>
              <Link href="/staff/tickets">{t("staff.tickets")}</Link>
            </li>
            <li>
              <Link href="/staff/sms">{t("sms.title")}</Link>
            </li>
            <li>
              <Link href="/staff/templates">{t("templates.title")}</Link>
            </li>
          </>
        )}
      </ul>
    </>
  );
}

export default function StaffPage() {
  return (
    <RequireSession roles={CONSOLE_ROLES}>
      <Console />
    </RequireSession>
  );
}
