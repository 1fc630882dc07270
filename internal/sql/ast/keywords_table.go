// The keyword list. Keep both the constants and the table in alphabetical
// order: TestKeywordTable checks it, and Lookup relies on it.

package ast

// Keyword identifies a word the lexer recognises. The constants are in
// alphabetical order, so a Keyword indexes keywordTable.
type Keyword uint16

// Keywords, in alphabetical order. KwNone (zero) means "not a keyword".
const (
	KwNone Keyword = iota
	KwAction
	KwAdd
	KwAll
	KwAlter
	KwAnalyse
	KwAnalyze
	KwAnd
	KwAny
	KwArray
	KwAs
	KwAsc
	KwAsymmetric
	KwAt
	KwBegin
	KwBetween
	KwBoth
	KwBy
	KwCascade
	KwCase
	KwCast
	KwChain
	KwCheck
	KwCollate
	KwColumn
	KwCommit
	KwCommitted
	KwConcurrently
	KwConflict
	KwConstraint
	KwContinue
	KwCopy
	KwCreate
	KwCross
	KwCurrent
	KwCurrentCatalog
	KwCurrentDate
	KwCurrentRole
	KwCurrentSchema
	KwCurrentTime
	KwCurrentTimestamp
	KwCurrentUser
	KwDeallocate
	KwDefault
	KwDeferrable
	KwDelete
	KwDesc
	KwDistinct
	KwDo
	KwDrop
	KwElse
	KwEnd
	KwEscape
	KwExcept
	KwExclude
	KwExecute
	KwExists
	KwExplain
	KwFalse
	KwFetch
	KwFilter
	KwFirst
	KwFollowing
	KwFor
	KwForeign
	KwFrom
	KwFull
	KwGrant
	KwGroup
	KwGroups
	KwHaving
	KwIdentity
	KwIf
	KwIlike
	KwIn
	KwIndex
	KwInitially
	KwInner
	KwInsert
	KwIntersect
	KwInto
	KwIs
	KwIsnull
	KwIsolation
	KwJoin
	KwKey
	KwLast
	KwLateral
	KwLeading
	KwLeft
	KwLevel
	KwLike
	KwLimit
	KwLocal
	KwLocaltime
	KwLocaltimestamp
	KwNatural
	KwNext
	KwNo
	KwNot
	KwNothing
	KwNotnull
	KwNull
	KwNulls
	KwOf
	KwOffset
	KwOn
	KwOnly
	KwOption
	KwOr
	KwOrder
	KwOrdinality
	KwOthers
	KwOuter
	KwOver
	KwOverlaps
	KwPartition
	KwPassword
	KwPlacing
	KwPreceding
	KwPrepare
	KwPrimary
	KwPrivileges
	KwRange
	KwRead
	KwRecursive
	KwReferences
	KwRelease
	KwRename
	KwRepeatable
	KwReplace
	KwReset
	KwRestart
	KwRestrict
	KwReturning
	KwRevoke
	KwRight
	KwRole
	KwRollback
	KwRow
	KwRows
	KwSavepoint
	KwSchema
	KwSelect
	KwSerializable
	KwSession
	KwSessionUser
	KwSet
	KwShow
	KwSimilar
	KwSome
	KwStart
	KwSymmetric
	KwTable
	KwTemp
	KwTemporary
	KwThen
	KwTies
	KwTo
	KwTrailing
	KwTransaction
	KwTrue
	KwTruncate
	KwUnbounded
	KwUncommitted
	KwUnion
	KwUnique
	KwUpdate
	KwUser
	KwUsing
	KwValues
	KwVariadic
	KwVerbose
	KwView
	KwWhen
	KwWhere
	KwWindow
	KwWith
	KwWithout
	KwWork
	KwWrite
	KwZone
	numKeywords
)

