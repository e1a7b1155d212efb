package rundir

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// A second holder in the same process is refused (flock is per open file),
// and a released lock can be taken again without a stale report.
func TestLockInProcess(t *testing.T) {
	dir := t.TempDir()
	a, err := Lock(dir, []string{"landscape", "train"})
	if err != nil || a.Stale != nil {
		t.Fatalf("first lock: %v, stale %v", err, a.Stale)
	}
	_, err = Lock(dir, nil)
	var le *LockedError
	if !errors.As(err, &le) || !errors.Is(err, ErrLocked) || le.Owner.PID != os.Getpid() || !strings.Contains(err.Error(), "landscape train") {
		t.Fatalf("second lock: %v, want ErrLocked naming pid %d and the command", err, os.Getpid())
	}
	if err := a.Release(); err != nil {
		t.Fatal(err)
	}
	if _, ok := ReadOwner(dir); ok {
		t.Error("the lock file outlived Release")
	}
	b, err := Lock(dir, nil)
	if err != nil || b.Stale != nil {
		t.Fatalf("lock after release: %v, stale %v", err, b.Stale)
	}
	b.Release()
	b.Release() // twice is harmless
}

// A lock held by another live process is refused with its pid; once that
// process is killed (no chance to clean up) the lock is taken over and the
// dead owner is reported.
func TestLockHeldByKilledProcess(t *testing.T) {
	if os.Getenv("RUNDIR_LOCK_CHILD") != "" {
		t.Skip("child mode")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockChild$")
	cmd.Env = append(os.Environ(), "RUNDIR_LOCK_CHILD="+dir)
	out, _ := cmd.StdoutPipe()
	cmd.Stdin, _ = os.Open(os.DevNull)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "locked") {
		t.Fatalf("child: %q, %v", line, err)
	}
	_, err = Lock(dir, nil)
	var le *LockedError
	if !errors.As(err, &le) || le.Owner.PID != cmd.Process.Pid {
		t.Fatalf("lock while the child holds it: %v, want the child's pid %d", err, cmd.Process.Pid)
	}
	if !strings.Contains(err.Error(), fmt.Sprint(cmd.Process.Pid)) || !strings.Contains(err.Error(), le.Owner.Host) {
		t.Errorf("error does not name pid and host: %v", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	h, err := Lock(dir, nil)
	if err != nil {
		t.Fatalf("lock after the holder died: %v", err)
	}
	defer h.Release()
	if h.Stale == nil || h.Stale.PID != cmd.Process.Pid {
		t.Fatalf("stale owner %+v, want the killed child %d", h.Stale, cmd.Process.Pid)
	}
}

// TestLockChild is the other process of TestLockHeldByKilledProcess: it takes
// the lock, says so, and waits to be killed.
func TestLockChild(t *testing.T) {
	dir := os.Getenv("RUNDIR_LOCK_CHILD")
	if dir == "" {
		t.Skip("runs only as the child of TestLockHeldByKilledProcess")
	}
	if _, err := Lock(dir, []string{"child"}); err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println("locked")
	time.Sleep(time.Hour)
}
