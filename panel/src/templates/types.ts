/** GET /api/templates as the panel reads it. */
export interface TemplateRow {
  id: number;
  name: string;
  language: string;
  category: string;
  status: string;
  usable: boolean;
  parameter_count: number;
  named_parameters: boolean;
  header: string | null;
  body: string;
  footer: string | null;
  buttons: { type: string; text: string }[];
  rejected_reason: string | null;
  synced_at: string;
  purposes: string[];
}

export interface PurposeRow {
  purpose: string;
  template: { name: string; language: string; parameters: string[]; status: string | null; status_reason: string | null } | null;
  usable: boolean;
  problem: string | null;
}

export interface TemplatesView {
  provider: string;
  supported: boolean;
  note: string | null;
  waba_id: string | null;
  last_sync: { ok: boolean; code: string; detail: string; count: number; at: string } | null;
  templates: TemplateRow[];
  purposes: PurposeRow[];
}
