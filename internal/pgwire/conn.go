package pgwire

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/cairndb/cairn/internal/engine"
	"github.com/cairndb/cairn/internal/sql/ast"
	"github.com/cairndb/cairn/internal/sql/parser"
	"github.com/cairndb/cairn/internal/sql/plan"
	"github.com/cairndb/cairn/internal/sql/sqlerr"
	"github.com/cairndb/cairn/internal/sql/types"
)

type (
	copyDataMsg = pgproto3.CopyData
	copyDoneMsg = pgproto3.CopyDone
	copyFailMsg = pgproto3.CopyFail
	flushMsg    = pgproto3.Flush
	syncMsg     = pgproto3.Sync
)

var (
	errTooManyConnections = sqlerr.New(sqlerr.Code("53300"), "sorry, too many clients already")
	errShuttingDown       = sqlerr.New(sqlerr.Code("57P03"), "the database system is shutting down")
	errAdminShutdown      = sqlerr.New(sqlerr.Code("57P01"), "terminating connection due to administrator command")
)

// startupTimeout bounds the time a client may take to start up and
// authenticate (PostgreSQL's authentication_timeout).
const startupTimeout = time.Minute

// conn is one client connection: its protocol state and its session.
type conn struct {
	// reported holds the values of reportedSettings the client last
	// heard in ParameterStatus.
	reported map[string]string
	srv      *Server
	nc       net.Conn
	be       *pgproto3.Backend
	sess     *engine.Session
	pid      uint32
	secret   uint32
	user     string
	// stmts and portals of the extended protocol, by name ("" unnamed).
	stmts   map[string]*statement
	portals map[string]*portal
	// skipToSync: an extended-protocol message failed, so the rest up
	// to Sync is ignored.
	skipToSync bool
	// started is when the connection came (pg_stat_activity's
	// backend_start).
	started time.Time
	mu      struct {
		sync.Mutex
		idle    bool // waiting for a client's next command
		closing bool // the server is shutting down
		cancel  context.CancelFunc
		// What pg_stat_activity shows: the last statement and when it
		// began, whether it runs (else the transaction status the client
		// last heard), and the application_name.
		query      string
		queryStart time.Time
		active     bool
		status     engine.TxStatus
		app        string
	}
}

// statement is a prepared statement of the extended protocol.
type statement struct {
	p *engine.Prepared
	// copy is set for a COPY statement, which the engine does not run.
	copy *ast.Copy
}

// portal is a bound statement, with its result once executed.
type portal struct {
	stmt    *statement
	params  []types.Datum
	formats []int16
	// res is set once the portal ran; pos counts the rows sent so far.
	res *engine.Result
	pos int
}

func (s *Server) serveConn(nc net.Conn) {
	c := &conn{srv: s, nc: nc, stmts: map[string]*statement{}, portals: map[string]*portal{}, started: time.Now()}
	defer func() {
		c.nc.Close()
		if c.pid != 0 {
			s.unregister(c)
		}
	}()
	if err := c.serve(); err != nil && !isDisconnect(err) {
		s.log.Warn("connection error", "remote", nc.RemoteAddr().String(), "pid", c.pid, "user", c.user, "err", err)
	}
}

// isDisconnect reports errors that mean the client went away.
func isDisconnect(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, os.ErrDeadlineExceeded)
}

