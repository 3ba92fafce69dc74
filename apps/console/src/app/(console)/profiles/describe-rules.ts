/** One line for a profile's rules, e.g. "class gateway · arch arm64 · RAM ≥ 1024 MB". */
export function describeRules(rules: unknown): string {
  const r = (rules ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  const list = (value: unknown) => (Array.isArray(value) ? value.join("/") : "");
  if (Array.isArray(r["classes"]) && r["classes"].length) parts.push(`class ${list(r["classes"])}`);
  if (Array.isArray(r["arch"]) && r["arch"].length) parts.push(`arch ${list(r["arch"])}`);
  if (typeof r["ramMinMb"] === "number") parts.push(`RAM ≥ ${r["ramMinMb"]} MB`);
  if (typeof r["ramMaxMb"] === "number") parts.push(`RAM ≤ ${r["ramMaxMb"]} MB`);
  if (typeof r["coresMin"] === "number") parts.push(`≥ ${r["coresMin"]} cores`);
  if (typeof r["wasmSimd"] === "boolean") parts.push(r["wasmSimd"] ? "wasm SIMD" : "no wasm SIMD");
  if (Array.isArray(r["backends"]) && r["backends"].length) parts.push(`backends ${list(r["backends"])}`);
  if (Array.isArray(r["engines"]) && r["engines"].length) parts.push(`engines ${list(r["engines"])}`);
  return parts.length ? parts.join(" · ") : "any device";
}
