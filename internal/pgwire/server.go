package pgwire

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/cairndb/cairn/internal/engine"
	"github.com/cairndb/cairn/internal/sql/plan"
)

// AuthMode is how the server authenticates clients.
type AuthMode string

const (
	// AuthTrust lets loopback clients in without a password unless the
	// role they name has one; clients from other addresses must always
	// prove a password.
	AuthTrust AuthMode = "trust"
	// AuthSCRAM requires SCRAM-SHA-256 from every client.
	AuthSCRAM AuthMode = "scram"
)

// Config configures a Server.
type Config struct {
	// MaxConnections bounds the concurrent client sessions; 0 means 100.
	MaxConnections int
	// TLS, when set, is offered to clients that ask for SSL.
	TLS *tls.Config
	// Auth is the authentication mode; "" means AuthTrust.
	Auth AuthMode
	// Logger receives a line per connection error; nil discards them.
	Logger *slog.Logger
	// Version is cairn's version, reported after "PostgreSQL 15.0".
	Version string
	// MaxMessageSize bounds a client message's body in bytes; a larger
	// one closes the connection with a protocol violation (08P01). 0
	// means DefaultMaxMessageSize.
	MaxMessageSize int
}

// DefaultMaxMessageSize is the default bound of a client message: well
// above any query text or COPY data chunk a client sends, far below what
// would let one connection exhaust the server's memory.
const DefaultMaxMessageSize = 64 << 20

// Server serves one engine over the PostgreSQL protocol.
type Server struct {
	e   *engine.Engine
	cfg Config
	log *slog.Logger
	// base is the parent of every statement's context; cancelled only when
	// a shutdown's grace period is over.
	base       context.Context
	cancelBase context.CancelFunc
	wg         sync.WaitGroup
	mu         struct {
		sync.Mutex
		listeners map[net.Listener]struct{}
		conns     map[uint32]*conn
		nextPID   uint32
		closing   bool
	}
}

// New returns a server for e. The caller closes e after Shutdown.
func New(e *engine.Engine, cfg Config) *Server {
	if cfg.MaxMessageSize <= 0 {
		cfg.MaxMessageSize = DefaultMaxMessageSize
	}
	if cfg.MaxConnections <= 0 {
		cfg.MaxConnections = 100
	}
	if cfg.Auth == "" {
		cfg.Auth = AuthTrust
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{e: e, cfg: cfg, log: log}
	s.base, s.cancelBase = context.WithCancel(context.Background())
	s.mu.listeners = map[net.Listener]struct{}{}
	s.mu.conns = map[uint32]*conn{}
	s.mu.nextPID = 1000
	e.SetBackends(&engine.Backends{Activity: s.activity, Signal: s.signal})
	return s
}

// activity lists the connections for pg_stat_activity, by pid.
func (s *Server) activity() []plan.Activity {
	s.mu.Lock()
	conns := make([]*conn, 0, len(s.mu.conns))
	for _, c := range s.mu.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	out := make([]plan.Activity, len(conns))
	for i, c := range conns {
		out[i] = c.activity()
	}
	slices.SortFunc(out, func(a, b plan.Activity) int { return cmp.Compare(a.PID, b.PID) })
	return out
}

// signal is pg_cancel_backend (the statement connection pid runs is
// cancelled, as a CancelRequest would) and pg_terminate_backend (the
// connection is closed).
func (s *Server) signal(pid int32, terminate bool) bool {
	s.mu.Lock()
	c := s.mu.conns[uint32(pid)]
	s.mu.Unlock()
	if c == nil {
		return false
	}
	c.cancelStatement()
	if terminate {
		c.nc.Close()
	}
	return true
}

// ErrServerClosed is returned by Serve after Shutdown.
var ErrServerClosed = errors.New("pgwire: server closed")

// Serve accepts connections on ln until Shutdown, serving each in its own
// goroutine. It always returns a non-nil error.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.mu.closing {
		s.mu.Unlock()
		ln.Close()
		return ErrServerClosed
	}
	s.mu.listeners[ln] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.mu.listeners, ln)
		s.mu.Unlock()
	}()
	for {
		nc, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			closing := s.mu.closing
			s.mu.Unlock()
			if closing {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(10 * time.Millisecond)
				continue
			}
			return fmt.Errorf("pgwire: accept: %w", err)
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.serveConn(nc)
		}()
	}
}

// Shutdown stops accepting connections, closes idle ones, and lets
// running statements finish until ctx is done; then it cancels what is
// still running and closes every connection. It returns ctx's error if
// the grace period ran out.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.mu.closing = true
	for ln := range s.mu.listeners {
		ln.Close()
	}
	for _, c := range s.mu.conns {
		c.shutdown()
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		s.cancelBase()
		return nil
	case <-ctx.Done():
	}
	s.cancelBase()
	s.mu.Lock()
	for _, c := range s.mu.conns {
		c.nc.Close()
	}
	s.mu.Unlock()
	<-done
	return ctx.Err()
}

// register admits a connection under the connection limit, giving it a
// process id and cancel key.
func (s *Server) register(c *conn) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mu.closing {
		return errShuttingDown
	}
	if len(s.mu.conns) >= s.cfg.MaxConnections {
		return errTooManyConnections
	}
	for {
		s.mu.nextPID++
		if _, used := s.mu.conns[s.mu.nextPID]; !used && s.mu.nextPID != 0 {
			break
		}
	}
	c.pid = s.mu.nextPID
	var key [4]byte
	if _, err := rand.Read(key[:]); err != nil {
		return err
	}
	c.secret = binary.BigEndian.Uint32(key[:])
	s.mu.conns[c.pid] = c
	return nil
}

func (s *Server) unregister(c *conn) {
	s.mu.Lock()
	if s.mu.conns[c.pid] == c {
		delete(s.mu.conns, c.pid)
	}
	s.mu.Unlock()
}

// cancel handles a CancelRequest: the statement running on the matching
// connection, if any, has its context cancelled. A wrong key is ignored
// silently, as in PostgreSQL, so keys cannot be probed.
func (s *Server) cancel(pid uint32, secret []byte) {
	s.mu.Lock()
	c := s.mu.conns[pid]
	s.mu.Unlock()
	if c == nil || len(secret) != 4 || binary.BigEndian.Uint32(secret) != c.secret {
		return
	}
	c.cancelStatement()
}
