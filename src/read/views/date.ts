/** Dates in listings: UTC, sortable, unambiguous (`2024-03-01 12:34:56`). */
export function formatDate(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-'.padEnd(19);
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '-'.padEnd(19);
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/** ISO 8601 string for JSON output, or undefined. */
export function isoDate(ms: number | undefined): string | undefined {
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
