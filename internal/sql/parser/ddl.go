package parser

import (
	"slices"
	"strings"

	"github.com/cairndb/cairn/internal/sql/ast"
)

func (p *parser) ifNotExists() bool {
	if p.isKw(ast.KwIf) && tokIsKw(p.peek(1), ast.KwNot) {
		p.next()
		p.next()
		p.expectKw(ast.KwExists)
		return true
	}
	return false
}

func (p *parser) ifExists() bool {
	if p.isKw(ast.KwIf) && tokIsKw(p.peek(1), ast.KwExists) {
		p.next()
		p.next()
		return true
	}
	return false
}

func (p *parser) create() ast.Statement {
	pos := p.pos()
	p.expectKw(ast.KwCreate)
	orReplace := false
	if p.acceptKw(ast.KwOr) {
		p.expectKw(ast.KwReplace)
		orReplace = true
	}
	temp := p.acceptKw(ast.KwTemp) || p.acceptKw(ast.KwTemporary)
	// UNLOGGED only lets PostgreSQL skip its WAL for the table; a table
	// cairn writes is as durable as the others, which keeps the promise.
	unlogged := !temp && !orReplace && p.isWord("unlogged")
	if unlogged {
		p.next()
		if !p.isKw(ast.KwTable) {
			p.syntaxError()
		}
	}
	switch {
	case p.isKw(ast.KwTable) && !orReplace:
		p.next()
		return p.createTable(pos, temp)
	case p.isKw(ast.KwView):
		p.next()
		v := &ast.CreateView{Pos: pos, OrReplace: orReplace, Temp: temp}
		v.IfNotExists = p.ifNotExists()
		v.Name = p.tableName()
		if p.isOp("(") {
			v.Columns = p.parenIdentList()
		}
		p.expectKw(ast.KwAs)
		v.Query = p.query()
		return v
	case (p.isKw(ast.KwUnique) || p.isKw(ast.KwIndex)) && !orReplace && !temp:
		return p.createIndex(pos)
	case p.isWord("sequence") && !orReplace:
		p.next()
		sq := &ast.CreateSequence{Pos: pos, Temp: temp}
		sq.IfNotExists = p.ifNotExists()
		sq.Name = p.tableName()
		if p.acceptKw(ast.KwAs) {
			// AS smallint | integer | bigint: accepted; cairn's sequences
			// count in bigint, and a column of a narrower type still
			// refuses a value it cannot hold.
			p.typeName()
		}
		sq.Options = p.seqOptions()
		return sq
	case p.isWord("materialized") && !orReplace && !temp:
		p.next()
		p.expectKw(ast.KwView)
		ct := &ast.CreateTable{Pos: pos, MatView: true}
		ct.IfNotExists = p.ifNotExists()
		ct.Name = p.tableName()
		if p.isOp("(") {
			ct.AsColumns = p.parenIdentList()
		}
		p.expectKw(ast.KwAs)
		ct.AsQuery = p.query()
		if p.acceptKw(ast.KwWith) {
			ct.NoData = p.acceptKw(ast.KwNo)
			p.expectWord("data")
		}
		return ct
	case p.isKw(ast.KwSchema) && !orReplace && !temp:
		p.next()
		s := &ast.CreateSchema{Pos: pos}
		s.IfNotExists = p.ifNotExists()
		if p.acceptWord("authorization") {
			s.Name = p.ident() // the schema is named after the role
		} else {
			s.Name = p.ident()
			if p.acceptWord("authorization") {
				p.ident()
			}
		}
		return s
	case p.isWord("extension") && !orReplace && !temp:
		p.next()
		x := &ast.CreateExtension{Pos: pos}
		x.IfNotExists = p.ifNotExists()
		x.Name = p.ident()
		// [WITH] [SCHEMA s] [VERSION v] [CASCADE]: nothing to do with them.
		p.acceptKw(ast.KwWith)
		for {
			switch {
			case p.acceptKw(ast.KwSchema), p.acceptWord("version"):
				if p.tok.kind == tString {
					p.next()
				} else {
					p.ident()
				}
				continue
			case p.acceptKw(ast.KwCascade):
				continue
			}
			break
		}
		return x
	case p.isWord("function") && !temp:
		p.next()
		return p.createRoutine(pos, orReplace, false)
	case p.isWord("trigger") && !temp:
		p.next()
		return p.createTrigger(pos, orReplace)
	case p.isWord("procedure") && !temp:
		p.next()
		return p.createRoutine(pos, orReplace, true)
	case p.isWord("type") && !orReplace && !temp:
		p.next()
		ct := &ast.CreateType{Pos: pos, Name: p.tableName()}
		p.expectKw(ast.KwAs)
		if !p.acceptWord("enum") {
			what := "composite types"
			if p.isWord("range") {
				what = "range types"
			}
			p.fail(int32(pos), "0A000", "CREATE TYPE: "+what+" are not supported; cairn's user-defined types are enums (CREATE TYPE name AS ENUM ('label', ...))")
		}
		p.expectOp("(")
		if !p.acceptOp(")") {
			for {
				ct.Labels = append(ct.Labels, p.stringToken())
				if !p.acceptOp(",") {
					break
				}
			}
			p.expectOp(")")
		}
		return ct
	case p.isWord("domain") && !orReplace && !temp:
		p.fail(int32(pos), "0A000", "CREATE DOMAIN is not supported")
	case p.isWord("database") && !orReplace && !temp:
		p.fail(int32(pos), "0A000", "CREATE DATABASE is not supported: a cairn server serves one database, its data directory")
	case (p.isKw(ast.KwUser) || p.isKw(ast.KwRole)) && !orReplace && !temp:
		r := &ast.CreateRole{Pos: pos, User: p.isKw(ast.KwUser)}
		p.next()
		r.IfNotExists = p.ifNotExists()
		r.Name = p.ident()
		r.Options = p.roleOptions()
		return r
	}
	p.syntaxError()
	return nil
}

