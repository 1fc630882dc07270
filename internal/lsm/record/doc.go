// Package record implements the record framing shared by cairn's
// write-ahead log and manifest: a file is a 16-byte file header followed by a
// sequence of checksummed, length-prefixed records. A Writer appends records
// (group commit: many records, one write, one fsync; a large payload handed
// over by AddNoCopy is written from the caller's memory by a write of its
// own instead of copied into the buffer); a Reader returns them
// in order and, when it meets damaged data, decides whether the damage is a
// torn tail (an unfinished final write, which recovery truncates) or
// corruption (an error, never skipped silently).
//
// # File header
//
// Every file starts with a file header of 16 bytes. The magic tells the
// kinds of log apart (WALMagic "cairnwal", ManifestMagic "cairnman").
//
//	offset  size  field    meaning
//	0       8     magic    file kind, e.g. "cairnwal" or "cairnman"
//	8       4     version  format version, uint32 little-endian; currently 1
//	12      4     crc      CRC-32C (Castagnoli) of bytes 0..11, uint32 LE
//
// # Record
//
// Records follow back to back from offset 16 to the end of the file; there
// is no padding and no block structure.
//
//	offset  size    field    meaning
//	0       4       crc      CRC-32C (Castagnoli), uint32 little-endian, of
//	                         the length field and the payload (bytes 4..8+n)
//	4       4       length   n, the payload length, uint32 little-endian;
//	                         at most MaxPayloadLen (1 GiB)
//	8       n       payload  opaque bytes (a WAL batch, a manifest edit)
//
// A file ends cleanly when the last record ends exactly at end of file.
//
// # Damage: torn tail or corruption
//
// A record is damaged when its header or payload extends past end of file,
// its length exceeds MaxPayloadLen, or its checksum does not match. The
// Reader then scans every later byte offset for a valid record: a complete
// header whose length fits in the file and whose checksum matches.
//
//   - If none exists, the damage is a torn tail. Next returns a
//     *TornTailError (wrapping ErrTornTail) whose Offset is where the valid
//     prefix of the log ends; recovery keeps the records before it and
//     discards the rest.
//   - If one exists, the damage is corruption. Next returns a
//     *CorruptionError (wrapping ikey.ErrCorruption) naming the file and the
//     offset of the damaged record, e.g.
//     "record: wal/000012.log: offset 4096: checksum mismatch: corruption".
//
// Why: writes only ever append, and a record is acknowledged only after the
// write containing it has been synced. A crash can therefore only damage the
// final, unacknowledged write, after which nothing valid follows. Damaged
// data with a valid record after it was once followed by a successful,
// durable write; it must have been durable itself, so losing it would lose
// acknowledged data. That is corruption, and recovery must stop rather than
// skip it. Preallocated or zero-filled space after the last record never
// contains a valid record (the checksum of a zero header is not zero), so it
// reads as a torn tail, one marked Unwritten when nothing but zeros
// follows: a log written into space allocated ahead (Writer.Preallocate)
// ends so, cleanly.
//
// The scan runs only on the error path. It reads the rest of the file at
// most twice and costs O(rest of file + candidates·1 KiB): long candidate
// records are verified from prefix checksums with CRC combination rather
// than by re-reading their payloads, so a torn 64 MiB record does not make
// recovery quadratic.
//
// The file header is treated alike: an empty file, or one whose first
// min(size, 16) bytes are a prefix of the expected header followed by zeros,
// is a log torn before its header was complete (NewReader returns a
// *TornTailError with Offset 0) unless a valid record follows; a complete
// header with the wrong magic, a bad checksum or an unknown version is
// corruption.
//
// A payload that itself contains a well-formed record image (a log stored as
// a value) can make a torn copy of that payload read as corruption. This is
// conservative: recovery stops and reports rather than losing data.
package record
