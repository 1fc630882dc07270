package ast

// Query is a complete query: WITH, a body, ORDER BY and LIMIT/OFFSET.
// It is the SELECT statement, the source of INSERT ... SELECT, a subquery,
// and (parenthesised with its own ORDER BY or LIMIT) an operand of a set
// operation.
type Query struct {
	Pos
	With    *With
	Body    QueryExpr
	OrderBy []OrderItem
	Limit   Expr // LIMIT n, or FETCH FIRST n ROWS ONLY; nil for none or ALL
	Offset  Expr
	// WithTies: FETCH FIRST n ROWS WITH TIES, the rows that tie with
	// the n-th in ORDER BY too.
	WithTies bool
	Locking  []Locking
}

// With is a WITH clause.
type With struct {
	Pos
	Recursive bool
	CTEs      []*CTE
}

// CTE is one common table expression: name [(cols)] AS (query).
type CTE struct {
	Pos
	Name    string
	Columns []string
	Query   Statement // a *Query, or INSERT/UPDATE/DELETE ... RETURNING
}

// LockStrength is FOR UPDATE, FOR SHARE...
type LockStrength uint8

const (
	ForUpdate LockStrength = iota
	ForNoKeyUpdate
	ForShare
	ForKeyShare
)

// Locking is a FOR UPDATE / FOR SHARE clause.
type Locking struct {
	Strength LockStrength
	Of       []TableName
	Wait     LockWait
}

// LockWait is the NOWAIT / SKIP LOCKED option of a locking clause.
type LockWait uint8

const (
	LockWaitBlock LockWait = iota
	LockNoWait
	LockSkipLocked
)

// Select is one SELECT ... FROM ... WHERE ... GROUP BY ... HAVING block.
type Select struct {
	Pos
	Distinct   bool
	DistinctOn []Expr // DISTINCT ON (...); implies Distinct
	Targets    []Target
	From       []TableExpr // comma-separated items
	Where      Expr
	GroupBy    []Expr // expressions and *GroupingSet elements
	// GroupByDistinct is GROUP BY DISTINCT: drop duplicate grouping sets.
	GroupByDistinct bool
	Having          Expr
	Windows         []WindowDef
	// Into is SELECT ... INTO [TEMP] [TABLE] name: the parser turns a
	// statement's into CREATE TABLE ... AS; elsewhere it is an error.
	Into *SelectInto
}

// SelectInto is the table SELECT ... INTO creates.
type SelectInto struct {
	Name TableName
	Temp bool
}

// Target is one item of a select list or RETURNING clause.
type Target struct {
	Pos
	Expr  Expr
	Alias string // "" when none
}

// WindowDef is name AS (spec) in a WINDOW clause.
type WindowDef struct {
	Name string
	Spec *WindowSpec
}

// Values is VALUES (...), (...) used as a query.
type Values struct {
	Pos
	Rows [][]Expr
}

// SetOpKind is UNION, INTERSECT or EXCEPT.
type SetOpKind uint8

const (
	Union SetOpKind = iota
	Intersect
	Except
)

func (k SetOpKind) String() string {
	switch k {
	case Union:
		return "UNION"
	case Intersect:
		return "INTERSECT"
	}
	return "EXCEPT"
}

// Precedence returns the binding strength: INTERSECT binds tighter than
// UNION and EXCEPT.
func (k SetOpKind) Precedence() int {
	if k == Intersect {
		return 2
	}
	return 1
}

// SetOp is Left UNION|INTERSECT|EXCEPT [ALL] Right.
type SetOp struct {
	Pos
	Op          SetOpKind
	All         bool
	Left, Right QueryExpr
}

// TableRef is a named table (or view) in FROM.
type TableRef struct {
	Pos
	Name   TableName
	Only   bool
	Alias  *Alias
	Sample *TableSample // TABLESAMPLE; nil when absent
}

// TableSample is TABLESAMPLE method (args) [REPEATABLE (seed)].
type TableSample struct {
	Pos
	Method     string
	Args       []Expr
	Repeatable Expr // nil when absent
}

