package rundir

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// newFilePerm is the mode of a file WriteFileAtomic creates where none
// existed; a file it replaces keeps its mode.
const newFilePerm fs.FileMode = 0o644

// WriteFileAtomic replaces the file at path with what write produces, so that
// a reader, or the file system after a crash, sees either the old contents or
// the new ones and never a partial file.
//
// write is given a temporary file named ".<base>.tmp-<random>" in the same
// directory as path (so that the final rename stays on one file system). When
// write returns nil the temporary file is fsynced, closed, given the mode of
// the file it replaces (0644 for a new file) and renamed over path; the
// directory is then fsynced, best effort, to make the rename durable. On any
// error, and if write panics, the temporary file is removed and the previous
// file at path, if any, is left untouched. The directory must exist.
//
// write receives the *os.File itself; wrap it in a bufio.Writer for many small
// writes.
func WriteFileAtomic(path string, write func(w io.Writer) error) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	perm := newFilePerm
	if fi, statErr := os.Stat(path); statErr == nil {
		if fi.IsDir() {
			return fmt.Errorf("write %s: is a directory", path)
		}
		perm = fi.Mode().Perm()
	}

	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	committed := false
	defer func() {
		if !committed {
			f.Close() // may already be closed; the error is irrelevant here
			os.Remove(tmp)
		}
	}()

	if err := write(f); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	pauseForTest(base)
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write %s: sync: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: close: %w", path, err)
	}
	if err := os.Chmod(tmp, perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	committed = true
	syncDir(dir)
	return nil
}

// WriteBytesAtomic replaces the file at path with data; see WriteFileAtomic.
func WriteBytesAtomic(path string, data []byte) error {
	return WriteFileAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// syncDir fsyncs a directory so that a rename inside it survives a crash. It
// is best effort: some systems cannot open or sync a directory, and by the
// time it runs the new file is already in place.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync() // nothing useful to do on failure; the data itself is synced
	d.Close()
}
