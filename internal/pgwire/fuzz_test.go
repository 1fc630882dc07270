package pgwire

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/cairndb/cairn/internal/engine"
)

// encodeMsgs is the wire form of a client's messages.
func encodeMsgs(t testing.TB, msgs ...pgproto3.FrontendMessage) []byte {
	var b []byte
	for _, m := range msgs {
		var err error
		if b, err = m.Encode(b); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// FuzzSession feeds a random message stream, after a valid startup, to a
// server session. The session may answer with errors or close the
// connection, but the server must not crash or hang, and must go on
// serving other sessions.
func FuzzSession(f *testing.F) {
	e, err := engine.Open("", &engine.Options{InMemory: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { e.Close() })
	srv := New(e, Config{MaxMessageSize: 1 << 20})

	f.Add(encodeMsgs(f, &pgproto3.Query{String: "CREATE TABLE IF NOT EXISTS f (a int, b text); INSERT INTO f VALUES (1, 'x'); SELECT * FROM f"}))
	f.Add(encodeMsgs(f,
		&pgproto3.Parse{Name: "s", Query: "SELECT $1::int + 1", ParameterOIDs: []uint32{0}},
		&pgproto3.Describe{ObjectType: 'S', Name: "s"},
		&pgproto3.Bind{DestinationPortal: "p", PreparedStatement: "s", Parameters: [][]byte{[]byte("41")}},
		&pgproto3.Execute{Portal: "p", MaxRows: 1},
		&pgproto3.Sync{},
	))
	f.Add(encodeMsgs(f, &pgproto3.Query{String: "COPY f FROM STDIN"}, &pgproto3.CopyData{Data: []byte("2\ty\n")}, &pgproto3.CopyDone{}))
	f.Add(encodeMsgs(f, &pgproto3.Bind{PreparedStatement: "missing"}, &pgproto3.Execute{}, &pgproto3.Sync{}))
	f.Add([]byte{'Q', 0x7f, 0xff, 0xff, 0xff})              // a length far over the limit
	f.Add([]byte{'Z', 0, 0, 0, 4, 'Q', 0, 0, 0, 5, 0})      // unknown type, then an empty query
	f.Add([]byte{'B', 0, 0, 0, 12, 0, 0, 0, 1, 0xff, 0xff}) // a truncated Bind

	startup := encodeMsgs(f, &pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber,
		Parameters: map[string]string{"user": "fuzz", "database": "fuzz"}})

	f.Fuzz(func(t *testing.T, stream []byte) {
		client, server := net.Pipe()
		done := make(chan struct{})
		go func() {
			srv.serveConn(server)
			close(done)
		}()
		go io.Copy(io.Discard, client) // the replies
		client.SetWriteDeadline(time.Now().Add(10 * time.Second))
		client.Write(startup)
		client.Write(stream)
		client.Write(encodeMsgs(t, &pgproto3.Terminate{}))
		client.Close()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("the session did not end after the client closed (stream %q)", stream)
		}
		// The server still serves: a fresh session runs a query.
		s := e.NewSession()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := s.Execute(ctx, "SELECT 1", nil); err != nil {
			t.Fatalf("after the stream: %v", err)
		}
	})
}

// TestMessageTooLarge: a message over the limit closes that connection
// with 08P01; another connection is untouched.
func TestMessageTooLarge(t *testing.T) {
	ts := startServer(t, Config{MaxMessageSize: 4096})
	other := ts.connect(t, "")
	c := ts.connect(t, "")
	_, err := c.Exec(context.Background(), "SELECT '"+strings.Repeat("x", 8000)+"'")
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "08P01" {
		t.Fatalf("oversize query: %v, want 08P01", err)
	}
	exec(t, other, "SELECT 1")
}