// SubqueryRef is (query) [AS] alias in FROM.
type SubqueryRef struct {
	Pos
	Lateral bool
	Query   *Query
	Alias   *Alias
}

// FuncRef is a set-returning function in FROM: generate_series(1, 10) AS g.
type FuncRef struct {
	Pos
	Lateral        bool
	Func           *FuncCall
	WithOrdinality bool
	Alias          *Alias
}

// JoinType is the kind of a JoinExpr.
type JoinType uint8

const (
	InnerJoin JoinType = iota
	LeftJoin
	RightJoin
	FullJoin
	CrossJoin
)

// JoinExpr is Left [NATURAL] type JOIN Right [ON cond | USING (cols)].
type JoinExpr struct {
	Pos
	Type        JoinType
	Natural     bool
	Left, Right TableExpr
	On          Expr
	Using       []string
	Alias       *Alias // (a JOIN b USING (x)) AS j
}

func (*Query) queryExpr()  {}
func (*Select) queryExpr() {}
func (*Values) queryExpr() {}
func (*SetOp) queryExpr()  {}

func (*TableRef) tableExpr()    {}
func (*SubqueryRef) tableExpr() {}
func (*FuncRef) tableExpr()     {}
func (*JoinExpr) tableExpr()    {}

// Insert is INSERT INTO t [(cols)] source [ON CONFLICT ...] [RETURNING ...].
type Insert struct {
	Pos
	With    *With
	Table   TableName
	Alias   string
	Columns []string
	// Overriding is "system" or "user" for OVERRIDING SYSTEM|USER VALUE,
	// else "".
	Overriding string
	Source     *Query // nil for DEFAULT VALUES
	OnConflict *OnConflict
	Returning  []Target
}

// OnConflict is ON CONFLICT [(cols) | ON CONSTRAINT name] DO NOTHING |
// DO UPDATE SET ... [WHERE ...].
type OnConflict struct {
	Pos
	Columns     []string
	TargetWhere Expr // ON CONFLICT (c) WHERE pred: the arbiter index predicate
	Constraint  string
	DoNothing   bool
	Set         []SetClause
	Where       Expr
}

// SetClause is col = value, or (a, b) = (value, value) / (subquery).
type SetClause struct {
	Pos
	Columns []string // one entry unless written (a, b) = ...
	// Subscript, if set, assigns one element of an array column:
	// a[i] = v.
	Subscript Expr
	Value     Expr
}

// Update is UPDATE t SET ... [FROM ...] [WHERE ...] [RETURNING ...].
type Update struct {
	Pos
	With      *With
	Table     TableName
	Only      bool
	Alias     string
	Set       []SetClause
	From      []TableExpr
	Where     Expr
	Returning []Target
}

// Delete is DELETE FROM t [USING ...] [WHERE ...] [RETURNING ...].
type Delete struct {
	Pos
	With      *With
	Table     TableName
	Only      bool
	Alias     string
	Using     []TableExpr
	Where     Expr
	Returning []Target
}

// ConstraintKind is the kind of a column or table constraint.
type ConstraintKind uint8

const (
	ConstrNotNull ConstraintKind = iota
	ConstrNull
	ConstrDefault
	ConstrPrimaryKey
	ConstrUnique
	ConstrCheck
	ConstrReferences // a foreign key
	ConstrIdentity   // GENERATED ALWAYS|BY DEFAULT AS IDENTITY [(seq options)]
	ConstrGenerated  // GENERATED ALWAYS AS (Expr) STORED
)

// RefAction is an ON DELETE / ON UPDATE action of a foreign key.
type RefAction uint8

const (
	RefNoAction RefAction = iota // also when absent
	RefRestrict
	RefCascade
	RefSetNull
	RefSetDefault
)