func (c *conn) serve() error {
	c.be = pgproto3.NewBackend(c.nc, c.nc)
	c.be.SetMaxBodyLen(c.srv.cfg.MaxMessageSize)
	c.nc.SetDeadline(time.Now().Add(startupTimeout))
	startup, err := c.startup()
	if err != nil || startup == nil {
		return err
	}
	c.user = startup.Parameters["user"]
	if c.user == "" {
		return c.fatal(sqlerr.New(sqlerr.InvalidAuthorization, "no PostgreSQL user name specified in startup packet"))
	}
	if err := c.srv.register(c); err != nil {
		var se *sqlerr.Error
		if errors.As(err, &se) {
			c.fatal(se)
		}
		return fmt.Errorf("pgwire: admit connection: %w", err)
	}
	if err := c.authenticate(); err != nil {
		return err
	}
	c.nc.SetDeadline(time.Time{})
	c.sess = c.srv.e.NewSession()
	c.sess.SetProcessID(int32(c.pid))
	defer c.sess.Close()
	done := make(chan struct{})
	defer close(done)
	go c.forwardNotifications(done)
	// PostgreSQL's default isolation, which its clients (pgbench among
	// them) count on: a concurrent update waits rather than fails.
	c.sess.SetDefault("default_transaction_isolation", "read committed")
	c.be.Send(&pgproto3.AuthenticationOk{})
	appName := startup.Parameters["application_name"]
	c.mu.Lock()
	c.mu.app = appName
	c.mu.Unlock()
	for _, kv := range [][2]string{
		{"server_version", "15.0"},
		{"server_encoding", "UTF8"},
		{"client_encoding", "UTF8"},
		{"DateStyle", "ISO, MDY"},
		{"IntervalStyle", "postgres"},
		{"integer_datetimes", "on"},
		{"standard_conforming_strings", "on"},
		{"TimeZone", "UTC"},
		{"application_name", appName},
		{"is_superuser", "on"},
		{"session_authorization", c.user},
	} {
		c.be.Send(&pgproto3.ParameterStatus{Name: kv[0], Value: kv[1]})
		if c.reported == nil {
			c.reported = map[string]string{}
		}
		c.reported[kv[0]] = kv[1]
	}
	c.be.Send(&pgproto3.BackendKeyData{ProcessID: c.pid, SecretKey: be32(c.secret)})
	c.applyStartupParams(startup.Parameters)
	c.reportSettings() // a TimeZone (or other) the startup packet set
	c.be.Send(&pgproto3.ReadyForQuery{TxStatus: byte(engine.TxIdle)})
	if err := c.be.Flush(); err != nil {
		return err
	}
	return c.loop()
}

func be32(v uint32) []byte { return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)} }

// startup reads the startup packet, answering SSL and GSS encryption
// requests first. It returns nil for a cancel request (already handled).
func (c *conn) startup() (*pgproto3.StartupMessage, error) {
	for {
		msg, err := c.be.ReceiveStartupMessage()
		if err != nil {
			return nil, fmt.Errorf("pgwire: startup: %w", err)
		}
		switch m := msg.(type) {
		case *pgproto3.CancelRequest:
			c.srv.cancel(m.ProcessID, m.SecretKey)
			return nil, nil
		case *pgproto3.GSSEncRequest:
			if _, err := c.nc.Write([]byte{'N'}); err != nil {
				return nil, err
			}
		case *pgproto3.SSLRequest:
			if c.srv.cfg.TLS == nil {
				if _, err := c.nc.Write([]byte{'N'}); err != nil {
					return nil, err
				}
				continue
			}
			if _, err := c.nc.Write([]byte{'S'}); err != nil {
				return nil, err
			}
			tc := tls.Server(c.nc, c.srv.cfg.TLS)
			if err := tc.Handshake(); err != nil {
				return nil, fmt.Errorf("pgwire: TLS handshake: %w", err)
			}
			c.nc = tc
			c.be = pgproto3.NewBackend(tc, tc)
			c.be.SetMaxBodyLen(c.srv.cfg.MaxMessageSize)
		case *pgproto3.StartupMessage:
			if m.ProtocolVersion != pgproto3.ProtocolVersion30 {
				// cairn speaks 3.0; a client asking for a later minor
				// version is told so and carries on with 3.0.
				c.be.Send(&pgproto3.NegotiateProtocolVersion{NewestMinorProtocol: 0})
			}
			params := make(map[string]string, len(m.Parameters))
			for k, v := range m.Parameters {
				params[k] = v
			}
			return &pgproto3.StartupMessage{ProtocolVersion: m.ProtocolVersion, Parameters: params}, nil
		default:
			return nil, fmt.Errorf("pgwire: unexpected startup message %T", msg)
		}
	}
}

