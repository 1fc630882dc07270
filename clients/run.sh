#!/usr/bin/env bash
# Real clients against `cairn serve`: psql, pgbench, psycopg2 and
# node-postgres. Builds cairn, starts it on a temporary data directory and
# a free loopback port, runs each client, and fails loudly (non-zero exit)
# on the first thing that goes wrong. Needs psql, pgbench, python3 with
# psycopg2 (Debian's python3-psycopg2) and node with clients/node's
# packages installed (npm ci).
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "clients: FAIL: $*" >&2; [ -f "$work/server.log" ] && tail -20 "$work/server.log" >&2; exit 1; }

echo "== build cairn"
(cd .. && go build -o "$work/cairn" ./cmd/cairn)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
export PGHOST=127.0.0.1 PGPORT=$port PGUSER=cairn PGDATABASE=cairn PGCONNECT_TIMEOUT=10
CAIRN_DATA="$work/data" CAIRN_LISTEN="127.0.0.1:$port" "$work/cairn" serve --no-sync >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  pg_isready -q && break
  kill -0 "$server_pid" 2>/dev/null || fail "cairn serve exited"
  sleep 0.1
done
pg_isready -q || fail "cairn serve did not come up on port $port"
echo "cairn serve on 127.0.0.1:$port (pid $server_pid)"

passed=0
failed=0
check() { # name command...
  local name=$1; shift
  if "$@"; then echo "ok   $name"; passed=$((passed + 1)); else echo "FAIL $name"; failed=$((failed + 1)); fi
}

# expect NAME SQL-OR-META WANTED: runs psql -c and checks its output
# holds WANTED (a fixed string).
expect() {
  local out
  if ! out=$(psql -X -v ON_ERROR_STOP=1 -c "$2" 2>&1); then
    echo "$out" >&2; return 1
  fi
  if ! grep -qF -- "$3" <<<"$out"; then
    echo "psql $2: output lacks '$3':" >&2; echo "$out" >&2; return 1
  fi
}

echo "== psql"
psql -X -q -v ON_ERROR_STOP=1 <<'SQL' || fail "psql script"
CREATE TABLE films (id INTEGER PRIMARY KEY, title VARCHAR(100) NOT NULL, year INTEGER, rating NUMERIC(3,1));
CREATE INDEX films_year_idx ON films (year);
CREATE TABLE reviews (id INTEGER PRIMARY KEY, film_id INTEGER REFERENCES films ON DELETE CASCADE, stars INTEGER CHECK (stars BETWEEN 1 AND 5));
INSERT INTO films VALUES (1, 'Metropolis', 1927, 8.3), (2, 'Nosferatu', 1922, 7.9);
CREATE VIEW film_years AS SELECT title, year FROM films;
\copy films FROM stdin
3	Sunrise	1927	8.1
\.
CREATE TYPE genre AS ENUM ('drama', 'horror', 'comedy');
COMMENT ON TYPE genre IS 'film genres';
ALTER TABLE films ADD COLUMN genre genre;
UPDATE films SET genre = 'horror' WHERE id = 2;
CREATE FUNCTION title_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.title := initcap(NEW.title);
  RETURN NEW;
END $$;
CREATE TRIGGER films_title BEFORE INSERT OR UPDATE ON films FOR EACH ROW EXECUTE FUNCTION title_case();
CREATE FUNCTION film_count(y int) RETURNS bigint LANGUAGE sql STABLE AS 'SELECT count(*) FROM films WHERE year = y';
SELECT count(*) = 3 AS ok FROM films \gset
\if :ok
\else
  \echo 'films does not hold 3 rows'
  \quit
