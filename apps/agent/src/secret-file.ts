// The device secret read from a file (--secret-file / FLEET_AGENT_SECRET_FILE), so that it never
// appears on a command line, where every user of the device reads it (ps, /proc/PID/cmdline). Like
// ssh with a private key, the file's mode is part of the check: one that other users may read or
// write is refused (it would leak the secret as surely as the command line); one its group may read
// is accepted with a warning (a dedicated group, e.g. root:fleet-agent 0640, is a deliberate choice).
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { ConfigError } from "@fleet/settings";

export const SECRET_FILE_SETTING = "FLEET_AGENT_SECRET_FILE";
const WHO = `--secret-file (${SECRET_FILE_SETTING})`;
/** Longer than any secret the agent accepts: a file this long is not a secret file. */
const MAX_SECRET_FILE_BYTES = 4096;

export interface TSecretFileContent {
  /** the file's text without surrounding whitespace (a trailing newline is usual) */
  secret: string;
  warning?: string;
}

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;

/** Reads the secret file; a ConfigError names the file and what to do when it cannot be used. */
export function readSecretFile(file: string): TSecretFileContent {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (error) {
    throw new ConfigError(
      SECRET_FILE_SETTING,
      `${WHO} ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  try {
    // fstat of the open file: the mode checked is the mode of the file read
    const { mode } = fstatSync(fd);
    if (mode & 0o006)
      throw new ConfigError(
        SECRET_FILE_SETTING,
        `${WHO} ${file} may be ${mode & 0o004 ? "read" : "written"} by every user of this device (mode ${octal(mode)}); chmod 600 it`,
        { code: "conflict" },
      );
    const buffer = Buffer.alloc(MAX_SECRET_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > MAX_SECRET_FILE_BYTES)
        throw new ConfigError(SECRET_FILE_SETTING, `${WHO} ${file} is longer than ${MAX_SECRET_FILE_BYTES} bytes`);
    }
    const secret = buffer.subarray(0, length).toString("utf8").trim();
    const content: TSecretFileContent = { secret };
    if (mode & 0o060)
      content.warning = `${WHO} ${file} may be ${mode & 0o040 ? "read" : "written"} by its group (mode ${octal(mode)}); 0600 keeps it to the agent's user`;
    return content;
  } finally {
    closeSync(fd);
  }
}
