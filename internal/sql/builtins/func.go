package builtins

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// Func is a resolved scalar function: what the binder needs to type the
// call and what the executor calls per row.
type Func struct {
	// Name is the function's canonical name (for EXPLAIN).
	Name string
	// Return is the result type.
	Return types.Type
	// ArgTypes are the types the caller must cast each argument to before
	// calling Fn, one per argument. For an "any" parameter (concat,
	// format, pg_typeof) it is the argument's own type, unknown included.
	ArgTypes []types.Type
	// Fn computes the result from arguments already cast to ArgTypes. For
	// a Strict function it also returns NULL itself when an argument is
	// NULL, so calling it without checking is safe. Fn never panics on
	// user data; its errors are *sqlerr.Error. Fn must not keep args (the
	// slice, not the datums) past the call: callers reuse it.
	Fn func(args []types.Datum) (types.Datum, error)
	// CtxFn is non-nil for the functions that read the statement's
	// context (now(), current_database(), ...): the executor should call
	// it instead of Fn with the statement's EvalContext. Fn then falls
	// back to defaults (the wall clock, "cairn").
	CtxFn func(ctx *EvalContext, args []types.Datum) (types.Datum, error)
	// Strict: a NULL argument gives NULL without calling Fn.
	Strict bool
	// Volatile: the value may change between calls with the same
	// arguments (random(), clock_timestamp()) or depends on the
	// transaction (now()); the planner must not constant-fold it.
	Volatile bool
	// ZoneOnly: of the context, CtxFn reads the time zone alone
	// (date_trunc, extract, to_char): a binder binds it in its session's
	// zone once (ForZone), and it stays immutable and foldable.
	ZoneOnly bool
}

// ForZone returns f's function in the time zone zone (nil: UTC) for a
// ZoneOnly function.
func (f *Func) ForZone(zone *time.Location) func([]types.Datum) (types.Datum, error) {
	ctxFn, ec := f.CtxFn, &EvalContext{Zone: zone}
	fn := func(args []types.Datum) (types.Datum, error) { return ctxFn(ec, args) }
	if f.Strict {
		return strictFn(fn)
	}
	return fn
}

// EvalContext is the per-statement state a few functions read.
type EvalContext struct {
	// TxnTime is the transaction's start (now(), current_timestamp,
	// transaction_timestamp()); StmtTime the statement's start
	// (statement_timestamp()). Zero means the wall clock.
	TxnTime, StmtTime time.Time
	// Database and User answer current_database() and current_user.
	Database, User string
	// Sequences answers nextval, currval and setval; nil outside a
	// statement that may use them.
	Sequences Sequences
	// DatabaseSize answers pg_database_size: the bytes the store takes.
	DatabaseSize func() int64
	// RelationSize answers pg_relation_size and its kin: about how many
	// bytes part of the relation with OID oid takes in the store; ok is
	// false when there is no such relation (the functions' NULL).
	RelationSize func(oid int64, part SizePart) (n int64, ok bool)
	// TxnID answers txid_current and pg_current_xact_id: the
	// transaction's id, the same for all its statements.
	TxnID func() int64
	// Notice sends the client a notice (severity NOTICE, WARNING or
	// INFO): what IF EXISTS skipped, RAISE NOTICE; nil drops it.
	Notice func(Notice)
	// Random draws random()'s next value from the session's generator,
	// which SetSeed seeds (setseed); nil: a generator of the process's.
	Random  func() float64
	SetSeed func(float64)
	// Notify queues pg_notify's notification, sent when the transaction
	// commits; nil where there is no session to send from.
	Notify func(channel, payload string) error
	// Context is the statement's (its cancel and timeout), for the
	// functions that wait (pg_sleep); nil outside a statement.
	Context context.Context
	// Advisory takes and releases the session's advisory locks
	// (pg_advisory_lock and friends), a wait ending with ctx; nil where
	// there is no session.
	Advisory func(ctx context.Context, r AdvisoryRequest) (bool, error)
	// BackendPID is the session's process id (pg_backend_pid); 0 for
	// one a server does not serve. SignalBackend cancels the statement
	// of the connection with that pid, or with terminate ends it
	// (pg_cancel_backend, pg_terminate_backend); nil without a server.
	BackendPID    int32
	SignalBackend func(pid int32, terminate bool) bool
	// Setting reads a run-time setting (current_setting), and SetSetting
	// changes one for the session or, local, for the transaction
	// (set_config); nil where there is no session.
	Setting    func(name string) (string, bool)
	SetSetting func(name, value string, local bool) error
	// Zone is the session time zone (TimeZone), nil for UTC: the
	// calendar functions on timestamptz (date_trunc, extract, to_char,
	// age, generate_series) work on the wall clock there.
	Zone *time.Location
	// Routines runs the functions CREATE FUNCTION made, in the running
	// statement's transaction (nil where none may run).
	Routines RoutineRunner
}

