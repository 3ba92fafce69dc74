// The command line of `fleet-console`: its commands, each with its own options, over the settings
// table (settings.ts). --help is written from this declaration; main.ts dispatches on `command`.
import {
  defineCli,
  helpRequest,
  helpText,
  parseCommandLine,
  type TCommandLine,
  type TEnv,
  ZBooleanString,
} from "@fleet/settings";
import { z } from "zod";
import { CONSOLE_SETTINGS, consoleConfigFrom, type TConsoleConfig } from "../settings.ts";
import { CONSOLE_VERSION } from "../version.ts";

export const CONSOLE_CLI = defineCli({
  bin: "fleet-console",
  summary: `the Fleet operator console (Next.js + tRPC), version ${CONSOLE_VERSION}`,
  settings: CONSOLE_SETTINGS,
  defaultCommand: "serve",
  commands: {
    serve: {
      summary: "build if needed, then serve the production console",
      options: [
        {
          key: "dev",
          flag: "--dev",
          arg: "BOOL",
          default: "false",
          meaning: "serve with `next dev` (hot reload, no build)",
          schema: ZBooleanString,
          boolean: true,
        },
      ],
    },
    build: {
      summary: "build the production console if stale",
      options: [
        {
          key: "force",
          flag: "--force",
          arg: "BOOL",
          default: "false",
          meaning: "rebuild even when the build matches the sources",
          schema: ZBooleanString,
          boolean: true,
        },
      ],
    },
    "create-admin": {
      summary: "create an admin (the first one, or a new one to recover access)",
      options: [
        { key: "email", flag: "--email", arg: "E", meaning: "the admin's email", schema: z.string() },
        {
          key: "name",
          flag: "--name",
          arg: "N",
          meaning: "display name (default: the email's user part)",
          schema: z.string(),
        },
        {
          key: "password",
          env: "CONSOLE_ADMIN_PASSWORD",
          flag: "--password",
          arg: "P",
          meaning: "the admin's password (at least 10 characters)",
          schema: z.string(),
          secret: true,
        },
      ],
    },
    "public-key": {
      summary: "print the manifest-signing public key for agents (created if missing)",
      options: [
        {
          key: "format",
          flag: "--format",
          arg: "FORMAT",
          default: "pem",
          meaning: "pem or base64 (the raw 32-byte key)",
          schema: z.enum(["pem", "base64"], { error: "must be pem or base64" }),
        },
      ],
    },
    "provision-demo": {
      summary:
        "(re)provision demo-0001…N with fresh secrets and write their credentials for `fleet-agent simulate --credentials FILE`",
      options: [
        {
          key: "count",
          flag: "--count",
          arg: "N",
          default: "10",
          meaning: "number of demo devices",
          schema: z
            .string()
            .regex(/^\d+$/, "must be an integer from 1 to 10000")
            .transform(Number)
            .refine((count) => count >= 1 && count <= 10_000, "must be an integer from 1 to 10000"),
        },
        {
          key: "out",
          flag: "--out",
          arg: "FILE",
          meaning: "where the credentials are written (0600)",
          schema: z.string().min(1),
          required: true,
        },
      ],
    },
  },
  notes: [
    "The production build lives in apps/console/.next and is rebuilt when the console's sources,",
    "its workspace packages or its Next.js version change.",
  ].join("\n"),
});

type TParsed = TCommandLine<typeof CONSOLE_CLI.settings, typeof CONSOLE_CLI.commands>;

/** Each command's result with the settings as server code sees them (TConsoleConfig). */
type TWithConsoleConfig<T> = T extends unknown ? Omit<T, "config"> & { readonly config: TConsoleConfig } : never;

/** What the command line asked for: help, or a command with its options and the console's config. */
export type TConsoleCommandLine =
  | { readonly command: "help"; readonly about: keyof typeof CONSOLE_CLI.commands | undefined }
  | TWithConsoleConfig<TParsed>;

/**
 * Pure: validates env and argv (flags override env) and resolves FLEET_DATA_DIR against `cwd`.
 * Throws ConfigError with a one-line message naming the setting.
 */
export function loadConsoleConfig(
  env: TEnv,
  argv: readonly string[] = [],
  cwd: string = process.cwd(),
): TConsoleCommandLine {
  const help = helpRequest(CONSOLE_CLI, argv);
  if (help) return { command: "help", about: help.command };
  const parsed = parseCommandLine(CONSOLE_CLI, { argv, env });
  return { ...parsed, config: consoleConfigFrom(parsed.config, cwd) };
}

/** `fleet-console --help`, or the help of one command. */
export function consoleHelpText(command?: keyof typeof CONSOLE_CLI.commands): string {
  return helpText(CONSOLE_CLI, command);
}