\endif
SQL
check "psql select"    expect x "SELECT title FROM films WHERE year = 1927 ORDER BY id" "Sunrise"
check "psql \\copy out" expect x "\\copy (SELECT id, title FROM films ORDER BY id) TO stdout WITH CSV" "2,Nosferatu"
check "psql \\dt"       expect x "\\dt" "films"
check "psql \\d"        expect x "\\d" "films"
check "psql \\d films"  expect x "\\d films" '"films_year_idx" btree (year)'
check "psql \\d foreign key" expect x "\\d reviews" 'FOREIGN KEY (film_id) REFERENCES films(id) ON DELETE CASCADE'
check "psql \\d check"  expect x "\\d reviews" '"reviews_stars_check" CHECK (stars BETWEEN 1 AND 5)'
check "psql \\di"       expect x "\\di" "films_year_idx"
check "psql \\d referenced by" expect x "\\d films" 'TABLE "reviews" CONSTRAINT "reviews_film_id_fkey"'
check "psql \\d+ view"   expect x "\\d+ film_years" "View definition:"
check "psql \\dT+"      expect x "\\dT+ genre" "film genres"
check "psql function"   expect x "SELECT film_count(1927)" " 2"
check "psql \\df"       expect x "\\df film_count" "| y integer"
check "psql trigger"    expect x "INSERT INTO films (id, title) VALUES (4, 'the kid') RETURNING title" "The Kid"
check "psql \\d trigger" expect x "\\d films" "films_title BEFORE INSERT OR UPDATE ON films FOR EACH ROW EXECUTE FUNCTION title_case()"
check "psql enum order" expect x "SELECT string_agg(e::text, ',' ORDER BY e) FROM unnest(enum_range(NULL::genre)) e" "drama,horror,comedy"
check "psql \\d enum column" expect x "\\d films" "genre  | genre"
check "psql \\l"        expect x "\\l" "cairn"
check "psql \\du"       expect x "\\du" "List of roles"
check "psql \\dx"       expect x "\\dx" "List of installed extensions"
expect_error() { # SQL SQLSTATE-MESSAGE: psql must fail with this message
  local out
  if out=$(psql -X -v ON_ERROR_STOP=1 -c "$1" 2>&1); then echo "psql $1 succeeded" >&2; return 1; fi
  grep -qF -- "$2" <<<"$out" || { echo "$out" >&2; return 1; }
}
check "psql error"     expect_error "SELECT * FROM nope" 'relation "nope" does not exist'
check "psql CREATE DATABASE refused" expect_error "CREATE DATABASE other" "CREATE DATABASE is not supported"

echo "== pg_dump"
# pg_dump reads the database through the catalogs, as it would
# PostgreSQL's; its output loads into a fresh cairn (psql, stopping at the
# first error), whose dump is the same, and pg_restore takes the custom
# format.
dump_test() {
  local dport ddata dpid
  pg_dump -f "$work/dump1.sql" || return 1
  grep -q "CREATE TYPE public.genre AS ENUM" "$work/dump1.sql" || { echo "dump lacks the enum" >&2; return 1; }
  grep -q "CREATE TRIGGER films_title BEFORE INSERT OR UPDATE ON public.films" "$work/dump1.sql" || { echo "dump lacks the trigger" >&2; return 1; }
  pg_dump -Fc -f "$work/dump1.custom" || return 1
  dport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  ddata="$work/dumpdata"
  CAIRN_DATA="$ddata" CAIRN_LISTEN="127.0.0.1:$dport" "$work/cairn" serve --no-sync >"$work/dump.log" 2>&1 &
  dpid=$!
  for _ in $(seq 1 100); do PGPORT=$dport pg_isready -q && break; sleep 0.1; done
  local ok=0
  if PGPORT=$dport psql -X -q -v ON_ERROR_STOP=1 -f "$work/dump1.sql" >"$work/restore.log" 2>&1 &&
     PGPORT=$dport pg_dump -f "$work/dump2.sql" &&
     diff <(grep -v '^\\\(un\)\?restrict' "$work/dump1.sql") <(grep -v '^\\\(un\)\?restrict' "$work/dump2.sql") >&2 &&
     PGPORT=$dport psql -X -q -c "DROP VIEW film_years; DROP TABLE reviews; DROP TABLE films; DROP TYPE genre; DROP FUNCTION film_count; DROP FUNCTION title_case" &&
     PGPORT=$dport pg_restore -d cairn "$work/dump1.custom" &&
     [ "$(PGPORT=$dport psql -X -At -c "SELECT count(*) FROM films WHERE genre = 'horror'")" = "1" ]; then
    ok=1
  else
    cat "$work/restore.log" >&2
  fi
  kill "$dpid"; wait "$dpid" 2>/dev/null || true
  [ "$ok" = 1 ]
}
check "pg_dump, restore, pg_dump again: same" dump_test

