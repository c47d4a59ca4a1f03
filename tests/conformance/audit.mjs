// GraphQL-over-HTTP conformance: graphql-http's server audits against a live server.
//
//   node tests/conformance/audit.mjs http://127.0.0.1:8000/graphql
//
// Prints one line per audit that is not "ok" (status, id, name, reason), then a
// summary line "graphql-http audit: <n> ok, <n> notice, <n> warn, <n> error".
// Exits 1 when any audit ends in "warn" or "error", 2 on bad usage.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql endpoint url>');
  process.exit(2);
}

const results = await auditServer({ url });
const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
for (const result of results) {
  counts[result.status] += 1;
  if (result.status !== 'ok') {
    console.log(`${result.status.toUpperCase()} [${result.id}] ${result.name}: ${result.reason}`);
  }
}
console.log(
  `graphql-http audit: ${counts.ok} ok, ${counts.notice} notice, ` +
    `${counts.warn} warn, ${counts.error} error (${results.length} audits)`,
);
process.exit(counts.warn + counts.error > 0 ? 1 : 0);
