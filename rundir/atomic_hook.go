package rundir

import (
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// PauseEnv names an environment variable for crash tests: set to NAME:N, it
// makes the N-th atomic write (WriteFileAtomic) of a file named NAME in the
// process stop for an hour with its temporary file written but not yet
// renamed, so that a test can kill the process in the middle of, say, a
// checkpoint write. Unset, as everywhere but in those tests, it costs one
// comparison per write.
const PauseEnv = "LANDSCAPE_TEST_PAUSE_WRITE"

var (
	pauseName  string
	pauseAt    int64
	pauseCount atomic.Int64
)

func init() {
	name, n, ok := strings.Cut(os.Getenv(PauseEnv), ":")
	if v, err := strconv.ParseInt(n, 10, 64); ok && err == nil && v > 0 {
		pauseName, pauseAt = name, v
	}
}

// pauseForTest is where PauseEnv stops a write of the file base.
func pauseForTest(base string) {
	if pauseName == "" || base != pauseName {
		return
	}
	if pauseCount.Add(1) == pauseAt {
		time.Sleep(time.Hour)
	}
}