// applyStartupParams applies the settings a client sends in its startup
// packet, as SET would. Ones the session cannot take are ignored, as
// PostgreSQL ignores unknown client-side options it need not act on.
func (c *conn) applyStartupParams(params map[string]string) {
	for k, v := range params {
		switch k {
		case "user", "database", "replication", "options":
			continue
		}
		if strings.HasPrefix(k, "_pq_.") {
			continue
		}
		sql := "SET " + ast.QuoteIdent(k) + " = '" + strings.ReplaceAll(v, "'", "''") + "'"
		c.sess.Execute(context.Background(), sql, nil)
	}
}

// fatal sends a FATAL error and reports it as the connection's end.
func (c *conn) fatal(e *sqlerr.Error) error {
	c.be.Send(errorResponse(e, "FATAL"))
	c.be.Flush()
	return e
}

// loop serves commands until the client leaves or the server shuts down.
func (c *conn) loop() error {
	ready := true // at a ReadyForQuery: between the client's commands
	for {
		if ready && !c.enterIdle() {
			c.be.Send(errorResponse(errAdminShutdown, "FATAL"))
			c.be.Flush()
			return nil
		}
		msg, err := c.be.Receive()
		closing := c.leaveIdle()
		if err != nil {
			if closing {
				c.be.Send(errorResponse(errAdminShutdown, "FATAL"))
				c.be.Flush()
				return nil
			}
			var tooBig *pgproto3.ExceededMaxBodyLenErr
			if errors.As(err, &tooBig) {
				return c.fatal(sqlerr.New(sqlerr.Code("08P01"), "message of %d bytes exceeds the server's limit of %d bytes", tooBig.ActualBodyLen, tooBig.MaxExpectedBodyLen).
					WithHint("cairn serve --max-message-size raises the limit."))
			}
			return err
		}
		ready = false
		// Replies go out when the client waits for them: at
		// ReadyForQuery (after a simple query or Sync) or on Flush, not
		// after each message of an extended-protocol batch.
		flush := false
		switch m := msg.(type) {
		case *pgproto3.Query:
			c.simpleQuery(m.String)
			ready = true
			c.sendReady()
		case *pgproto3.Sync:
			c.skipToSync = false
			if c.sess.TxStatus() == engine.TxIdle {
				// Portals live until the end of their transaction.
				clear(c.portals)
			}
			ready = true
			c.sendReady()
		case *pgproto3.Flush:
			flush = true
		case *pgproto3.Terminate:
			return nil
		case *pgproto3.CopyData, *pgproto3.CopyDone, *pgproto3.CopyFail:
			// Left over from a COPY that failed: ignored, as PostgreSQL does.
		case *pgproto3.Parse, *pgproto3.Bind, *pgproto3.Describe, *pgproto3.Execute, *pgproto3.Close:
			if c.skipToSync {
				continue
			}
			if err := c.extended(msg); err != nil {
				c.sendError(err)
				c.skipToSync = true
			}
		case *pgproto3.FunctionCall:
			c.sendError(sqlerr.New(sqlerr.FeatureNotSupported, "the function call protocol is not supported"))
			ready = true
			c.sendReady()
		default:
			return fmt.Errorf("pgwire: unexpected message %T", msg)
		}
		if ready || flush {
			if err := c.be.Flush(); err != nil {
				return err
			}
		}
	}
}

func (c *conn) sendReady() {
	for _, n := range c.sess.Notifications() {
		c.be.Send(notificationMsg(n))
	}
	status := c.sess.TxStatus()
	c.be.Send(&pgproto3.ReadyForQuery{TxStatus: byte(status)})
	c.mu.Lock()
	c.mu.active, c.mu.status = false, status
	c.mu.Unlock()
}

