import { hashSecret, verifySecret, type Prisma, type PrismaClient } from "@fleet/db";
import { createSessionToken, hashSessionToken, SESSION_TTL_MS } from "../../auth/session-cookie.ts";
import { AppError, AppErrorCode } from "../../errors/app-error.ts";
import { recordAudit, sessionActor } from "../audit/record-audit.ts";
import { ZLoginInput, type TLoginInput } from "./operator.types.ts";

let dummyHash: Promise<string> | undefined;
/** Verified against when the email is unknown, so response time does not reveal which emails exist. */
function getDummyHash(): Promise<string> {
  dummyHash ??= hashSecret("fleet-console: no such user");
  return dummyHash;
}

const WRONG_CREDENTIALS = "Wrong email or password.";

export interface TLogInResult {
  /** The raw session token for the cookie; only its sha256 is stored. */
  token: string;
  expiresAt: Date;
  user: { id: string; email: string; name: string; role: string };
}

/** Checks the password and opens a session. */
export async function logIn(options: { prisma: PrismaClient; input: TLoginInput; now?: Date }): Promise<TLogInResult> {
  const input = ZLoginInput.parse(options.input);
  const now = options.now ?? new Date();
  const user = await options.prisma.user.findUnique({
    where: { email: input.email },
    select: { id: true, email: true, name: true, role: true, disabled: true, passwordHash: true },
  });
  const valid = await verifySecret(input.password, user?.passwordHash ?? (await getDummyHash()));
  if (!user || !valid) throw new AppError(AppErrorCode.UNAUTHORIZED, WRONG_CREDENTIALS);
  if (user.disabled) throw new AppError(AppErrorCode.FORBIDDEN, "This account is disabled; ask an admin.");

  const token = createSessionToken();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await options.prisma.$transaction(async (tx: Prisma.TransactionClient) => {
    const session = await tx.session.create({
      data: { tokenHash: hashSessionToken(token), userId: user.id, expiresAt },
      select: { id: true },
    });
    await tx.user.update({ where: { id: user.id }, data: { lastLoginAt: now }, select: { id: true } });
    await recordAudit({
      tx,
      actor: sessionActor(user),
      action: "session.login",
      entityType: "session",
      entityId: session.id,
      after: { userId: user.id, expiresAt },
    });
  });
  const { passwordHash: _hash, disabled: _disabled, ...shown } = user;
  return { token, expiresAt, user: shown };
}

/** Ends the session of this token (logout). Unknown tokens are a no-op. */
export async function logOut(options: {
  prisma: PrismaClient;
  token: string;
  actor: { id: string; email: string };
}): Promise<void> {
  await options.prisma.$transaction(async (tx: Prisma.TransactionClient) => {
    const deleted = await tx.session.deleteMany({ where: { tokenHash: hashSessionToken(options.token) } });
    if (deleted.count === 0) return;
    await recordAudit({
      tx,
      actor: sessionActor(options.actor),
      action: "session.logout",
      entityType: "user",
      entityId: options.actor.id,
    });
  });
}
