import { and, eq } from "drizzle-orm";
import type { Store } from "../types";
import type { PortableCtx } from "./context";

export function deliveryLogs({ db, schema: s }: PortableCtx): Store["deliveryLogs"] {
  return {
    async append(companyId, messageId, status, detail, providerTimestamp = null) {
      await db.insert(s.deliveryLogs).values({ companyId, messageId, status, detail, providerTimestamp });
    },
    async list(companyId, messageId) {
      return db
        .select({ status: s.deliveryLogs.status, detail: s.deliveryLogs.detail, createdAt: s.deliveryLogs.createdAt })
        .from(s.deliveryLogs)
        .where(and(eq(s.deliveryLogs.companyId, companyId), eq(s.deliveryLogs.messageId, messageId)))
        .orderBy(s.deliveryLogs.id);
    },
  };
}
