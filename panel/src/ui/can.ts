/**
 * Whether the caller may do something: GET /api/me spells out every permission the role holds (a write
 * brings its read), so a screen shows only the controls whose route would accept the call, never a
 * button the API then refuses with 403. `src/tenants/roles.ts` is the matrix.
 */
export type Permission = `${string}:${"read" | "write"}`;

export const can = (ctx: { readonly permissions: readonly string[] }, permission: Permission): boolean => ctx.permissions.includes(permission);
