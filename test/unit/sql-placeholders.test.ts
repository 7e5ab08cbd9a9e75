import { describe, expect, it } from "vitest";
import { namedParameters, toPositional } from "../../agents/backend/index.ts";

describe("named parameters to Postgres's numbered ones", () => {
  it("numbers each name once, in order of first use, and reuses the number", () => {
    expect(toPositional("SELECT * FROM claims WHERE id = :claimId AND policy_id = :policyId OR id = :claimId")).toEqual({
      text: "SELECT * FROM claims WHERE id = $1 AND policy_id = $2 OR id = $1",
      names: ["claimId", "policyId"],
    });
  });

  it("leaves :: casts alone, before and after a parameter", () => {
    expect(toPositional("SELECT :amount::numeric, id::text, :n::int FROM t")).toEqual({
      text: "SELECT $1::numeric, id::text, $2::int FROM t",
      names: ["amount", "n"],
    });
  });

  it("skips string literals, with doubled quotes inside", () => {
    expect(toPositional("SELECT ':notMe', 'it''s :notMe either', :me")).toEqual({
      text: "SELECT ':notMe', 'it''s :notMe either', $1",
      names: ["me"],
    });
  });

  it("skips E'' strings, whose backslash escapes a quote", () => {
    expect(toPositional("SELECT E'a\\' :notMe', :me, e'\\\\', :too")).toEqual({
      text: "SELECT E'a\\' :notMe', $1, e'\\\\', $2",
      names: ["me", "too"],
    });
  });

  it("does not take a backslash in a plain string for an escape", () => {
    expect(toPositional("SELECT 'C:\\', :me")).toEqual({ text: "SELECT 'C:\\', $1", names: ["me"] });
  });

  it("skips quoted identifiers", () => {
    expect(toPositional('SELECT "odd:name", "say ""x:y""" FROM t WHERE a = :a')).toEqual({
      text: 'SELECT "odd:name", "say ""x:y""" FROM t WHERE a = $1',
      names: ["a"],
    });
  });

  it("skips line comments and nested block comments", () => {
    const sql = "SELECT :a -- :notMe\n, /* :notMe /* :norMe */ still :notMe */ :b";
    expect(toPositional(sql)).toEqual({ text: "SELECT $1 -- :notMe\n, /* :notMe /* :norMe */ still :notMe */ $2", names: ["a", "b"] });
  });

  it("skips dollar-quoted bodies, tagged or not", () => {
    const sql = "SELECT $$ :notMe $$, $fn$ :notMe $$ :stillNot $fn$, :me";
    expect(toPositional(sql)).toEqual({ text: "SELECT $$ :notMe $$, $fn$ :notMe $$ :stillNot $fn$, $1", names: ["me"] });
  });

  it("leaves text without parameters as it is, numbered parameters and $ in names included", () => {
    const sql = "SELECT a$b, $1, x[1:2] FROM t";
    expect(toPositional(sql)).toEqual({ text: sql, names: [] });
  });

  it("takes underscores and digits in names, but not a name that starts with a digit", () => {
    expect(toPositional("SELECT :claim_id2, :2x")).toEqual({ text: "SELECT $1, :2x", names: ["claim_id2"] });
  });

  it("lists the names a statement uses", () => {
    expect(namedParameters("INSERT INTO notes (ref, note) VALUES (:ref, :note) RETURNING id AS note_id")).toEqual(["ref", "note"]);
  });
});
