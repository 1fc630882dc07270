"""psycopg2 against cairn: connect, create, parameters, transactions,
errors with pgcode, copy_expert. Exits non-zero on the first surprise."""
import datetime
import decimal
import io
import os
import sys

import psycopg2
import psycopg2.errors


def main():
    conn = psycopg2.connect(host="127.0.0.1", port=int(os.environ["PGPORT"]), user="py", dbname="whatever")
    cur = conn.cursor()
    cur.execute("DROP TABLE IF EXISTS py_items")
    cur.execute(
        "CREATE TABLE py_items (id INTEGER PRIMARY KEY, name TEXT, price NUMERIC(10,2), day DATE, raw BYTEA, flag BOOLEAN)"
    )
    conn.commit()
    rows = [(i, "item %d" % i, decimal.Decimal("%d.50" % i), datetime.date(2024, 1, i), bytes([i, 0, 255]), i % 2 == 0) for i in range(1, 11)]
    cur.executemany("INSERT INTO py_items VALUES (%s, %s, %s, %s, %s, %s)", rows)
    conn.commit()
    cur.execute("SELECT id, name, price, day, raw, flag FROM py_items WHERE id = %s", (4,))
    got = cur.fetchone()
    assert got == (4, "item 4", decimal.Decimal("4.50"), datetime.date(2024, 1, 4), memoryview(bytes([4, 0, 255])), True) or (
        got[:4] == (4, "item 4", decimal.Decimal("4.50"), datetime.date(2024, 1, 4)) and bytes(got[4]) == bytes([4, 0, 255]) and got[5] is True
    ), got

    # Transactions: rollback undoes.
    cur.execute("DELETE FROM py_items WHERE id > %s", (5,))
    conn.rollback()
    cur.execute("SELECT count(*) FROM py_items")
    assert cur.fetchone()[0] == 10

    # Errors carry pgcode; the transaction is then aborted until rollback.
    try:
        cur.execute("INSERT INTO py_items (id) VALUES (1)")
        raise AssertionError("duplicate key accepted")
    except psycopg2.errors.UniqueViolation as e:
        assert e.pgcode == "23505", e.pgcode
    try:
        cur.execute("SELECT 1")
        raise AssertionError("aborted transaction accepted a statement")
    except psycopg2.errors.InFailedSqlTransaction as e:
        assert e.pgcode == "25P02"
    conn.rollback()
    try:
        cur.execute("SELECT * FROM no_such_table")
    except psycopg2.Error as e:
        assert e.pgcode == "42P01", e.pgcode
    conn.rollback()

    # COPY in and out through copy_expert.
    cur.execute("CREATE TABLE py_copy (id INTEGER, note TEXT)")
    data = io.StringIO("id,note\n1,hello\n2,\"with, comma\"\n3,\n")
    cur.copy_expert("COPY py_copy FROM STDIN WITH (FORMAT csv, HEADER true)", data)
    conn.commit()
    out = io.StringIO()
    cur.copy_expert("COPY (SELECT id, note FROM py_copy ORDER BY id) TO STDOUT WITH CSV", out)
    assert out.getvalue() == '1,hello\n2,"with, comma"\n3,\n', repr(out.getvalue())
    cur.execute("SELECT note FROM py_copy WHERE id = 3")
    assert cur.fetchone()[0] is None

    # An enum type: values come back as str, parameters go in as str and
    # order as declared; an unknown label is 22P02.
    cur.execute("CREATE TYPE py_size AS ENUM ('small', 'medium', 'large')")
    cur.execute("CREATE TABLE py_shirts (id INTEGER PRIMARY KEY, size py_size)")
    cur.executemany("INSERT INTO py_shirts VALUES (%s, %s)", [(1, "large"), (2, "small"), (3, "medium")])
    cur.execute("SELECT id, size FROM py_shirts WHERE size >= %s ORDER BY size", ("medium",))
    assert cur.fetchall() == [(3, "medium"), (1, "large")]
    conn.commit()
    try:
        cur.execute("INSERT INTO py_shirts VALUES (4, %s)", ("huge",))
        raise AssertionError("an unknown enum label was accepted")
    except psycopg2.Error as e:
        assert e.pgcode == "22P02", e.pgcode
    conn.rollback()

    # Autocommit mode and server version parsing.
    conn.commit()
    conn.autocommit = True
    cur.execute("SELECT version()")
    assert cur.fetchone()[0].startswith("PostgreSQL 15.")
    assert conn.server_version >= 150000, conn.server_version
    conn.close()
    print("psycopg2: all checks passed")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 - any failure fails the check
        print("psycopg2 check FAILED: %r" % (e,), file=sys.stderr)
        sys.exit(1)