echo "== pgbench"
pgbench_out=$work/pgbench.out
run_pgbench() { # args...: must report zero failed transactions
  if ! pgbench "$@" >"$pgbench_out" 2>&1; then cat "$pgbench_out" >&2; return 1; fi
  grep -E "^(tps|number of (transactions actually processed|failed|transactions retried))" "$pgbench_out" | sed 's/^/    /'
  grep -q "^tps = " "$pgbench_out" || return 1
  if grep -E "^number of failed transactions: [1-9]" "$pgbench_out" >&2; then return 1; fi
}
run_pgbench_init() {
  if ! pgbench -i -s 2 -q >"$pgbench_out" 2>&1; then cat "$pgbench_out" >&2; return 1; fi
  tail -1 "$pgbench_out" | sed 's/^/    /'
}
# Concurrent TPC-B-like transactions update the same branch rows: cairn's
# snapshot isolation makes the later committer fail with 40001, which
# pgbench retries (--max-tries=0: without limit, within -T), so no
# transaction fails.
check "pgbench -i -s 2"          run_pgbench_init
check "pgbench accounts loaded"  expect x "SELECT count(*) FROM pgbench_accounts" "200000"
check "pgbench simple"           run_pgbench -c 4 -j 2 -T 10 --max-tries=0
check "pgbench -M prepared"      run_pgbench -c 4 -j 2 -T 10 --max-tries=0 -M prepared
check "pgbench -M extended"      run_pgbench -c 4 -j 2 -T 5 --max-tries=0 -M extended
check "pgbench -S"               run_pgbench -S -c 4 -j 2 -T 5 -M prepared
# Each transaction adds the same delta to an account, a teller and a
# branch: the sums agree unless a transaction was applied in part.
check "pgbench balances agree"   expect x "SELECT (SELECT sum(abalance) FROM pgbench_accounts) = (SELECT sum(tbalance) FROM pgbench_tellers) AND (SELECT sum(tbalance) FROM pgbench_tellers) = (SELECT sum(bbalance) FROM pgbench_branches) AS ok" " t"

# A server killed (SIGKILL) in the middle of a pgbench run, with synced
# commits, restarts with every committed transaction and no part of any
# other: the accounts' balances add up to the history's deltas.
kill_test() {
  local kport kdata kpid
  kport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  kdata="$work/killdata"
  CAIRN_DATA="$kdata" CAIRN_LISTEN="127.0.0.1:$kport" "$work/cairn" serve >"$work/kill.log" 2>&1 &
  kpid=$!
  for _ in $(seq 1 100); do PGPORT=$kport pg_isready -q && break; sleep 0.1; done
  PGPORT=$kport pgbench -i -s 1 -q >"$work/kill_init.log" 2>&1 || { cat "$work/kill_init.log" >&2; return 1; }
  PGPORT=$kport pgbench -c 4 -j 2 -T 20 --max-tries=0 >"$work/kill_run.log" 2>&1 &
  local bench=$!
  sleep 5
  kill -9 "$kpid"; wait "$kpid" 2>/dev/null || true
  wait "$bench" 2>/dev/null || true
  CAIRN_DATA="$kdata" CAIRN_LISTEN="127.0.0.1:$kport" "$work/cairn" serve >>"$work/kill.log" 2>&1 &
  kpid=$!
  for _ in $(seq 1 100); do PGPORT=$kport pg_isready -q && break; sleep 0.1; done
  local out
  out=$(PGPORT=$kport psql -X -At -c "SELECT (SELECT sum(abalance) FROM pgbench_accounts) = (SELECT coalesce(sum(delta), 0) FROM pgbench_history), (SELECT count(*) FROM pgbench_history)" 2>&1)
  kill "$kpid"; wait "$kpid" 2>/dev/null || true
  echo "    after SIGKILL and restart: balances = history: $out"
  [[ "$out" == t\|* ]] && [[ "$out" != "t|0" ]]
}
check "pgbench SIGKILL and restart" kill_test

echo "== psycopg2"
check "psycopg2" /usr/bin/python3 psycopg2_check.py

echo "== node-postgres"
check "node-postgres" node node/check.js

echo "clients: $passed passed, $failed failed"
[ "$failed" -eq 0 ] || fail "$failed client checks failed"
