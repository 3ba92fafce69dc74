// Typed errors of the broker. Each message is one line naming the setting and what to do;
// `main` prints it as is (never a stack) and picks the exit code from the class.

// A bad setting is @fleet/settings' ConfigError (exit code 2), shared by every bin.
export type TBrokerErrorCode =
  | "port_in_use" // a listener's port is taken (exit code 1)
  | "port_forbidden" // the process may not bind that port (exit code 1)
  | "listen_failed"; // any other failure to open a listener (exit code 1)

export class BrokerError extends Error {
  override readonly name: string = "BrokerError";
  readonly code: TBrokerErrorCode;

  constructor(code: TBrokerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** A listener could not be opened. */
export class ListenError extends BrokerError {
  override readonly name = "ListenError";
  readonly setting: string;
  readonly port: number;

  constructor(
    code: "port_in_use" | "port_forbidden" | "listen_failed",
    setting: string,
    port: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.setting = setting;
    this.port = port;
  }
}
