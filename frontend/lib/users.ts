// Accounts and KYC profiles of the user service, as the staff console's KYC review and
// users-and-roles screens see them.
export const ROLES = ["customer", "dealer", "agent", "credit_officer", "support_agent", "admin"] as const;
export type Role = (typeof ROLES)[number];
export const USER_STATUSES = ["active", "disabled"] as const;
export type UserStatus = (typeof USER_STATUSES)[number];
export const KYC_STATUSES = ["not_submitted", "pending", "verified", "rejected"] as const;
export type KycStatus = (typeof KYC_STATUSES)[number];

export interface User {
  id: string;
  phone: string;
  email: string | null;
  full_name: string;
  language: "en" | "sw";
  roles: string[];
  status: UserStatus;
  kyc_status: KycStatus;
  created_at: string;
  updated_at: string;
}

export interface UserPage {
  items: User[];
  next_cursor: string | null;
  limit: number;
}

export interface NextOfKin {
  name: string;
  phone: string;
  relationship: string;
}

/** A KYC profile as a reviewer sees it: the national id masked but for its last four characters. */
export interface KycProfile {
  user_id: string;
  national_id_masked: string;
  date_of_birth: string;
  address: string;
  next_of_kin: NextOfKin;
  status: "pending" | "verified" | "rejected";
  rejection_reason: string | null;
  reviewed_by?: string | null;
  reviewed_at: string | null;
  submitted_at: string;
  updated_at: string;
  /** Other accounts whose profile carries the same national id. */
  national_id_clashes_with?: { user_id: string; kyc_status: string }[];
}

export const USERS_PATH = "/api/v1/users";

export interface UserFilters {
  q?: string;
  role?: string;
  status?: string;
  kyc_status?: string;
}

/** The query string of one page of accounts (newest first); empty filters are left out. */
export function usersQuery(f: UserFilters, limit = 20, cursor?: string | null): string {
  const q = new URLSearchParams();
  const text = f.q?.trim();
  if (text) q.set("q", text);
  if (f.role) q.set("role", f.role);
  if (f.status) q.set("status", f.status);
  if (f.kyc_status) q.set("kyc_status", f.kyc_status);
  q.set("limit", String(limit));
  if (cursor) q.set("cursor", cursor);
  return q.toString();
}

export const userPath = (id: string, rest = "") => `${USERS_PATH}/${encodeURIComponent(id)}${rest}`;
