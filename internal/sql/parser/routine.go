package parser

import (
	"strings"

	"github.com/cairndb/cairn/internal/sql/ast"
)

// createRoutine parses CREATE [OR REPLACE] FUNCTION after FUNCTION (or
// PROCEDURE after PROCEDURE: no RETURNS):
//
//	name ([[IN] [name] type [DEFAULT expr | = expr], ...])
//	RETURNS [SETOF] type
//	{LANGUAGE name | AS 'body' | RETURN expr | IMMUTABLE | STABLE |
//	 VOLATILE | STRICT | CALLED ON NULL INPUT | RETURNS NULL ON NULL
//	 INPUT | [NOT] LEAKPROOF | SECURITY {DEFINER | INVOKER} |
//	 PARALLEL {SAFE | RESTRICTED | UNSAFE} | COST n | ROWS n} ...
//
// OUT and INOUT parameters, RETURNS TABLE and BEGIN ATOMIC bodies are
// refused with 0A000.
func (p *parser) createRoutine(pos ast.Pos, orReplace, procedure bool) ast.Statement {
	f := &ast.CreateFunction{Pos: pos, OrReplace: orReplace, Procedure: procedure, Name: p.tableName()}
	p.expectOp("(")
	if !p.acceptOp(")") {
		for {
			f.Params = append(f.Params, p.funcParam())
			if p.acceptOp(")") {
				break
			}
			p.expectOp(",")
		}
	}
	sawReturns := false
	for p.tok.kind != tEOF && !p.isOp(";") {
		at := p.tok.pos
		switch {
		case procedure && p.isWord("returns"):
			p.fail(at, "42P13", "procedures cannot have a RETURNS clause")
		case p.acceptWord("returns"):
			if p.acceptWord("null") {
				p.expectKw(ast.KwOn)
				p.expectKw(ast.KwNull)
				p.expectWord("input")
				f.Strict = true
				continue
			}
			sawReturns = true
			if p.acceptKw(ast.KwTable) {
				p.expectOp("(")
				for {
					c := ast.FuncParam{Name: p.ident()}
					c.Type = p.typeName()
					f.ReturnsTable = append(f.ReturnsTable, c)
					if p.acceptOp(")") {
						break
					}
					p.expectOp(",")
				}
				f.ReturnsSet = true
				continue
			}
			f.ReturnsSet = p.acceptWord("setof")
			t := p.typeName()
			if strings.EqualFold(t.Name, "void") && len(t.ArrayBounds) == 0 {
				t = nil
			}
			f.Returns = t
		case p.acceptWord("language"):
			if p.tok.kind == tString {
				f.Language = strings.ToLower(p.stringToken())
			} else {
				f.Language = p.ident()
			}
		case p.acceptKw(ast.KwAs):
			f.Body = p.stringToken()
			if p.acceptOp(",") {
				p.fail(at, "0A000", "functions of object files (AS 'file', 'symbol') are not supported")
			}
		case p.acceptWord("return"):
			e := p.expr()
			f.Body = "SELECT " + ast.Format(e)
			if f.Language == "" {
				f.Language = "sql"
			}
		case p.isWord("begin"):
			p.fail(at, "0A000", "BEGIN ATOMIC function bodies are not supported; use AS $$ ... $$")
		case p.isWord("immutable"), p.isWord("stable"), p.isWord("volatile"):
			f.Volatility = p.tok.str
			p.next()
		case p.acceptWord("strict"):
			f.Strict = true
		case p.acceptWord("called"):
			p.expectKw(ast.KwOn)
			p.expectKw(ast.KwNull)
			p.expectWord("input")
			f.Strict = false
		case p.acceptKw(ast.KwNot):
			p.expectWord("leakproof")
		case p.acceptWord("leakproof"):
		case p.acceptWord("external"):
			p.expectWord("security")
			p.securityMode()
		case p.acceptWord("security"):
			p.securityMode()
		case p.acceptWord("parallel"):
			if !p.acceptWord("safe") && !p.acceptWord("restricted") && !p.acceptWord("unsafe") {
				p.syntaxError()
			}
		case p.acceptWord("cost"), p.acceptWord("rows"):
			if p.tok.kind != tInt && p.tok.kind != tNumeric {
				p.syntaxError()
			}
			p.next()
		case p.acceptWord("window"):
			p.fail(at, "0A000", "window functions written in SQL are not supported")
		case p.isKw(ast.KwSet):
			p.fail(at, "0A000", "SET clauses of functions are not supported")
		default:
			p.syntaxError()
		}
	}
	switch {
	case f.Body == "":
		p.fail(int32(pos), "42P13", "no function body specified")
	case f.Language == "":
		p.fail(int32(pos), "42P13", "no language specified")
	case !sawReturns && f.Returns == nil && !strings.HasPrefix(f.Body, "SELECT ") && !procedure:
		// PostgreSQL requires RETURNS unless OUT parameters give the
		// result type, which cairn does not have.
		p.fail(int32(pos), "42P13", "function result type must be specified")
	}
	return f
}