// RoutineRunner runs functions CREATE FUNCTION made (the engine).
type RoutineRunner interface {
	// CallRoutine runs a function for its value.
	CallRoutine(r *Routine, args []types.Datum) (types.Datum, error)
	// CallRoutineSet runs a set-returning one (RETURNS SETOF or TABLE):
	// its rows, of r.Cols.
	CallRoutineSet(r *Routine, args []types.Datum) ([][]types.Datum, error)
}

// Routine is a function CREATE FUNCTION made, as a call of it is bound:
// what the engine needs to run it. Args of a call are already cast to
// ArgTypes.
type Routine struct {
	ID       uint32
	Name     string
	Language string // "sql" or "plpgsql"
	Body     string
	ArgNames []string // "" for a parameter without a name
	ArgTypes []types.Type
	Return   types.Type
	Void     bool // RETURNS void
	// ReturnsSet: RETURNS SETOF or RETURNS TABLE, whose rows have the
	// columns Cols (one, named after the function, for SETOF a type).
	ReturnsSet bool
	Cols       []RoutineCol
	// OutVars: Cols are RETURNS TABLE's, which a PL/pgSQL body sees as
	// variables.
	OutVars bool
}

// RoutineCol is a result column of a set-returning routine.
type RoutineCol struct {
	Name string
	Type types.Type
}

// AdvisoryRequest is one advisory lock function call: take (waiting
// unless Try) or release (Unlock) the lock Key, exclusive unless Shared,
// until the session ends or (Xact) its transaction does; or release all
// of the session's session-level locks (UnlockAll). Pair: the key is two
// integers (high 32 bits, low 32), a key space apart from bigint keys.
type AdvisoryRequest struct {
	Key                                        int64
	Pair, Shared, Xact, Try, Unlock, UnlockAll bool
}

// Sequences hands out sequence values for one statement (so in one
// transaction). They are not transactional, so they live in the engine,
// not in the plan.
type Sequences interface {
	NextVal(name string) (int64, error)
	CurrVal(name string) (int64, error)
	// SetVal sets the sequence's value: with called, the next value
	// follows v; without, it is v (setval's third argument).
	SetVal(name string, v int64, called bool) error
}

// poly is a parameter's polymorphism.
type poly uint8

const (
	monomorphic poly = iota
	anyElement       // binds to the argument's (non-array) type
	anyArray         // binds to an array type; its element to anyElement
	anyArg           // "any": no cast; the argument keeps its type
)

type param struct {
	t    types.Type
	poly poly
}

// overload is one catalog entry: a name and a signature.
type overload struct {
	params   []param
	variadic bool // the last parameter repeats one or more times
	// ret is the fixed result type, or retFn computes it from the
	// resolved argument types (polymorphic functions).
	ret   types.Type
	retFn func(args []types.Type) types.Type
	// fn is the implementation; mk, when set, builds it from the resolved
	// argument types instead.
	fn       func(args []types.Datum) (types.Datum, error)
	mk       func(args []types.Type) func(args []types.Datum) (types.Datum, error)
	ctxFn    func(ctx *EvalContext, args []types.Datum) (types.Datum, error)
	zoneOnly bool // ctxFn reads the context's Zone alone
	nonStrct bool
	volatile bool
	// accept, when set, further restricts polymorphic bindings (min/max
	// take only ordered types).
	accept func(elem types.Type) bool
	// newAgg builds an aggregate's state constructor (aggregates only).
	newAgg func(args []types.Type) func() AggState
	// table is a table function's implementation (table functions only).
	table *tableImpl
}

var registry = map[string][]*overload{}

func register(name string, o *overload) {
	registry[name] = append(registry[name], o)
}

func p(t types.Type) param { return param{t: t} }

var (
	pElem = param{poly: anyElement}
	pArr  = param{poly: anyArray}
	pAny  = param{poly: anyArg}
)

// normalizeName folds a function name as the binder passes it: lower
// case, without a pg_catalog schema.
func normalizeName(name string) string {
	name = strings.TrimPrefix(strings.ToLower(name), "pg_catalog.")
	if j, ok := jsonNames[name]; ok {
		return j
	}
	return name
}

