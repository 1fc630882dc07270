package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/cairndb/cairn/internal/engine"
	"github.com/cairndb/cairn/internal/pgwire"
)

type serveFlags struct {
	data           string
	listen         string
	maxConns       int
	maxMessage     int
	tlsCert        string
	tlsKey         string
	auth           string
	shutdownTimout time.Duration
	noSync         bool
}

func newServeCmd() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve a database over the PostgreSQL wire protocol",
		Long: `serve opens the database in --data and serves it to PostgreSQL clients
(psql, pgbench, pgx, psycopg2, node-postgres...) on --listen. Any database
name a client asks for connects to this one database.

Authentication: loopback clients are trusted unless the role they name has a
password (CREATE USER name PASSWORD '...'), which they must then prove with
SCRAM-SHA-256; --auth scram requires a password from everyone. With
--tls-cert and --tls-key, clients asking for SSL get TLS; without them they
are told no and go on in the clear.

SIGINT or SIGTERM shuts down gracefully: no new connections, idle ones are
closed, running statements get --shutdown-timeout to finish before they are
cancelled, then the store is closed cleanly.

Every flag can also be set from the environment: CAIRN_DATA, CAIRN_LISTEN,
CAIRN_MAX_CONNECTIONS, CAIRN_TLS_CERT, CAIRN_TLS_KEY, CAIRN_AUTH,
CAIRN_SHUTDOWN_TIMEOUT, CAIRN_MAX_MESSAGE_SIZE, CAIRN_NO_SYNC (flags win).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := flagsFromEnv(cmd); err != nil {
				return err
			}
			return runServe(cmd, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.data, "data", "./cairn-data", "data directory (one database)")
	fl.StringVar(&f.listen, "listen", "127.0.0.1:5432", "address to listen on")
	fl.IntVar(&f.maxConns, "max-connections", 100, "most concurrent client connections; more get 53300 too_many_connections")
	fl.IntVar(&f.maxMessage, "max-message-size", pgwire.DefaultMaxMessageSize, "largest client message in bytes; a larger one closes the connection (08P01)")
	fl.StringVar(&f.tlsCert, "tls-cert", "", "TLS certificate file (PEM); enables SSL with --tls-key")
	fl.StringVar(&f.tlsKey, "tls-key", "", "TLS private key file (PEM)")
	fl.StringVar(&f.auth, "auth", "trust", "authentication: trust (loopback clients of roles without passwords) or scram (always a password)")
	fl.DurationVar(&f.shutdownTimout, "shutdown-timeout", 30*time.Second, "on SIGINT/SIGTERM, how long running statements may take to finish")
	fl.BoolVar(&f.noSync, "no-sync", false, "commit without waiting for the disk (synchronous_commit = off): a crash may lose the last commits")
	return cmd
}

// flagsFromEnv sets each flag not given on the command line from
// CAIRN_<FLAG> (upper case, dashes as underscores).
func flagsFromEnv(cmd *cobra.Command) error {
	var err error
	cmd.Flags().VisitAll(func(fl *pflag.Flag) {
		if fl.Changed || err != nil || fl.Name == "help" {
			return
		}
		name := "CAIRN_" + envName(fl.Name)
		if v, ok := os.LookupEnv(name); ok {
			if serr := fl.Value.Set(v); serr != nil {
				err = fmt.Errorf("%s=%q: %w", name, v, serr)
			}
		}
	})
	return err
}

func envName(flag string) string {
	b := []byte(flag)
	for i, c := range b {
		switch {
		case c == '-':
			b[i] = '_'
		case c >= 'a' && c <= 'z':
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

func runServe(cmd *cobra.Command, f *serveFlags) error {
	log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
	cfg := pgwire.Config{MaxConnections: f.maxConns, MaxMessageSize: f.maxMessage, Logger: log, Version: version}
	switch f.auth {
	case "trust":
		cfg.Auth = pgwire.AuthTrust
	case "scram", "scram-sha-256":
		cfg.Auth = pgwire.AuthSCRAM
	default:
		return fmt.Errorf("--auth %q: want trust or scram", f.auth)
	}
	if (f.tlsCert == "") != (f.tlsKey == "") {
		return errors.New("--tls-cert and --tls-key go together")
	}
	if f.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(f.tlsCert, f.tlsKey)
		if err != nil {
			return fmt.Errorf("load TLS key pair: %w", err)
		}
		cfg.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	eng, err := engine.Open(f.data, &engine.Options{NoSync: f.noSync})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		eng.Close()
		return fmt.Errorf("listen: %w", err)
	}
	srv := pgwire.New(eng, cfg)
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("cairn serving", "version", version, "listen", ln.Addr().String(), "data", f.data, "auth", string(cfg.Auth), "tls", cfg.TLS != nil)
	select {
	case <-ctx.Done():
		log.Info("shutting down", "timeout", f.shutdownTimout.String())
	case err = <-served:
		log.Error("serve failed", "err", err)
	}
	sctx, cancel := context.WithTimeout(context.Background(), f.shutdownTimout)
	defer cancel()
	if serr := srv.Shutdown(sctx); serr != nil {
		log.Warn("shutdown timed out; running statements were cancelled", "err", serr)
	}
	if cerr := eng.Close(); cerr != nil {
		return fmt.Errorf("close store: %w", cerr)
	}
	log.Info("stopped")
	if err != nil && !errors.Is(err, pgwire.ErrServerClosed) {
		return err
	}
	return nil
}