func (p *parser) securityMode() {
	if !p.acceptWord("definer") && !p.acceptWord("invoker") {
		p.syntaxError()
	}
}

// funcParam parses one parameter: [IN] [name] type [DEFAULT expr | = expr].
// Whether a leading word is the name or the type is decided by trying
// the type alone first: "integer" and "double precision" are types,
// "a integer" is a name and a type.
func (p *parser) funcParam() ast.FuncParam {
	at := p.tok.pos
	switch {
	case p.acceptKw(ast.KwIn):
	case p.isWord("out"), p.isWord("inout"), p.isWord("variadic"):
		p.fail(at, "0A000", strings.ToUpper(p.tok.str)+" parameters are not supported")
	}
	var fp ast.FuncParam
	if err := p.try(func() {
		fp.Type = p.typeName()
		if !p.isOp(",") && !p.isOp(")") && !p.isOp("=") && !p.isKw(ast.KwDefault) {
			p.syntaxError()
		}
	}); err != nil {
		fp.Name = p.ident()
		fp.Type = p.typeName()
	}
	if p.acceptKw(ast.KwDefault) || p.acceptOp("=") {
		fp.Default = p.expr()
	}
	return fp
}

// funcSig parses name [([[IN] [name] type, ...])] for DROP FUNCTION.
func (p *parser) funcSig() ast.FuncSig {
	s := ast.FuncSig{Name: p.tableName()}
	if !p.acceptOp("(") {
		return s
	}
	s.HasArgs = true
	if p.acceptOp(")") {
		return s
	}
	for {
		s.Args = append(s.Args, p.funcParam().Type)
		if p.acceptOp(")") {
			return s
		}
		p.expectOp(",")
	}
}

// createTrigger parses CREATE [OR REPLACE] TRIGGER after TRIGGER.
func (p *parser) createTrigger(pos ast.Pos, orReplace bool) ast.Statement {
	t := &ast.CreateTrigger{Pos: pos, OrReplace: orReplace, Name: p.ident()}
	switch {
	case p.acceptWord("before"):
		t.Before = true
	case p.acceptWord("after"):
	case p.isWord("instead"):
		p.fail(p.tok.pos, "0A000", "INSTEAD OF triggers are not supported")
	default:
		p.syntaxError()
	}
	for {
		at := p.tok.pos
		switch {
		case p.acceptKw(ast.KwInsert):
			t.Events = append(t.Events, "insert")
		case p.acceptKw(ast.KwUpdate):
			if p.isKw(ast.KwOf) {
				p.fail(at, "0A000", "UPDATE OF column triggers are not supported")
			}
			t.Events = append(t.Events, "update")
		case p.acceptKw(ast.KwDelete):
			t.Events = append(t.Events, "delete")
		case p.isWord("truncate"):
			p.fail(at, "0A000", "TRUNCATE triggers are not supported")
		default:
			p.syntaxError()
		}
		if !p.acceptKw(ast.KwOr) {
			break
		}
	}
	p.expectKw(ast.KwOn)
	t.Table = p.tableName()
	if p.isWord("referencing") || p.isWord("from") || p.isWord("deferrable") || p.isWord("initially") || p.isWord("not") {
		p.fail(p.tok.pos, "0A000", "trigger option "+strings.ToUpper(p.tok.str)+" is not supported")
	}
	if p.acceptKw(ast.KwFor) {
		p.acceptWord("each")
		switch {
		case p.acceptKw(ast.KwRow):
			t.ForEachRow = true
		case p.acceptWord("statement"):
		default:
			p.syntaxError()
		}
	}
	if p.acceptKw(ast.KwWhen) {
		p.expectOp("(")
		t.When = p.expr()
		p.expectOp(")")
	}
	p.expectKw(ast.KwExecute)
	if !p.acceptWord("function") && !p.acceptWord("procedure") {
		p.syntaxError()
	}
	t.Function = p.tableName()
	p.expectOp("(")
	if !p.acceptOp(")") {
		p.fail(p.tok.pos, "0A000", "trigger function arguments are not supported")
	}
	return t
}

// call parses CALL name([args]).
func (p *parser) call() ast.Statement {
	pos := p.pos()
	p.expectWord("call")
	name := p.tableName()
	if !p.isOp("(") {
		p.syntaxError()
	}
	fc, ok := p.funcCall(pos, name).(*ast.FuncCall)
	if !ok || fc.Over != nil || fc.Filter != nil || fc.Star || fc.Distinct {
		p.syntaxError()
	}
	return &ast.Call{Pos: pos, Func: fc}
}
