package pgwire

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/cairndb/cairn/internal/catalog"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// authenticate decides how the client proves who it is and runs the
// exchange. Trust applies only to loopback clients naming a role without
// a password (or no role at all: with no users defined, a fresh server is
// usable at once); otherwise the client must prove the role's password
// with SCRAM-SHA-256.
func (c *conn) authenticate() error {
	role, ok, err := c.srv.e.Role(c.user)
	if err != nil {
		return fmt.Errorf("pgwire: look up role %q: %w", c.user, err)
	}
	needPassword := c.srv.cfg.Auth == AuthSCRAM || !isLoopback(c.nc.RemoteAddr()) || (ok && role.SCRAM != nil)
	if !needPassword {
		if ok && !role.Login {
			return c.fatal(sqlerr.New(sqlerr.InvalidAuthorization, "role %q is not permitted to log in", c.user))
		}
		return nil
	}
	failed := sqlerr.New(sqlerr.InvalidPassword, "password authentication failed for user %q", c.user)
	if err := c.scram(role); err != nil {
		if se, isSQL := err.(*sqlerr.Error); isSQL {
			return c.fatal(se)
		}
		c.fatal(failed)
		return err
	}
	if !ok || role.SCRAM == nil || !role.Login {
		return c.fatal(failed)
	}
	return nil
}

func isLoopback(addr net.Addr) bool {
	if tcp, ok := addr.(*net.TCPAddr); ok {
		return tcp.IP.IsLoopback()
	}
	// Unix sockets and in-process pipes are local.
	return true
}

// scram runs a SCRAM-SHA-256 exchange (RFC 5802, RFC 7677) against the
// role's verifier. A client naming an unknown role, or one without a
// password, goes through the same exchange against a made-up verifier,
// so the answer does not tell which roles exist; it then fails.
func (c *conn) scram(role *catalog.Role) error {
	failed := sqlerr.New(sqlerr.InvalidPassword, "password authentication failed for user %q", c.user)
	var v *catalog.SCRAMVerifier
	if role != nil && role.SCRAM != nil {
		v = role.SCRAM
	} else {
		v = &catalog.SCRAMVerifier{Salt: randomBytes(16), Iterations: 4096, StoredKey: randomBytes(32), ServerKey: randomBytes(32)}
	}
	c.be.Send(&pgproto3.AuthenticationSASL{AuthMechanisms: []string{"SCRAM-SHA-256"}})
	if err := c.be.Flush(); err != nil {
		return err
	}
	if err := c.be.SetAuthType(pgproto3.AuthTypeSASL); err != nil {
		return err
	}
	msg, err := c.be.Receive()
	if err != nil {
		return err
	}
	first, ok := msg.(*pgproto3.SASLInitialResponse)
	if !ok {
		return sqlerr.New(sqlerr.Code("08P01"), "expected SASL response, got %T", msg)
	}
	if first.AuthMechanism != "SCRAM-SHA-256" {
		return sqlerr.New(sqlerr.Code("08P01"), "client selected an invalid SASL authentication mechanism")
	}
	// client-first-message: gs2-header "n,," (or "y,,": no channel
	// binding, which we do not offer), then "n=user,r=nonce".
	cf := string(first.Data)
	var gs2 string
	switch {
	case strings.HasPrefix(cf, "n,,"), strings.HasPrefix(cf, "y,,"):
		gs2, cf = cf[:3], cf[3:]
	default:
		return sqlerr.New(sqlerr.Code("08P01"), "malformed SCRAM message: unsupported GS2 header")
	}
	clientNonce := scramAttr(cf, 'r')
	if clientNonce == "" {
		return sqlerr.New(sqlerr.Code("08P01"), "malformed SCRAM message: no nonce")
	}
	nonce := clientNonce + base64.RawStdEncoding.EncodeToString(randomBytes(18))
	serverFirst := fmt.Sprintf("r=%s,s=%s,i=%d", nonce, base64.StdEncoding.EncodeToString(v.Salt), v.Iterations)
	c.be.Send(&pgproto3.AuthenticationSASLContinue{Data: []byte(serverFirst)})
	if err := c.be.Flush(); err != nil {
		return err
	}
	if err := c.be.SetAuthType(pgproto3.AuthTypeSASLContinue); err != nil {
		return err
	}
	msg, err = c.be.Receive()
	if err != nil {
		return err
	}
	final, ok := msg.(*pgproto3.SASLResponse)
	if !ok {
		return sqlerr.New(sqlerr.Code("08P01"), "expected SASL response, got %T", msg)
	}
	cfinal := string(final.Data)
	i := strings.LastIndex(cfinal, ",p=")
	if i < 0 {
		return sqlerr.New(sqlerr.Code("08P01"), "malformed SCRAM message: no proof")
	}
	withoutProof := cfinal[:i]
	proof, err := base64.StdEncoding.DecodeString(cfinal[i+3:])
	if err != nil || len(proof) != sha256.Size {
		return failed
	}
	if scramAttr(withoutProof, 'c') != base64.StdEncoding.EncodeToString([]byte(gs2)) || scramAttr(withoutProof, 'r') != nonce {
		return failed
	}
	authMessage := cf + "," + serverFirst + "," + withoutProof
	sig := hmacSHA256(v.StoredKey, authMessage)
	clientKey := make([]byte, sha256.Size)
	for j := range clientKey {
		clientKey[j] = proof[j] ^ sig[j]
	}
	stored := sha256.Sum256(clientKey)
	if subtle.ConstantTimeCompare(stored[:], v.StoredKey) != 1 || role == nil || role.SCRAM == nil {
		return failed
	}
	serverSig := hmacSHA256(v.ServerKey, authMessage)
	c.be.Send(&pgproto3.AuthenticationSASLFinal{Data: []byte("v=" + base64.StdEncoding.EncodeToString(serverSig))})
	return nil
}

// scramAttr returns attribute name's value in a SCRAM message.
func scramAttr(msg string, name byte) string {
	for _, part := range strings.Split(msg, ",") {
		if len(part) >= 2 && part[0] == name && part[1] == '=' {
			return part[2:]
		}
	}
	return ""
}

func hmacSHA256(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}
