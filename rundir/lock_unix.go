//go:build unix

package rundir

import (
	"errors"
	"os"
	"syscall"
)

// tryLock takes an exclusive flock on f without waiting. The kernel drops it
// when the process exits however it exits, so a crash never leaves a
// directory locked (on NFS, Linux maps flock to byte-range locks that the
// server also drops with the client's process).
func tryLock(f *os.File) (bool, error) {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return false, nil
	}
	return err == nil, err
}
