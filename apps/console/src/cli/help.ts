import { CONSOLE_SETTINGS_HELP } from "../config.ts";
import { CONSOLE_VERSION } from "../version.ts";

export function helpText(): string {
  const widthEnv = Math.max(...CONSOLE_SETTINGS_HELP.map((s) => s.env.length));
  const widthFlag = Math.max(...CONSOLE_SETTINGS_HELP.map((s) => s.flag.length));
  const widthDefault = Math.max(...CONSOLE_SETTINGS_HELP.map((s) => s.default.length));
  const rows = CONSOLE_SETTINGS_HELP.map(
    (s) => `  ${s.env.padEnd(widthEnv)}  ${s.flag.padEnd(widthFlag)}  ${s.default.padEnd(widthDefault)}  ${s.meaning}`,
  );
  return [
    `fleet-console ${CONSOLE_VERSION}: the Fleet operator console (Next.js + tRPC).`,
    "",
    "Usage:",
    "  fleet-console [options]          build if needed, then serve the production console",
    "  fleet-console --dev [options]    serve with `next dev` (hot reload, no build)",
    "  fleet-console build [--force]    build the production console if stale (always with --force)",
    "  fleet-console create-admin --email E --name N --password P",
    "                                   create an admin (the first one, or a new one to recover access);",
    "                                   the password may come from CONSOLE_ADMIN_PASSWORD instead",
    "  fleet-console public-key [--format pem|base64]",
    "                                   print the manifest-signing public key for agents (created if missing)",
    "  fleet-console provision-demo --count N --out FILE",
    "                                   (re)provision demo-0001…N with fresh secrets and write their",
    "                                   credentials for `fleet-agent simulate --credentials FILE`",
    "  fleet-console --help             show this help",
    "",
    "Settings (flags override environment variables):",
    `  ${"variable".padEnd(widthEnv)}  ${"flag".padEnd(widthFlag)}  ${"default".padEnd(widthDefault)}  meaning`,
    ...rows,
    "",
    "The production build lives in apps/console/.next and is rebuilt when the console's sources,",
    "its workspace packages or its Next.js version change.",
  ].join("\n");
}
