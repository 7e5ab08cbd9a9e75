export { formatMoney } from "./money.ts";
export { RECORD_IDENTIFIER, recordIdentifiers } from "./identifiers.ts";
