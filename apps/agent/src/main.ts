import { ConfigError, HELP, readAgentConfig } from "./config.ts";

function fail(message: string, code: number): never {
  process.stderr.write(`fleet-agent: ${message}\n`);
  process.exit(code);
}

let parsed;
try {
  parsed = readAgentConfig();
} catch (error) {
  if (error instanceof ConfigError) fail(`${error.message} (see fleet-agent --help)`, 2);
  throw error;
}

if (parsed.help || parsed.command === undefined) {
  process.stdout.write(HELP);
} else if (parsed.command === "config") {
  process.stdout.write(`${JSON.stringify({ ...parsed.config, secret: "********" }, null, 2)}\n`);
} else {
  fail(`unknown command "${parsed.command}" (see fleet-agent --help)`, 2);
}
