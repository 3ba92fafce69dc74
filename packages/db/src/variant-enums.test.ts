// The database spells the variant vocabulary exactly as @fleet/variants does (no translation
// tables): the Prisma enums Precision and Engine hold the same words, in the same order.
import { ENGINES, PRECISIONS, type TEngine, type TPrecision } from "@fleet/variants";
import { describe, expect, expectTypeOf, it } from "vitest";
import { Engine, Precision } from "./generated/prisma/enums.ts";

describe("the database's variant enums", () => {
  it("are the vocabulary's precisions and engines", () => {
    expect(Object.values(Precision)).toEqual([...PRECISIONS]);
    expect(Object.values(Engine)).toEqual([...ENGINES]);
    expectTypeOf<Precision>().toEqualTypeOf<TPrecision>();
    expectTypeOf<Engine>().toEqualTypeOf<TEngine>();
  });
});
