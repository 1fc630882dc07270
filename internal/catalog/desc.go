package catalog

import (
	"encoding/binary"
	"slices"
)

// Kind is the kind of a catalog object.
type Kind string

const (
	KindTable    Kind = "table"
	KindView     Kind = "view"
	KindSequence Kind = "sequence"
)

// PrimaryIndexID is the id of every table's primary index.
const PrimaryIndexID = 1

// Descriptor describes a table, view or sequence.
type Descriptor struct {
	ID   uint32 `json:"id"`
	Name string `json:"name"`
	Kind Kind   `json:"kind"`

	// Tables.
	Columns      []Column     `json:"columns,omitempty"`
	NextColumnID uint32       `json:"next_column_id,omitempty"`
	Primary      Index        `json:"primary,omitempty"`
	Indexes      []Index      `json:"indexes,omitempty"`
	NextIndexID  uint32       `json:"next_index_id,omitempty"`
	Checks       []Check      `json:"checks,omitempty"`
	ForeignKeys  []ForeignKey `json:"foreign_keys,omitempty"`
	// Triggers are the table's row triggers, in name order (the order
	// PostgreSQL fires triggers of the same event and timing in).
	Triggers []Trigger `json:"triggers,omitempty"`
	// Comment is COMMENT ON's text for the table, view or sequence.
	Comment string `json:"comment,omitempty"`
	// Temp marks a temporary table: its session drops it when it ends,
	// and opening the database drops any a crash left.
	Temp bool `json:"temp,omitempty"`
	// MatView is a materialized view's query (SQL text): the table holds
	// its rows as of the last REFRESH. Unpopulated: created WITH NO DATA
	// (or refreshed so), not readable until refreshed.
	MatView     string `json:"matview,omitempty"`
	Unpopulated bool   `json:"unpopulated,omitempty"`

	// Views: the query as SQL text, and its output column names.
	ViewQuery   string   `json:"view_query,omitempty"`
	ViewColumns []string `json:"view_columns,omitempty"`

	// Sequences.
	Sequence *Sequence `json:"sequence,omitempty"`
}

// Trigger is a trigger (CREATE TRIGGER): the function it runs for each
// row an INSERT, UPDATE or DELETE writes, before the write (it may
// change or skip the row) or after it, or once per statement.
type Trigger struct {
	Name   string   `json:"name"`
	Before bool     `json:"before,omitempty"`
	Events []string `json:"events"` // "insert", "update", "delete"
	// Function names the trigger function (no arguments, RETURNS
	// trigger), looked up when the trigger fires.
	Function string `json:"function"`
	// When is the WHEN condition as SQL text over NEW and OLD ("" for
	// none).
	When string `json:"when,omitempty"`
	// Statement: FOR EACH STATEMENT, fired once per statement (before
	// its first row or after its last) rather than per row.
	Statement bool `json:"statement,omitempty"`
}

// Column is a table column.
type Column struct {
	ID   uint32 `json:"id"`
	Name string `json:"name"`
	// Type is the PostgreSQL name of the column's type.
	Type string `json:"type"`
	// Enum is a copy of the descriptor of the column's enum type (of its
	// element type for an array of one); nil for the built-in types.
	Enum    *TypeDesc `json:"enum,omitempty"`
	NotNull bool      `json:"not_null,omitempty"`
	// Default is the default expression as SQL text; empty for none.
	Default string `json:"default,omitempty"`
	// Hidden columns (the row id of a table without a primary key) are
	// not part of SELECT * and cannot be named by INSERT.
	Hidden bool `json:"hidden,omitempty"`
	// Identity is "always" or "by default" for GENERATED ... AS IDENTITY.
	Identity string `json:"identity,omitempty"`
	// Generated is the expression (SQL text) of a generated column
	// (GENERATED ALWAYS AS (expr) STORED): computed from the row's other
	// columns whenever the row is written, never assigned.
	Generated string `json:"generated,omitempty"`
	// Comment is COMMENT ON COLUMN's text.
	Comment string `json:"comment,omitempty"`
}

// Index is a primary or secondary index.
type Index struct {
	ID      uint32        `json:"id"`
	Name    string        `json:"name"`
	Unique  bool          `json:"unique,omitempty"`
	Columns []IndexColumn `json:"columns"`
	// Predicate makes a partial index: SQL text of its WHERE clause.
	Predicate string `json:"predicate,omitempty"`
	// Method is "btree" (the default, also ""), "gin" or "fts".
	Method string `json:"method,omitempty"`
	// Options are the index's WITH (name = value) parameters, e.g. an
	// fts index's analyzer.
	Options map[string]string `json:"options,omitempty"`
	// Terms is the layout of a GIN index's leaf terms (jsonb.TermLayout):
	// 0 for the indexes made before terms were grouped by path, which
	// keep their layout.
	Terms uint8 `json:"terms,omitempty"`
	// Comment is COMMENT ON INDEX's text.
	Comment string `json:"comment,omitempty"`
	// NullsNotDistinct: a unique index whose NULLs are equal (UNIQUE
	// NULLS NOT DISTINCT), so two rows with a NULL key collide.
	NullsNotDistinct bool `json:"nulls_not_distinct,omitempty"`
	// Primary marks the unique index ALTER TABLE ADD PRIMARY KEY made on
	// a table keyed by its hidden row ids: the table's primary key, for
	// everything but storage.
	Primary bool `json:"primary,omitempty"`
}

