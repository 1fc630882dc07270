package lsm

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

type fileType int

const (
	fileTypeUnknown fileType = iota
	fileTypeWAL
	fileTypeTable
	fileTypeManifest
	fileTypeCurrent
	fileTypeLock
	fileTypeTemp
)

const (
	currentName = "CURRENT"
	lockName    = "LOCK"
)

func walName(num uint64) string      { return fmt.Sprintf("%06d.log", num) }
func tableName(num uint64) string    { return fmt.Sprintf("%06d.sst", num) }
func manifestName(num uint64) string { return fmt.Sprintf("MANIFEST-%06d", num) }
func tempName(num uint64) string     { return fmt.Sprintf("%06d.tmp", num) }

// parseFileName classifies a name found in the store's directory.
func parseFileName(name string) (fileType, uint64) {
	switch name {
	case currentName:
		return fileTypeCurrent, 0
	case lockName:
		return fileTypeLock, 0
	}
	if rest, ok := strings.CutPrefix(name, "MANIFEST-"); ok {
		if n, err := strconv.ParseUint(rest, 10, 64); err == nil {
			return fileTypeManifest, n
		}
		return fileTypeUnknown, 0
	}
	base, ext, ok := strings.Cut(name, ".")
	if !ok {
		return fileTypeUnknown, 0
	}
	n, err := strconv.ParseUint(base, 10, 64)
	if err != nil {
		return fileTypeUnknown, 0
	}
	switch ext {
	case "log":
		return fileTypeWAL, n
	case "sst":
		return fileTypeTable, n
	case "tmp":
		return fileTypeTemp, n
	}
	return fileTypeUnknown, 0
}

func (d *DB) path(name string) string { return filepath.Join(d.dir, name) }