// jsonNames maps PostgreSQL's json functions to their jsonb twins: in
// cairn json is jsonb (keys sorted, duplicates dropped), so json_agg is
// jsonb_agg and row_to_json is to_jsonb.
var jsonNames = map[string]string{
	"to_json": "to_jsonb", "row_to_json": "to_jsonb", "json_agg": "jsonb_agg", "json_object_agg": "jsonb_object_agg",
	"json_build_object": "jsonb_build_object", "json_build_array": "jsonb_build_array",
	"json_array_length": "jsonb_array_length", "json_typeof": "jsonb_typeof", "json_strip_nulls": "jsonb_strip_nulls",
	"json_extract_path": "jsonb_extract_path", "json_extract_path_text": "jsonb_extract_path_text",
	"json_array_elements": "jsonb_array_elements", "json_array_elements_text": "jsonb_array_elements_text",
	"json_each": "jsonb_each", "json_each_text": "jsonb_each_text", "json_object_keys": "jsonb_object_keys",
}

// IsScalar reports whether name is a built-in scalar function.
func IsScalar(name string) bool {
	_, ok := registry[normalizeName(name)]
	return ok
}

// Has reports whether name is a built-in scalar, aggregate, window or
// table function.
func Has(name string) bool {
	name = normalizeName(name)
	_, ok := registry[name]
	return ok || IsAggregate(name) || IsWindow(name) || IsTableFunc(name)
}

// Lookup resolves a scalar function call by name and argument types, once,
// at plan time. See doc.go for the resolution rules. Errors: 42883 when
// nothing matches, 42725 when several candidates match equally well.
func Lookup(name string, args []types.Type) (*Func, error) {
	name = normalizeName(name)
	o, argTypes, err := resolve(name, registry[name], args, false)
	if err != nil {
		return nil, err
	}
	f := &Func{
		Name:     name,
		ArgTypes: argTypes,
		Strict:   !o.nonStrct,
		Volatile: o.volatile,
		ZoneOnly: o.zoneOnly,
		Return:   o.ret,
	}
	if o.retFn != nil {
		f.Return = o.retFn(argTypes)
	}
	fn := o.fn
	if o.mk != nil {
		fn = o.mk(argTypes)
	}
	if o.ctxFn != nil {
		ctxFn := o.ctxFn
		f.CtxFn = ctxFn
		if fn == nil {
			fn = func(args []types.Datum) (types.Datum, error) { return ctxFn(&EvalContext{}, args) }
		}
	}
	if f.Strict {
		fn = strictFn(fn)
	}
	f.Fn = fn
	return f, nil
}

func strictFn(fn func([]types.Datum) (types.Datum, error)) func([]types.Datum) (types.Datum, error) {
	return func(args []types.Datum) (types.Datum, error) {
		for _, a := range args {
			if a.IsNull() {
				return types.Null, nil
			}
		}
		return fn(args)
	}
}

// signature formats name(type, type) as PostgreSQL's func_signature_string.
func signature(name string, args []types.Type, star bool) string {
	if star {
		return name + "(*)"
	}
	var b strings.Builder
	b.WriteString(name)
	b.WriteByte('(')
	for i, a := range args {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.String())
	}
	b.WriteByte(')')
	return b.String()
}

// Resolve resolves a call of f, a function defined outside this package
// with one signature (f.ArgTypes), as Lookup does a built-in's: the
// arguments must match or convert implicitly (42883 if not). It returns f
// with ArgTypes those the arguments must be cast to.
func Resolve(f *Func, args []types.Type) (*Func, error) {
	params := make([]param, len(f.ArgTypes))
	for i, t := range f.ArgTypes {
		params[i] = p(t)
	}
	name := strings.ToLower(f.Name)
	_, argTypes, err := resolve(name, []*overload{{params: params, ret: f.Return, fn: f.Fn}}, args, false)
	if err != nil {
		return nil, err
	}
	r := *f
	r.Name, r.ArgTypes = name, argTypes
	return &r, nil
}

func undefinedFunction(name string, args []types.Type, star bool) error {
	return sqlerr.New(sqlerr.UndefinedFunction, "function %s does not exist", signature(name, args, star)).
		WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
}

func ambiguousFunction(name string, args []types.Type) error {
	return sqlerr.New(sqlerr.AmbiguousFunction, "function %s is not unique", signature(name, args, false)).
		WithHint("Could not choose a best candidate function. You might need to add explicit type casts.")
}

func isUnknown(t types.Type) bool { return t.Family() == types.UnknownFamily }

