// A small bin's table for the package's tests: settings of each kind, a config file, commands with
// their own options and arguments, one of them the default and one that reads no settings.
import { z } from "zod";
import { defineCli, defineSettings } from "../define.ts";
import { ZBooleanString } from "../schemas.ts";

const ZPort = z
  .string()
  .regex(/^\d{1,5}$/, "must be a port number 0-65535")
  .transform(Number)
  .refine((port) => port <= 65535, "must be a port number 0-65535");

export const EXAMPLE_SETTINGS = defineSettings([
  { key: "port", env: "EX_PORT", flag: "--port", arg: "PORT", default: "1883", meaning: "port", schema: ZPort },
  {
    key: "url",
    env: "EX_URL",
    flag: "--url",
    arg: "URL",
    meaning: "database URL, may hold a password",
    schema: z.string().startsWith("postgresql://", "must be a postgresql:// URL"),
    secret: true,
  },
  {
    key: "verbose",
    env: "EX_VERBOSE",
    flag: "--verbose",
    arg: "BOOL",
    default: "false",
    meaning: "say more",
    schema: ZBooleanString,
    boolean: true,
  },
  {
    key: "names",
    env: "EX_NAMES",
    flag: "--names",
    arg: "LIST",
    default: "a,b",
    meaning: "comma-separated names",
    schema: z.string().transform((raw) => raw.split(",")),
  },
]);

export const EXAMPLE_CLI = defineCli({
  bin: "fleet-example",
  summary: "an example bin",
  settings: EXAMPLE_SETTINGS,
  configFile: { flag: "--config", short: "c", env: "EX_CONFIG", arg: "FILE", meaning: "JSON file with the keys above" },
  defaultCommand: "serve",
  commands: {
    serve: {
      summary: "serve",
      options: [
        {
          key: "dev",
          flag: "--dev",
          arg: "BOOL",
          default: "false",
          meaning: "hot reload",
          schema: ZBooleanString,
          boolean: true,
        },
      ],
    },
    connect: { summary: "connect somewhere", requires: ["url"] },
    copy: {
      summary: "copy a file",
      positionals: [
        { key: "from", arg: "FROM", meaning: "source" },
        { key: "to", arg: "TO", meaning: "target", optional: true },
      ],
      options: [
        {
          key: "password",
          env: "EX_PASSWORD",
          flag: "--password",
          arg: "P",
          meaning: "password",
          schema: z.string().min(4, "must be at least 4 characters"),
          secret: true,
          required: true,
        },
      ],
    },
    hash: { summary: "hash stdin", settings: false, options: [] },
  },
  notes: "Exit codes: 0 done, 2 bad setting.",
});