// notificationMsg is a notification as the protocol carries it.
func notificationMsg(n engine.Notification) *pgproto3.NotificationResponse {
	return &pgproto3.NotificationResponse{PID: uint32(n.PID), Channel: n.Channel, Payload: n.Payload}
}

// notifyWriteTimeout bounds a write of notifications to an idle client.
const notifyWriteTimeout = 10 * time.Second

// forwardNotifications sends the session's notifications (LISTEN) as
// they arrive while the connection is idle, waiting for the client's
// next command; when it is busy, they go out before its next
// ReadyForQuery (sendReady). It ends when done closes.
func (c *conn) forwardNotifications(done <-chan struct{}) {
	for {
		select {
		case <-done:
			return
		case <-c.sess.NotificationArrived():
		}
		c.mu.Lock()
		if c.mu.idle && !c.mu.closing {
			// The main loop writes nothing while idle (and waits for this
			// lock to leave idle): the connection is this goroutine's.
			var buf []byte
			for _, n := range c.sess.Notifications() {
				buf, _ = notificationMsg(n).Encode(buf)
			}
			if len(buf) > 0 {
				// Bounded: the lock is held across the write, and
				// shutdown needs it. A failure shows in the main loop's
				// next read.
				c.nc.SetWriteDeadline(time.Now().Add(notifyWriteTimeout))
				c.nc.Write(buf)
				c.nc.SetWriteDeadline(time.Time{})
			}
		}
		c.mu.Unlock()
	}
}

// enterIdle marks the connection as waiting for a command; false means
// the server is shutting down and the connection should end.
func (c *conn) enterIdle() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mu.closing {
		return false
	}
	c.mu.idle = true
	// Notifications that came while busy, after sendReady took the
	// others, go out now.
	c.sess.RewakeNotifications()
	return true
}

func (c *conn) leaveIdle() (closing bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mu.idle = false
	return c.mu.closing
}

// shutdown asks the connection to end at its next idle moment,
// interrupting its wait if it is idle now.
func (c *conn) shutdown() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mu.closing = true
	if c.mu.idle {
		c.nc.SetReadDeadline(time.Now())
	}
}

// statementContext returns the context a statement runs under, which a
// CancelRequest cancels.
func (c *conn) statementContext(query string) (context.Context, func()) {
	ctx, cancel := context.WithCancel(c.srv.base)
	c.mu.Lock()
	c.mu.cancel = cancel
	c.mu.query, c.mu.queryStart, c.mu.active = query, time.Now(), true
	c.mu.Unlock()
	return ctx, func() {
		c.mu.Lock()
		c.mu.cancel = nil
		c.mu.Unlock()
		cancel()
	}
}

func (c *conn) cancelStatement() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mu.cancel != nil {
		c.mu.cancel()
	}
}

// errorResponse converts an error to the protocol's message.
func errorResponse(err error, severity string) *pgproto3.ErrorResponse {
	var se *sqlerr.Error
	if !errors.As(err, &se) {
		se = sqlerr.New(sqlerr.CodeOf(err), "%v", err)
	}
	return &pgproto3.ErrorResponse{
		Severity: severity, SeverityUnlocalized: severity, Code: string(se.Code),
		Message: se.Message, Detail: se.Detail, Hint: se.Hint, Position: int32(se.Position),
	}
}

func (c *conn) sendError(err error) {
	var se *sqlerr.Error
	if errors.As(err, &se) && se.Code == sqlerr.InternalError {
		c.srv.log.Error("internal error", "pid", c.pid, "err", se.Message, "detail", se.Detail)
		// The stack trace is for the log, not the client.
		e := *se
		e.Detail = ""
		err = &e
	}
	c.be.Send(errorResponse(err, "ERROR"))
}

