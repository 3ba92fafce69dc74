// Test helper: asserts a promise rejects with a RuntimeError of the given code mentioning a string.
import { expect } from "vitest";
import { isRuntimeError, type RuntimeErrorCode } from "../errors.ts";

export async function expectCode(promise: Promise<unknown>, code: RuntimeErrorCode, mention: string): Promise<void> {
  try {
    await promise;
    expect.unreachable(`expected ${code}`);
  } catch (error) {
    if (!isRuntimeError(error)) throw error;
    expect(error.code).toBe(code);
    expect(error.message).toContain(mention);
  }
}
