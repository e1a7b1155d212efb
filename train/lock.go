package train

import (
	"fmt"
	"path/filepath"

	"github.com/adafisher-go/landscape/rundir"
)

// lockRun takes the one-writer lock of the run directory dir for the whole
// run, so that a second process on the same directory is refused with the
// holder's pid, host and start time. A lock left by a process that died is
// taken over, and Options.Log is told so.
func lockRun(dir string, o Options) (*rundir.Held, error) {
	h, err := rundir.Lock(dir, o.Command)
	if err != nil {
		return nil, err
	}
	if h.Stale != nil && o.Log != nil {
		o.Log(fmt.Sprintf("%s: took over the lock of %s, which ended without releasing it", dir, *h.Stale))
	}
	return h, nil
}

// removeTemps removes the temporary files that a process killed in the
// middle of an atomic write left in the run directory (see
// rundir.RemoveTemps). Only the holder of the directory's lock may call it.
func removeTemps(dir string, o Options) {
	for _, sub := range []string{"", rundir.WeightsDir, rundir.FactorsDir} {
		for _, path := range rundir.RemoveTemps(filepath.Join(dir, sub)) {
			if o.Log != nil {
				o.Log(fmt.Sprintf("removed %s, the unfinished write of a process that stopped", path))
			}
		}
	}
}