func (c *conn) sendNotice(code sqlerr.Code, severity, msg string) {
	c.be.Send(&pgproto3.NoticeResponse{Severity: severity, SeverityUnlocalized: severity, Code: string(code), Message: msg})
}

// sendNotices sends the notices the session's last statement raised
// (what IF EXISTS skipped, RAISE NOTICE), before its results.
func (c *conn) sendNotices() {
	for _, n := range c.sess.TakeNotices() {
		c.sendNotice(n.Code, n.Severity, n.Message)
	}
}

// simpleQuery runs a Query message: each statement in turn, each with
// its own results, stopping at the first error.
func (c *conn) simpleQuery(sql string) {
	ctx, done := c.statementContext(sql)
	defer done()
	stmts, err := parser.Parse(sql)
	if err != nil {
		// The engine reports the parse error with its position.
		_, err = c.sess.Execute(ctx, sql, nil)
		c.sendError(err)
		return
	}
	if len(stmts) == 0 {
		c.be.Send(&pgproto3.EmptyQueryResponse{})
		return
	}
	for i, stmt := range stmts {
		text, offset := statementText(sql, stmts, i)
		if err := c.runStatement(ctx, stmt, text); err != nil {
			var se *sqlerr.Error
			if errors.As(err, &se) && se.Position > 0 {
				e := *se
				e.Position += utf8.RuneCountInString(sql[:offset])
				err = &e
			}
			c.sendError(err)
			return
		}
	}
}

// statementText returns the text of statement i of sql and its byte
// offset: from its start to the next statement's.
func statementText(sql string, stmts []ast.Statement, i int) (string, int) {
	if len(stmts) == 1 {
		return sql, 0
	}
	start, end := 0, len(sql)
	if i > 0 {
		start = int(stmts[i].Position())
	}
	if i+1 < len(stmts) {
		end = int(stmts[i+1].Position())
	}
	if start < 0 || end > len(sql) || start > end {
		return ast.Format(stmts[i]), 0
	}
	// A statement whose position is not where its text starts (one
	// beginning with a parenthesis) is run from its formatted text.
	if got, err := parser.Parse(sql[start:end]); err != nil || len(got) != 1 {
		return ast.Format(stmts[i]), 0
	}
	return sql[start:end], start
}

// runStatement runs one statement of a simple query and sends its
// results.
func (c *conn) runStatement(ctx context.Context, stmt ast.Statement, text string) error {
	switch st := stmt.(type) {
	case *ast.Copy:
		return c.runCopy(ctx, st)
	case *ast.Begin:
		if c.sess.TxStatus() != engine.TxIdle {
			c.sendNotice(sqlerr.ActiveSQLTransaction, "WARNING", "there is already a transaction in progress")
		}
	case *ast.Commit, *ast.Rollback:
		if c.sess.TxStatus() == engine.TxIdle {
			if r, ok := st.(*ast.Rollback); !ok || r.Savepoint == "" {
				c.sendNotice(sqlerr.NoActiveSQLTransaction, "WARNING", "there is no transaction in progress")
			}
		}
	}
	results, err := c.sess.Execute(ctx, text, nil)
	c.sendNotices()
	for i := range results {
		r := &results[i]
		if r.Columns != nil {
			c.be.Send(rowDescription(r.Columns, nil))
		}
		if err := c.sendRows(r, nil, r.Rows); err != nil {
			return err
		}
		c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(r.Tag)})
		// SET, RESET, set_config(), and the end of a transaction that
		// undoes its SETs may each change a reported setting.
		c.reportSettings()
	}
	return err
}

// reportedSettings are the settings a client hears of in ParameterStatus
// when SET changes them, with the names the protocol uses.
// (The lower-case names are the settings' keys: looking them up so
// allocates nothing, which matters as this runs after every statement.)
var reportedSettings = [][2]string{{"application_name", "application_name"}, {"DateStyle", "datestyle"},
	{"TimeZone", "timezone"}, {"client_encoding", "client_encoding"}, {"IntervalStyle", "intervalstyle"}}