// category is PostgreSQL's typcategory.
func category(t types.Type) byte {
	if t.IsArray() {
		return 'A'
	}
	switch t.Family() {
	case types.BoolFamily:
		return 'B'
	case types.Int2Family, types.Int4Family, types.Int8Family, types.Float4Family, types.Float8Family, types.NumericFamily:
		return 'N'
	case types.TextFamily, types.VarcharFamily, types.CharFamily:
		return 'S'
	case types.DateFamily, types.TimestampFamily, types.TimestampTZFamily, types.TimeFamily:
		return 'D'
	case types.IntervalFamily:
		return 'T'
	case types.UnknownFamily:
		return 'X'
	}
	return 'U'
}

// isPreferred reports whether t is its category's preferred type.
func isPreferred(t types.Type) bool {
	if t.IsArray() {
		return false
	}
	switch t.Family() {
	case types.Float8Family, types.TextFamily, types.TimestampTZFamily, types.IntervalFamily, types.BoolFamily:
		return true
	}
	return false
}

// candidate is an overload that accepts the arguments, with the types
// they resolve to.
type candidate struct {
	o        *overload
	resolved []types.Type // per argument: the parameter's (bound) type
	exact    int
	poly     int // arguments a polymorphic parameter takes
	prefer   int
}

// bind checks whether o accepts args and returns the parameter type for
// each argument.
func bind(o *overload, args []types.Type) ([]types.Type, bool) {
	n := len(o.params)
	if o.variadic {
		if len(args) < n {
			return nil, false
		}
	} else if len(args) != n {
		return nil, false
	}
	paramAt := func(i int) param {
		if i >= n {
			return o.params[n-1]
		}
		return o.params[i]
	}
	// Bind the polymorphic element type from the known arguments.
	var elem types.Type
	bound := false
	for i, a := range args {
		pr := paramAt(i)
		if isUnknown(a) {
			continue
		}
		var e types.Type
		switch pr.poly {
		case anyElement:
			if a.IsArray() {
				return nil, false
			}
			e = a
		case anyArray:
			if !a.IsArray() {
				return nil, false
			}
			e = a.Elem()
		default:
			continue
		}
		e = baseType(e)
		if !bound {
			elem, bound = e, true
			continue
		}
		if !types.Equivalent(elem, e) {
			// anycompatible-style: widen to the type the other casts to.
			switch {
			case castsImplicitly(e, elem):
			case castsImplicitly(elem, e):
				elem = e
			default:
				return nil, false
			}
		}
	}
	if !bound {
		elem = types.Text // unknown literals only: resolve as text
	}
	if o.accept != nil {
		for _, pr := range o.params {
			if pr.poly == anyElement || pr.poly == anyArray {
				if !o.accept(elem) {
					return nil, false
				}
				break
			}
		}
	}
	out := make([]types.Type, len(args))
	for i, a := range args {
		pr := paramAt(i)
		var t types.Type
		switch pr.poly {
		case anyArg:
			out[i] = a
			continue
		case anyElement:
			t = elem
		case anyArray:
			t = types.ArrayOf(elem)
		default:
			t = pr.t
		}
		if !isUnknown(a) && !types.Equivalent(a, t) && !castsImplicitly(a, t) {
			return nil, false
		}
		out[i] = t
	}
	return out, true
}

func baseType(t types.Type) types.Type {
	if t.IsArray() {
		return types.ArrayOf(baseType(t.Elem()))
	}
	switch t.Family() {
	case types.NumericFamily:
		return types.Decimal
	case types.VarcharFamily:
		return types.Text // functions take text; varchar is binary-coercible
	case types.CharFamily:
		return types.Bpchar
	case types.EnumFamily:
		return t // its OID is the database's, not a built-in type's
	}
	r, _ := types.TypeFromOID(t.OID())
	return r
}

func castsImplicitly(from, to types.Type) bool {
	l, ok := types.CastLevel(from, to)
	return ok && l == types.CastImplicit
}

