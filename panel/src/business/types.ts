export interface Recommendation {
  id: number;
  kind: "churn_risk" | "upgrade" | "next_action";
  key: string;
  severity: "info" | "warning" | "critical";
  title: string;
  body: string;
  evidence: Record<string, number>;
  action: string | null;
  status: string;
  first_seen_at: string;
}

export interface Variant {
  key: string;
  label: string;
  text: string;
}

export interface AbTest {
  id: number;
  name: string;
  target: string;
  goal: "replied" | "confirmed" | "booked";
  epsilon: number;
  variants: Variant[];
  status: "draft" | "running" | "stopped" | "applied";
  winner: string | null;
  created_at: string | null;
  started_at: string | null;
  stopped_at: string | null;
}

export interface VariantResult {
  variant: string;
  label: string;
  counts: Record<"sent" | "replied" | "confirmed" | "booked" | "opted_out", number>;
  goal_rate: number | null;
  ci95: [number, number];
}

export interface Results {
  goal: string;
  leader: string | null;
  variants: VariantResult[];
  differences: { variant: string; against: string; diff: number; ci95: [number, number]; significant: boolean }[];
}

export const TARGETS = ["purpose:reminder", "purpose:followup", "purpose:reschedule_offer"] as const;
export const GOALS = ["confirmed", "replied", "booked"] as const;
export const canAct = (permissions: readonly string[]) => permissions.includes("analytics:write");
export const canExperiment = (permissions: readonly string[]) => permissions.includes("experiments:write");
export const seesExperiments = (permissions: readonly string[]) => permissions.includes("experiments:read") || canExperiment(permissions);
