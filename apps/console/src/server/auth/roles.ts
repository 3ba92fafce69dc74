import type { UserRole } from "@fleet/db";

// Roles are ordered: an admin may do what an operator may, an operator what a viewer may.
const RANK: Record<UserRole, number> = { VIEWER: 0, OPERATOR: 1, ADMIN: 2 };

export const ROLE_LABEL: Record<UserRole, string> = { VIEWER: "viewer", OPERATOR: "operator", ADMIN: "admin" };

export function roleAtLeast(role: UserRole, required: UserRole): boolean {
  return RANK[role] >= RANK[required];
}
