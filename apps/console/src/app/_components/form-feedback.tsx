"use client";

import { cloneElement, type ReactElement, type ReactNode, useId } from "react";

/** What a failed tRPC mutation carries: a message and, for invalid input, zod's flattened issues. */
export interface TMutationError {
  message: string;
  data?: unknown;
}
interface TZodFlattened {
  formErrors: string[];
  fieldErrors: Record<string, string[] | undefined>;
}

function zodErrorOf(error: TMutationError | null | undefined): TZodFlattened | null {
  const data = error?.data as { zodError?: TZodFlattened | null } | null | undefined;
  return data?.zodError ?? null;
}

/** The message of a field, if the server refused it. */
export function fieldError(error: TMutationError | null | undefined, field: string): string | undefined {
  return zodErrorOf(error)?.fieldErrors[field]?.[0];
}

/** One line for the whole form: zod's form-level errors, or the server's message (never a stack). */
export function FormError({ error }: { error: TMutationError | null | undefined }) {
  if (!error) return null;
  const zod = zodErrorOf(error);
  const text = zod ? (zod.formErrors[0] ?? "Please correct the highlighted fields.") : error.message;
  return (
    <p className="problem" role="alert">
      {text}
    </p>
  );
}

/**
 * A labelled form control. The label points at the control by id instead of wrapping it, so a
 * select's accessible name is its label alone (a wrapping <label> adds every option's text).
 */
export function Field(props: {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  children: ReactElement<{ id?: string; "aria-describedby"?: string; "aria-invalid"?: boolean }>;
}) {
  const id = useId();
  const noteId = `${id}-note`;
  const note = props.error ?? props.hint;
  const control = cloneElement(props.children, {
    id,
    ...(note ? { "aria-describedby": noteId } : {}),
    ...(props.error ? { "aria-invalid": true } : {}),
  });
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {props.label}
      </label>
      {control}
      {props.hint && !props.error ? (
        <span id={noteId} className="field-hint muted">
          {props.hint}
        </span>
      ) : null}
      {props.error ? (
        <span id={noteId} className="field-error">
          {props.error}
        </span>
      ) : null}
    </div>
  );
}
