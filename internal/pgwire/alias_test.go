package pgwire

import "github.com/jackc/pgx/v5/pgproto3"

type (
	parseMsg           = pgproto3.Parse
	bindMsg            = pgproto3.Bind
	executeMsg         = pgproto3.Execute
	syncMessage        = pgproto3.Sync
	parseCompleteMsg   = pgproto3.ParseComplete
	bindCompleteMsg    = pgproto3.BindComplete
	dataRowMsg         = pgproto3.DataRow
	portalSuspendedMsg = pgproto3.PortalSuspended
	commandCompleteMsg = pgproto3.CommandComplete
	readyForQueryMsg   = pgproto3.ReadyForQuery
	errorResponseMsg   = pgproto3.ErrorResponse
)
