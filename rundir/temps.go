package rundir

import (
	"os"
	"path/filepath"
	"strings"
)

// RemoveTemps removes the temporary files that atomic writes interrupted by
// a crash left directly in dir (".NAME.tmp-*", see WriteFileAtomic), and
// returns their paths. Only a process holding dir's lock may call it: no
// other writer can be using them.
func RemoveTemps(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasPrefix(name, ".") || !strings.Contains(name, ".tmp-") {
			continue
		}
		path := filepath.Join(dir, name)
		if os.Remove(path) == nil {
			removed = append(removed, path)
		}
	}
	return removed
}
