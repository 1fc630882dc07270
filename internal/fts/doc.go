// Package fts is cairn's full-text engine: an inverted index stored in
// the transactional key/value space of internal/mvcc, BM25 ranking with
// block-max WAND top-k, boolean, phrase, prefix and fuzzy queries, and
// snippets. Analyzers live in fts/analysis and the query language in
// fts/query; this package stores, searches and scores.
//
// # Documents
//
// A document has an id chosen by the caller (a row's primary key bytes)
// and one text per field of the index. Inside the index a document has a
// number: while it is pending (added since the last Merge) the number has
// the top bit set and is either the next of a range of numbers that an
// engine-wide Numbers hands out (numbers.go: consecutive per index, in a
// range no pending document held when it was taken), or without one a
// hash of its id probed upwards past numbers in use; Merge renumbers
// pending documents densely from a counter only it writes. Dense numbers
// make posting deltas small; pending numbers need no stored counter, so
// concurrent Adds of different documents write disjoint keys and never
// conflict. The id entry maps an id to its
// current number, so Delete and Update always find the document.
//
// # Keys
//
// Every key starts with the index's prefix P (given by the caller; no other
// key may start with it), then a tag byte. f is the field's index in the
// index definition (1 byte), term the term's UTF-8 bytes (the tokenizer
// never emits 0x00), doc an 8-byte big-endian document number.
//
//	key                          value                               written by
//	P 'M'                        meta: version (1 byte, below), next  Merge
//	                             merged number, doc count, #fields,
//	                             total length per field (uvarints)
//	P 'T' f term                 term dictionary: empty (but see      Merge
//	                             version 1, below)
//	P 'B' f term 0x00 lastdoc    posting block (below)                Merge
//	P 'Q' f term 0x00 lastdoc    positions of that block's postings   Merge
//	P 'B' f term 0x00 FF*8       the term's tail entry: df, max tf,   Merge
//	                             min field length over all its
//	                             merged postings, the number n of
//	                             postings past its last block (0 to
//	                             127), then if n > 0 the last one's
//	                             document, their block (uvarint
//	                             length + a block as below) and
//	                             their positions (uvarints)
//	P 'U' doc                    change log: a pending document       Add, Delete;
//	                             ('p' entry, below) or 'd' (a merged  Merge removes
//	                             document deleted)
//	P 'N' doc                    document record of a merged          Merge
//	                             document: id (uvarint length +
//	                             bytes), #fields, length per field,
//	                             #terms, then (f, term length, term)
//	                             per distinct term
//	P 'K' id                     the document's current number        Add, Delete,
//	                             (8 bytes BE)                          Merge
//
// A pending document is its 'p' change-log entry alone: 'p', id (uvarint
// length + bytes), length per field, #(field, term) pairs, then per pair
// (each once, in the order of its first token; older entries have them
// sorted by field and term, and no reader relies on an order): f (1
// byte), term (uvarint length + bytes), tf, and tf positions (first
// absolute, then deltas), all uvarints. An insert thus writes two keys,
// this entry and its id entry, whatever the number of its terms. A
// document record lists its terms in the same order.
//
// Analyzing a document's text is most of what an Add costs. With Workers
// (workers.go; the engine shares one among its indexes) Add writes the
// id entry and the change-log key at once and a worker goroutine makes
// the entry (mvcc.Txn.PutLater): the inserting statement goes on, and
// its transaction waits for the entry only where it reads the key or
// commits. The entry is the same whoever made it.
//
// The first format kept a pending document's postings as keys of their
// own, P 'D' f term 0x00 doc (tf, field length, positions), beside a
// record under 'N' and an 'a' change-log entry holding only the field
// lengths. Indexes written so are still read, deleted from and merged
// (the 'D' range is only looked at while such documents are pending);
// nothing writes that format any more.
//
// A posting block holds up to 128 postings of one term in one field,
// ascending by document, keyed by its last document (so the block holding
// document d is the first at or after d, or the tail entry):
//
//	uvarint n (1..128)
//	uvarint max tf in the block      } block-max WAND bounds the score of
//	uvarint min field length         } every document of the block by them
//	uvarint first document
//	n-1 uvarints: document deltas
//	n uvarints: tf
//	n uvarints: field length (the BM25 document length, kept beside the
//	            tf so scoring reads no other key)
//
// Its positions entry holds, per posting in order, tf uvarints: the
// positions, the first absolute and then deltas. Positions are separate
// so only phrase queries read them.
//
// A term's blocks are full (128 postings) and its last postings wait in
// its tail entry, which sorts after them (its key's document is all ones;
// merged numbers are below 2^63), so a search reads it as the term's
// last block and finds its positions in it. A merge appending to a term
// reads only that entry and writes it back, with the statistics, and a
// block for every 128 postings it fills: a term that gains a few
// postings at a merge, most terms at every merge of a bulk load, costs
// one point read and one write.
//
// The meta entry's version says which format the terms are in. Version
// 2: every term with merged postings has a tail entry and an empty
// dictionary entry. Version 1, indexes first merged before tail entries
// existed: a term may instead keep its statistics in its dictionary entry
// (df, max tf, min field length, and in later ones the key document of
// its last block, uvarints) and have no tail entry, its last block
// possibly partial. The first merge that touches such a term moves its
// statistics into a new tail entry and empties its dictionary entry; its
// blocks stay as they are. The version of an index stays what its first
// merge wrote.
//
// # Why this shape: conflicts
//
// Add writes only keys of its own document: its change-log entry, which
// carries its postings, and its id entry. So concurrent inserts of
// different documents never conflict. Nothing an insert does touches a
// shared key: the term dictionary, the blocks and the statistics in the
// meta entry are written by Merge alone; searches add the pending part
// themselves. The change log is small between merges (the engine merges
// once about 4 MiB of text is pending, as PostgreSQL bounds a GIN
// index's pending list, twice that while writes outpace the merges, so
// that a bulk load merges in full pieces); a search reads it once per
// version of the index (the state kept with its prefix clock, below) and inverts
// the pending postings in memory on first use, shared by every search
// that sees the same writes; while a backlog merges piece by piece, a new
// state derives them from the previous state's inversion instead
// (pending.go). An earlier format wrote one key per (term,
// pending document) instead: a bulk load then spent most of its time
// writing, merging away and compacting those keys. Merge conflicts only
// with another Merge (the meta entry) and with a Delete of a document it
// is folding in (both write its record); the loser retries.
//
// # Deletion
//
// Deleting a pending document deletes its keys (its change-log and id
// entries): it never existed as far as a merge is concerned. Deleting a merged document removes its id
// entry and writes a 'd' change-log entry; searches load the deleted set
// from the change log and skip those documents. The next Merge purges
// them: it rewrites the blocks that hold them (found from the terms in the
// document record), fixes the dictionary and statistics, and deletes the
// record and the change-log entry. Nothing deleted outlives a merge.
//
// # Statistics
//
// BM25 (k1 = 1.2, b = 0.75, idf = ln(1 + (N - n + 0.5) / (n + 0.5))):
//
//	score(d) = sum over query terms t and fields f of
//	    weight(f) * idf(t, f) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(d, f) / avglen(f)))
//
// N and the lengths count every document not yet purged (the merged
// statistics in the meta entry plus the pending ones in the change log),
// and n is the number of postings of the term in field f, deleted or not:
// like Lucene until a merge, so n <= N always holds and a deletion never
// turns an idf negative. After Merge the statistics are exact. Computing
// them from sharded counters would put a hot key in every insert; summing
// the change log at search time costs a scan of what the next merge will
// fold, once: the state a search loads is kept with the index's prefix
// clock (mvcc.PrefixClock) and reused by every search whose snapshot sees
// the same writes under the index.
//
// A phrase scores as the sum of its words; prefix and fuzzy terms score as
// the dictionary terms they expand to.
//
// # Searching
//
// A top-k search is block-max WAND over the cursors of its positive
// terms (one per term and field), which walks the union of their
// postings. When the query requires several groups of them (the words of
// an AND or a phrase, each in any field), it first moves every cursor to
// the largest of the groups' smallest current documents: no document
// before it can match, so a conjunction walks about the postings of its
// rarest word. A phrase reads a block's positions on first use and
// decodes them only up to the posting it looks at.
//
// # Merge policy
//
// The package never merges on its own: a merge inside a user's
// transaction would make unrelated inserts conflict. The caller runs
// Merge in its own transaction when Pending reports enough work (say, a
// few thousand changes), and after bulk loads; MergeSome folds only the
// first documents of a large backlog, so it merges in transactions of
// bounded size.
//
// A merge deletes every change-log key it folds (and first-format
// pending postings). Until the storage engine compacts them away, those
// tombstones sit in the range every search reads first (the change log):
// the caller should compact the ranges a merge deleted from after large
// merges (MergedRanges: the change log and the first format's pending
// postings).
//
// # Invariants
//
//   - Merged document numbers are below 2^63 and pending ones at or above,
//     so a term's merged blocks precede its pending postings.
//   - A pending document has an id entry and a 'p' change-log entry (in
//     the first format: a record, an 'a' entry and one pending posting per
//     distinct (field, term) of its record); a merged live one a record
//     and an id entry; a merged deleted one a record and a 'd' entry, and
//     no id entry.
//   - Blocks of a term do not overlap and each holds 1..128 postings (in
//     version 2, 128 except in the tail entry, which holds 0..127 after
//     every block); the df of the term's statistics is the number of its
//     merged postings, and a term has a dictionary entry if and only if
//     it has merged postings.
//   - Everything is written through the caller's transaction: a rolled
//     back or uncommitted update is invisible, and after a crash the index
//     holds exactly the committed updates, as the rows do.
//
// # What this package must never do
//
// Scan documents to answer a prefix or fuzzy query (they expand through
// the dictionary key ranges); write a key shared by concurrent inserts;
// return a deleted document.
package fts
