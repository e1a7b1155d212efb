package rundir

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// LockFile is the name of the lock file that marks the one process writing a
// directory.
const LockFile = "lock.json"

// Owner describes the process that holds, or held, a directory's lock.
type Owner struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Started time.Time `json:"started"`
	Command []string  `json:"command,omitempty"`
}

func (o Owner) String() string {
	s := fmt.Sprintf("pid %d on host %s, started %s", o.PID, o.Host, o.Started.Format(time.RFC3339))
	if len(o.Command) > 0 {
		s += " (" + strings.Join(o.Command, " ") + ")"
	}
	return s
}

// ErrLocked is matched (with errors.Is) by the error Lock returns when
// another live process holds the directory.
var ErrLocked = errors.New("directory is locked by another process")

// LockedError says who holds a directory.
type LockedError struct {
	Dir   string
	Owner Owner
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("%s is being written by another process: %s; wait for it to finish or stop it first", e.Dir, e.Owner)
}

func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// Held is a lock held by this process. Release it when the writing is done;
// a process that dies without releasing it leaves nothing stuck: the operating
// system drops the lock with the process, and the next Lock takes it over and
// reports the previous owner in Stale.
type Held struct {
	path string
	file *os.File
	// Stale is the owner recorded by a process that held the lock and died
	// without releasing it, nil if the lock was free.
	Stale *Owner
}

// Lock takes the one-writer lock of dir (which must exist) for this process,
// recording command as what holds it. It fails with a *LockedError (matching
// ErrLocked) naming the holder when another live process has it.
func Lock(dir string, command []string) (*Held, error) {
	host, _ := os.Hostname()
	me := Owner{PID: os.Getpid(), Host: host, Started: time.Now().UTC().Truncate(time.Second), Command: command}
	path := filepath.Join(dir, LockFile)
	for attempt := 0; ; attempt++ {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("lock %s: %w", dir, err)
		}
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", dir, err)
		}
		if !ok {
			owner := readOwner(f)
			f.Close()
			return nil, &LockedError{Dir: dir, Owner: owner}
		}
		// The file may have been removed (released) between our open and
		// our lock: then we hold a lock on a file nobody else will see.
		if same, err := sameFile(f, path); err != nil || !same {
			f.Close()
			if attempt < 10 {
				continue
			}
			return nil, fmt.Errorf("lock %s: the lock file keeps changing", dir)
		}
		h := &Held{path: path, file: f}
		if prev := readOwner(f); prev.PID != 0 {
			h.Stale = &prev
		}
		b, _ := json.Marshal(me)
		if err := f.Truncate(0); err != nil {
			h.Release()
			return nil, fmt.Errorf("lock %s: %w", dir, err)
		}
		if _, err := f.WriteAt(append(b, '\n'), 0); err != nil {
			h.Release()
			return nil, fmt.Errorf("lock %s: %w", dir, err)
		}
		f.Sync()
		return h, nil
	}
}

// Release removes the lock file and drops the lock. It is safe to call on a
// nil *Held and more than once.
func (h *Held) Release() error {
	if h == nil || h.file == nil {
		return nil
	}
	err := os.Remove(h.path)
	if cerr := h.file.Close(); err == nil {
		err = cerr
	}
	h.file = nil
	if errors.Is(err, os.ErrNotExist) {
		err = nil
	}
	return err
}

// ReadOwner returns the owner recorded in dir's lock file, and whether there
// is one. It does not say whether that process is still alive.
func ReadOwner(dir string) (Owner, bool) {
	f, err := os.Open(filepath.Join(dir, LockFile))
	if err != nil {
		return Owner{}, false
	}
	defer f.Close()
	o := readOwner(f)
	return o, o.PID != 0
}

func readOwner(f *os.File) Owner {
	var o Owner
	b := make([]byte, 4096)
	n, _ := f.ReadAt(b, 0)
	json.Unmarshal(b[:n], &o)
	return o
}

func sameFile(f *os.File, path string) (bool, error) {
	a, err := f.Stat()
	if err != nil {
		return false, err
	}
	b, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return os.SameFile(a, b), nil
}