// reportSettings sends ParameterStatus for each reported setting whose
// value changed since the client last heard it.
func (c *conn) reportSettings() {
	if c.reported == nil {
		c.reported = map[string]string{}
	}
	for _, names := range reportedSettings {
		name := names[0]
		v, ok := c.sess.Setting(names[1])
		if !ok || c.reported[name] == v {
			continue
		}
		c.reported[name] = v
		c.be.Send(&pgproto3.ParameterStatus{Name: name, Value: v})
		if name == "application_name" {
			c.mu.Lock()
			c.mu.app = v
			c.mu.Unlock()
		}
	}
}

func (c *conn) runCopy(ctx context.Context, st *ast.Copy) error {
	if !st.From {
		var n int64
		c.be.Send(&pgproto3.CopyOutResponse{OverallFormat: 0})
		// The CopyOutResponse must precede the data; a failure before
		// any data is an ErrorResponse in copy-out mode, which clients
		// accept.
		n, err := CopyTo(ctx, c.sess, st, copyOutWriter{c})
		if err != nil {
			return err
		}
		c.be.Send(&pgproto3.CopyDone{})
		c.be.Send(&pgproto3.CommandComplete{CommandTag: fmt.Appendf(nil, "COPY %d", n)})
		return nil
	}
	if st.File != "" {
		return errCopyFile()
	}
	if _, err := copyFormat(st); err != nil {
		return err
	}
	cols, err := copyColumns(ctx, c.sess, st)
	if err != nil {
		return err
	}
	c.be.Send(&pgproto3.CopyInResponse{OverallFormat: 0, ColumnFormatCodes: make([]uint16, len(cols))})
	if err := c.be.Flush(); err != nil {
		return err
	}
	r := &copyInReader{c: c}
	n, err := CopyFrom(ctx, c.sess, st, r, nil)
	if err != nil {
		r.drain()
		return err
	}
	r.drain()
	c.be.Send(&pgproto3.CommandComplete{CommandTag: fmt.Appendf(nil, "COPY %d", n)})
	return nil
}

// rowDescription describes columns with their result formats.
func rowDescription(cols []engine.Column, formats []int16) *pgproto3.RowDescription {
	rd := &pgproto3.RowDescription{Fields: make([]pgproto3.FieldDescription, len(cols))}
	for i, col := range cols {
		rd.Fields[i] = pgproto3.FieldDescription{
			Name:         []byte(col.Name),
			DataTypeOID:  typeOID(col.Type),
			DataTypeSize: int16(col.Type.Len()),
			TypeModifier: int32(col.Type.Mod()),
			Format:       formatOf(formats, i),
		}
	}
	return rd
}

// formatOf applies the protocol's rule for format code lists: none means
// text, one applies to all, otherwise one per column.
func formatOf(formats []int16, i int) int16 {
	switch {
	case len(formats) == 0:
		return textFormat
	case len(formats) == 1:
		return formats[0]
	case i < len(formats):
		return formats[i]
	}
	return textFormat
}

func (c *conn) sendRows(r *engine.Result, formats []int16, rows [][]types.Datum) error {
	var buf []byte
	values := make([][]byte, len(r.Columns))
	zone := c.sess.Zone()
	for _, row := range rows {
		buf = buf[:0]
		ends := make([]int, len(row))
		for i, d := range row {
			if d.IsNull() {
				ends[i] = -1
				continue
			}
			var err error
			if buf, err = appendDatum(buf, d, r.Columns[i].Type, formatOf(formats, i), zone); err != nil {
				return err
			}
			ends[i] = len(buf)
		}
		start := 0
		for i := range row {
			if ends[i] < 0 {
				values[i] = nil
				continue
			}
			values[i] = buf[start:ends[i]]
			start = ends[i]
		}
		// Send encodes the message into its buffer at once, so buf may
		// be reused for the next row.
		c.be.Send(&pgproto3.DataRow{Values: values[:len(row)]})
	}
	return nil
}

