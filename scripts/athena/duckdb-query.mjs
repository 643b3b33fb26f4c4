// Runs SQL in an in-memory DuckDB and prints the last statement's result as
// JSON, every value as text (null for NULL), the way Athena's
// GetQueryResults returns cells: {"columns": [...], "rows": [[...], ...]}.
// Usage: node duckdb-query.mjs SETUP.sql QUERY.sql
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [setupFile, queryFile] = process.argv.slice(2);
if (!setupFile || !queryFile) {
  console.error('usage: node duckdb-query.mjs SETUP.sql QUERY.sql');
  process.exit(2);
}
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
await conn.run(readFileSync(setupFile, 'utf8'));
const reader = await conn.runAndReadAll(readFileSync(queryFile, 'utf8'));
const rows = reader.getRows().map((row) => row.map((v) => (v === null ? null : String(v))));
process.stdout.write(JSON.stringify({ columns: reader.columnNames(), rows }) + '\n');