func (p *parser) createTable(pos ast.Pos, temp bool) ast.Statement {
	ct := &ast.CreateTable{Pos: pos, Temp: temp}
	ct.IfNotExists = p.ifNotExists()
	ct.Name = p.tableName()
	if p.isOp("(") {
		// (a, b) AS SELECT ... names the columns of a CREATE TABLE AS.
		s := p.save()
		if err := p.try(func() {
			ct.AsColumns = p.parenIdentList()
			if !p.isKw(ast.KwAs) {
				p.syntaxError()
			}
		}); err != nil {
			p.restore(s)
			ct.AsColumns = nil
		}
	}
	if p.acceptKw(ast.KwAs) {
		ct.AsQuery = p.query()
		if p.acceptKw(ast.KwWith) {
			ct.NoData = p.acceptKw(ast.KwNo)
			p.expectWord("data")
		}
		return ct
	}
	p.expectOp("(")
	for !p.isOp(")") {
		if len(ct.Columns)+len(ct.Constraints)+len(ct.Like) > 0 {
			p.expectOp(",")
		}
		if p.isKw(ast.KwLike) {
			l := &ast.LikeClause{Pos: p.pos(), At: len(ct.Columns)}
			p.next()
			l.Table = p.tableName()
			for {
				include := p.acceptWord("including")
				if !include && !p.acceptWord("excluding") {
					break
				}
				what := strings.ToUpper(p.colLabel())
				switch what {
				case "ALL", "COMMENTS", "COMPRESSION", "CONSTRAINTS", "DEFAULTS", "GENERATED", "IDENTITY", "INDEXES", "STATISTICS", "STORAGE":
				default:
					p.syntaxError()
				}
				l.Options = append(l.Options, ast.LikeOption{What: what, Include: include})
			}
			ct.Like = append(ct.Like, l)
			continue
		}
		if c := p.tableConstraint(); c != nil {
			ct.Constraints = append(ct.Constraints, c)
			continue
		}
		ct.Columns = append(ct.Columns, p.columnDef())
	}
	p.next()
	if p.isKw(ast.KwWith) {
		// Storage parameters (fillfactor, autovacuum_*) tune PostgreSQL's
		// heap pages and vacuum; cairn's storage has neither, so they
		// are accepted (pgbench sends them) and dropped.
		p.next()
		p.expectOp("(")
		for !p.isOp(")") {
			if p.isOp(",") {
				p.next()
				continue
			}
			p.ident()
			if p.isOp(".") {
				p.next()
				p.ident()
			}
			if p.isOp("=") {
				p.next()
				p.varValue()
			}
		}
		p.next()
	}
	if p.isKw(ast.KwOn) && tokIsKw(p.peek(1), ast.KwCommit) {
		pos := p.tok.pos
		p.next()
		p.next()
		switch {
		case p.acceptKw(ast.KwDrop):
			ct.OnCommit = "drop"
		case p.acceptKw(ast.KwDelete):
			p.expectWord("rows")
			ct.OnCommit = "delete rows"
		case p.acceptWord("preserve"):
			p.expectWord("rows")
			ct.OnCommit = "preserve rows"
		default:
			p.syntaxError()
		}
		if !ct.Temp {
			p.fail(pos, "42P16", "ON COMMIT can only be used on temporary tables")
		}
	}
	return ct
}

func (p *parser) columnDef() *ast.ColumnDef {
	c := &ast.ColumnDef{Pos: p.pos(), Name: p.ident()}
	if p.isIdent() {
		c.Type = p.typeName()
	}
	for {
		pos := p.pos()
		if p.isKw(ast.KwCollate) {
			if c.Collation != "" {
				p.fail(int32(pos), CodeSyntaxError, "multiple COLLATE clauses not allowed")
			}
			p.next()
			c.Collation = p.ident()
			continue
		}
		name := ""
		if p.acceptKw(ast.KwConstraint) {
			name = p.ident()
		}
		k := &ast.Constraint{Pos: pos, Name: name}
		switch {
		case p.isWord("generated"):
			p.generated(k)
		case p.acceptKw(ast.KwNot):
			p.expectKw(ast.KwNull)
			k.Kind = ast.ConstrNotNull
		case p.acceptKw(ast.KwNull):
			k.Kind = ast.ConstrNull
		case p.acceptKw(ast.KwDefault):
			k.Kind = ast.ConstrDefault
			k.Expr = p.exprPrec(ast.PrecIs + 1)
		case p.acceptKw(ast.KwPrimary):
			p.expectKw(ast.KwKey)
			k.Kind = ast.ConstrPrimaryKey
		case p.acceptKw(ast.KwUnique):
			k.Kind = ast.ConstrUnique
			k.NullsNotDistinct = p.nullsDistinct()
		case p.acceptKw(ast.KwCheck):
			k.Kind = ast.ConstrCheck
			p.expectOp("(")
			k.Expr = p.expr()
			p.expectOp(")")
		case p.isKw(ast.KwReferences):
			p.references(k)
		default:
			if name != "" {
				p.syntaxError()
			}
			return c
		}
		p.constraintAttrs(k)
		c.Constraints = append(c.Constraints, k)
	}
}