// keywordTable is the sorted list of keywords: entry k describes Keyword k.
var keywordTable = [numKeywords]keywordInfo{
	KwAction:           {"action", Unreserved},
	KwAdd:              {"add", Unreserved},
	KwAll:              {"all", Reserved},
	KwAlter:            {"alter", Unreserved},
	KwAnalyse:          {"analyse", Reserved},
	KwAnalyze:          {"analyze", Reserved},
	KwAnd:              {"and", Reserved},
	KwAny:              {"any", Reserved},
	KwArray:            {"array", Reserved},
	KwAs:               {"as", Reserved},
	KwAsc:              {"asc", Reserved},
	KwAsymmetric:       {"asymmetric", Reserved},
	KwAt:               {"at", Unreserved},
	KwBegin:            {"begin", Unreserved},
	KwBetween:          {"between", Unreserved},
	KwBoth:             {"both", Reserved},
	KwBy:               {"by", Unreserved},
	KwCascade:          {"cascade", Unreserved},
	KwCase:             {"case", Reserved},
	KwCast:             {"cast", Reserved},
	KwChain:            {"chain", Unreserved},
	KwCheck:            {"check", Reserved},
	KwCollate:          {"collate", Reserved},
	KwColumn:           {"column", Reserved},
	KwCommit:           {"commit", Unreserved},
	KwCommitted:        {"committed", Unreserved},
	KwConcurrently:     {"concurrently", TypeFuncName},
	KwConflict:         {"conflict", Unreserved},
	KwConstraint:       {"constraint", Reserved},
	KwContinue:         {"continue", Unreserved},
	KwCopy:             {"copy", Unreserved},
	KwCreate:           {"create", Reserved},
	KwCross:            {"cross", TypeFuncName},
	KwCurrent:          {"current", Unreserved},
	KwCurrentCatalog:   {"current_catalog", Reserved},
	KwCurrentDate:      {"current_date", Reserved},
	KwCurrentRole:      {"current_role", Reserved},
	KwCurrentSchema:    {"current_schema", TypeFuncName},
	KwCurrentTime:      {"current_time", Reserved},
	KwCurrentTimestamp: {"current_timestamp", Reserved},
	KwCurrentUser:      {"current_user", Reserved},
	KwDeallocate:       {"deallocate", Unreserved},
	KwDefault:          {"default", Reserved},
	KwDeferrable:       {"deferrable", Reserved},
	KwDelete:           {"delete", Unreserved},
	KwDesc:             {"desc", Reserved},
	KwDistinct:         {"distinct", Reserved},
	KwDo:               {"do", Reserved},
	KwDrop:             {"drop", Unreserved},
	KwElse:             {"else", Reserved},
	KwEnd:              {"end", Reserved},
	KwEscape:           {"escape", Unreserved},
	KwExcept:           {"except", Reserved},
	KwExclude:          {"exclude", Unreserved},
	KwExecute:          {"execute", Unreserved},
	KwExists:           {"exists", Unreserved},
	KwExplain:          {"explain", Unreserved},
	KwFalse:            {"false", Reserved},
	KwFetch:            {"fetch", Reserved},
	KwFilter:           {"filter", Unreserved},
	KwFirst:            {"first", Unreserved},
	KwFollowing:        {"following", Unreserved},
	KwFor:              {"for", Reserved},
	KwForeign:          {"foreign", Reserved},
	KwFrom:             {"from", Reserved},
	KwFull:             {"full", TypeFuncName},
	KwGrant:            {"grant", Reserved},
	KwGroup:            {"group", Reserved},
	KwGroups:           {"groups", Unreserved},
	KwHaving:           {"having", Reserved},
	KwIdentity:         {"identity", Unreserved},
	KwIf:               {"if", Unreserved},
	KwIlike:            {"ilike", TypeFuncName},
	KwIn:               {"in", Reserved},
	KwIndex:            {"index", Unreserved},
	KwInitially:        {"initially", Reserved},
	KwInner:            {"inner", TypeFuncName},
	KwInsert:           {"insert", Unreserved},
	KwIntersect:        {"intersect", Reserved},
	KwInto:             {"into", Reserved},
	KwIs:               {"is", TypeFuncName},
	KwIsnull:           {"isnull", TypeFuncName},
	KwIsolation:        {"isolation", Unreserved},
	KwJoin:             {"join", TypeFuncName},
	KwKey:              {"key", Unreserved},
	KwLast:             {"last", Unreserved},
	KwLateral:          {"lateral", Reserved},
	KwLeading:          {"leading", Reserved},
	KwLeft:             {"left", TypeFuncName},
	KwLevel:            {"level", Unreserved},
	KwLike:             {"like", TypeFuncName},
	KwLimit:            {"limit", Reserved},
	KwLocal:            {"local", Unreserved},
	KwLocaltime:        {"localtime", Reserved},
	KwLocaltimestamp:   {"localtimestamp", Reserved},
	KwNatural:          {"natural", TypeFuncName},
	KwNext:             {"next", Unreserved},
	KwNo:               {"no", Unreserved},
	KwNot:              {"not", Reserved},
	KwNothing:          {"nothing", Unreserved},
	KwNotnull:          {"notnull", TypeFuncName},
	KwNull:             {"null", Reserved},
	KwNulls:            {"nulls", Unreserved},
	KwOf:               {"of", Unreserved},
	KwOffset:           {"offset", Reserved},
	KwOn:               {"on", Reserved},
	KwOnly:             {"only", Reserved},
	KwOption:           {"option", Unreserved},
	KwOr:               {"or", Reserved},
	KwOrder:            {"order", Reserved},
	KwOrdinality:       {"ordinality", Unreserved},
	KwOthers:           {"others", Unreserved},
	KwOuter:            {"outer", TypeFuncName},
	KwOver:             {"over", Unreserved},
	KwOverlaps:         {"overlaps", TypeFuncName},
	KwPartition:        {"partition", Unreserved},
	KwPassword:         {"password", Unreserved},
	KwPlacing:          {"placing", Reserved},
	KwPreceding:        {"preceding", Unreserved},
	KwPrepare:          {"prepare", Unreserved},
	KwPrimary:          {"primary", Reserved},
	KwPrivileges:       {"privileges", Unreserved},
	KwRange:            {"range", Unreserved},
	KwRead:             {"read", Unreserved},
	KwRecursive:        {"recursive", Unreserved},
	KwReferences:       {"references", Reserved},
	KwRelease:          {"release", Unreserved},
	KwRename:           {"rename", Unreserved},
	KwRepeatable:       {"repeatable", Unreserved},
	KwReplace:          {"replace", Unreserved},
	KwReset:            {"reset", Unreserved},
	KwRestart:          {"restart", Unreserved},
	KwRestrict:         {"restrict", Unreserved},
	KwReturning:        {"returning", Reserved},
	KwRevoke:           {"revoke", Unreserved},
	KwRight:            {"right", TypeFuncName},
	KwRole:             {"role", Unreserved},
	KwRollback:         {"rollback", Unreserved},
	KwRow:              {"row", Unreserved},
	KwRows:             {"rows", Unreserved},
	KwSavepoint:        {"savepoint", Unreserved},
	KwSchema:           {"schema", Unreserved},
	KwSelect:           {"select", Reserved},
	KwSerializable:     {"serializable", Unreserved},
	KwSession:          {"session", Unreserved},
	KwSessionUser:      {"session_user", Reserved},
	KwSet:              {"set", Unreserved},
	KwShow:             {"show", Unreserved},
	KwSimilar:          {"similar", TypeFuncName},
	KwSome:             {"some", Reserved},
	KwStart:            {"start", Unreserved},
	KwSymmetric:        {"symmetric", Reserved},
	KwTable:            {"table", Reserved},
	KwTemp:             {"temp", Unreserved},
	KwTemporary:        {"temporary", Unreserved},
	KwThen:             {"then", Reserved},
	KwTies:             {"ties", Unreserved},
	KwTo:               {"to", Reserved},
	KwTrailing:         {"trailing", Reserved},
	KwTransaction:      {"transaction", Unreserved},
	KwTrue:             {"true", Reserved},
	KwTruncate:         {"truncate", Unreserved},
	KwUnbounded:        {"unbounded", Unreserved},
	KwUncommitted:      {"uncommitted", Unreserved},
	KwUnion:            {"union", Reserved},
	KwUnique:           {"unique", Reserved},
	KwUpdate:           {"update", Unreserved},
	KwUser:             {"user", Reserved},
	KwUsing:            {"using", Reserved},
	KwValues:           {"values", Unreserved},
	KwVariadic:         {"variadic", Reserved},
	KwVerbose:          {"verbose", TypeFuncName},
	KwView:             {"view", Unreserved},
	KwWhen:             {"when", Reserved},
	KwWhere:            {"where", Reserved},
	KwWindow:           {"window", Reserved},
	KwWith:             {"with", Reserved},
	KwWithout:          {"without", Unreserved},
	KwWork:             {"work", Unreserved},
	KwWrite:            {"write", Unreserved},
	KwZone:             {"zone", Unreserved},
}
