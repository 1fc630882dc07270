package parser

import (
	"github.com/cairndb/cairn/internal/sql/ast"
)

func (p *parser) withPos(w *ast.With) ast.Pos {
	if w != nil {
		return w.Pos
	}
	return p.pos()
}

// dmlAlias parses the optional [AS] alias of an INSERT, UPDATE or DELETE
// target table.
func (p *parser) dmlAlias() string {
	if p.acceptKw(ast.KwAs) {
		return p.ident()
	}
	if p.tok.kind == tQIdent || p.tok.kind == tIdent && p.tok.kw == ast.KwNone {
		s := p.tok.str
		p.next()
		return s
	}
	return ""
}

func (p *parser) insert(w *ast.With) *ast.Insert {
	ins := &ast.Insert{Pos: p.withPos(w), With: w}
	p.expectKw(ast.KwInsert)
	p.expectKw(ast.KwInto)
	ins.Table = p.tableName()
	if p.acceptKw(ast.KwAs) {
		ins.Alias = p.ident()
	}
	if p.isOp("(") && !p.queryAhead() {
		ins.Columns = p.parenIdentList()
	}
	if p.acceptWord("overriding") {
		switch {
		case p.acceptWord("system"):
			ins.Overriding = "system"
		case p.acceptKw(ast.KwUser):
			ins.Overriding = "user"
		default:
			p.syntaxError()
		}
		p.expectWord("value")
	}
	if p.isKw(ast.KwDefault) {
		p.next()
		p.expectKw(ast.KwValues)
	} else {
		ins.Source = p.query()
	}
	if p.isKw(ast.KwOn) {
		ins.OnConflict = p.onConflict()
	}
	if p.acceptKw(ast.KwReturning) {
		ins.Returning = p.targets()
	}
	return ins
}

func (p *parser) onConflict() *ast.OnConflict {
	onPos := p.tok.pos
	c := &ast.OnConflict{Pos: p.pos()}
	p.expectKw(ast.KwOn)
	p.expectKw(ast.KwConflict)
	switch {
	case p.isOp("("):
		c.Columns = p.parenIdentList()
		if p.acceptKw(ast.KwWhere) {
			c.TargetWhere = p.expr()
		}
	case p.isKw(ast.KwOn):
		p.next()
		p.expectKw(ast.KwConstraint)
		c.Constraint = p.ident()
	}
	p.expectKw(ast.KwDo)
	if p.acceptKw(ast.KwNothing) {
		c.DoNothing = true
		return c
	}
	p.expectKw(ast.KwUpdate)
	if c.Columns == nil && c.Constraint == "" {
		// DO UPDATE needs a conflict target; PostgreSQL reports it at the
		// ON of ON CONFLICT.
		p.fail(onPos, CodeSyntaxError, "ON CONFLICT DO UPDATE requires inference specification or constraint name")
	}
	p.expectKw(ast.KwSet)
	c.Set = p.setClauses()
	if p.acceptKw(ast.KwWhere) {
		c.Where = p.expr()
	}
	return c
}

func (p *parser) setClauses() []ast.SetClause {
	var sets []ast.SetClause
	for {
		s := ast.SetClause{Pos: p.pos()}
		if p.isOp("(") {
			s.Columns = p.parenIdentList()
		} else {
			s.Columns = []string{p.ident()}
			if p.acceptOp("[") {
				s.Subscript = p.expr()
				p.expectOp("]")
			}
		}
		p.expectOp("=")
		s.Value = p.expr()
		sets = append(sets, s)
		if !p.acceptOp(",") {
			return sets
		}
	}
}

func (p *parser) update(w *ast.With) *ast.Update {
	u := &ast.Update{Pos: p.withPos(w), With: w}
	p.expectKw(ast.KwUpdate)
	u.Only = p.acceptKw(ast.KwOnly)
	u.Table = p.tableName()
	u.Alias = p.dmlAlias()
	p.expectKw(ast.KwSet)
	u.Set = p.setClauses()
	if p.acceptKw(ast.KwFrom) {
		u.From = p.fromList()
	}
	if p.acceptKw(ast.KwWhere) {
		u.Where = p.expr()
	}
	if p.acceptKw(ast.KwReturning) {
		u.Returning = p.targets()
	}
	return u
}

func (p *parser) delete(w *ast.With) *ast.Delete {
	d := &ast.Delete{Pos: p.withPos(w), With: w}
	p.expectKw(ast.KwDelete)
	p.expectKw(ast.KwFrom)
	d.Only = p.acceptKw(ast.KwOnly)
	d.Table = p.tableName()
	d.Alias = p.dmlAlias()
	if p.acceptKw(ast.KwUsing) {
		d.Using = p.fromList()
	}
	if p.acceptKw(ast.KwWhere) {
		d.Where = p.expr()
	}
	if p.acceptKw(ast.KwReturning) {
		d.Returning = p.targets()
	}
	return d
}
