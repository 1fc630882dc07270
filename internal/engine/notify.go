package engine

import (
	"sync"

	"github.com/cairndb/cairn/internal/sql/sqlerr"
)

// LISTEN, UNLISTEN and NOTIFY, as PostgreSQL has them: a session
// listening on a channel receives every notification sent to it once
// the sending transaction commits (its own included), in commit order;
// a rolled-back transaction's notifications are dropped, and one
// transaction's identical notifications are sent once. The pgwire server
// passes them on as NotificationResponse messages, between commands or
// at once when the connection is idle.

// Notification is one NOTIFY a listening session received.
type Notification struct {
	PID     int32 // the sending session's process id
	Channel string
	Payload string
}

// maxPayload is PostgreSQL's limit on a notification's payload.
const maxPayload = 8000

// notifier holds the listening sessions by channel.
type notifier struct {
	mu        sync.Mutex
	listeners map[string]map[*Session]bool
}

func (n *notifier) listen(s *Session, channel string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.listeners == nil {
		n.listeners = map[string]map[*Session]bool{}
	}
	if n.listeners[channel] == nil {
		n.listeners[channel] = map[*Session]bool{}
	}
	n.listeners[channel][s] = true
}

// unlisten stops s listening on channel, or on every channel ("").
func (n *notifier) unlisten(s *Session, channel string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for ch, set := range n.listeners {
		if channel == "" || ch == channel {
			delete(set, s)
			if len(set) == 0 {
				delete(n.listeners, ch)
			}
		}
	}
}

// publish delivers notes to the sessions listening on their channels.
func (n *notifier) publish(notes []Notification) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, note := range notes {
		for s := range n.listeners[note.Channel] {
			s.receive(note)
		}
	}
}

// inbox holds a session's received notifications until its connection
// sends them; wake signals that some arrived.
type inbox struct {
	mu    sync.Mutex
	notes []Notification
	wake  chan struct{}
}

func (s *Session) receive(n Notification) {
	s.inbox.mu.Lock()
	s.inbox.notes = append(s.inbox.notes, n)
	s.inbox.mu.Unlock()
	s.inbox.signal()
}

// signal wakes the connection waiting on wake, unless a signal is
// already pending.
func (b *inbox) signal() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// Notifications returns the notifications received since the last call.
func (s *Session) Notifications() []Notification {
	s.inbox.mu.Lock()
	defer s.inbox.mu.Unlock()
	out := s.inbox.notes
	s.inbox.notes = nil
	return out
}

// NotificationArrived is signalled (at most one pending signal) when a
// notification arrives for the session.
func (s *Session) NotificationArrived() <-chan struct{} { return s.inbox.wake }

// SetProcessID sets the process id the session's notifications carry
// (the pgwire connection's BackendKeyData id).
func (s *Session) SetProcessID(pid int32) { s.pid = pid }

// Close ends the session: it stops listening, rolls back an open
// transaction and releases its advisory locks.
func (s *Session) Close() {
	s.e.notify.unlisten(s, "")
	if s.txn != nil {
		s.rollback()
	}
	s.releaseAdvisory(true)
	if len(s.temps) > 0 {
		s.dropTemps()
	}
}

// listen runs LISTEN channel.
func (s *Session) listen(channel string) (Result, error) {
	s.e.notify.listen(s, channel)
	return Result{Tag: "LISTEN"}, nil
}

// unlisten runs UNLISTEN channel, or UNLISTEN * ("").
func (s *Session) unlisten(channel string) (Result, error) {
	s.e.notify.unlisten(s, channel)
	return Result{Tag: "UNLISTEN"}, nil
}

// queueNotify notes a NOTIFY (or pg_notify) of the transaction, sent
// when it commits; outside a transaction, at once.
func (s *Session) queueNotify(channel, payload string) error {
	if channel == "" {
		return sqlerr.New(sqlerr.InvalidParameterValue, "channel name cannot be empty")
	}
	if len(channel) >= 64 {
		return sqlerr.New(sqlerr.InvalidParameterValue, "channel name too long")
	}
	if len(payload) >= maxPayload {
		return sqlerr.New(sqlerr.InvalidParameterValue, "payload string too long")
	}
	n := Notification{PID: s.pid, Channel: channel, Payload: payload}
	// Identical notifications go once: a scan of a few, a set of many
	// (a transaction may send thousands).
	if s.outboxAt != nil {
		if s.outboxAt[n] {
			return nil
		}
		s.outboxAt[n] = true
	} else {
		for _, o := range s.outbox {
			if o == n {
				return nil
			}
		}
		if len(s.outbox) >= 16 {
			s.outboxAt = make(map[Notification]bool, 2*len(s.outbox))
			for _, o := range s.outbox {
				s.outboxAt[o] = true
			}
			s.outboxAt[n] = true
		}
	}
	s.outbox = append(s.outbox, n)
	return nil
}

// sendNotifications publishes the committed transaction's notifications
// (or drops them, when it did not commit).
func (s *Session) sendNotifications(committed bool) {
	if committed && len(s.outbox) > 0 {
		s.e.notify.publish(s.outbox)
	}
	s.outbox, s.outboxAt = nil, nil
}

// RewakeNotifications signals NotificationArrived again when
// notifications are waiting: a connection that found itself busy when
// the first signal came calls it on going idle.
func (s *Session) RewakeNotifications() {
	s.inbox.mu.Lock()
	waiting := len(s.inbox.notes) > 0
	s.inbox.mu.Unlock()
	if waiting {
		s.inbox.signal()
	}
}
