// node-postgres against cairn: parameters, named prepared statements,
// transactions and errors. Exits non-zero on the first surprise.
'use strict';
const { Client } = require('pg');
const assert = require('assert');

async function main() {
  const client = new Client({
    host: '127.0.0.1',
    port: Number(process.env.PGPORT),
    user: 'node',
    database: 'cairn',
  });
  await client.connect();
  await client.query('DROP TABLE IF EXISTS node_items');
  await client.query('CREATE TABLE node_items (id INTEGER PRIMARY KEY, name TEXT, price NUMERIC(10,2), tags TEXT[], doc JSONB, at TIMESTAMPTZ)');

  // Parameters (node-postgres sends them as text with unspecified types).
  for (let i = 1; i <= 20; i++) {
    const r = await client.query(
      'INSERT INTO node_items (id, name, price, tags, doc, at) VALUES ($1, $2, $3, $4, $5, $6)',
      [i, `item ${i}`, (i * 1.25).toFixed(2), ['a', `t${i}`], { n: i }, new Date(Date.UTC(2024, 0, i))]);
    assert.strictEqual(r.rowCount, 1);
  }
  let r = await client.query('SELECT id, name, price, tags, doc, at FROM node_items WHERE id = $1', [3]);
  assert.strictEqual(r.rows.length, 1);
  assert.strictEqual(r.rows[0].id, 3);
  assert.strictEqual(r.rows[0].name, 'item 3');
  assert.strictEqual(r.rows[0].price, '3.75');
  assert.deepStrictEqual(r.rows[0].tags, ['a', 't3']);
  assert.deepStrictEqual(r.rows[0].doc, { n: 3 });
  assert.strictEqual(r.rows[0].at.toISOString(), '2024-01-03T00:00:00.000Z');

  // Named prepared statements, reused.
  for (const id of [1, 2, 5]) {
    r = await client.query({ name: 'by-id', text: 'SELECT name FROM node_items WHERE id = $1', values: [id] });
    assert.strictEqual(r.rows[0].name, `item ${id}`);
  }
  r = await client.query({ name: 'count-above', text: 'SELECT count(*)::int AS n FROM node_items WHERE price > $1', values: ['10'] });
  assert.strictEqual(r.rows[0].n, 12);

  // Transactions: rollback undoes, commit keeps.
  await client.query('BEGIN');
  await client.query('DELETE FROM node_items WHERE id > $1', [10]);
  await client.query('ROLLBACK');
  r = await client.query('SELECT count(*)::int AS n FROM node_items');
  assert.strictEqual(r.rows[0].n, 20);
  await client.query('BEGIN');
  await client.query('UPDATE node_items SET name = $1 WHERE id = $2', ['renamed', 1]);
  await client.query('COMMIT');
  r = await client.query('SELECT name FROM node_items WHERE id = 1');
  assert.strictEqual(r.rows[0].name, 'renamed');

  // An enum type: a string in, a string out, ordered as declared.
  await client.query("CREATE TYPE node_prio AS ENUM ('low', 'high', 'urgent')");
  await client.query('CREATE TABLE node_tasks (id int PRIMARY KEY, prio node_prio)');
  await client.query('INSERT INTO node_tasks VALUES ($1, $2), ($3, $4)', [1, 'urgent', 2, 'low']);
  r = await client.query('SELECT id, prio FROM node_tasks WHERE prio > $1 ORDER BY prio', ['low']);
  assert.deepStrictEqual(r.rows, [{ id: 1, prio: 'urgent' }]);

  // Errors carry SQLSTATE and position; the connection goes on.
  await assert.rejects(client.query('INSERT INTO node_items (id) VALUES (1)'), (e) => e.code === '23505');
  await assert.rejects(client.query('SELECT * FROM no_such_table'), (e) => e.code === '42P01' && e.position === '15');
  await assert.rejects(client.query('SELEC 1'), (e) => e.code === '42601');
  await client.query('BEGIN');
  await assert.rejects(client.query('SELECT 1/0'), (e) => e.code === '22012');
  await assert.rejects(client.query('SELECT 1'), (e) => e.code === '25P02');
  await client.query('ROLLBACK');
  r = await client.query('SELECT 1 + 1 AS two');
  assert.strictEqual(r.rows[0].two, 2);

  await client.end();
  console.log('node-postgres: all checks passed');
}

main().catch((e) => {
  console.error('node-postgres check FAILED:', e);
  process.exit(1);
});
