package ast

// KeywordCategory says where a keyword may also serve as an identifier,
// following PostgreSQL's classification.
type KeywordCategory uint8

const (
	// Unreserved keywords are identifiers wherever the grammar does not
	// expect the keyword itself.
	Unreserved KeywordCategory = iota
	// TypeFuncName keywords may name a function or type but not a column
	// or table (LEFT, LIKE, JOIN...).
	TypeFuncName
	// Reserved keywords are never identifiers unless quoted.
	Reserved
)

type keywordInfo struct {
	name string // lower case
	cat  KeywordCategory
}

// String returns the keyword in upper case.
func (k Keyword) String() string {
	if k == KwNone || k >= numKeywords {
		return ""
	}
	return upperASCII(keywordTable[k].name)
}

// Lower returns the keyword in lower case, as an identifier would be folded.
func (k Keyword) Lower() string {
	if k >= numKeywords {
		return ""
	}
	return keywordTable[k].name
}

// Category returns the keyword's category.
func (k Keyword) Category() KeywordCategory {
	if k >= numKeywords {
		return Unreserved
	}
	return keywordTable[k].cat
}

// maxKeywordLen bounds the stack buffer used by LookupKeyword.
const maxKeywordLen = 24

// LookupKeyword returns the keyword spelled by word, ignoring ASCII case,
// or KwNone. It does not allocate: it folds into a stack buffer and binary
// searches the sorted keyword table.
func LookupKeyword(word string) Keyword {
	if len(word) < 2 || len(word) > maxKeywordLen {
		return KwNone
	}
	var buf [maxKeywordLen]byte
	for i := 0; i < len(word); i++ {
		c := word[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	w := buf[:len(word)]
	lo, hi := 1, int(numKeywords)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if keywordTable[m].name < string(w) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < int(numKeywords) && keywordTable[lo].name == string(w) {
		return Keyword(lo)
	}
	return KwNone
}

func upperASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'a' <= s[i] && s[i] <= 'z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'a' <= b[j] && b[j] <= 'z' {
					b[j] -= 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