// resolve picks the overload for args: a simplified func_select_candidate
// (see doc.go).
func resolve(name string, overloads []*overload, args []types.Type, star bool) (*overload, []types.Type, error) {
	var cands []candidate
	for _, o := range overloads {
		res, ok := bind(o, args)
		if !ok {
			continue
		}
		c := candidate{o: o, resolved: res}
		for i, a := range args {
			if isUnknown(a) {
				continue
			}
			// A polymorphic parameter matches, but not exactly, as in
			// PostgreSQL: quote_literal(text) is chosen over
			// quote_literal(anyelement) for a text.
			switch {
			case o.paramPoly(i) != monomorphic:
				c.poly++
			case types.Equivalent(a, res[i]) || a.Family() == types.VarcharFamily && res[i].Family() == types.TextFamily:
				c.exact++
			case isPreferred(res[i]):
				c.prefer++
			}
		}
		cands = append(cands, c)
	}
	if len(cands) == 0 {
		return nil, nil, undefinedFunction(name, args, star)
	}
	if len(cands) == 1 {
		return cands[0].o, cands[0].resolved, nil
	}
	// Most exact matches, then most preferred types where a cast is needed.
	cands = keepMax(cands, func(c candidate) int { return c.exact + c.poly })
	cands = keepMax(cands, func(c candidate) int { return c.exact })
	cands = keepMax(cands, func(c candidate) int { return c.prefer })
	if len(cands) == 1 {
		return cands[0].o, cands[0].resolved, nil
	}
	// Unknown arguments: settle each position's category. Where the
	// candidates disagree (and none takes a string), nothing is settled:
	// as PostgreSQL's func_select_candidate, go on to assuming the
	// known arguments' type.
	cats := make([]byte, len(args))
	settled := true
	for i, a := range args {
		if !isUnknown(a) {
			continue
		}
		cat := byte(0)
		conflict := false
		for _, c := range cands {
			k := category(c.resolved[i])
			if c.o.paramPoly(i) == anyArg {
				k = 'S'
			}
			switch {
			case k == 'S':
				cat = 'S'
			case cat == 0:
				cat = k
			case cat != k && cat != 'S':
				conflict = true
			}
		}
		if conflict && cat != 'S' {
			settled = false
			break
		}
		cats[i] = cat
	}
	for i, a := range args {
		if !settled || !isUnknown(a) {
			continue
		}
		cat := cats[i]
		var kept []candidate
		for _, c := range cands {
			if category(c.resolved[i]) == cat || c.o.paramPoly(i) == anyArg {
				kept = append(kept, c)
			}
		}
		// A parameter of a type beats a polymorphic one (anyelement) at
		// an unknown argument: quote_literal('x') is quote_literal(text).
		if slices.ContainsFunc(kept, func(c candidate) bool { return c.o.paramPoly(i) == monomorphic }) {
			kept = slices.DeleteFunc(kept, func(c candidate) bool { return c.o.paramPoly(i) != monomorphic && c.o.paramPoly(i) != anyArg })
		}
		cands = kept
		var preferred []candidate
		for _, c := range cands {
			if isPreferred(c.resolved[i]) {
				preferred = append(preferred, c)
			}
		}
		if len(preferred) > 0 {
			cands = preferred
		}
	}
	if len(cands) == 1 {
		return cands[0].o, cands[0].resolved, nil
	}
	// All known arguments of one type: assume the unknowns have it too.
	var known types.Type
	same, hasKnown := true, false
	for _, a := range args {
		if isUnknown(a) {
			continue
		}
		if hasKnown && !types.Equivalent(a, known) {
			same = false
		}
		known, hasKnown = a, true
	}
	if same && hasKnown {
		var kept []candidate
		for _, c := range cands {
			ok := true
			for i, a := range args {
				if isUnknown(a) && !types.Equivalent(c.resolved[i], known) && !castsImplicitly(known, c.resolved[i]) {
					ok = false
				}
			}
			if ok {
				kept = append(kept, c)
			}
		}
		if len(kept) == 1 {
			return kept[0].o, kept[0].resolved, nil
		}
	}
	if len(cands) == 0 {
		return nil, nil, undefinedFunction(name, args, star)
	}
	return nil, nil, ambiguousFunction(name, args)
}

func (o *overload) paramPoly(i int) poly {
	if i >= len(o.params) {
		return o.params[len(o.params)-1].poly
	}
	return o.params[i].poly
}

func keepMax(cs []candidate, score func(candidate) int) []candidate {
	best := -1
	for _, c := range cs {
		best = max(best, score(c))
	}
	var out []candidate
	for _, c := range cs {
		if score(c) == best {
			out = append(out, c)
		}
	}
	return out
}

// Names returns the names of all scalar functions (for tests and \df).
func Names() []string {
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	return out
}

// Notice is a message to the client that is not an error (PostgreSQL's
// NoticeResponse).
type Notice struct {
	Severity string // NOTICE, WARNING, INFO
	Code     sqlerr.Code
	Message  string
}

// SendNotice sends a notice through ctx, if it has somewhere to send it.
func (ctx *EvalContext) SendNotice(severity string, code sqlerr.Code, format string, args ...any) {
	if ctx != nil && ctx.Notice != nil {
		ctx.Notice(Notice{Severity: severity, Code: code, Message: fmt.Sprintf(format, args...)})
	}
}

// RowsIter iterates over rows already made.
func RowsIter(rows [][]types.Datum) TableIter {
	i := 0
	return func() ([]types.Datum, bool, error) {
		if i >= len(rows) {
			return nil, false, nil
		}
		i++
		return rows[i-1], true, nil
	}
}
