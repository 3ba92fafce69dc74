import type { ReactNode } from "react";

/** The console's list table: header row, the rows given as children, and a muted full-width row when empty. */
export function DataTable({
  testId,
  headers,
  isEmpty,
  empty,
  children,
}: {
  testId: string;
  headers: string[];
  isEmpty: boolean;
  empty: ReactNode;
  children: ReactNode;
}) {
  return (
    <table className="table" data-testid={testId}>
      <thead>
        <tr>
          {headers.map((h) => (
            <th key={h}>{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {children}
        {isEmpty ? (
          <tr>
            <td colSpan={headers.length} className="muted">
              {empty}
            </td>
          </tr>
        ) : null}
      </tbody>
    </table>
  );
}
