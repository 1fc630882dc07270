package engine

import (
	"encoding/binary"
	"errors"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/mvcc"
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/parser"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// Sequences are not transactional, as in PostgreSQL: a value nextval
// handed out is never handed out again, even if the transaction that
// took it rolls back. The engine reserves values in blocks, persisting the
// end of each block in its own small transaction before handing out any
// value of it, so a crash skips at most the rest of a block.
const sequenceBlock = 32

// sequences holds the engine's reserved blocks.
type sequences struct {
	mu     sync.Mutex
	blocks map[uint32]*seqBlock
}

type seqBlock struct {
	next, end int64 // values in [next, end) (stepping by the increment) are reserved
	cur       int64 // the last value handed out, for currval
	have      bool
}

func seqKey(id uint32) []byte { return binary.BigEndian.AppendUint32([]byte("cs"), id) }

// nextval hands out the next value of sequence d.
func (e *Engine) nextval(d *catalog.Descriptor) (int64, error) {
	s := d.Sequence
	e.seqs.mu.Lock()
	defer e.seqs.mu.Unlock()
	if e.seqs.blocks == nil {
		e.seqs.blocks = map[uint32]*seqBlock{}
	}
	b := e.seqs.blocks[d.ID]
	if b == nil || b.next == b.end {
		nb, err := e.reserve(d, b)
		if err != nil {
			return 0, err
		}
		b = nb
		e.seqs.blocks[d.ID] = b
	}
	v := b.next
	b.next += s.Increment
	b.cur, b.have = v, true
	return v, nil
}

// reserve persists a new block of values and returns it.
func (e *Engine) reserve(d *catalog.Descriptor, prev *seqBlock) (*seqBlock, error) {
	s := d.Sequence
	for attempt := 0; ; attempt++ {
		txn, err := e.db.Begin(mvcc.TxnOptions{})
		if err != nil {
			return nil, err
		}
		start := s.Start
		v, ok, err := txn.Get(seqKey(d.ID))
		if err != nil {
			txn.Rollback()
			return nil, err
		}
		if ok && len(v) == 8 {
			start = int64(binary.BigEndian.Uint64(v))
		}
		end, over := addChecked(start, s.Increment*sequenceBlock)
		if start > s.Max || start < s.Min || over {
			txn.Rollback()
			if s.Cycle {
				start = s.Min
				if s.Increment < 0 {
					start = s.Max
				}
				end = start + s.Increment*sequenceBlock
			} else {
				dir := "maximum"
				lim := s.Max
				if s.Increment < 0 {
					dir, lim = "minimum", s.Min
				}
				return nil, sqlerr.New(sqlerr.Code("2200H"), "nextval: reached %s value of sequence %q (%d)", dir, d.Name, lim)
			}
			txn, err = e.db.Begin(mvcc.TxnOptions{})
			if err != nil {
				return nil, err
			}
		}
		// Do not hand out values beyond the limit (end-1 and end+1 are
		// the block's last values, computed so that a limit at the end of
		// the type cannot overflow).
		if s.Increment > 0 && end-1 > s.Max {
			end = s.Max + 1
		}
		if s.Increment < 0 && end+1 < s.Min {
			end = s.Min - 1
		}
		if err := txn.Put(seqKey(d.ID), binary.BigEndian.AppendUint64(nil, uint64(end))); err != nil {
			txn.Rollback()
			return nil, err
		}
		if err := txn.Commit(); err != nil {
			if errors.Is(err, mvcc.ErrConflict) && attempt < 100 {
				continue
			}
			return nil, err
		}
		b := &seqBlock{next: start, end: end}
		if prev != nil {
			b.cur, b.have = prev.cur, prev.have
		}
		return b, nil
	}
}

func addChecked(a, b int64) (int64, bool) {
	s := a + b
	return s, (b > 0 && s < a) || (b < 0 && s > a)
}

// releaseSequenceBlocks gives back, as the engine closes, the values of
// its reserved blocks that it has not handed out: each sequence's next
// value is persisted as the first of them, so a clean restart skips none
// (a crash still skips the rest of a block).
func (e *Engine) releaseSequenceBlocks() error {
	e.seqs.mu.Lock()
	defer e.seqs.mu.Unlock()
	if len(e.seqs.blocks) == 0 {
		return nil
	}
	txn, err := e.db.Begin(mvcc.TxnOptions{})
	if err != nil {
		return err
	}
	for id, b := range e.seqs.blocks {
		if b.next == b.end {
			continue
		}
		if err := txn.Put(seqKey(id), binary.BigEndian.AppendUint64(nil, uint64(b.next))); err != nil {
			txn.Rollback()
			return err
		}
	}
	e.seqs.blocks = nil
	return txn.Commit()
}

// sequenceState is what selecting from sequence d shows: the last value
// handed out and whether one was (else last is the start), as of now;
// txn reads the persisted state when no block is in memory.
func (e *Engine) sequenceState(txn *mvcc.Txn, d *catalog.Descriptor) (last int64, called bool, err error) {
	s := d.Sequence
	e.seqs.mu.Lock()
	b := e.seqs.blocks[d.ID]
	if b != nil && b.next != b.end {
		next := b.next
		e.seqs.mu.Unlock()
		return next - s.Increment, true, nil
	}
	e.seqs.mu.Unlock()
	v, ok, err := txn.Get(seqKey(d.ID))
	if err != nil {
		return 0, false, err
	}
	if !ok || len(v) != 8 {
		return s.Start, false, nil
	}
	return int64(binary.BigEndian.Uint64(v)) - s.Increment, true, nil
}

// setval makes the next nextval return v + increment.
func (e *Engine) setval(d *catalog.Descriptor, v int64, called bool) error {
	txn, err := e.db.Begin(mvcc.TxnOptions{})
	if err != nil {
		return err
	}
	next := v // not called: the next nextval gives v itself
	if called {
		next += d.Sequence.Increment
	}
	if err := txn.Put(seqKey(d.ID), binary.BigEndian.AppendUint64(nil, uint64(next))); err != nil {
		txn.Rollback()
		return err
	}
	if err := txn.Commit(); err != nil {
		return err
	}
	e.seqs.mu.Lock()
	defer e.seqs.mu.Unlock()
	if b := e.seqs.blocks[d.ID]; b != nil {
		b.next, b.end = 0, 0
		b.cur, b.have = v, true
	}
	return nil
}

// newSequence builds a sequence descriptor from CREATE SEQUENCE or
// identity options.
func newSequence(name string, opts []ast.SeqOption, bigint bool) (*catalog.Descriptor, error) {
	s := &catalog.Sequence{Increment: 1}
	maxv := int64(math.MaxInt64)
	if !bigint {
		maxv = math.MaxInt32
	}
	var haveMin, haveMax, haveStart bool
	for _, o := range opts {
		n, err := seqValue(o.Value)
		if err != nil {
			return nil, err
		}
		switch o.Kind {
		case ast.SeqStart:
			s.Start, haveStart = n, true
		case ast.SeqIncrement:
			if n == 0 {
				return nil, sqlerr.New(sqlerr.InvalidParameterValue, "INCREMENT must not be zero")
			}
			s.Increment = n
		case ast.SeqMinValue:
			s.Min, haveMin = n, !o.No
		case ast.SeqMaxValue:
			s.Max, haveMax = n, !o.No
		case ast.SeqCycle:
			s.Cycle = !o.No
		case ast.SeqName:
			// An identity column's sequence named by SEQUENCE NAME (as
			// pg_dump writes it).
			if o.Name.Schema != "" && o.Name.Schema != "public" {
				return nil, sqlerr.New(sqlerr.Code("3F000"), "schema %q does not exist", o.Name.Schema)
			}
			name = o.Name.Name
		}
	}
	if !haveMin {
		s.Min = 1
		if s.Increment < 0 {
			s.Min = -maxv
		}
	}
	if !haveMax {
		s.Max = maxv
		if s.Increment < 0 {
			s.Max = -1
		}
	}
	if !haveStart {
		s.Start = s.Min
		if s.Increment < 0 {
			s.Start = s.Max
		}
	}
	if s.Start < s.Min || s.Start > s.Max {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "START value (%d) cannot be outside [MINVALUE %d, MAXVALUE %d]", s.Start, s.Min, s.Max)
	}
	return &catalog.Descriptor{Name: name, Kind: catalog.KindSequence, Sequence: s}, nil
}

