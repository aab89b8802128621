export interface Progress {
  total: number;
  pending: number;
  sent: number;
  skipped: number;
  failed: number;
  percent: number;
}
export interface Campaign {
  id: number;
  name: string;
  type: string;
  status: "draft" | "scheduled" | "running" | "paused" | "completed" | "cancelled";
  window: { job: string; local_time: string } | null;
  audience: Record<string, unknown>;
  message: string;
  template: { name: string; language: string; parameters: string[] } | null;
  starts_at: string | null;
  throttle_per_minute: number;
  created_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  progress: Progress;
}
export interface Results {
  sent: number;
  delivered: number;
  read: number;
  replied: number;
  booked: number;
  opted_out: number;
  held: number;
  failed: number;
  skipped: number;
  skip_reasons: Record<string, number>;
}
export const TYPES = ["discovery", "reactivation", "offer", "followup", "feedback"] as const;
export const canWrite = (permissions: readonly string[]) => permissions.includes("campaigns:write");
