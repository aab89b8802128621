/** Ids in paths are decimal integers the store can hold: anything else is one clear 400, never a 500 or another row. */
import { describe, expect, it } from "vitest";
import { api, seedCompany } from "../support/helpers";

const ROUTES = ["/api/conversations/{id}", "/api/contacts/{id}", "/api/agenda/appointments/{id}"];

describe("path ids", () => {
  it("refuses hex, exponents, signs, spaces, zero and ids past 2³¹ − 1; a well-formed unknown id is a 404", async () => {
    await seedCompany({ slug: "path-ids" });
    for (const route of ROUTES) {
      for (const bad of ["0x1", "1e3", "-1", "0", "%201", "1.0", "2147483648", "99999999999999999999"]) {
        const res = await api(route.replace("{id}", bad), { tenant: "path-ids" });
        expect([route, bad, res.status]).toEqual([route, bad, 400]);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_id");
      }
      const unknown = await api(route.replace("{id}", "2147483647"), { tenant: "path-ids" });
      expect([route, unknown.status]).toEqual([route, 404]);
    }
  });
});
