package ast

import (
	"strconv"
	"strings"
)

// CreateFunction is CREATE [OR REPLACE] FUNCTION name ([param, ...])
// RETURNS [SETOF] type LANGUAGE sql | plpgsql AS 'body' [options]. A
// SQL-standard body (RETURN expr) is kept as LANGUAGE sql with the body
// SELECT expr.
type CreateFunction struct {
	Pos
	OrReplace bool
	// Procedure: CREATE PROCEDURE (no result; run by CALL).
	Procedure  bool
	Name       TableName
	Params     []FuncParam
	Returns    *TypeName // nil: RETURNS void (or RETURNS TABLE)
	ReturnsSet bool      // RETURNS SETOF type, or RETURNS TABLE
	// ReturnsTable are the columns of RETURNS TABLE (name type, ...).
	ReturnsTable []FuncParam
	Language     string // lower case
	Body         string
	// Volatility is "immutable", "stable" or "volatile" (the default).
	Volatility string
	// Strict: RETURNS NULL ON NULL INPUT (STRICT).
	Strict bool
}

// FuncParam is one parameter of CREATE FUNCTION: an optional name, a
// type and an optional default.
type FuncParam struct {
	Name    string
	Type    *TypeName
	Default Expr
}

// FuncSig names a function in DROP FUNCTION: a name and, when HasArgs,
// its argument types (which pick one of several overloads).
type FuncSig struct {
	Name    TableName
	HasArgs bool
	Args    []*TypeName
}

// DropFunction is DROP FUNCTION [IF EXISTS] name[(types)], ...
// [CASCADE | RESTRICT].
type DropFunction struct {
	Pos
	Procedure bool // DROP PROCEDURE
	IfExists  bool
	Funcs     []FuncSig
	Cascade   bool
}

// CreateTrigger is CREATE [OR REPLACE] TRIGGER name {BEFORE | AFTER}
// event [OR event ...] ON table FOR EACH ROW [WHEN (cond)] EXECUTE
// {FUNCTION | PROCEDURE} f(); an event is INSERT, UPDATE or DELETE.
type CreateTrigger struct {
	Pos
	OrReplace  bool
	Name       string
	Before     bool
	Events     []string // "insert", "update", "delete"
	Table      TableName
	ForEachRow bool
	When       Expr
	Function   TableName
}

// DropTrigger is DROP TRIGGER [IF EXISTS] name ON table [CASCADE |
// RESTRICT].
type DropTrigger struct {
	Pos
	IfExists bool
	Name     string
	Table    TableName
}

// AlterFunction is ALTER FUNCTION name[(types)] OWNER TO role | RENAME
// TO name.
type AlterFunction struct {
	Pos
	Procedure bool // ALTER PROCEDURE
	Func      FuncSig
	Owner     string
	NewName   string
}

func (n *AlterFunction) format(p *printer) {
	if n.Procedure {
		p.kw("ALTER PROCEDURE ")
	} else {
		p.kw("ALTER FUNCTION ")
	}
	p.funcSig(n.Func)
	if n.Owner != "" {
		p.kw(" OWNER TO ")
		p.ident(n.Owner)
		return
	}
	p.kw(" RENAME TO ")
	p.ident(n.NewName)
}

// Call is CALL procedure(args).
type Call struct {
	Pos
	Func *FuncCall
}

func (n *Call) format(p *printer) {
	p.kw("CALL ")
	n.Func.format(p)
}

func (*Call) stmtNode()           {}
func (*AlterFunction) stmtNode()  {}
func (*CreateFunction) stmtNode() {}
func (*DropFunction) stmtNode()   {}
func (*CreateTrigger) stmtNode()  {}
func (*DropTrigger) stmtNode()    {}

// dollarQuote returns s dollar-quoted with a tag it does not hold.
func dollarQuote(s string) string {
	tag := "$$"
	for i := 0; strings.Contains(s, tag); i++ {
		tag = "$f" + strconv.Itoa(i) + "$"
	}
	return tag + s + tag
}

func (n *CreateFunction) format(p *printer) {
	p.kw("CREATE ")
	if n.OrReplace {
		p.kw("OR REPLACE ")
	}
	if n.Procedure {
		p.kw("PROCEDURE ")
	} else {
		p.kw("FUNCTION ")
	}
	p.tableName(n.Name)
	p.WriteByte('(')
	for i, a := range n.Params {
		if i > 0 {
			p.WriteString(", ")
		}
		if a.Name != "" {
			p.ident(a.Name)
			p.WriteByte(' ')
		}
		a.Type.format(p)
		if a.Default != nil {
			p.kw(" DEFAULT ")
			p.expr(a.Default, 0)
		}
	}
	p.WriteByte(')')
	if !n.Procedure {
		p.kw(" RETURNS ")
	}
	switch {
	case n.Procedure:
	case len(n.ReturnsTable) > 0:
		p.kw("TABLE (")
		for i, c := range n.ReturnsTable {
			if i > 0 {
				p.WriteString(", ")
			}
			p.ident(c.Name)
			p.WriteByte(' ')
			c.Type.format(p)
		}
		p.WriteByte(')')
	case n.Returns == nil:
		p.kw("void")
	default:
		if n.ReturnsSet {
			p.kw("SETOF ")
		}
		n.Returns.format(p)
	}
	p.kw(" LANGUAGE ")
	p.WriteString(n.Language)
	if n.Volatility != "" && n.Volatility != "volatile" {
		p.WriteByte(' ')
		p.kw(strings.ToUpper(n.Volatility))
	}
	if n.Strict {
		p.kw(" STRICT")
	}
	p.kw(" AS ")
	p.WriteString(dollarQuote(n.Body))
}

func (p *printer) funcSig(f FuncSig) {
	p.tableName(f.Name)
	if !f.HasArgs {
		return
	}
	p.WriteByte('(')
	for i, a := range f.Args {
		if i > 0 {
			p.WriteString(", ")
		}
		a.format(p)
	}
	p.WriteByte(')')
}

func (n *DropFunction) format(p *printer) {
	if n.Procedure {
		p.kw("DROP PROCEDURE ")
	} else {
		p.kw("DROP FUNCTION ")
	}
	if n.IfExists {
		p.kw("IF EXISTS ")
	}
	for i, f := range n.Funcs {
		if i > 0 {
			p.WriteString(", ")
		}
		p.funcSig(f)
	}
	if n.Cascade {
		p.kw(" CASCADE")
	}
}

func (n *CreateTrigger) format(p *printer) {
	p.kw("CREATE ")
	if n.OrReplace {
		p.kw("OR REPLACE ")
	}
	p.kw("TRIGGER ")
	p.ident(n.Name)
	if n.Before {
		p.kw(" BEFORE ")
	} else {
		p.kw(" AFTER ")
	}
	for i, ev := range n.Events {
		if i > 0 {
			p.kw(" OR ")
		}
		p.kw(strings.ToUpper(ev))
	}
	p.kw(" ON ")
	p.tableName(n.Table)
	if n.ForEachRow {
		p.kw(" FOR EACH ROW")
	} else {
		p.kw(" FOR EACH STATEMENT")
	}
	if n.When != nil {
		p.kw(" WHEN (")
		p.expr(n.When, 0)
		p.WriteByte(')')
	}
	p.kw(" EXECUTE FUNCTION ")
	p.tableName(n.Function)
	p.WriteString("()")
}

func (n *DropTrigger) format(p *printer) {
	p.kw("DROP TRIGGER ")
	if n.IfExists {
		p.kw("IF EXISTS ")
	}
	p.ident(n.Name)
	p.kw(" ON ")
	p.tableName(n.Table)
}