// extended handles a message of the extended query protocol.
func (c *conn) extended(msg pgproto3.FrontendMessage) error {
	switch m := msg.(type) {
	case *pgproto3.Parse:
		return c.parse(m)
	case *pgproto3.Bind:
		return c.bind(m)
	case *pgproto3.Describe:
		return c.describe(m)
	case *pgproto3.Execute:
		return c.execute(m)
	case *pgproto3.Close:
		if m.ObjectType == 'S' {
			delete(c.stmts, m.Name)
		} else {
			delete(c.portals, m.Name)
		}
		c.be.Send(&pgproto3.CloseComplete{})
	}
	return nil
}

func (c *conn) parse(m *pgproto3.Parse) error {
	if _, dup := c.stmts[m.Name]; dup && m.Name != "" {
		return sqlerr.New(sqlerr.Code("42P05"), "prepared statement %q already exists", m.Name)
	}
	ctx, done := c.statementContext(m.Query)
	defer done()
	st := &statement{}
	if stmts, err := parser.Parse(m.Query); err == nil && len(stmts) == 1 {
		if cp, ok := stmts[0].(*ast.Copy); ok {
			st.copy = cp
		}
	}
	if st.copy == nil {
		paramTypes := make([]types.Type, len(m.ParameterOIDs))
		for i, oid := range m.ParameterOIDs {
			t, ok := types.TypeFromOID(oid)
			if !ok {
				t = types.Unknown
			}
			paramTypes[i] = t
		}
		p, err := c.sess.Prepare(ctx, m.Query, paramTypes)
		if err != nil {
			return err
		}
		st.p = p
	}
	c.stmts[m.Name] = st
	c.be.Send(&pgproto3.ParseComplete{})
	return nil
}

func (c *conn) bind(m *pgproto3.Bind) error {
	st, ok := c.stmts[m.PreparedStatement]
	if !ok {
		return sqlerr.New(sqlerr.Code("26000"), "prepared statement %q does not exist", m.PreparedStatement)
	}
	if _, dup := c.portals[m.DestinationPortal]; dup && m.DestinationPortal != "" {
		return sqlerr.New(sqlerr.Code("42P03"), "cursor %q already exists", m.DestinationPortal)
	}
	var paramTypes []types.Type
	if st.p != nil {
		paramTypes = st.p.ParamTypes()
	}
	if len(m.Parameters) != len(paramTypes) {
		return sqlerr.New(sqlerr.Code("08P01"), "bind message supplies %d parameters, but prepared statement %q requires %d",
			len(m.Parameters), m.PreparedStatement, len(paramTypes))
	}
	if n := len(m.ParameterFormatCodes); n > 1 && n != len(m.Parameters) {
		return sqlerr.New(sqlerr.Code("08P01"), "bind message has %d parameter formats but %d parameters", n, len(m.Parameters))
	}
	params := make([]types.Datum, len(m.Parameters))
	for i, b := range m.Parameters {
		d, err := decodeParam(b, paramTypes[i], formatOf(m.ParameterFormatCodes, i))
		if err != nil {
			return err
		}
		params[i] = d
	}
	c.portals[m.DestinationPortal] = &portal{stmt: st, params: params, formats: append([]int16(nil), m.ResultFormatCodes...)}
	c.be.Send(&pgproto3.BindComplete{})
	return nil
}

