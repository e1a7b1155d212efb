package experiment

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/adafisher-go/landscape/rundir"
)

// readFigure1Path reads fc1.weight from the epoch snapshots of the run in
// dir and the epoch losses from its metrics.
func readFigure1Path(dir string, spe, epochs int) (Figure1Path, error) {
	p := Figure1Path{Run: dir}
	d, err := rundir.Open(dir)
	if err != nil {
		return p, err
	}
	for e := 1; e <= epochs; e++ {
		f, err := rundir.Read(d.WeightsPath(e * spe))
		if err != nil {
			return p, err
		}
		t, ok := f.Get("fc1.weight")
		if !ok {
			return p, fmt.Errorf("%s: no fc1.weight", d.WeightsPath(e*spe))
		}
		v, err := t.Float64s()
		if err != nil {
			return p, err
		}
		p.W1, p.W2 = append(p.W1, v[0]), append(p.W2, v[1])
	}
	m, err := d.Metrics()
	if err != nil {
		return p, err
	}
	for _, r := range m.Epochs {
		p.Loss = append(p.Loss, r.TrainLoss)
	}
	if len(p.Loss) != epochs {
		return p, fmt.Errorf("%s: %d epoch records, want %d", d.MetricsPath(), len(p.Loss), epochs)
	}
	return p, nil
}

// ReadFigure1 reads the trajectory.json that Figure1 wrote into dir.
func ReadFigure1(dir string) (*Figure1Result, error) {
	path := filepath.Join(dir, TrajectoryFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Figure1Result
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if r.Dataset == "" || len(r.Paths) == 0 {
		return nil, fmt.Errorf("%s: no paths: not the result of a Figure 1 job", path)
	}
	return &r, nil
}
