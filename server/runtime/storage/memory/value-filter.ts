/**
 * The search `filter` of a LangGraph store: each top-level field of the item's value must
 * equal the filter's value, or satisfy its operator object (`{ score: { $gte: 3 } }`).
 *
 * Operators and their coercions follow `InMemoryStore` (`$gt` and friends compare as numbers).
 * Where `InMemoryStore` compares objects by reference, and so never matches one, this compares
 * arrays by value and plain objects as a nested partial match, as the Python stores do.
 */
export function matchesFilter(value: Record<string, unknown>, filter: Record<string, unknown>): boolean {
  return Object.entries(filter).every(([field, expected]) => matchesValue(value[field], expected));
}

type OperatorName = "$eq" | "$ne" | "$gt" | "$gte" | "$lt" | "$lte" | "$in" | "$nin";

const OPERATORS: ReadonlySet<string> = new Set<OperatorName>(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin"]);

function matchesValue(actual: unknown, expected: unknown): boolean {
  if (isOperatorObject(expected)) {
    return Object.entries(expected).every(([op, operand]) => applyOperator(op as OperatorName, actual, operand));
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return false;
    return Object.entries(expected).every(([field, nested]) => matchesValue(actual[field], nested));
  }
  return isDeepEqual(actual, expected);
}

function applyOperator(op: OperatorName, actual: unknown, operand: unknown): boolean {
  switch (op) {
    case "$eq":
      return isDeepEqual(actual, operand);
    case "$ne":
      return !isDeepEqual(actual, operand);
    case "$gt":
      return Number(actual) > Number(operand);
    case "$gte":
      return Number(actual) >= Number(operand);
    case "$lt":
      return Number(actual) < Number(operand);
    case "$lte":
      return Number(actual) <= Number(operand);
    case "$in":
      return Array.isArray(operand) && operand.some((candidate) => isDeepEqual(actual, candidate));
    case "$nin":
      return !Array.isArray(operand) || !operand.some((candidate) => isDeepEqual(actual, candidate));
  }
}

function isOperatorObject(candidate: unknown): candidate is Record<string, unknown> {
  return isPlainObject(candidate) && Object.keys(candidate).length > 0 && Object.keys(candidate).every((k) => OPERATORS.has(k));
}

function isPlainObject(candidate: unknown): candidate is Record<string, unknown> {
  return typeof candidate === "object" && candidate !== null && !Array.isArray(candidate);
}

function isDeepEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (Array.isArray(left) && Array.isArray(right)) {
    return left.length === right.length && left.every((item, i) => isDeepEqual(item, right[i]));
  }
  if (isPlainObject(left) && isPlainObject(right)) {
    const keys = Object.keys(left);
    return keys.length === Object.keys(right).length && keys.every((k) => k in right && isDeepEqual(left[k], right[k]));
  }
  return false;
}
