package builtins

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"hash"
	"strings"

	"golang.org/x/crypto/blowfish"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

// The functions of PostgreSQL's pgcrypto extension that applications
// use (CREATE EXTENSION pgcrypto succeeds doing nothing: they are built
// in): digest and hmac over the usual hashes, gen_random_bytes, and
// password hashing with crypt and gen_salt in the bcrypt ($2a$) and
// MD5 ($1$) schemes, whose outputs are those of pgcrypto (tested
// against it). crypt also reads $2b$ and $2y$ salts as bcrypt, which
// pgcrypto 1.3 does not know (it falls back to DES there); DES and
// extended DES salts are refused.
func init() {
	B, T, I4 := types.Bytea, types.Text, types.Int4
	for _, bt := range []types.Type{T, B} {
		register("digest", &overload{params: []param{p(bt), p(T)}, ret: B, fn: func(a []types.Datum) (types.Datum, error) {
			h, err := pgcryptoHash(a[1].Str())
			if err != nil {
				return types.Null, err
			}
			h.Write([]byte(cryptoBytes(a[0])))
			return types.NewBytea(h.Sum(nil)), nil
		}})
		register("hmac", &overload{params: []param{p(bt), p(bt), p(T)}, ret: B, fn: func(a []types.Datum) (types.Datum, error) {
			if _, err := pgcryptoHash(a[2].Str()); err != nil {
				return types.Null, err
			}
			m := hmac.New(func() hash.Hash { h, _ := pgcryptoHash(a[2].Str()); return h }, []byte(cryptoBytes(a[1])))
			m.Write([]byte(cryptoBytes(a[0])))
			return types.NewBytea(m.Sum(nil)), nil
		}})
	}
	register("gen_random_bytes", &overload{params: []param{p(I4)}, ret: B, volatile: true, fn: func(a []types.Datum) (types.Datum, error) {
		n := a[0].Int()
		if n < 1 || n > 1024 {
			return types.Null, sqlerr.New(sqlerr.Code("39000"), "Length not in range")
		}
		b := make([]byte, n)
		rand.Read(b)
		return types.NewBytea(b), nil
	}})
	register("gen_salt", &overload{params: []param{p(T)}, ret: T, volatile: true, fn: func(a []types.Datum) (types.Datum, error) {
		return genSalt(a[0].Str(), 0)
	}})
	register("gen_salt", &overload{params: []param{p(T), p(I4)}, ret: T, volatile: true, fn: func(a []types.Datum) (types.Datum, error) {
		return genSalt(a[0].Str(), a[1].Int())
	}})
	register("crypt", &overload{params: []param{p(T), p(T)}, ret: T, fn: func(a []types.Datum) (types.Datum, error) {
		s, err := crypt(a[0].Str(), a[1].Str())
		if err != nil {
			return types.Null, err
		}
		return types.NewText(s), nil
	}})
}

// cryptoBytes is a text or bytea argument's bytes.
func cryptoBytes(d types.Datum) string {
	if d.Kind() == types.ByteaFamily {
		return d.Bytes()
	}
	return d.Str()
}

// pgcryptoHash returns a new hash of the name digest and hmac take.
func pgcryptoHash(name string) (hash.Hash, error) {
	switch strings.ToLower(name) {
	case "md5":
		return md5.New(), nil
	case "sha1":
		return sha1.New(), nil
	case "sha224":
		return sha256.New224(), nil
	case "sha256":
		return sha256.New(), nil
	case "sha384":
		return sha512.New384(), nil
	case "sha512":
		return sha512.New(), nil
	}
	return nil, sqlerr.New(sqlerr.InvalidParameterValue, "Cannot use %q: No such hash algorithm", name)
}

const (
	bcryptDefaultRounds = 6 // pgcrypto's: 2^6 iterations
	bcryptSaltLen       = 22
	md5SaltLen          = 8
)

// bcryptEncoding is bcrypt's base64: its own alphabet, no padding.
var bcryptEncoding = base64.NewEncoding("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789").WithPadding(base64.NoPadding)

// genSalt is gen_salt(kind [, rounds]); rounds 0 takes the default.
func genSalt(kind string, rounds int64) (types.Datum, error) {
	switch strings.ToLower(kind) {
	case "bf":
		if rounds == 0 {
			rounds = bcryptDefaultRounds
		}
		if rounds < 4 || rounds > 31 {
			return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "gen_salt: Incorrect number of rounds")
		}
		raw := make([]byte, 16)
		rand.Read(raw)
		return types.NewText(fmt.Sprintf("$2a$%02d$%s", rounds, bcryptEncoding.EncodeToString(raw))), nil
	case "md5":
		if rounds != 0 {
			return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "gen_salt: Incorrect number of rounds")
		}
		raw := make([]byte, md5SaltLen)
		rand.Read(raw)
		for i, b := range raw {
			raw[i] = md5Itoa64[b&0x3f]
		}
		return types.NewText("$1$" + string(raw)), nil
	case "des", "xdes":
		return types.Null, sqlerr.New(sqlerr.FeatureNotSupported, "gen_salt: %s salts are not supported", kind).
			WithHint("Use gen_salt('bf') (bcrypt).")
	}
	return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "gen_salt: Unknown salt algorithm")
}