// generated parses GENERATED ALWAYS|BY DEFAULT AS IDENTITY [(options)]
// and GENERATED ALWAYS AS (expr) STORED.
func (p *parser) generated(k *ast.Constraint) {
	p.expectWord("generated")
	whenPos := p.tok.pos
	if p.acceptWord("always") {
		k.Always = true
	} else {
		p.expectKw(ast.KwBy)
		p.expectKw(ast.KwDefault)
	}
	p.expectKw(ast.KwAs)
	if p.acceptKw(ast.KwIdentity) {
		k.Kind = ast.ConstrIdentity
		if p.acceptOp("(") {
			k.SeqOptions = p.seqOptions()
			if k.SeqOptions == nil {
				p.syntaxError()
			}
			p.expectOp(")")
		}
		return
	}
	if !p.isOp("(") {
		p.syntaxError()
	}
	if !k.Always {
		p.fail(whenPos, CodeSyntaxError, "for a generated column, GENERATED ALWAYS must be specified")
	}
	p.next()
	k.Kind = ast.ConstrGenerated
	k.Expr = p.expr()
	p.expectOp(")")
	p.expectWord("stored")
}

// seqOptions parses the options of CREATE SEQUENCE or of an identity
// column, in any order, each at most once.
func (p *parser) seqOptions() []ast.SeqOption {
	var opts []ast.SeqOption
	for {
		pos := p.tok.pos
		var o ast.SeqOption
		switch {
		case p.acceptKw(ast.KwStart):
			o.Kind = ast.SeqStart
			p.acceptKw(ast.KwWith)
			o.Value = p.seqNumber()
		case p.acceptWord("increment"):
			o.Kind = ast.SeqIncrement
			p.acceptKw(ast.KwBy)
			o.Value = p.seqNumber()
		case p.acceptWord("minvalue"):
			o.Kind = ast.SeqMinValue
			o.Value = p.seqNumber()
		case p.acceptWord("maxvalue"):
			o.Kind = ast.SeqMaxValue
			o.Value = p.seqNumber()
		case p.acceptWord("cache"):
			o.Kind = ast.SeqCache
			o.Value = p.seqNumber()
		case p.acceptWord("cycle"):
			o.Kind = ast.SeqCycle
		case p.isWord("sequence") && p.peek(1).kind == tIdent && p.peek(1).str == "name":
			p.next()
			p.next()
			o.Kind = ast.SeqName
			o.Name = p.tableName()
		case p.isKw(ast.KwNo):
			p.next()
			o.No = true
			switch {
			case p.acceptWord("minvalue"):
				o.Kind = ast.SeqMinValue
			case p.acceptWord("maxvalue"):
				o.Kind = ast.SeqMaxValue
			case p.acceptWord("cycle"):
				o.Kind = ast.SeqCycle
			default:
				p.syntaxError()
			}
		default:
			return opts
		}
		for _, prev := range opts {
			if prev.Kind == o.Kind {
				p.fail(pos, CodeSyntaxError, "conflicting or redundant options")
			}
		}
		opts = append(opts, o)
	}
}

// seqNumber parses a possibly signed numeric constant.
func (p *parser) seqNumber() ast.Expr {
	pos := p.pos()
	neg := false
	if p.acceptOp("-") {
		neg = true
	} else {
		p.acceptOp("+")
	}
	var kind ast.LitKind
	switch p.tok.kind {
	case tInt:
		kind = ast.LitInt
	case tNumeric:
		kind = ast.LitNumeric
	default:
		p.syntaxError()
	}
	v := p.tok.str
	if neg {
		v = "-" + v
	}
	p.next()
	return &ast.Literal{Pos: pos, Kind: kind, Val: v}
}

// tableConstraint parses a table constraint, or returns nil (consuming
// nothing) when the element is a column definition.
func (p *parser) tableConstraint() *ast.Constraint {
	pos := p.pos()
	k := &ast.Constraint{Pos: pos}
	if p.acceptKw(ast.KwConstraint) {
		k.Name = p.ident()
	}
	switch {
	case p.acceptKw(ast.KwPrimary):
		p.expectKw(ast.KwKey)
		k.Kind = ast.ConstrPrimaryKey
		k.Columns = p.parenIdentList()
	case p.acceptKw(ast.KwUnique):
		k.Kind = ast.ConstrUnique
		k.NullsNotDistinct = p.nullsDistinct()
		k.Columns = p.parenIdentList()
	case p.acceptKw(ast.KwCheck):
		k.Kind = ast.ConstrCheck
		p.expectOp("(")
		k.Expr = p.expr()
		p.expectOp(")")
	case p.acceptKw(ast.KwForeign):
		p.expectKw(ast.KwKey)
		k.Columns = p.parenIdentList()
		p.references(k)
	default:
		if k.Name != "" {
			p.syntaxError()
		}
		return nil
	}
	p.constraintAttrs(k)
	return k
}