func (c *conn) describe(m *pgproto3.Describe) error {
	if m.ObjectType == 'S' {
		st, ok := c.stmts[m.Name]
		if !ok {
			return sqlerr.New(sqlerr.Code("26000"), "prepared statement %q does not exist", m.Name)
		}
		pd := &pgproto3.ParameterDescription{ParameterOIDs: []uint32{}}
		if st.p != nil {
			for _, t := range st.p.ParamTypes() {
				pd.ParameterOIDs = append(pd.ParameterOIDs, typeOID(t))
			}
		}
		c.be.Send(pd)
		if st.p != nil && st.p.Columns() != nil {
			c.be.Send(rowDescription(st.p.Columns(), nil))
		} else {
			c.be.Send(&pgproto3.NoData{})
		}
		return nil
	}
	p, ok := c.portals[m.Name]
	if !ok {
		return sqlerr.New(sqlerr.Code("34000"), "portal %q does not exist", m.Name)
	}
	if p.stmt.p != nil && p.stmt.p.Columns() != nil {
		c.be.Send(rowDescription(p.stmt.p.Columns(), p.formats))
	} else {
		c.be.Send(&pgproto3.NoData{})
	}
	return nil
}

func (c *conn) execute(m *pgproto3.Execute) error {
	p, ok := c.portals[m.Portal]
	if !ok {
		return sqlerr.New(sqlerr.Code("34000"), "portal %q does not exist", m.Portal)
	}
	query := ""
	switch {
	case p.stmt.p != nil:
		query = p.stmt.p.SQL
	case p.stmt.copy != nil:
		query = ast.Format(p.stmt.copy)
	}
	ctx, done := c.statementContext(query)
	defer done()
	if p.stmt.copy != nil {
		return c.runCopy(ctx, p.stmt.copy)
	}
	if p.stmt.p.Empty() {
		c.be.Send(&pgproto3.EmptyQueryResponse{})
		return nil
	}
	if p.res == nil {
		res, err := c.sess.ExecutePrepared(ctx, p.stmt.p, p.params)
		c.sendNotices()
		if err != nil {
			return err
		}
		p.res = &res
	}
	rows := p.res.Rows[p.pos:]
	if m.MaxRows > 0 && uint32(len(rows)) > m.MaxRows {
		rows = rows[:m.MaxRows]
	}
	if err := c.sendRows(p.res, p.formats, rows); err != nil {
		return err
	}
	p.pos += len(rows)
	if m.MaxRows > 0 && p.pos < len(p.res.Rows) {
		c.be.Send(&pgproto3.PortalSuspended{})
		return nil
	}
	tag := p.res.Tag
	if strings.HasPrefix(tag, "SELECT ") {
		// A portal fetched in parts reports the rows of the last part.
		tag = fmt.Sprintf("SELECT %d", len(rows))
	}
	c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(tag)})
	c.reportSettings()
	return nil
}

// msgType names a frontend message for an error.
func msgType(msg pgproto3.FrontendMessage) byte {
	switch msg.(type) {
	case *pgproto3.Query:
		return 'Q'
	case *pgproto3.Parse:
		return 'P'
	case *pgproto3.Bind:
		return 'B'
	case *pgproto3.Execute:
		return 'E'
	case *pgproto3.Describe:
		return 'D'
	case *pgproto3.Close:
		return 'C'
	case *pgproto3.Terminate:
		return 'X'
	}
	return '?'
}

// activity is the connection as pg_stat_activity shows it.
func (c *conn) activity() plan.Activity {
	a := plan.Activity{PID: int32(c.pid), User: c.user, BackendStart: c.started, ClientPort: -1}
	if tcp, ok := c.nc.RemoteAddr().(*net.TCPAddr); ok {
		a.ClientAddr, a.ClientPort = tcp.IP.String(), int32(tcp.Port)
	}
	c.mu.Lock()
	a.Application, a.Query, a.QueryStart = c.mu.app, c.mu.query, c.mu.queryStart
	active, status := c.mu.active, c.mu.status
	c.mu.Unlock()
	switch {
	case active:
		a.State = "active"
	case status == engine.TxActive:
		a.State = "idle in transaction"
	case status == engine.TxFailed:
		a.State = "idle in transaction (aborted)"
	default:
		a.State = "idle" // also while authenticating
	}
	return a
}
