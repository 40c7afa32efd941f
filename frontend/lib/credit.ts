import type { Money } from "./money";

export interface Reason {
  code: string;
  message: string;
}
export interface Decision {
  id: string;
  kind: string;
  decision: "approved" | "declined" | "referred";
  score: number;
  grade: string;
  reasons: Reason[];
  terms: { max_financed: Money | null; min_deposit_percent: number; max_term_days: number } | null;
  expires_at: string | null;
  breakdown: { code: string; label: string; bin: string; points: number; max_points: number; points_lost: number }[];
  hard_rules?: { code: string; outcome: string }[];
  note?: string | null;
}
export interface Application {
  id: string;
  customer_id: string;
  status: string;
  vehicle_id: string;
  template_id: string;
  monthly_income: Money;
  employment_type: string;
  instalment: { monthly: Money; source: string };
  vehicle: { make?: string; model?: string; year?: number; price?: Money };
  decision: Decision | null;
  created_at: string;
  plan_id?: string | null;
  applicant_age?: number;
}

/** Which stepper step holds an API field (so a 400 opens the step with the wrong field). */
export const STEP_FIELDS: string[][] = [
  ["employment_type", "months_in_work", "monthly_income", "monthly_obligations"],
  ["mobile_money"],
  ["dependants", "months_at_residence"],
  ["guarantor"],
  ["references"],
];

export function stepOfField(field: string): number {
  const root = field.split(/[.[]/)[0];
  const i = STEP_FIELDS.findIndex((fs) => fs.includes(root));
  return i < 0 ? 0 : i;
}

/** Swahili words for the scorecard's reason codes; English comes from the API itself. */
export const REASON_SW: Record<string, string> = {
  instalment_share_high: "Awamu inachukua sehemu kubwa ya mapato yako baada ya madeni ya kila mwezi.",
  affordability: "Awamu ni kubwa mno ukilinganisha na mapato yako.",
  short_employment: "Umekuwa katika kazi hii kwa muda mfupi.",
  months_in_work: "Umekuwa katika kazi hii kwa muda mfupi.",
  employment_type: "Aina ya kazi yako ina hatari kubwa zaidi kwa mkopo huu.",
  mobile_money_history: "Historia yako ya pesa kwa simu ni fupi.",
  mm_months_of_history: "Historia yako ya pesa kwa simu ni fupi.",
  mm_avg_monthly_transactions: "Miamala yako ya pesa kwa simu ni michache.",
  inflow_to_income: "Pesa unazopokea kwa simu ni chache ukilinganisha na mapato uliyotaja.",
  residence: "Umeishi katika makazi yako ya sasa kwa muda mfupi.",
  months_at_residence: "Umeishi katika makazi yako ya sasa kwa muda mfupi.",
  dependants: "Una watu wengi wanaokutegemea.",
  references_count: "Warejeo ni wachache.",
  minimum_age: "Lazima uwe na umri wa miaka 18 au zaidi.",
};

export function reasonText(r: Reason, lang: string): string {
  return lang === "sw" ? (REASON_SW[r.code] ?? r.message) : r.message;
}
