package record

import (
	"encoding/binary"
	"hash/crc32"
	"sync"
)

// The damage scan looks for a valid record at every offset after the
// damage. Checking a candidate directly costs the length it claims, so a
// scan over the payload of a torn 64 MiB record would be quadratic. Instead
// the scan checks short candidates directly from its window and long ones
// from prefix checksums: with C(i) the CRC-32C of file[s:i],
//
//	crc(file[a:b]) = C(b) xor C(a)·x^(8(b-a)) mod P
//
// (the CRC combination identity; pre- and post-conditioning cancel out).
// C is kept at every cpStride-th offset, and C(i) for any i costs at most
// cpStride bytes of CRC from the nearest checkpoint.
const (
	scanWindow = 256 << 10 // candidates examined per window read
	cpStride   = 1 << 10   // checkpoint spacing
	castPoly   = 0x82f63b78
)

// shortLen is the longest candidate payload checked directly. A variable
// only so that tests can force the checkpoint path.
var shortLen int64 = 4 << 10

// validAt reports whether a valid record starts at p. Used for a single
// likely candidate; it reads the candidate's payload.
func (r *Reader) validAt(p int64) (bool, error) {
	if p < 0 || r.size-p < HeaderLen {
		return false, nil
	}
	var h [HeaderLen]byte
	if err := r.readAt(h[:], p); err != nil {
		return false, err
	}
	n := int64(binary.LittleEndian.Uint32(h[4:]))
	if n > MaxPayloadLen || n > r.size-p-HeaderLen {
		return false, nil
	}
	sum := crc32.Checksum(h[4:], castagnoli)
	buf := make([]byte, min(n, readChunk))
	for off, end := p+HeaderLen, p+HeaderLen+n; off < end; {
		b := buf[:min(int64(len(buf)), end-off)]
		if err := r.readAt(b, off); err != nil {
			return false, err
		}
		sum = crc32.Update(sum, castagnoli, b)
		off += int64(len(b))
	}
	return sum == binary.LittleEndian.Uint32(h[:4]), nil
}

// findValid returns the first offset p >= from at which a valid record
// starts, or -1 if there is none.
func (r *Reader) findValid(from int64) (int64, error) {
	sc := scanner{r: r, s: from}
	var win []byte
	for w := from; w <= r.size-HeaderLen; w += scanWindow {
		lo := max(from, w-cpStride)
		hi := min(r.size, w+scanWindow+HeaderLen+shortLen)
		if int64(cap(win)) < hi-lo {
			win = make([]byte, hi-lo)
		}
		win = win[:hi-lo]
		if err := r.readAt(win, lo); err != nil {
			return -1, err
		}
		sc.win, sc.winOff = win, lo
		end := min(w+scanWindow, r.size-HeaderLen+1)
		for p := w; p < end; p++ {
			i := p - lo
			n := int64(binary.LittleEndian.Uint32(win[i+4:]))
			if n > MaxPayloadLen || n > r.size-p-HeaderLen {
				continue
			}
			var got uint32
			if n <= shortLen {
				got = crc32.Checksum(win[i+4:i+HeaderLen+n], castagnoli)
			} else {
				var err error
				if got, err = sc.rangeCRC(p+4, p+HeaderLen+n); err != nil {
					return -1, err
				}
			}
			if got == binary.LittleEndian.Uint32(win[i:]) {
				return p, nil
			}
		}
	}
	return -1, nil
}

// scanner computes CRCs of arbitrary ranges of file[s:size] from
// checkpoints.
type scanner struct {
	r       *Reader
	s       int64
	cps     []uint32 // cps[k] = C(s + k*cpStride), built on first use
	win     []byte   // file bytes [winOff, winOff+len(win))
	winOff  int64
	scratch []byte
}

// rangeCRC returns the CRC-32C of file[a:b], s <= a <= b <= size.
func (sc *scanner) rangeCRC(a, b int64) (uint32, error) {
	ca, err := sc.prefix(a)
	if err != nil {
		return 0, err
	}
	cb, err := sc.prefix(b)
	if err != nil {
		return 0, err
	}
	return cb ^ multModP(xPow8n(b-a), ca), nil
}

// prefix returns C(i), the CRC-32C of file[s:i].
func (sc *scanner) prefix(i int64) (uint32, error) {
	if sc.cps == nil {
		if err := sc.buildCheckpoints(); err != nil {
			return 0, err
		}
	}
	k := (i - sc.s) / cpStride
	base := sc.s + k*cpStride
	var b []byte
	if base >= sc.winOff && i <= sc.winOff+int64(len(sc.win)) {
		b = sc.win[base-sc.winOff : i-sc.winOff]
	} else {
		if sc.scratch == nil {
			sc.scratch = make([]byte, cpStride)
		}
		b = sc.scratch[:i-base]
		if err := sc.r.readAt(b, base); err != nil {
			return 0, err
		}
	}
	return crc32.Update(sc.cps[k], castagnoli, b), nil
}

func (sc *scanner) buildCheckpoints() error {
	r := sc.r
	total := r.size - sc.s
	cps := make([]uint32, total/cpStride+1)
	buf := make([]byte, min(total, scanWindow))
	var crc uint32
	for off := sc.s; off < r.size; {
		chunk := buf[:min(int64(len(buf)), r.size-off)]
		if err := r.readAt(chunk, off); err != nil {
			return err
		}
		for j := 0; j < len(chunk); j += cpStride {
			cps[(off+int64(j)-sc.s)/cpStride] = crc
			crc = crc32.Update(crc, castagnoli, chunk[j:min(j+cpStride, len(chunk))])
		}
		off += int64(len(chunk))
	}
	if total%cpStride == 0 {
		cps[len(cps)-1] = crc
	}
	sc.cps = cps
	return nil
}

// multModP returns a·b mod P in GF(2)[x], both in the reflected
// representation of CRC-32C (bit 31 is x^0).
func multModP(a, b uint32) uint32 {
	var p uint32
	for m := uint32(1) << 31; m != 0; m >>= 1 {
		if a&m != 0 {
			p ^= b
		}
		if b&1 != 0 {
			b = b>>1 ^ castPoly
		} else {
			b >>= 1
		}
	}
	return p
}

// xPowTable[k][d] = x^(8·d·256^k) mod P, built on first use: a long
// candidate costs at most 8 multiplications to shift.
var xPowTable = sync.OnceValue(func() *[8][256]uint32 {
	t := new([8][256]uint32)
	step := uint32(1) << 23 // x^8
	for k := range t {
		p := uint32(1) << 31 // x^0
		for d := range t[k] {
			t[k][d] = p
			p = multModP(p, step)
		}
		step = p // x^(8·256^(k+1))
	}
	return t
})

// xPow8n returns x^(8n) mod P: the factor that shifts a CRC past n bytes.
func xPow8n(n int64) uint32 {
	t := xPowTable()
	p := uint32(1) << 31 // x^0
	for k := 0; n != 0; n, k = n>>8, k+1 {
		if d := n & 0xff; d != 0 {
			p = multModP(t[k][d], p)
		}
	}
	return p
}