// serialType maps SERIAL pseudo-types to their integer type.
func serialType(name string) (string, bool) {
	switch strings.ToLower(name) {
	case "serial", "serial4":
		return "integer", true
	case "bigserial", "serial8":
		return "bigint", true
	case "smallserial", "serial2":
		return "smallint", true
	}
	return "", false
}

// engineSequences is the builtins.Sequences of a statement running in
// txn.
type engineSequences struct {
	e   *Engine
	txn *mvcc.Txn
}

func (s engineSequences) lookup(name string) (*catalog.Descriptor, error) {
	// nextval's text is a name as SQL writes it: 'public.s', 'S' (s),
	// '"S"' (S).
	rel, err := parser.ParseTableName(name)
	if err != nil || rel.Schema != "" && rel.Schema != "public" {
		return nil, sqlerr.New(sqlerr.UndefinedTable, "relation %q does not exist", name)
	}
	d, ok, err := catalog.Lookup(s.txn, rel.Name)
	if err != nil {
		return nil, err
	}
	if !ok || d.Kind != catalog.KindSequence {
		return nil, sqlerr.New(sqlerr.UndefinedTable, "relation %q does not exist", name)
	}
	return d, nil
}

func (s engineSequences) NextVal(name string) (int64, error) {
	d, err := s.lookup(name)
	if err != nil {
		return 0, err
	}
	return s.e.nextval(d)
}

func (s engineSequences) CurrVal(name string) (int64, error) {
	d, err := s.lookup(name)
	if err != nil {
		return 0, err
	}
	s.e.seqs.mu.Lock()
	defer s.e.seqs.mu.Unlock()
	if b := s.e.seqs.blocks[d.ID]; b != nil && b.have {
		return b.cur, nil
	}
	return 0, sqlerr.New(sqlerr.Code("55000"), "currval of sequence %q is not yet defined in this session", name)
}

func (s engineSequences) SetVal(name string, v int64, called bool) error {
	d, err := s.lookup(name)
	if err != nil {
		return err
	}
	if v < d.Sequence.Min || v > d.Sequence.Max {
		return sqlerr.New(sqlerr.Code("22003"), "setval: value %d is out of bounds for sequence %q (%d..%d)", v, name, d.Sequence.Min, d.Sequence.Max)
	}
	return s.e.setval(d, v, called)
}

// seqValue is a sequence option's or RESTART's integer constant (0 when
// the option has none).
func seqValue(v ast.Expr) (int64, error) {
	if v == nil {
		return 0, nil
	}
	lit, ok := v.(*ast.Literal)
	if !ok {
		return 0, sqlerr.New(sqlerr.SyntaxError, "sequence options must be integer constants")
	}
	n, err := strconv.ParseInt(lit.Val, 10, 64)
	if err != nil {
		return 0, sqlerr.New(sqlerr.InvalidParameterValue, "invalid sequence option value %q", lit.Val)
	}
	return n, nil
}
