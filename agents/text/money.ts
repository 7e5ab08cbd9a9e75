const GBP = new Intl.NumberFormat("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Formats an amount of money the way letters, approvals and answers print it (GBP). */
export function formatMoney(value: unknown): string {
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(n)) return String(value);
  return `£${GBP.format(n)}`;
}
