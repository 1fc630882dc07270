package catalog

import (
	"testing"

	"github.com/cairndb/cairn/internal/lsm"
	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/vfs"
)

func openDB(t *testing.T) *mvcc.DB {
	t.Helper()
	db, err := mvcc.Open("db", &mvcc.Options{LSM: lsm.Options{FS: vfs.NewMem(), MemTableSize: 1 << 20}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func begin(t *testing.T, db *mvcc.DB) *mvcc.Txn {
	t.Helper()
	txn, err := db.Begin(mvcc.TxnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return txn
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code sqlerr.Code) {
	t.Helper()
	if got := sqlerr.CodeOf(err); got != code {
		t.Fatalf("error %v has code %s, want %s", err, got, code)
	}
}

func usersTable() *Descriptor {
	d := &Descriptor{Name: "users", Kind: KindTable}
	id := d.AddColumn(Column{Name: "id", Type: "bigint", NotNull: true})
	d.AddColumn(Column{Name: "email", Type: "text"})
	d.Primary = Index{ID: PrimaryIndexID, Name: "users_pkey", Unique: true, Columns: []IndexColumn{{ColumnID: id.ID}}}
	d.AddIndex(Index{Name: "users_email_key", Unique: true, Columns: []IndexColumn{{ColumnID: 2}}})
	return d
}

func TestCreateGetDrop(t *testing.T) {
	db := openDB(t)
	txn := begin(t, db)
	d := usersTable()
	must(t, Create(txn, d))
	if d.ID < 100 {
		t.Fatalf("id %d is in the reserved range", d.ID)
	}
	must(t, txn.Commit())

	txn = begin(t, db)
	got, err := Get(txn, "users")
	must(t, err)
	if got.ID != d.ID || len(got.Columns) != 2 || got.Column("email").Type != "text" || got.Index("users_email_key") == nil {
		t.Fatalf("got %+v", got)
	}
	tbl, ixID, ok, err := LookupIndex(txn, "users_email_key")
	must(t, err)
	if !ok || tbl.ID != d.ID || ixID != 2 {
		t.Fatalf("index lookup: %v %d %v", tbl, ixID, ok)
	}
	_, err = Get(txn, "nope")
	wantCode(t, err, sqlerr.UndefinedTable)
	// Names are one namespace: a table may not take an index's name.
	err = Create(txn, &Descriptor{Name: "users_pkey", Kind: KindTable})
	wantCode(t, err, sqlerr.DuplicateTable)
	err = Create(txn, usersTable())
	wantCode(t, err, sqlerr.DuplicateTable)

	// Rows under the table's prefix go with it.
	row := append(IndexPrefix(nil, d.ID, PrimaryIndexID), 1)
	must(t, txn.Put(row, []byte("row")))
	must(t, txn.Commit())

	txn = begin(t, db)
	v1, err := SchemaVersion(txn)
	must(t, err)
	must(t, Drop(txn, got))
	must(t, txn.Commit())
	txn = begin(t, db)
	defer txn.Rollback()
	if _, ok, err := Lookup(txn, "users"); ok || err != nil {
		t.Fatalf("dropped table still found: %v", err)
	}
	if _, _, ok, _ := LookupIndex(txn, "users_email_key"); ok {
		t.Fatal("dropped table's index still named")
	}
	if _, ok, _ := txn.Get(row); ok {
		t.Fatal("dropped table's row survived")
	}
	if v2, _ := SchemaVersion(txn); v2 <= v1 {
		t.Fatalf("schema version %d after drop, was %d", v2, v1)
	}
	// Ids are never reused.
	must(t, Create(txn, usersTable()))
	if all, _ := List(txn); len(all) != 1 || all[0].ID == d.ID {
		t.Fatalf("recreated table reuses id %d", d.ID)
	}
}

func TestDDLRollsBackWithTransaction(t *testing.T) {
	db := openDB(t)
	txn := begin(t, db)
	must(t, Create(txn, usersTable()))
	must(t, txn.Rollback())
	txn = begin(t, db)
	defer txn.Rollback()
	if _, ok, _ := Lookup(txn, "users"); ok {
		t.Fatal("table created in a rolled-back transaction exists")
	}
	v, _ := SchemaVersion(txn)
	if v != 0 {
		t.Fatalf("schema version %d after a rollback", v)
	}
}

func TestUpdateRenamesAndReindexes(t *testing.T) {
	db := openDB(t)
	txn := begin(t, db)
	d := usersTable()
	must(t, Create(txn, d))
	d.Name = "people"
	d.Indexes[0].Name = "people_email_key"
	d.AddColumn(Column{Name: "age", Type: "integer"})
	must(t, Update(txn, d))
	if _, ok, _ := Lookup(txn, "users"); ok {
		t.Fatal("old name still resolves")
	}
	got, err := Get(txn, "people")
	must(t, err)
	if got.Column("age") == nil || got.Column("age").ID != 3 {
		t.Fatalf("added column: %+v", got.Columns)
	}
	if _, _, ok, _ := LookupIndex(txn, "users_email_key"); ok {
		t.Fatal("old index name still resolves")
	}
	if _, ix, ok, _ := LookupIndex(txn, "people_email_key"); !ok || ix != 2 {
		t.Fatal("renamed index not found")
	}
	// A rename onto a taken name fails.
	other := &Descriptor{Name: "other", Kind: KindView, ViewQuery: "SELECT 1"}
	must(t, Create(txn, other))
	got.Name = "other"
	wantCode(t, Update(txn, got), sqlerr.DuplicateTable)
	// Duplicate columns are refused.
	dup := usersTable()
	dup.Name = "dup"
	dup.Columns[1].Name = "id"
	wantCode(t, Create(txn, dup), sqlerr.DuplicateColumn)
	must(t, txn.Rollback())
}

func TestCloneIsDeep(t *testing.T) {
	d := usersTable()
	c := d.Clone()
	c.Columns[0].Name = "x"
	c.Indexes[0].Columns[0].ColumnID = 9
	if d.Columns[0].Name != "id" || d.Indexes[0].Columns[0].ColumnID != 2 {
		t.Fatal("Clone shares memory with the original")
	}
}
