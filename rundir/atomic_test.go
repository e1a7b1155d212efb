package rundir

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// entries lists the names in dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteFileAtomic(t *testing.T) {
	errWrite := errors.New("disk on fire")
	tests := []struct {
		name     string
		old      string // "" means no previous file
		oldPerm  os.FileMode
		write    func(w io.Writer) error
		wantErr  error
		want     string
		wantPerm os.FileMode
	}{
		{"new file", "", 0, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }, nil, "new", 0o644},
		{"replace keeps mode", "old", 0o600, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }, nil, "new", 0o600},
		{"empty content", "old", 0o644, func(w io.Writer) error { return nil }, nil, "", 0o644},
		{"error keeps old", "old", 0o644, func(w io.Writer) error { io.WriteString(w, "partial"); return errWrite }, errWrite, "old", 0o644},
		{"error without old", "", 0, func(w io.Writer) error { io.WriteString(w, "partial"); return errWrite }, errWrite, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "run.json")
			if tt.old != "" {
				if err := os.WriteFile(path, []byte(tt.old), tt.oldPerm); err != nil {
					t.Fatal(err)
				}
				os.Chmod(path, tt.oldPerm) // WriteFile's mode is subject to umask
			}
			err := WriteFileAtomic(path, tt.write)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file", err)
			}
			got, readErr := os.ReadFile(path)
			if tt.old == "" && tt.wantErr != nil {
				if !errors.Is(readErr, os.ErrNotExist) {
					t.Errorf("file exists after a failed first write")
				}
			} else if string(got) != tt.want {
				t.Errorf("content %q, want %q", got, tt.want)
			}
			if tt.wantPerm != 0 && runtime.GOOS != "windows" {
				fi, _ := os.Stat(path)
				if fi.Mode().Perm() != tt.wantPerm {
					t.Errorf("mode %v, want %v", fi.Mode().Perm(), tt.wantPerm)
				}
			}
			names := entries(t, dir)
			if (tt.old != "" || tt.wantErr == nil) && (len(names) != 1 || names[0] != "run.json") {
				t.Errorf("directory holds %v, want only run.json", names)
			}
			if tt.old == "" && tt.wantErr != nil && len(names) != 0 {
				t.Errorf("directory holds %v, want nothing", names)
			}
		})
	}
}

func TestWriteFileAtomicTempName(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "final.safetensors")
	err := WriteFileAtomic(path, func(w io.Writer) error {
		f := w.(*os.File)
		if filepath.Dir(f.Name()) != dir || !strings.HasPrefix(filepath.Base(f.Name()), ".final.safetensors.tmp-") {
			t.Errorf("temporary file %s", f.Name())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWriteFileAtomicPanic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x")
	os.WriteFile(path, []byte("old"), 0o644)
	func() {
		defer func() {
			if recover() == nil {
				t.Error("panic did not propagate")
			}
		}()
		WriteFileAtomic(path, func(w io.Writer) error {
			io.WriteString(w, "partial")
			panic("boom")
		})
	}()
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("content %q after panic", got)
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Errorf("directory holds %v after panic", names)
	}
}

func TestWriteFileAtomicErrors(t *testing.T) {
	dir := t.TempDir()
	if err := WriteBytesAtomic(filepath.Join(dir, "missing", "x"), []byte("a")); err == nil {
		t.Error("write into a missing directory succeeded")
	}
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	if err := WriteBytesAtomic(filepath.Join(dir, "sub"), []byte("a")); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("write over a directory: %v", err)
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Errorf("directory holds %v", names)
	}
}

func TestWriteBytesAtomic(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.txt")
	for _, content := range []string{"first", "second, longer", ""} {
		if err := WriteBytesAtomic(path, []byte(content)); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(path); string(got) != content {
			t.Errorf("content %q, want %q", got, content)
		}
	}
}