// Constraint is a column constraint (Columns empty) or a table constraint.
type Constraint struct {
	Pos
	Name       string // CONSTRAINT name; "" when unnamed
	Kind       ConstraintKind
	Columns    []string // table constraint key columns
	Expr       Expr     // DEFAULT value, CHECK predicate, generation expression
	RefTable   TableName
	RefColumns []string
	OnDelete   RefAction
	OnUpdate   RefAction
	Always     bool        // identity: GENERATED ALWAYS rather than BY DEFAULT
	SeqOptions []SeqOption // identity: the options of its sequence
	// NotValid: ALTER TABLE ADD ... NOT VALID, the rows already there
	// not checked.
	NotValid bool
	// NullsNotDistinct: UNIQUE NULLS NOT DISTINCT (NULLs are equal).
	NullsNotDistinct bool
	// Deferrable: DEFERRABLE (SET CONSTRAINTS may defer its checks to
	// commit); Deferred: INITIALLY DEFERRED, checked at commit unless
	// SET CONSTRAINTS says otherwise.
	Deferrable, Deferred bool
}

// SeqOptionKind is the kind of an option of CREATE SEQUENCE or of an
// identity column's sequence.
type SeqOptionKind uint8

const (
	SeqStart     SeqOptionKind = iota // START [WITH] n
	SeqIncrement                      // INCREMENT [BY] n
	SeqMinValue                       // MINVALUE n | NO MINVALUE
	SeqMaxValue                       // MAXVALUE n | NO MAXVALUE
	SeqCache                          // CACHE n
	SeqCycle                          // [NO] CYCLE
	SeqName                           // SEQUENCE NAME name (an identity column's sequence)
)

// SeqOption is one sequence option. Value is the number (a *Literal,
// perhaps negative); it is nil for NO MINVALUE, NO MAXVALUE and [NO]
// CYCLE. No marks the NO forms.
type SeqOption struct {
	Kind  SeqOptionKind
	Value Expr
	No    bool
	Name  TableName // SEQUENCE NAME's
}

// CreateSequence is CREATE [TEMP] SEQUENCE [IF NOT EXISTS] name [options].
type CreateSequence struct {
	Pos
	Temp        bool
	IfNotExists bool
	Name        TableName
	Options     []SeqOption // in the order written; each kind at most once
}

// ColumnDef is a column of CREATE TABLE or ALTER TABLE ADD COLUMN.
type ColumnDef struct {
	Pos
	Name        string
	Type        *TypeName
	Collation   string // COLLATE name; "" when absent
	Constraints []*Constraint
}

// CreateTable is CREATE [TEMP] TABLE [IF NOT EXISTS] name (...) or AS query.
type CreateTable struct {
	Pos
	Temp        bool
	IfNotExists bool
	Name        TableName
	Columns     []*ColumnDef
	Constraints []*Constraint // table constraints
	AsQuery     *Query
	AsColumns   []string // CREATE TABLE t (a, b) AS ...
	// MatView: CREATE MATERIALIZED VIEW name AS query; NoData: WITH NO
	// DATA (created empty, unreadable until refreshed).
	MatView, NoData bool
	// Like are the LIKE source [INCLUDING|EXCLUDING what]... elements,
	// each copying the source's columns where it stands among Columns.
	Like []*LikeClause
	// OnCommit is a temporary table's ON COMMIT action: "drop", "delete
	// rows", "preserve rows"; "" when absent.
	OnCommit string
}

// LikeClause is CREATE TABLE's LIKE element: the columns of Table go in
// before Columns[At]; Options are INCLUDING (true) or EXCLUDING (false)
// DEFAULTS, CONSTRAINTS, INDEXES, GENERATED, IDENTITY, COMMENTS ... or
// ALL, upper case, in order (a later one overrides).
type LikeClause struct {
	Pos
	Table   TableName
	At      int
	Options []LikeOption
}

// LikeOption is one INCLUDING or EXCLUDING of a LikeClause.
type LikeOption struct {
	What    string
	Include bool
}

// Refresh is REFRESH MATERIALIZED VIEW [CONCURRENTLY] name [WITH [NO]
// DATA].
type Refresh struct {
	Pos
	Name   TableName
	NoData bool
}

// ObjectKind is the kind of object DROP acts on.
type ObjectKind uint8

const (
	ObjTable ObjectKind = iota
	ObjIndex
	ObjView
	ObjRole
	ObjUser
	ObjSequence
	ObjMatView
	ObjExtension // COMMENT ON EXTENSION
	ObjSchema    // COMMENT ON SCHEMA
	ObjType      // DROP TYPE, COMMENT ON TYPE
)

