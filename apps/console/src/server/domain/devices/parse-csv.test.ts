import { describe, expect, it } from "vitest";
import { parseCsv } from "./parse-csv.ts";

describe("parseCsv", () => {
  it("reads quotes, doubled quotes, CRLF and skips blank lines, keeping line numbers", () => {
    expect(parseCsv('id,name\r\n\r\ngw-1,"Hall, ""north"""\nwr-2,plain\n')).toEqual([
      { line: 1, cells: ["id", "name"] },
      { line: 3, cells: ["gw-1", 'Hall, "north"'] },
      { line: 4, cells: ["wr-2", "plain"] },
    ]);
  });

  it("keeps a quoted newline inside its cell", () => {
    expect(parseCsv('a,"x\ny"\nb,c')).toEqual([
      { line: 1, cells: ["a", "x\ny"] },
      { line: 3, cells: ["b", "c"] },
    ]);
  });
});
