package experiment

import (
	"path/filepath"

	"github.com/adafisher-go/landscape/rundir"
)

// holdJob takes the lock of a job's own directory (where its summary and
// pages go, beside the runs that the cells lock one by one) for an
// unsharded run, and removes what a writer killed there left half-written
// in it and in subdirs. The caller releases the lock when the job's files
// are written.
func holdJob(out string, subdirs []string, command []string, progress func(Event)) (*rundir.Held, error) {
	held, err := rundir.Lock(out, command)
	if err != nil {
		return nil, err
	}
	if held.Stale != nil {
		emit(progress, Event{Kind: Notice, Message: "took over the lock left by a process that is gone: " + held.Stale.String()})
	}
	for _, sub := range append([]string{""}, subdirs...) {
		for _, p := range rundir.RemoveTemps(filepath.Join(out, sub)) {
			emit(progress, Event{Kind: Notice, Message: "removed " + p + ", the unfinished write of a process that stopped"})
		}
	}
	return held, nil
}
