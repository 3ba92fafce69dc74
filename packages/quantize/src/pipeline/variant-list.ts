// The --variants list of fleet-quantize: each name checked against the known variant kinds.
import { ZVariantKind, type TVariantKind } from "@fleet/variants";
import { QuantizeError } from "../errors.ts";

/** "fp16,int8-channel" -> ["fp16", "int8-channel"]; unknown names are refused by name */
export function parseVariantList(list: string): TVariantKind[] {
  const names = list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new QuantizeError("OPTIONS_INVALID", "--variants is empty");
  return names.map((name) => {
    const parsed = ZVariantKind.safeParse(name);
    if (!parsed.success)
      throw new QuantizeError(
        "OPTIONS_INVALID",
        `--variants: unknown variant "${name}" (known: ${ZVariantKind.options.join(", ")})`,
      );
    return parsed.data;
  });
}
