"use client";

import { useState } from "react";

/** A device's one-time secret and the command to run on it. */
export function SecretReveal({ device }: { device: { id: string; secret: string; command: string } }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(device.command).then(() => setCopied(true));
  };
  return (
    <div className="secret-box" data-testid="secret-reveal" data-device-id={device.id}>
      <strong>Secret of {device.id}: shown only now.</strong> Copy it to the device; it cannot be shown again (rotate it
      if lost).
      <pre data-testid="device-secret">{device.secret}</pre>
      <p style={{ margin: "10px 0 0" }}>
        Run on the device (it writes the secret to a file only its user can read, so the secret never shows in the
        process list):
      </p>
      <pre data-testid="agent-command">{device.command}</pre>
      <div className="actions" style={{ marginTop: 8 }}>
        <button type="button" className="button" onClick={copy}>
          {copied ? "Copied" : "Copy command"}
        </button>
      </div>
    </div>
  );
}