func (k ObjectKind) String() string {
	switch k {
	case ObjTable:
		return "TABLE"
	case ObjIndex:
		return "INDEX"
	case ObjView:
		return "VIEW"
	case ObjRole:
		return "ROLE"
	case ObjSequence:
		return "SEQUENCE"
	case ObjMatView:
		return "MATERIALIZED VIEW"
	case ObjExtension:
		return "EXTENSION"
	case ObjSchema:
		return "SCHEMA"
	case ObjType:
		return "TYPE"
	}
	return "USER"
}

// Comment is COMMENT ON TABLE|VIEW|SEQUENCE|INDEX name | COLUMN t.c IS
// 'text' | NULL. For a column, Name is the table and Column the column.
type Comment struct {
	Pos
	Kind   ObjectKind
	Column string // COMMENT ON COLUMN
	Name   TableName
	Text   *string // nil for IS NULL
}

// Drop is DROP TABLE|INDEX|VIEW|ROLE|USER|SEQUENCE [IF EXISTS] names [CASCADE|RESTRICT].
type Drop struct {
	Pos
	Kind     ObjectKind
	IfExists bool
	Names    []TableName
	Cascade  bool
}

// IndexElem is one key of CREATE INDEX: a column or a parenthesised
// expression.
type IndexElem struct {
	Column string
	Expr   Expr // set instead of Column for an expression key
	Desc   bool
	Nulls  NullsOrder
}

// CreateIndex is CREATE [UNIQUE] INDEX [[IF NOT EXISTS] name] ON t
// [USING method] (elems) [WHERE pred].
type CreateIndex struct {
	Pos
	Unique       bool
	Concurrently bool
	IfNotExists  bool
	Name         string // "" when the engine picks one
	Table        TableName
	Using        string
	Elems        []IndexElem
	Include      []string
	// NullsNotDistinct: NULLS NOT DISTINCT (a unique index's NULLs equal).
	NullsNotDistinct bool
	// With holds the storage parameters of WITH (name = value, ...).
	With  []Option
	Where Expr
}

// CreateView is CREATE [OR REPLACE] [TEMP] VIEW name [(cols)] AS query.
type CreateView struct {
	Pos
	OrReplace   bool
	Temp        bool
	IfNotExists bool
	Name        TableName
	Columns     []string
	Query       *Query
}

// AlterKind is the kind of an ALTER TABLE command.
type AlterKind uint8

const (
	AlterAddColumn AlterKind = iota
	AlterDropColumn
	AlterRenameColumn
	AlterRenameTable
	AlterAddConstraint
	AlterDropConstraint
	AlterColumnSetDefault
	AlterColumnDropDefault
	AlterColumnSetNotNull
	AlterColumnDropNotNull
	AlterColumnType
	AlterValidateConstraint
	AlterRenameConstraint
	AlterColumnSetStatistics
	// AlterOwner is OWNER TO role: accepted, changing nothing (cairn has
	// one owner); pg_dump writes one after each relation it creates.
	AlterOwner
	// AlterColumnAddIdentity is ALTER COLUMN c ADD GENERATED {ALWAYS | BY
	// DEFAULT} AS IDENTITY [(options)] (Constraint holds it);
	// AlterColumnDropIdentity is ALTER COLUMN c DROP IDENTITY [IF EXISTS].
	AlterColumnAddIdentity
	AlterColumnDropIdentity
	// AlterSetOptions is SET (name = value, ...), RESET (name, ...), SET
	// LOGGED or SET UNLOGGED: storage parameters, accepted (Name holds
	// the text) and kept by no one.
	AlterSetOptions
)

// AlterCmd is one command of ALTER TABLE.
type AlterCmd struct {
	Pos
	Kind       AlterKind
	IfExists   bool // DROP COLUMN IF EXISTS, DROP CONSTRAINT IF EXISTS
	IfNotExist bool // ADD COLUMN IF NOT EXISTS
	Column     *ColumnDef
	Name       string // the column or constraint acted on
	NewName    string // RENAME targets
	Constraint *Constraint
	Default    Expr      // SET DEFAULT
	Type       *TypeName // ALTER COLUMN TYPE
	Using      Expr      // ALTER COLUMN TYPE ... USING expr; nil when absent
	Cascade    bool
}

