package lint

import (
	"fmt"
	"go/build"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/cairndb/cairn"

// layers lists the packages of DESIGN.md section 1 from the top down. A
// package may import only packages of layers below its own (and packages of
// its own subtree). Packages not listed are checked by the other rules only.
var layers = []string{
	"cmd",
	"", // the root package cairn
	"driver",
	"internal/pgwire",
	"internal/engine",
	"internal/sql/exec",
	"internal/sql/plan",
	"internal/sql/builtins",
	"internal/sql/parser",
	"internal/sql/ast",
	"internal/sql/types",
	"internal/catalog",
	"internal/fts",
	"internal/jsonb",      // the JSONB document format: below types, above rowcodec
	"internal/sql/sqlerr", // the SQL error type: every SQL layer above uses it
	"internal/rowcodec",
	"internal/mvcc",
	"internal/lsm",
	"internal/vfs",
}

// layerOf returns the index in layers of the layer holding pkg (a path
// relative to the module), or -1.
func layerOf(rel string) int {
	best, bestLen := -1, -1
	for i, l := range layers {
		match := rel == l || (l != "" && strings.HasPrefix(rel, l+"/")) || (l == "" && rel == "")
		if match && len(l) > bestLen {
			best, bestLen = i, len(l)
		}
	}
	return best
}

type pkgInfo struct {
	rel     string
	imports []string // all imports, including tests
	prod    []string // non-test imports
}

func loadPackages(t *testing.T) []pkgInfo {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	var pkgs []pkgInfo
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "bench") {
			return filepath.SkipDir
		}
		p, err := build.ImportDir(path, build.ImportComment)
		if err != nil {
			if _, ok := err.(*build.NoGoError); ok {
				return nil
			}
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			rel = ""
		}
		all := slices.Concat(p.Imports, p.TestImports)
		pkgs = append(pkgs, pkgInfo{rel: rel, imports: all, prod: p.Imports})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) < 3 {
		t.Fatalf("found only %d packages; is the walk rooted at the module?", len(pkgs))
	}
	return pkgs
}

// violations returns every import in pkgs that crosses a wall.
func violations(pkgs []pkgInfo) []string {
	var out []string
	for _, p := range pkgs {
		from := layerOf(p.rel)
		for _, imp := range p.prod {
			rel, internal := strings.CutPrefix(imp, module)
			rel = strings.TrimPrefix(rel, "/")
			if internal && from >= 0 {
				if to := layerOf(rel); to >= 0 && to < from {
					out = append(out, fmt.Sprintf("%s (layer %q) imports %s (layer %q), which is above it", pkgPath(p.rel), layers[from], imp, layers[to]))
				}
			}
			switch {
			case under(p.rel, "internal/sql/parser", "internal/sql/ast") && internal &&
				!under(rel, "internal/sql/parser", "internal/sql/ast"):
				out = append(out, fmt.Sprintf("%s imports %s: the parser and ast import nothing of cairn below them", pkgPath(p.rel), imp))
			case under(p.rel, "internal/lsm") && internal && !under(rel, "internal/lsm", "internal/vfs"):
				out = append(out, fmt.Sprintf("%s imports %s: the storage engine knows nothing of rows, SQL or transactions", pkgPath(p.rel), imp))
			case imp == "os" && belowEngine(p.rel) && !under(p.rel, "internal/vfs"):
				out = append(out, fmt.Sprintf("%s imports os: only internal/vfs touches files below the engine", pkgPath(p.rel)))
			}
		}
	}
	return out
}

// TestWalls fails when a package of the tree imports across a wall of
// DESIGN.md section 1.
func TestWalls(t *testing.T) {
	for _, v := range violations(loadPackages(t)) {
		t.Error(v)
	}
}

// TestWallsDetected shows the checker catches each kind of crossing.
func TestWallsDetected(t *testing.T) {
	bad := []pkgInfo{
		{rel: "internal/lsm", prod: []string{module + "/internal/mvcc"}},
		{rel: "internal/mvcc", prod: []string{"os"}},
		{rel: "internal/sql/parser", prod: []string{module + "/internal/sql/types"}},
		{rel: "internal/vfs", prod: []string{module + "/internal/lsm"}},
	}
	got := violations(bad)
	if len(got) < len(bad) {
		t.Fatalf("found %d violations, want at least %d: %q", len(got), len(bad), got)
	}
	good := []pkgInfo{
		{rel: "internal/lsm", prod: []string{module + "/internal/vfs", module + "/internal/lsm/ikey"}},
		{rel: "internal/vfs", prod: []string{"os"}},
		{rel: "cmd/cairn", prod: []string{module + "/internal/lsm", "os"}},
	}
	if got := violations(good); len(got) != 0 {
		t.Fatalf("false positives: %q", got)
	}
}

// TestNoTerminalOutput: only cmd/ prints to a terminal.
func TestNoTerminalOutput(t *testing.T) {
	root, _ := filepath.Abs("../..")
	for _, p := range loadPackages(t) {
		if under(p.rel, "cmd") || p.rel == "internal/lint" {
			continue
		}
		dir := filepath.Join(root, p.rel)
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, bad := range []string{"fmt.Print", "os.Stdout", "os.Stderr", "log.Print", "println("} {
				if strings.Contains(string(src), bad) {
					t.Errorf("%s uses %s: libraries return values and errors; only cmd/ prints", f, bad)
				}
			}
		}
	}
}

func under(rel string, roots ...string) bool {
	for _, r := range roots {
		if rel == r || strings.HasPrefix(rel, r+"/") {
			return true
		}
	}
	return false
}

// belowEngine reports whether a package sits below internal/engine.
func belowEngine(rel string) bool {
	l := layerOf(rel)
	return l > layerOf("internal/engine")
}

func pkgPath(rel string) string {
	if rel == "" {
		return module
	}
	return module + "/" + rel
}

// TestLayerOf guards the classifier the other tests rely on.
func TestLayerOf(t *testing.T) {
	cases := map[string]string{
		"internal/lsm/sstable": "internal/lsm",
		"internal/sql/exec":    "internal/sql/exec",
		"cmd/cairn":            "cmd",
		"":                     "",
		"internal/vfs":         "internal/vfs",
	}
	for rel, want := range cases {
		if got := layerOf(rel); got < 0 || layers[got] != want {
			t.Errorf("layerOf(%q) = %d, want layer %q", rel, got, want)
		}
	}
	if layerOf("internal/lint") != -1 {
		t.Errorf("internal/lint should be outside the layers")
	}
}
