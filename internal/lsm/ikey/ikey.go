// Package ikey defines the internal keys of cairn's LSM tree and the iterator
// contract that memtables, SSTables and merged levels all implement.
//
// An internal key is a user key followed by an 8-byte trailer: the
// little-endian uint64 (seq << 8 | kind). Internal keys order by user key
// ascending (bytewise), then by trailer descending, so that for one user key
// the newest version comes first.
package ikey

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// Kind is the type of an entry.
type Kind uint8

const (
	// KindDelete is a point tombstone.
	KindDelete Kind = 0
	// KindSet is a value.
	KindSet Kind = 1
	// KindRangeDelete is a range tombstone: its user key is the inclusive
	// start, its value the exclusive end of the deleted range.
	KindRangeDelete Kind = 2

	// KindMax is the largest kind; a search key with KindMax sorts before
	// every entry of the same user key and sequence number.
	KindMax Kind = 2
)

func (k Kind) String() string {
	switch k {
	case KindDelete:
		return "DEL"
	case KindSet:
		return "SET"
	case KindRangeDelete:
		return "RANGEDEL"
	}
	return fmt.Sprintf("KIND(%d)", uint8(k))
}

// SeqNum is a sequence number. Only the low 56 bits are usable.
type SeqNum uint64

// SeqNumMax is the largest sequence number; searching with it finds the
// newest version of a key.
const SeqNumMax SeqNum = 1<<56 - 1

// TrailerLen is the length of the trailer appended to a user key.
const TrailerLen = 8

// Trailer packs a sequence number and a kind.
func Trailer(seq SeqNum, kind Kind) uint64 { return uint64(seq)<<8 | uint64(kind) }

// Make appends the internal key for (ukey, seq, kind) to dst.
func Make(dst, ukey []byte, seq SeqNum, kind Kind) []byte {
	dst = append(dst, ukey...)
	return binary.LittleEndian.AppendUint64(dst, Trailer(seq, kind))
}

// Valid reports whether ik is long enough to be an internal key.
func Valid(ik []byte) bool { return len(ik) >= TrailerLen }

// UserKey returns the user key of an internal key.
func UserKey(ik []byte) []byte { return ik[:len(ik)-TrailerLen] }

// TrailerOf returns the trailer of an internal key.
func TrailerOf(ik []byte) uint64 { return binary.LittleEndian.Uint64(ik[len(ik)-TrailerLen:]) }

// Seq returns the sequence number of an internal key.
func Seq(ik []byte) SeqNum { return SeqNum(TrailerOf(ik) >> 8) }

// KindOf returns the kind of an internal key.
func KindOf(ik []byte) Kind { return Kind(TrailerOf(ik) & 0xff) }

// Compare orders internal keys: user key ascending, trailer descending.
func Compare(a, b []byte) int {
	if c := bytes.Compare(UserKey(a), UserKey(b)); c != 0 {
		return c
	}
	ta, tb := TrailerOf(a), TrailerOf(b)
	switch {
	case ta > tb:
		return -1
	case ta < tb:
		return 1
	}
	return 0
}

// Format renders an internal key for tests and error messages.
func Format(ik []byte) string {
	if !Valid(ik) {
		return fmt.Sprintf("invalid(%q)", ik)
	}
	return fmt.Sprintf("%s#%d,%s", UserKey(ik), Seq(ik), KindOf(ik))
}

// Iterator is an iterator over internal keys in Compare order. It is
// positioned by First, Last, SeekGE or SeekLT and moved by Next and Prev;
// each returns whether the iterator is positioned on an entry. After a false
// return, Error tells whether iteration stopped because of an error.
//
// The slices returned by Key and Value are valid until the next positioning
// call; callers copy what they keep.
type Iterator interface {
	// SeekGE positions at the first entry with internal key >= key.
	SeekGE(key []byte) bool
	// SeekLT positions at the last entry with internal key < key.
	SeekLT(key []byte) bool
	First() bool
	Last() bool
	Next() bool
	Prev() bool
	Key() []byte
	Value() []byte
	Error() error
	Close() error
}

// Tombstone is a range deletion: user keys in [Start, End) written before Seq
// are deleted.
type Tombstone struct {
	Start, End []byte
	Seq        SeqNum
}

// Covers reports whether the tombstone deletes the version (ukey, seq).
func (t Tombstone) Covers(ukey []byte, seq SeqNum) bool {
	return seq < t.Seq && bytes.Compare(t.Start, ukey) <= 0 && bytes.Compare(ukey, t.End) < 0
}

// ErrCorruption is wrapped by every error that reports damaged on-disk data
// (a bad checksum, a truncated block, keys out of order). Such errors name
// the file and the byte offset.
var ErrCorruption = errors.New("corruption")
