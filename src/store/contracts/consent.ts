/** The consent history's row types (LGPD), shared by contacts.setOptedOut and store.compliance. */

/** Where a consent change came from: the contact's keyword (SAIR/STOP…), the panel, the API, an import. */
export type ConsentSource = "keyword" | "panel" | "api" | "import";

/** Who and why, recorded with an opt-out or opt-in. */
export interface ConsentChange {
  source: ConsentSource;
  /** "contact" for a keyword, else the user or token label. */
  actor: string | null;
  detail?: string | null;
  /** ms; now when absent. */
  at?: number;
}

export interface ConsentEvent {
  id: number;
  contactId: number;
  kind: "opt_out" | "opt_in";
  source: string;
  actor: string | null;
  detail: string | null;
  createdAt: number;
}
