/** Roles and the named permissions each one grants. */

export const ROLES = ["reader", "panelist", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  "vote:cast",
  "pick:cast",
  "bookmark:edit",
  "review:write",
  "review:publish",
  "tool:edit",
  "vote:moderate",
  "user:block",
  "user:grant",
  "audit:read",
  "newsletter:send",
  "prediction:resolve",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READER: Permission[] = ["vote:cast", "pick:cast", "bookmark:edit"];

const GRANTS: Record<Role, ReadonlySet<Permission>> = {
  reader: new Set(READER),
  panelist: new Set([...READER, "review:write", "review:publish"]),
  admin: new Set(PERMISSIONS),
};

/** Whether a role holds a permission. Unknown roles hold none. */
export function can(role: string, permission: Permission): boolean {
  return GRANTS[role as Role]?.has(permission) ?? false;
}

/** Whether a string names a role. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