// constraintAttrs parses what may follow a constraint: [NOT] DEFERRABLE,
// INITIALLY DEFERRED|IMMEDIATE and NOT VALID, in any order.
func (p *parser) constraintAttrs(k *ast.Constraint) {
	notDeferrable := false
	defer func() {
		if k.Deferred && notDeferrable {
			p.fail(int32(k.Pos), CodeSyntaxError, "constraint declared INITIALLY DEFERRED must be DEFERRABLE")
		}
		k.Deferrable = k.Deferrable || k.Deferred
	}()
	for {
		switch {
		case p.acceptKw(ast.KwDeferrable):
			k.Deferrable = true
		case p.isKw(ast.KwNot) && tokIsKw(p.peek(1), ast.KwDeferrable):
			p.next()
			p.next()
			notDeferrable = true
		case p.acceptKw(ast.KwInitially):
			if p.acceptWord("deferred") {
				k.Deferred = true
			} else {
				p.expectWord("immediate")
			}
		case p.isKw(ast.KwNot) && p.peek(1).kind == tIdent && p.peek(1).str == "valid":
			p.next()
			p.next()
			k.NotValid = true
		default:
			return
		}
	}
}

// references parses REFERENCES t [(cols)] [ON DELETE a] [ON UPDATE a].
func (p *parser) references(k *ast.Constraint) {
	p.expectKw(ast.KwReferences)
	k.Kind = ast.ConstrReferences
	k.RefTable = p.tableName()
	if p.isOp("(") {
		k.RefColumns = p.parenIdentList()
	}
	for p.isKw(ast.KwOn) {
		p.next()
		del := p.acceptKw(ast.KwDelete)
		if !del {
			p.expectKw(ast.KwUpdate)
		}
		var a ast.RefAction
		switch {
		case p.acceptKw(ast.KwCascade):
			a = ast.RefCascade
		case p.acceptKw(ast.KwRestrict):
			a = ast.RefRestrict
		case p.acceptKw(ast.KwSet):
			if p.acceptKw(ast.KwNull) {
				a = ast.RefSetNull
			} else {
				p.expectKw(ast.KwDefault)
				a = ast.RefSetDefault
			}
		case p.acceptKw(ast.KwNo):
			p.expectKw(ast.KwAction)
			a = ast.RefNoAction
		default:
			p.syntaxError()
		}
		if del {
			k.OnDelete = a
		} else {
			k.OnUpdate = a
		}
	}
}

func (p *parser) createIndex(pos ast.Pos) ast.Statement {
	ci := &ast.CreateIndex{Pos: pos}
	ci.Unique = p.acceptKw(ast.KwUnique)
	p.expectKw(ast.KwIndex)
	ci.Concurrently = p.acceptKw(ast.KwConcurrently)
	ci.IfNotExists = p.ifNotExists()
	if !p.isKw(ast.KwOn) {
		ci.Name = p.ident()
	} else if ci.IfNotExists {
		p.syntaxError() // IF NOT EXISTS needs a name
	}
	p.expectKw(ast.KwOn)
	p.acceptKw(ast.KwOnly)
	ci.Table = p.tableName()
	if p.acceptKw(ast.KwUsing) {
		ci.Using = p.ident()
	}
	p.expectOp("(")
	for {
		var e ast.IndexElem
		switch {
		case p.isOp("("):
			p.next()
			e.Expr = p.expr()
			p.expectOp(")")
		case p.isIdent() && tokIsOp(p.peek(1), "("):
			e.Expr = p.exprPrec(ast.PrecPostfix)
		case p.tok.kind == tIdent && p.tok.kw.Category() == ast.TypeFuncName && tokIsOp(p.peek(1), "("):
			e.Expr = p.exprPrec(ast.PrecPostfix)
		default:
			e.Column = p.ident()
		}
		if p.acceptKw(ast.KwDesc) {
			e.Desc = true
		} else {
			p.acceptKw(ast.KwAsc)
		}
		if p.acceptKw(ast.KwNulls) {
			if p.acceptKw(ast.KwFirst) {
				e.Nulls = ast.NullsFirst
			} else {
				p.expectKw(ast.KwLast)
				e.Nulls = ast.NullsLast
			}
		}
		ci.Elems = append(ci.Elems, e)
		if !p.acceptOp(",") {
			break
		}
	}
	p.expectOp(")")
	ci.NullsNotDistinct = p.nullsDistinct()
	if p.acceptWord("include") {
		ci.Include = p.parenIdentList()
	}
	if p.acceptKw(ast.KwWith) {
		ci.With = p.storageParams()
	}
	if p.acceptKw(ast.KwWhere) {
		ci.Where = p.expr()
	}
	return ci
}