func errInvalidSalt() error { return sqlerr.New(sqlerr.InvalidParameterValue, "invalid salt") }

// crypt is crypt(password, salt): the scheme is the salt's (a stored
// hash is a salt too, so crypt(password, hash) = hash checks one).
func crypt(password, salt string) (string, error) {
	switch {
	case strings.HasPrefix(salt, "$2a$"), strings.HasPrefix(salt, "$2b$"), strings.HasPrefix(salt, "$2y$"):
		return bcryptCrypt(password, salt)
	case strings.HasPrefix(salt, "$1$"):
		return md5Crypt(password, salt[3:]), nil
	}
	return "", sqlerr.New(sqlerr.FeatureNotSupported, "crypt: only bcrypt ($2a$) and MD5 ($1$) salts are supported").
		WithHint("Make salts with gen_salt('bf') or gen_salt('md5').")
}

// bcryptCrypt hashes password with a bcrypt salt "$2a$NN$" and 22
// characters: Blowfish keyed expensively (2^NN rounds of the key and
// salt schedules) encrypts "OrpheanBeholderScryDoubt" 64 times; the
// result is the salt and 23 of the 24 bytes, as every C implementation
// writes it.
func bcryptCrypt(password, salt string) (string, error) {
	if len(salt) < 7+bcryptSaltLen || salt[6] != '$' || salt[4] < '0' || salt[4] > '9' || salt[5] < '0' || salt[5] > '9' {
		return "", errInvalidSalt()
	}
	rounds := int(salt[4]-'0')*10 + int(salt[5]-'0')
	if rounds < 4 || rounds > 31 {
		return "", errInvalidSalt()
	}
	// 22 characters carry 132 bits: the decoder drops the last 4, as C
	// does, and the salt is written back from the 16 bytes.
	raw, err := bcryptEncoding.DecodeString(salt[7 : 7+bcryptSaltLen])
	if err != nil || len(raw) != 16 {
		return "", errInvalidSalt()
	}
	// The key is the password and its terminating NUL, at most 72 bytes.
	key := []byte(password)
	if len(key) > 72 {
		key = key[:72]
	}
	key = append(key, 0)
	c, err := blowfish.NewSaltedCipher(key, raw)
	if err != nil {
		return "", errInvalidSalt()
	}
	for range 1 << rounds {
		blowfish.ExpandKey(key, c)
		blowfish.ExpandKey(raw, c)
	}
	data := []byte("OrpheanBeholderScryDoubt")
	for i := 0; i < 24; i += 8 {
		for range 64 {
			c.Encrypt(data[i:i+8], data[i:i+8])
		}
	}
	return salt[:7] + bcryptEncoding.EncodeToString(raw) + bcryptEncoding.EncodeToString(data[:23]), nil
}

// md5Crypt is the MD5 crypt of FreeBSD ("$1$", salt up to 8 characters
// before any '$'), as pgcrypto's px_crypt_md5: an MD5 of the password,
// magic and salt mixed with an alternate sum, then 1,000 rounds of
// rehashing.
func md5Crypt(password, salt string) string {
	if i := strings.IndexByte(salt, '$'); i >= 0 {
		salt = salt[:i]
	}
	if len(salt) > md5SaltLen {
		salt = salt[:md5SaltLen]
	}
	pw := []byte(password)
	alt := md5.Sum([]byte(password + salt + password))
	ctx := md5.New()
	ctx.Write([]byte(password + "$1$" + salt))
	for n := len(pw); n > 0; n -= 16 {
		ctx.Write(alt[:min(n, 16)])
	}
	for i := len(pw); i > 0; i >>= 1 {
		if i&1 != 0 {
			ctx.Write([]byte{0})
		} else {
			ctx.Write(pw[:1])
		}
	}
	final := ctx.Sum(nil)
	for i := range 1000 {
		h := md5.New()
		if i&1 != 0 {
			h.Write(pw)
		} else {
			h.Write(final)
		}
		if i%3 != 0 {
			h.Write([]byte(salt))
		}
		if i%7 != 0 {
			h.Write(pw)
		}
		if i&1 != 0 {
			h.Write(final)
		} else {
			h.Write(pw)
		}
		final = h.Sum(final[:0])
	}
	// The 16 bytes in crypt's order, three at a time, 6 bits a character
	// low bits first.
	var out strings.Builder
	out.WriteString("$1$" + salt + "$")
	for _, t := range [][3]int{{0, 6, 12}, {1, 7, 13}, {2, 8, 14}, {3, 9, 15}, {4, 10, 5}} {
		out.WriteString(md5To64(uint32(final[t[0]])<<16|uint32(final[t[1]])<<8|uint32(final[t[2]]), 4))
	}
	out.WriteString(md5To64(uint32(final[11]), 2))
	return out.String()
}

const md5Itoa64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// md5To64 writes the low 6n bits of v as n characters, low bits first.
func md5To64(v uint32, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = md5Itoa64[v&0x3f]
		v >>= 6
	}
	return string(b)
}
