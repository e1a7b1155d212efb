//go:build !unix

package rundir

import "os"

// tryLock has no operating-system lock to take here: the lock file's owner
// record alone marks the directory, so two processes are not kept apart.
func tryLock(f *os.File) (bool, error) { return true, nil }
