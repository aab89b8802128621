import type { ComplianceContact, ContactRecords, ErasePlan, Store, TableCounts } from "../store/types";
import type { ContactState, ContactStateErased } from "../tenants/contact-state";
import { tenantStub } from "../tenants/stubs";

/** Everything held about one contact: the store's rows and the tenant DO's state for its addresses. */
export interface ContactExport {
  contact: ComplianceContact;
  records: ContactRecords;
  durableObject: ContactState[];
}

/** The contact's addresses as the tenant DO keys its state: the phone (or BSUID) and the BSUID. */
const addressesOf = (c: Pick<ComplianceContact, "phone" | "userId">) => [...new Set([c.phone, c.userId].filter((a): a is string => !!a))];

/** A row with the API's snake_case field names. @example snakeKeys({ contactId: 1 }) // { contact_id: 1 } */
export const snakeKeys = (row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`), v]));

/** null when there is no such contact in this tenant. */
export async function collectContactData(env: Env, store: Store, companyId: number, contactId: number): Promise<ContactExport | null> {
  const contact = await store.compliance.contact(companyId, contactId);
  if (!contact) return null;
  const [records, durableObject] = await Promise.all([store.compliance.records(companyId, contactId), tenantStub(env, companyId).contactState(addressesOf(contact))]);
  if (!records) return null;
  const snake = Object.fromEntries(Object.entries(records).map(([table, rows]) => [table, rows.map(snakeKeys)])) as ContactRecords;
  return { contact, records: snake, durableObject };
}

/** Hex SHA-256, prefixed so a hashed id never looks like a provider's. @example await hashId("wamid.X") // "sha256:9f…" */
export async function hashId(id: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(id)));
  return `sha256:${Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export type EraseOutcome = { ok: true; store: TableCounts; durableObject: ContactStateErased } | { ok: false; reason: "not_found" | "already_erased" };

/**
 * Erases the contact: the DO's state first, then the store (which marks erased_at last), so a failure
 * half-way leaves the contact not yet erased and a retry completes it.
 */
export async function eraseContact(env: Env, store: Store, contact: ComplianceContact, at: number): Promise<EraseOutcome> {
  if (contact.erasedAt !== null) return { ok: false, reason: "already_erased" };
  const durableObject = await tenantStub(env, contact.companyId).eraseContact(addressesOf(contact));
  const ids = await store.compliance.providerIds(contact.companyId, contact.id);
  const plan: ErasePlan = { token: `erased:${crypto.randomUUID()}`, providerIdHashes: new Map(await Promise.all(ids.map(async (id) => [id, await hashId(id)] as const))), at };
  const counts = await store.compliance.erase(contact.companyId, contact.id, plan);
  if (counts === null) return { ok: false, reason: "not_found" };
  if (counts === "already_erased") return { ok: false, reason: "already_erased" };
  return { ok: true, store: counts, durableObject };
}