// storageParams parses (name [= value], ...) of WITH on CREATE INDEX.
func (p *parser) storageParams() []ast.Option {
	p.expectOp("(")
	var out []ast.Option
	for {
		if p.tok.kind != tIdent && p.tok.kind != tQIdent {
			p.syntaxError()
		}
		o := ast.Option{Name: p.tok.str}
		p.next()
		if p.isOp("=") {
			p.next()
			pos := p.pos()
			switch p.tok.kind {
			case tIdent, tQIdent:
				o.Value = &ast.Literal{Pos: pos, Kind: ast.LitString, Val: p.tok.str}
				p.next()
			default:
				o.Value = p.varValue()
			}
		}
		out = append(out, o)
		if !p.isOp(",") {
			break
		}
		p.next()
	}
	p.expectOp(")")
	return out
}

func (p *parser) drop() ast.Statement {
	d := &ast.Drop{Pos: p.pos()}
	p.expectKw(ast.KwDrop)
	if p.isWord("function") || p.isWord("procedure") {
		df := &ast.DropFunction{Pos: d.Pos, Procedure: p.isWord("procedure")}
		p.next()
		df.IfExists = p.ifExists()
		for {
			df.Funcs = append(df.Funcs, p.funcSig())
			if !p.acceptOp(",") {
				break
			}
		}
		if p.acceptKw(ast.KwCascade) {
			df.Cascade = true
		} else {
			p.acceptKw(ast.KwRestrict)
		}
		return df
	}
	if p.acceptWord("trigger") {
		dt := &ast.DropTrigger{Pos: d.Pos, IfExists: p.ifExists(), Name: p.ident()}
		p.expectKw(ast.KwOn)
		dt.Table = p.tableName()
		if !p.acceptKw(ast.KwCascade) {
			p.acceptKw(ast.KwRestrict)
		}
		return dt
	}
	switch {
	case p.acceptKw(ast.KwTable):
		d.Kind = ast.ObjTable
	case p.acceptKw(ast.KwIndex):
		d.Kind = ast.ObjIndex
		p.acceptWord("concurrently") // cairn drops an index without blocking anyone either way
	case p.acceptKw(ast.KwView):
		d.Kind = ast.ObjView
	case p.acceptKw(ast.KwRole):
		d.Kind = ast.ObjRole
	case p.acceptKw(ast.KwUser):
		d.Kind = ast.ObjUser
	case p.acceptWord("sequence"):
		d.Kind = ast.ObjSequence
	case p.acceptWord("materialized"):
		p.expectKw(ast.KwView)
		d.Kind = ast.ObjMatView
	case p.acceptWord("type"):
		d.Kind = ast.ObjType
	default:
		p.syntaxError()
	}
	d.IfExists = p.ifExists()
	d.Names = p.tableNameList()
	if p.acceptKw(ast.KwCascade) {
		d.Cascade = true
	} else {
		p.acceptKw(ast.KwRestrict)
	}
	return d
}

func (p *parser) alter() ast.Statement {
	pos := p.pos()
	p.expectKw(ast.KwAlter)
	if p.isKw(ast.KwUser) || p.isKw(ast.KwRole) {
		r := &ast.AlterRole{Pos: pos, User: p.isKw(ast.KwUser)}
		p.next()
		r.Name = p.ident()
		r.Options = p.roleOptions()
		if len(r.Options) == 0 {
			p.syntaxError()
		}
		return r
	}
	switch {
	case p.acceptWord("type"):
		return p.alterType(pos)
	case p.isWord("function") || p.isWord("procedure"):
		proc := p.isWord("procedure")
		p.next()
		a := &ast.AlterFunction{Pos: pos, Procedure: proc, Func: p.funcSig()}
		switch {
		case p.acceptWord("owner"):
			p.expectKw(ast.KwTo)
			a.Owner = p.ident()
		case p.acceptWord("rename"):
			p.expectKw(ast.KwTo)
			a.NewName = p.ident()
		default:
			p.fail(p.tok.pos, "0A000", "ALTER FUNCTION supports OWNER TO and RENAME TO")
		}
		return a
	case p.acceptKw(ast.KwSchema):
		a := &ast.AlterSchema{Pos: pos, Name: p.ident()}
		if p.acceptWord("owner") {
			p.expectKw(ast.KwTo)
			a.Owner = p.ident()
		} else {
			p.expectKw(ast.KwRename)
			p.expectKw(ast.KwTo)
			a.NewName = p.ident()
		}
		return a
	case p.isKw(ast.KwIndex) || p.isKw(ast.KwView):
		r := &ast.AlterRename{Pos: pos, Kind: ast.ObjIndex}
		if p.isKw(ast.KwView) {
			r.Kind = ast.ObjView
		}
		p.next()
		r.IfExists = p.ifExists()
		r.Name = p.tableName()
		p.expectKw(ast.KwRename)
		p.expectKw(ast.KwTo)
		r.NewName = p.ident()
		return r
	case p.acceptWord("sequence"):
		ifExists := p.ifExists()
		name := p.tableName()
		if p.acceptKw(ast.KwRename) {
			p.expectKw(ast.KwTo)
			return &ast.AlterRename{Pos: pos, Kind: ast.ObjSequence, IfExists: ifExists, Name: name, NewName: p.ident()}
		}
		s := &ast.AlterSequence{Pos: pos, IfExists: ifExists, Name: name}
		other := false // OWNED BY or AS: accepted, not kept
		for {
			s.Options = append(s.Options, p.seqOptions()...)
			switch {
			case p.acceptWord("restart"):
				s.Restart = true
				if p.acceptKw(ast.KwWith) || p.tok.kind == tInt || p.isOp("-") {
					s.RestartWith = p.seqNumber()
				}
				continue
			case p.acceptWord("owned"):
				p.expectKw(ast.KwBy)
				s.OwnedBy = "NONE"
				if !p.acceptWord("none") {
					parts := []string{p.ident()} // [schema.]table.column
					for len(parts) < 3 && p.acceptOp(".") {
						parts = append(parts, p.colLabel())
					}
					if len(parts) < 2 {
						p.syntaxError()
					}
					for i, part := range parts {
						parts[i] = ast.QuoteIdent(part)
					}
					s.OwnedBy = strings.Join(parts, ".")
				}
				other = true
				continue
			case p.acceptWord("owner"):
				p.expectKw(ast.KwTo)
				s.Owner = p.ident()
				other = true
				continue
			case p.acceptKw(ast.KwAs):
				s.As = ast.Format(p.typeName())
				other = true
				continue
			}
			break
		}
		if len(s.Options) == 0 && !s.Restart && !other {
			p.syntaxError()
		}
		return s
	}
	p.expectKw(ast.KwTable)
	a := &ast.AlterTable{Pos: pos}
	a.IfExists = p.ifExists()
	p.acceptKw(ast.KwOnly)
	a.Name = p.tableName()
	for {
		a.Cmds = append(a.Cmds, p.alterCmd())
		if !p.acceptOp(",") {
			return a
		}
	}
}

