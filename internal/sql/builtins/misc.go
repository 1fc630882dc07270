package builtins

import (
	"crypto/rand"

	"github.com/cairndb/cairn/internal/sql/types"
)

// Version is what version() returns: clients parse the leading
// "PostgreSQL <major>.<minor>".
const Version = "PostgreSQL 15.0 (cairn " + CairnVersion + ") on Go, 64-bit"

// CairnVersion is cairn's own version (cairn version, and version()).
const CairnVersion = "0.1.0-dev"

func init() {
	randomUUID := func([]types.Datum) (types.Datum, error) {
		var u [16]byte
		_, _ = rand.Read(u[:])
		u[6] = u[6]&0x0f | 0x40 // version 4
		u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
		return types.NewUUID(u), nil
	}
	register("gen_random_uuid", &overload{ret: types.UUID, volatile: true, fn: randomUUID})
	// uuid-ossp's name for it.
	register("uuid_generate_v4", &overload{ret: types.UUID, volatile: true, fn: randomUUID})
	// pg_typeof returns regtype in PostgreSQL; cairn has no regtype, so
	// it returns the type's name as text.
	register("pg_typeof", &overload{params: []param{pAny}, ret: types.Text, nonStrct: true,
		mk: func(args []types.Type) fn {
			name := text(args[0].String())
			return func([]types.Datum) (types.Datum, error) { return name, nil }
		}})
	register("version", &overload{ret: types.Text, fn: func([]types.Datum) (types.Datum, error) { return text(Version), nil }})
	ctxText := func(get func(*EvalContext) string, def string) func(*EvalContext, []types.Datum) (types.Datum, error) {
		return func(ctx *EvalContext, _ []types.Datum) (types.Datum, error) {
			if ctx != nil && get(ctx) != "" {
				return text(get(ctx)), nil
			}
			return text(def), nil
		}
	}
	register("current_database", &overload{ret: types.Text, ctxFn: ctxText(func(c *EvalContext) string { return c.Database }, "cairn")})
	for _, n := range []string{"current_user", "session_user", "user", "current_role"} {
		register(n, &overload{ret: types.Text, ctxFn: ctxText(func(c *EvalContext) string { return c.User }, "cairn")})
	}
	register("current_schema", &overload{ret: types.Text, fn: func([]types.Datum) (types.Datum, error) { return text("public"), nil }})
}
