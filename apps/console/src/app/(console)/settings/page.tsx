import { getConsoleConfig } from "../../../config.ts";
import { getPublicKeyInfo } from "../../../server/domain/keys/get-public-key.ts";
import { requirePageUser } from "../../page-session.ts";

/** Settings and keys: what an operator hands to devices. Public keys only; nothing secret is shown. */
export default async function SettingsPage() {
  await requirePageUser();
  const config = getConsoleConfig();
  const key = await getPublicKeyInfo({ dataDir: config.dataDir });
  return (
    <>
      <header className="page-header">
        <h1>Settings &amp; keys</h1>
        <p className="muted">
          Agents refuse any model whose manifest is not signed by this console. Give them this public key at
          provisioning.
        </p>
      </header>
      <div className="stack">
        <section className="card" data-testid="public-key">
          <div className="card-header">
            <h2>Manifest signing key (ed25519)</h2>
            <span className="muted mono" data-testid="public-key-fingerprint">
              fingerprint {key.fingerprint}
            </span>
          </div>
          <p>Public key, base64 (for the command line):</p>
          <pre className="mono" data-testid="public-key-base64">
            {key.base64}
          </pre>
          <p>On the device:</p>
          <pre className="mono">{`fleet-agent run … --public-key ${key.base64}`}</pre>
          <p>
            The same key as PEM (a file for <code>--public-key /etc/fleet-agent/console.pub</code>):
          </p>
          <pre className="mono" data-testid="public-key-pem">
            {key.pem}
          </pre>
          <p className="muted">
            Also served at <a href="/api/public-key">/api/public-key</a> and printed by{" "}
            <code>fleet-console public-key</code>. On this host it is <code>{key.path}</code>; the private key beside it
            is readable by the console&apos;s user only.
          </p>
        </section>
        <section className="card">
          <h2>Console</h2>
          <dl className="kv">
            <dt>Data directory</dt>
            <dd className="mono">{config.dataDir}</dd>
            <dt>Broker for devices</dt>
            <dd className="mono">{config.mqttUrl ?? "(MQTT_URL not set)"}</dd>
            <dt>Public URL (download links)</dt>
            <dd className="mono">{config.publicUrl ?? "(CONSOLE_PUBLIC_URL not set: links use this host)"}</dd>
            <dt>Largest model upload</dt>
            <dd>{config.uploadMaxMb} MB</dd>
          </dl>
        </section>
      </div>
    </>
  );
}