// alterType parses ALTER TYPE after its TYPE.
func (p *parser) alterType(pos ast.Pos) ast.Statement {
	a := &ast.AlterType{Pos: pos, Name: p.tableName()}
	switch {
	case p.acceptWord("add"):
		p.expectWord("value")
		a.IfNotExists = p.ifNotExists()
		a.AddValue = p.stringToken()
		switch {
		case p.acceptWord("before"):
			a.Before, a.Neighbour = true, p.stringToken()
		case p.acceptWord("after"):
			a.Neighbour = p.stringToken()
		}
	case p.acceptKw(ast.KwRename):
		if p.acceptWord("value") {
			a.RenameValue = p.stringToken()
			p.expectKw(ast.KwTo)
			a.To = p.stringToken()
			break
		}
		p.expectKw(ast.KwTo)
		a.NewName = p.ident()
	case p.acceptWord("owner"):
		// OWNER TO role (pg_dump writes it): cairn has one owner.
		p.expectKw(ast.KwTo)
		a.Owner = p.ident()
	default:
		p.syntaxError()
	}
	return a
}

// stringToken consumes a string constant and returns its value.
func (p *parser) stringToken() string {
	if p.tok.kind != tString {
		p.syntaxError()
	}
	s := p.tok.str
	p.next()
	return s
}

