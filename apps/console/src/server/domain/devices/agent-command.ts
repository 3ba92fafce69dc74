// The command the provisioning page shows for a new (or re-keyed) device. The secret never goes on
// the agent's command line, which every user of the device can read (ps, /proc/PID/cmdline): the
// shell's own `printf` (a builtin, so no process is started with the secret in its arguments)
// writes it to a file that `install -m 600` created for the user alone, and the agent reads it from
// there (--secret-file). Pure: the page, the CSV download and tests build the same text.

/** The file the shown command writes the secret to, in the directory it is run from. */
export const AGENT_SECRET_FILE = "fleet-agent.secret";

/** Single-quotes a shell word when it needs it (secrets are base64url, so they rarely do). */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=@-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The exact command to run on the device: write the secret to a 0600 file, then start the agent. */
export function agentCommand(options: {
  brokerUrl: string;
  deviceId: string;
  secret: string;
  deviceClass: string;
  publicKey: string;
}): string {
  const file = shellWord(AGENT_SECRET_FILE);
  const run = [
    "fleet-agent",
    "run",
    "--broker",
    options.brokerUrl,
    "--device-id",
    options.deviceId,
    "--secret-file",
    AGENT_SECRET_FILE,
    // The console's manifest-signing key: without it the agent refuses every model.
    "--public-key",
    options.publicKey,
    ...(options.deviceClass === "WEARABLE" ? ["--class", "wearable"] : []),
  ];
  return [
    `install -m 600 /dev/null ${file}`,
    `printf '%s\\n' ${shellWord(options.secret)} > ${file}`,
    run.map(shellWord).join(" "),
  ].join(" && ");
}
