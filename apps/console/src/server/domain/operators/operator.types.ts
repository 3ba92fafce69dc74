import { UserRole } from "@fleet/db";
import { z } from "zod";

export const ZEmail = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "Email is too long.")
  .pipe(z.email("Enter a valid email address."));
export const ZPassword = z.string().min(10, "Use at least 10 characters.").max(256, "Use at most 256 characters.");
export const ZOperatorName = z.string().trim().min(1, "Enter a name.").max(100, "Use at most 100 characters.");
export const ZUserRole = z.enum(UserRole);

export const ZCreateUserInput = z.object({
  email: ZEmail,
  name: ZOperatorName,
  password: ZPassword,
  role: ZUserRole,
});
export type TCreateUserInput = z.infer<typeof ZCreateUserInput>;

export const ZFirstAdminInput = ZCreateUserInput.omit({ role: true });
export type TFirstAdminInput = z.infer<typeof ZFirstAdminInput>;

export const ZLoginInput = z.object({
  email: ZEmail,
  // Not the full password rule: a login form reports "wrong email or password", not rules.
  password: z.string().min(1, "Enter your password.").max(256, "Use at most 256 characters."),
});
export type TLoginInput = z.infer<typeof ZLoginInput>;

/** The columns of a user anyone may see: never passwordHash. */
export const publicUserSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  disabled: true,
  lastLoginAt: true,
  createdAt: true,
} as const;
export interface TPublicUser {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  disabled: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
}