func (p *parser) alterCmd() *ast.AlterCmd {
	c := &ast.AlterCmd{Pos: p.pos()}
	switch {
	case p.acceptWord("owner"):
		p.expectKw(ast.KwTo)
		c.Kind = ast.AlterOwner
		c.Name = p.ident()
	case (p.isKw(ast.KwSet) || p.isKw(ast.KwReset)) && tokIsOp(p.peek(1), "("),
		p.isKw(ast.KwSet) && p.peek(1).kind == tIdent && (p.peek(1).str == "logged" || p.peek(1).str == "unlogged"):
		// Storage parameters (fillfactor, autovacuum_*), LOGGED: nothing
		// cairn keeps; the text is kept for formatting.
		start := p.tok.pos
		if p.acceptKw(ast.KwSet) && !p.isOp("(") {
			p.next() // LOGGED / UNLOGGED
		} else {
			if p.isKw(ast.KwReset) {
				p.next()
			}
			p.expectOp("(")
			for depth := 1; depth > 0; p.next() {
				switch {
				case p.tok.kind == tEOF:
					p.syntaxError()
				case p.isOp("("):
					depth++
				case p.isOp(")"):
					depth--
				}
			}
		}
		c.Kind = ast.AlterSetOptions
		c.Name = strings.TrimSpace(p.src[start:p.tok.pos])
	case p.acceptKw(ast.KwAdd):
		if k := p.tableConstraint(); k != nil {
			c.Kind = ast.AlterAddConstraint
			c.Constraint = k
			return c
		}
		p.acceptKw(ast.KwColumn)
		c.Kind = ast.AlterAddColumn
		c.IfNotExist = p.ifNotExists()
		c.Column = p.columnDef()
	case p.acceptKw(ast.KwDrop):
		if p.acceptKw(ast.KwConstraint) {
			c.Kind = ast.AlterDropConstraint
		} else {
			p.acceptKw(ast.KwColumn)
			c.Kind = ast.AlterDropColumn
		}
		c.IfExists = p.ifExists()
		c.Name = p.ident()
		if p.acceptKw(ast.KwCascade) {
			c.Cascade = true
		} else {
			p.acceptKw(ast.KwRestrict)
		}
	case p.acceptWord("validate"):
		p.expectKw(ast.KwConstraint)
		c.Kind = ast.AlterValidateConstraint
		c.Name = p.ident()
	case p.isKw(ast.KwRename) && tokIsKw(p.peek(1), ast.KwConstraint):
		p.next()
		p.next()
		c.Kind = ast.AlterRenameConstraint
		c.Name = p.ident()
		p.expectKw(ast.KwTo)
		c.NewName = p.ident()
	case p.acceptKw(ast.KwRename):
		if p.acceptKw(ast.KwTo) {
			c.Kind = ast.AlterRenameTable
			c.NewName = p.ident()
			return c
		}
		p.acceptKw(ast.KwColumn)
		c.Kind = ast.AlterRenameColumn
		c.Name = p.ident()
		p.expectKw(ast.KwTo)
		c.NewName = p.ident()
	case p.acceptKw(ast.KwAlter):
		p.acceptKw(ast.KwColumn)
		c.Name = p.ident()
		switch {
		case p.acceptKw(ast.KwSet):
			if p.acceptKw(ast.KwDefault) {
				c.Kind = ast.AlterColumnSetDefault
				c.Default = p.exprPrec(ast.PrecIs + 1)
			} else if p.acceptWord("statistics") {
				c.Kind = ast.AlterColumnSetStatistics
				c.Default = p.seqNumber()
			} else if p.acceptWord("data") {
				p.expectWord("type")
				c.Kind = ast.AlterColumnType
				c.Type = p.typeName()
				if p.acceptKw(ast.KwUsing) {
					c.Using = p.expr()
				}
			} else {
				p.expectKw(ast.KwNot)
				p.expectKw(ast.KwNull)
				c.Kind = ast.AlterColumnSetNotNull
			}
		case p.isKw(ast.KwAdd) && p.peek(1).kind == tIdent && p.peek(1).str == "generated":
			p.next()
			c.Kind = ast.AlterColumnAddIdentity
			c.Constraint = &ast.Constraint{}
			p.generated(c.Constraint)
			if c.Constraint.Kind != ast.ConstrIdentity {
				p.syntaxError()
			}
		case p.acceptKw(ast.KwDrop):
			if p.acceptKw(ast.KwIdentity) {
				c.Kind = ast.AlterColumnDropIdentity
				if p.acceptKw(ast.KwIf) {
					p.expectKw(ast.KwExists)
					c.IfExists = true
				}
			} else if p.acceptKw(ast.KwDefault) {
				c.Kind = ast.AlterColumnDropDefault
			} else {
				p.expectKw(ast.KwNot)
				p.expectKw(ast.KwNull)
				c.Kind = ast.AlterColumnDropNotNull
			}
		case p.acceptWord("type"):
			c.Kind = ast.AlterColumnType
			c.Type = p.typeName()
			if p.acceptKw(ast.KwUsing) {
				c.Using = p.expr()
			}
		default:
			p.syntaxError()
		}
	default:
		p.syntaxError()
	}
	return c
}

func (p *parser) truncate() ast.Statement {
	t := &ast.Truncate{Pos: p.pos()}
	p.expectKw(ast.KwTruncate)
	p.acceptKw(ast.KwTable)
	p.acceptKw(ast.KwOnly)
	t.Names = p.tableNameList()
	if p.acceptKw(ast.KwRestart) {
		p.expectKw(ast.KwIdentity)
		t.RestartIdentity = true
	} else if p.acceptKw(ast.KwContinue) {
		p.expectKw(ast.KwIdentity)
	}
	if p.acceptKw(ast.KwCascade) {
		t.Cascade = true
	} else {
		p.acceptKw(ast.KwRestrict)
	}
	return t
}

// roleOptions parses [WITH] option ... of CREATE/ALTER ROLE.
func (p *parser) roleOptions() []ast.RoleOption {
	p.acceptKw(ast.KwWith)
	var opts []ast.RoleOption
	for {
		switch {
		case p.isKw(ast.KwPassword) || p.isWord("encrypted") && tokIsKw(p.peek(1), ast.KwPassword):
			if p.isWord("encrypted") {
				p.next()
			}
			p.next()
			pos := p.pos()
			var v ast.Expr
			switch {
			case p.tok.kind == tString:
				v = &ast.Literal{Pos: pos, Kind: ast.LitString, Val: p.tok.str}
				p.next()
			case p.acceptKw(ast.KwNull):
				v = &ast.Literal{Pos: pos, Kind: ast.LitNull}
			default:
				p.syntaxError()
			}
			opts = append(opts, ast.RoleOption{Name: "password", Value: v})
		case p.tok.kind == tIdent && p.tok.kw == ast.KwNone && roleFlags[p.tok.str]:
			opts = append(opts, ast.RoleOption{Name: p.tok.str})
			p.next()
		default:
			return opts
		}
	}
}

var roleFlags = map[string]bool{
	"login": true, "nologin": true, "superuser": true, "nosuperuser": true,
	"createdb": true, "nocreatedb": true, "createrole": true, "nocreaterole": true,
	"inherit": true, "noinherit": true, "replication": true, "noreplication": true,
	"bypassrls": true, "nobypassrls": true,
}