// IndexColumn is one key column of an index: a column or an expression.
type IndexColumn struct {
	ColumnID uint32 `json:"column_id,omitempty"`
	// Expr is an index expression as SQL text (ColumnID 0).
	Expr string `json:"expr,omitempty"`
	Desc bool   `json:"desc,omitempty"`
}

// Check is a CHECK constraint.
type Check struct {
	Name string `json:"name"`
	Expr string `json:"expr"`
}

// FKAction is what a foreign key does when the referenced row goes.
type FKAction string

const (
	FKRestrict FKAction = "restrict"
	FKCascade  FKAction = "cascade"
	FKSetNull  FKAction = "set null"
	FKNoAction FKAction = "no action"
)

// ForeignKey references another table's primary or unique key.
type ForeignKey struct {
	Name      string   `json:"name"`
	Columns   []uint32 `json:"columns"`
	RefTable  uint32   `json:"ref_table"`
	RefColumn []uint32 `json:"ref_columns"`
	OnDelete  FKAction `json:"on_delete,omitempty"`
	OnUpdate  FKAction `json:"on_update,omitempty"`
	// Deferrable: SET CONSTRAINTS may defer the key's checks to commit;
	// InitiallyDeferred: they are, unless SET CONSTRAINTS says otherwise.
	Deferrable        bool `json:"deferrable,omitempty"`
	InitiallyDeferred bool `json:"initially_deferred,omitempty"`
}

// Sequence holds a sequence's parameters.
type Sequence struct {
	Start     int64 `json:"start"`
	Increment int64 `json:"increment"`
	Min       int64 `json:"min"`
	Max       int64 `json:"max"`
	Cycle     bool  `json:"cycle,omitempty"`
	// OwnedBy is the table and column a SERIAL column's sequence belongs
	// to (dropped with it).
	OwnedByTable  uint32 `json:"owned_by_table,omitempty"`
	OwnedByColumn uint32 `json:"owned_by_column,omitempty"`
}

// Column returns the column named name, or nil.
func (d *Descriptor) Column(name string) *Column {
	for i := range d.Columns {
		if d.Columns[i].Name == name {
			return &d.Columns[i]
		}
	}
	return nil
}

// RowIDKeyed reports whether d's primary key is its hidden row id: a
// table created without a primary key of its own.
func (d *Descriptor) RowIDKeyed() bool {
	if len(d.Primary.Columns) == 0 {
		return false
	}
	c := d.ColumnByID(d.Primary.Columns[0].ColumnID)
	return c != nil && c.Hidden
}

// ColumnByID returns the column with id, or nil.
func (d *Descriptor) ColumnByID(id uint32) *Column {
	for i := range d.Columns {
		if d.Columns[i].ID == id {
			return &d.Columns[i]
		}
	}
	return nil
}

// Index returns the index named name (the primary one included), or nil.
func (d *Descriptor) Index(name string) *Index {
	if d.Primary.Name == name {
		return &d.Primary
	}
	for i := range d.Indexes {
		if d.Indexes[i].Name == name {
			return &d.Indexes[i]
		}
	}
	return nil
}

// AddColumn appends a column, giving it the next column id.
func (d *Descriptor) AddColumn(c Column) *Column {
	if d.NextColumnID == 0 {
		d.NextColumnID = 1
	}
	c.ID = d.NextColumnID
	d.NextColumnID++
	d.Columns = append(d.Columns, c)
	return &d.Columns[len(d.Columns)-1]
}

// AddIndex appends a secondary index, giving it the next index id.
func (d *Descriptor) AddIndex(ix Index) *Index {
	if d.NextIndexID <= PrimaryIndexID {
		d.NextIndexID = PrimaryIndexID + 1
	}
	ix.ID = d.NextIndexID
	d.NextIndexID++
	d.Indexes = append(d.Indexes, ix)
	return &d.Indexes[len(d.Indexes)-1]
}

// Clone returns a deep copy.
func (d *Descriptor) Clone() *Descriptor {
	c := *d
	c.Columns = slices.Clone(d.Columns)
	c.Primary.Columns = slices.Clone(d.Primary.Columns)
	c.Indexes = slices.Clone(d.Indexes)
	for i := range c.Indexes {
		c.Indexes[i].Columns = slices.Clone(d.Indexes[i].Columns)
	}
	c.Checks = slices.Clone(d.Checks)
	c.ForeignKeys = slices.Clone(d.ForeignKeys)
	for i := range c.ForeignKeys {
		c.ForeignKeys[i].Columns = slices.Clone(d.ForeignKeys[i].Columns)
		c.ForeignKeys[i].RefColumn = slices.Clone(d.ForeignKeys[i].RefColumn)
	}
	c.ViewColumns = slices.Clone(d.ViewColumns)
	c.Triggers = slices.Clone(d.Triggers)
	for i := range c.Triggers {
		c.Triggers[i].Events = slices.Clone(d.Triggers[i].Events)
	}
	if d.Sequence != nil {
		s := *d.Sequence
		c.Sequence = &s
	}
	return &c
}

// IndexPrefix returns the key prefix of an index's entries.
func IndexPrefix(dst []byte, tableID, indexID uint32) []byte {
	dst = append(dst, 't')
	dst = binary.BigEndian.AppendUint32(dst, tableID)
	return binary.BigEndian.AppendUint32(dst, indexID)
}

// TablePrefix returns the key prefix of all of a table's indexes.
func TablePrefix(dst []byte, tableID uint32) []byte {
	dst = append(dst, 't')
	return binary.BigEndian.AppendUint32(dst, tableID)
}