// AlterTable is ALTER TABLE [IF EXISTS] name cmd, cmd...
type AlterTable struct {
	Pos
	IfExists bool
	Name     TableName
	Cmds     []*AlterCmd
}

// Truncate is TRUNCATE [TABLE] names [RESTART IDENTITY] [CASCADE].
type Truncate struct {
	Pos
	Names           []TableName
	RestartIdentity bool
	Cascade         bool
}

// AccessMode is READ ONLY / READ WRITE.
type AccessMode uint8

const (
	AccessDefault AccessMode = iota
	ReadOnly
	ReadWrite
)

// TxModes are the modes of BEGIN, START TRANSACTION and SET TRANSACTION.
type TxModes struct {
	Isolation  string // "serializable", "repeatable read", "read committed", "read uncommitted"; "" for default
	Access     AccessMode
	Deferrable int8 // 1 DEFERRABLE, -1 NOT DEFERRABLE, 0 default
}

// Begin is BEGIN [TRANSACTION|WORK] [modes] or START TRANSACTION [modes].
type Begin struct {
	Pos
	Modes TxModes
}

// Commit is COMMIT (or END).
type Commit struct {
	Pos
	Chain bool
}

// Rollback is ROLLBACK, or ROLLBACK TO [SAVEPOINT] name when Savepoint is set.
type Rollback struct {
	Pos
	Savepoint string
}

// Savepoint is SAVEPOINT name.
type Savepoint struct {
	Pos
	Name string
}

// Release is RELEASE [SAVEPOINT] name.
type Release struct {
	Pos
	Name string
}

// SetVar is SET [SESSION|LOCAL] name {=|TO} value, ... | DEFAULT, and
// SET TIME ZONE value (Name "timezone").
type SetVar struct {
	Pos
	Local   bool
	Name    string
	Values  []Expr // identifiers become string literals
	Default bool
}

// SetTransaction is SET TRANSACTION modes, or with Session set, SET
// SESSION CHARACTERISTICS AS TRANSACTION modes (the session's defaults).
type SetTransaction struct {
	Pos
	Session bool
	Modes   TxModes
}

// CreateSchema is CREATE SCHEMA [IF NOT EXISTS] name [AUTHORIZATION
// role]; CreateExtension is CREATE EXTENSION [IF NOT EXISTS] name [...].
type CreateSchema struct {
	Pos
	IfNotExists bool
	Name        string
}

type CreateExtension struct {
	Pos
	IfNotExists bool
	Name        string
}

// Lock is LOCK [TABLE] [ONLY] name [, ...] [IN mode MODE] [NOWAIT];
// Mode is lower case ("access exclusive", the default).
type Lock struct {
	Pos
	Names  []TableName
	Mode   string
	NoWait bool
}

// Do is DO [LANGUAGE plpgsql] 'body': an anonymous code block.
type Do struct {
	Pos
	Body string
}

// Maintain is REINDEX {INDEX | TABLE | SCHEMA | DATABASE | SYSTEM}
// [CONCURRENTLY] name (Kind "reindex", Object the kind of object) or
// CLUSTER [table [USING index]] (Kind "cluster"): accepted, with nothing
// to do (see the engine).
type Maintain struct {
	Pos
	Kind, Object string
	Name         TableName
	Index        string
}

// AlterSchema is ALTER SCHEMA name OWNER TO role (Owner) or RENAME TO
// new (NewName).
type AlterSchema struct {
	Pos
	Name, Owner, NewName string
}

// CreateType is CREATE TYPE name AS ENUM ('label', ...).
type CreateType struct {
	Pos
	Name   TableName
	Labels []string
}