// comment parses COMMENT ON TABLE|VIEW|SEQUENCE|INDEX name | COLUMN
// [schema.]table.column IS 'text' | NULL.
func (p *parser) comment() ast.Statement {
	c := &ast.Comment{Pos: p.pos()}
	p.next() // COMMENT
	p.expectKw(ast.KwOn)
	switch {
	case p.acceptKw(ast.KwTable):
		c.Kind = ast.ObjTable
	case p.acceptKw(ast.KwIndex):
		c.Kind = ast.ObjIndex
	case p.acceptKw(ast.KwView):
		c.Kind = ast.ObjView
	case p.acceptWord("sequence"):
		c.Kind = ast.ObjSequence
	case p.acceptWord("extension"):
		c.Kind = ast.ObjExtension
	case p.acceptKw(ast.KwSchema):
		c.Kind = ast.ObjSchema
	case p.acceptWord("type"):
		c.Kind = ast.ObjType
	case p.acceptKw(ast.KwColumn):
		c.Kind = ast.ObjTable
		parts := []string{p.ident()}
		for p.acceptOp(".") {
			parts = append(parts, p.colLabel())
		}
		if len(parts) < 2 || len(parts) > 3 {
			p.syntaxError()
		}
		c.Column = parts[len(parts)-1]
		c.Name = ast.TableName{Name: parts[len(parts)-2]}
		if len(parts) == 3 {
			c.Name.Schema = parts[0]
		}
	default:
		p.syntaxError()
	}
	if c.Column == "" {
		c.Name = p.tableName()
	}
	p.expectKw(ast.KwIs)
	switch {
	case p.acceptKw(ast.KwNull):
	case p.tok.kind == tString:
		s := p.tok.str
		c.Text = &s
		p.next()
	default:
		p.syntaxError()
	}
	return c
}

// nullsDistinct parses [NULLS [NOT] DISTINCT] after UNIQUE: true for NOT
// DISTINCT.
func (p *parser) nullsDistinct() bool {
	if !p.isKw(ast.KwNulls) || !(tokIsKw(p.peek(1), ast.KwDistinct) || tokIsKw(p.peek(1), ast.KwNot)) {
		return false
	}
	p.next()
	not := p.acceptKw(ast.KwNot)
	p.expectKw(ast.KwDistinct)
	return not
}

// doBlock parses DO [LANGUAGE name] 'body' [LANGUAGE name]: only
// plpgsql's blocks (the engine runs a subset of the language).
func (p *parser) doBlock() ast.Statement {
	d := &ast.Do{Pos: p.pos()}
	p.expectKw(ast.KwDo)
	lang := func() {
		if p.acceptWord("language") {
			pos := p.pos()
			var l string
			if p.tok.kind == tString {
				l = p.stringToken()
			} else {
				l = p.ident()
			}
			if strings.ToLower(l) != "plpgsql" {
				p.fail(int32(pos), "42704", "language \""+l+"\" does not exist")
			}
		}
	}
	lang()
	d.Body = p.stringToken()
	lang()
	return d
}

// lockModes are LOCK's modes, weakest first.
var lockModes = []string{"access share", "row share", "row exclusive", "share update exclusive",
	"share", "share row exclusive", "exclusive", "access exclusive"}

// lock parses LOCK [TABLE] [ONLY] name [*] [, ...] [IN mode MODE] [NOWAIT].
func (p *parser) lock() ast.Statement {
	l := &ast.Lock{Pos: p.pos(), Mode: "access exclusive"}
	p.next() // LOCK
	p.acceptKw(ast.KwTable)
	for {
		p.acceptKw(ast.KwOnly)
		l.Names = append(l.Names, p.tableName())
		p.acceptOp("*")
		if !p.acceptOp(",") {
			break
		}
	}
	if p.acceptKw(ast.KwIn) {
		var words []string
		for !p.isWord("mode") {
			if p.tok.kind != tIdent {
				p.syntaxError()
			}
			words = append(words, strings.ToLower(p.tok.str))
			p.next()
		}
		p.next() // MODE
		l.Mode = strings.Join(words, " ")
		if !slices.Contains(lockModes, l.Mode) {
			p.syntaxError()
		}
	}
	if p.acceptWord("nowait") {
		l.NoWait = true
	}
	return l
}

// maintain parses REINDEX [(options)] {INDEX | TABLE | SCHEMA | DATABASE
// | SYSTEM} [CONCURRENTLY] name and CLUSTER [VERBOSE] [table [USING
// index]].
func (p *parser) maintain() ast.Statement {
	m := &ast.Maintain{Pos: p.pos(), Kind: p.tok.str}
	p.next()
	if m.Kind == "cluster" {
		p.acceptKw(ast.KwVerbose)
		if p.isIdent() {
			m.Name = p.tableName()
			if p.acceptKw(ast.KwUsing) {
				m.Index = p.ident()
			}
		}
		return m
	}
	if p.acceptOp("(") { // (VERBOSE, CONCURRENTLY, TABLESPACE x): nothing to do with them
		for !p.acceptOp(")") {
			if p.tok.kind == tEOF {
				p.syntaxError()
			}
			p.next()
		}
	}
	switch {
	case p.acceptKw(ast.KwIndex):
		m.Object = "index"
	case p.acceptKw(ast.KwTable):
		m.Object = "table"
	case p.acceptKw(ast.KwSchema):
		m.Object = "schema"
	case p.acceptWord("database"):
		m.Object = "database"
	case p.acceptWord("system"):
		m.Object = "system"
	default:
		p.syntaxError()
	}
	p.acceptWord("concurrently")
	m.Name = p.tableName()
	return m
}