// AlterType is ALTER TYPE name and one action: ADD VALUE [IF NOT EXISTS]
// 'label' [BEFORE|AFTER 'neighbour'] (AddValue), RENAME VALUE 'old' TO
// 'new' (RenameValue), RENAME TO new (NewName) or OWNER TO (Owner).
type AlterType struct {
	Pos
	Name TableName
	// ADD VALUE.
	AddValue    string
	IfNotExists bool
	Before      bool   // BEFORE Neighbour, else AFTER it
	Neighbour   string // "" for neither
	// RENAME VALUE.
	RenameValue, To string
	// RENAME TO.
	NewName string
	// OWNER TO role: accepted (pg_dump writes it), with no effect:
	// cairn's objects have one owner.
	Owner string
}

// AlterRename is ALTER INDEX|VIEW|SEQUENCE [IF EXISTS] name RENAME TO
// new.
type AlterRename struct {
	Pos
	Kind     ObjectKind
	IfExists bool
	Name     TableName
	NewName  string
}

// AlterSequence is ALTER SEQUENCE [IF EXISTS] name options: sequence
// options, RESTART [[WITH] n] (Restart; RestartWith nil for the start),
// OWNED BY (ignored).
type AlterSequence struct {
	Pos
	IfExists    bool
	Name        TableName
	Options     []SeqOption
	Restart     bool
	RestartWith Expr
	// OwnedBy (a [schema.]table.column, or NONE), Owner (OWNER TO) and
	// As (AS type): accepted and kept for the text, changing nothing.
	OwnedBy, Owner, As string
}

// Listen is LISTEN channel; Unlisten is UNLISTEN channel | * (Channel
// ""); Notify is NOTIFY channel [, 'payload'].
type Listen struct {
	Pos
	Channel string
}

type Unlisten struct {
	Pos
	Channel string
}

type Notify struct {
	Pos
	Channel string
	Payload string
}

// SetConstraints is SET CONSTRAINTS {ALL | name, ...} {DEFERRED |
// IMMEDIATE}; Names is nil for ALL.
type SetConstraints struct {
	Pos
	Names    []string
	Deferred bool
}

// Show is SHOW name | SHOW ALL.
type Show struct {
	Pos
	Name string // "all" for SHOW ALL
}

// Reset is RESET name | RESET ALL.
type Reset struct {
	Pos
	Name string // "all" for RESET ALL
}

// Explain is EXPLAIN [ANALYZE] [VERBOSE] statement, or EXPLAIN (opts) stmt.
type Explain struct {
	Pos
	Analyze bool
	Verbose bool
	Options []Option // EXPLAIN (FORMAT json, COSTS false)
	Stmt    Statement
}

// Analyze is ANALYZE [table], or with Vacuum set, VACUUM [ANALYZE]
// [tables] (its other options are not kept).
type Analyze struct {
	Pos
	Table         *TableName // nil for all tables
	Vacuum        bool
	VacuumAnalyze bool
	Tables        []TableName // VACUUM's tables; nil for all
}

// Option is a generic name [value] pair: COPY and EXPLAIN options.
type Option struct {
	Name  string // lower case
	Value Expr   // nil when only the name was given; words become string literals
}

// Copy is COPY t [(cols)] FROM STDIN|'file' / TO STDOUT|'file' [WITH] (options),
// or COPY (query) TO ....
type Copy struct {
	Pos
	Table   TableName
	Columns []string
	Query   *Query // COPY (query) TO ...
	From    bool   // FROM (load) rather than TO (dump)
	File    string // "" for STDIN / STDOUT
	Options []Option
}

// Prepare is PREPARE name [(types)] AS statement.
type Prepare struct {
	Pos
	Name  string
	Types []*TypeName
	Stmt  Statement
}

// Execute is EXECUTE name [(params)].
type Execute struct {
	Pos
	Name   string
	Params []Expr
}

// Deallocate is DEALLOCATE [PREPARE] name | ALL.
type Deallocate struct {
	Pos
	Name string // "" for ALL
}

// RoleOption is an option of CREATE/ALTER ROLE: PASSWORD 'x', LOGIN,
// NOSUPERUSER, ...
type RoleOption struct {
	Name  string // lower case: "password", "login", "nologin", "superuser"...
	Value Expr   // PASSWORD value (a string literal or NULL); nil otherwise
}

// CreateRole is CREATE ROLE|USER name [[WITH] options].
type CreateRole struct {
	Pos
	User        bool // CREATE USER: LOGIN by default
	IfNotExists bool
	Name        string
	Options     []RoleOption
}

// AlterRole is ALTER ROLE|USER name [WITH] options.
type AlterRole struct {
	Pos
	User    bool
	Name    string
	Options []RoleOption
}

// Privilege is one privilege of GRANT or REVOKE, perhaps limited to
// some columns: SELECT (a, b).
type Privilege struct {
	Name    string   // lower case: "select", "insert"...
	Columns []string // nil for the whole table
}

// Grant is GRANT privileges ON [TABLE] names | ON ALL TABLES IN SCHEMA
// schemas TO roles [WITH GRANT OPTION], or with Revoke set, REVOKE [GRANT
// OPTION FOR] privileges ON ... FROM roles [CASCADE|RESTRICT]. Exactly
// one of Tables and Schemas is set.
type Grant struct {
	Pos
	Revoke     bool
	Privileges []Privilege // nil for ALL [PRIVILEGES]
	Tables     []TableName
	Schemas    []string // ON ALL TABLES IN SCHEMA s, ...
	// Object is the kind of the objects when they are not tables:
	// "SCHEMA", "SEQUENCE" or "DATABASE", named by Objects.
	Object      string
	Objects     []string
	Roles       []string // the grantees (PUBLIC is "public")
	GrantOption bool     // WITH GRANT OPTION; for REVOKE, GRANT OPTION FOR
	Cascade     bool     // REVOKE ... CASCADE
}

// GrantRole is GRANT roles TO members [WITH ADMIN OPTION], or with Revoke
// set, REVOKE [ADMIN OPTION FOR] roles FROM members [CASCADE|RESTRICT]:
// role membership.
type GrantRole struct {
	Pos
	Revoke      bool
	Roles       []string // the roles granted
	Members     []string // the roles receiving them
	AdminOption bool     // WITH ADMIN OPTION; for REVOKE, ADMIN OPTION FOR
	Cascade     bool
}

func (*Query) stmtNode()           {}
func (*Insert) stmtNode()          {}
func (*Update) stmtNode()          {}
func (*Delete) stmtNode()          {}
func (*CreateTable) stmtNode()     {}
func (*Drop) stmtNode()            {}
func (*CreateIndex) stmtNode()     {}
func (*CreateSequence) stmtNode()  {}
func (*CreateView) stmtNode()      {}
func (*AlterTable) stmtNode()      {}
func (*Truncate) stmtNode()        {}
func (*Begin) stmtNode()           {}
func (*Commit) stmtNode()          {}
func (*Rollback) stmtNode()        {}
func (*Savepoint) stmtNode()       {}
func (*Release) stmtNode()         {}
func (*SetVar) stmtNode()          {}
func (*SetTransaction) stmtNode()  {}
func (*SetConstraints) stmtNode()  {}
func (*Comment) stmtNode()         {}
func (*CreateSchema) stmtNode()    {}
func (*CreateType) stmtNode()      {}
func (*Do) stmtNode()              {}
func (*AlterSchema) stmtNode()     {}
func (*Maintain) stmtNode()        {}
func (*Lock) stmtNode()            {}
func (*AlterType) stmtNode()       {}
func (*Refresh) stmtNode()         {}
func (*Listen) stmtNode()          {}
func (*AlterRename) stmtNode()     {}
func (*AlterSequence) stmtNode()   {}
func (*Unlisten) stmtNode()        {}
func (*Notify) stmtNode()          {}
func (*CreateExtension) stmtNode() {}
func (*Show) stmtNode()            {}
func (*Reset) stmtNode()           {}
func (*Explain) stmtNode()         {}
func (*Analyze) stmtNode()         {}
func (*Copy) stmtNode()            {}
func (*Prepare) stmtNode()         {}
func (*Execute) stmtNode()         {}
func (*Deallocate) stmtNode()      {}
func (*CreateRole) stmtNode()      {}
func (*AlterRole) stmtNode()       {}
func (*Grant) stmtNode()           {}
func (*GrantRole) stmtNode()       {}
