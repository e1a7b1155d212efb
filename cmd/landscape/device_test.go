package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/device/opencl"
	"github.com/adafisher-go/landscape/rundir"
)

// landscape train --optimizer kfac|shampoo|adahessian --device opencl
// trains as on the CPU: the same step losses (float64) through the host
// eigendecompositions and Hessian-vector products. Shampoo runs with
// epsilon 1e-4: with its default 1e-12 the inverse fourth roots of its
// rank-deficient statistics amplify a difference of an ulp to about 1e-8
// (measured 1.5e-8 in the loss after 5 steps, on the CPU's own arithmetic
// as much as the device's).
func TestTrainSecondOrderOnOpenCL(t *testing.T) {
	if _, err := opencl.Devices(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true: OpenCL must be available: %v", err)
		}
		t.Skipf("no OpenCL: %v", err)
	}
	for _, opt := range [][]string{{"--optimizer", "kfac", "--tcov", "1", "--tinv", "2"},
		{"--optimizer", "shampoo", "--update-interval", "2", "--damping", "1e-4"}, {"--optimizer", "adahessian"}} {
		t.Run(opt[1], func(t *testing.T) {
			losses := map[string][]float64{}
			for _, dev := range []string{"cpu", "opencl"} {
				out := filepath.Join(t.TempDir(), "run")
				args := append([]string{"train", "--dataset", "iris", "--standardize", "--model", "mlp", "--hidden", "8",
					"--batch-size", "32", "--steps", "5", "--lr", "0.05", "--device", dev, "--out", out}, opt...)
				var stdout, stderr bytes.Buffer
				if code := run(args, &stdout, &stderr); code != 0 {
					t.Fatalf("landscape %s: exit %d: %s", strings.Join(args, " "), code, stderr.String())
				}
				recs, err := rundir.Dir{Path: out}.Metrics()
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range recs.Steps {
					losses[dev] = append(losses[dev], s.Loss)
				}
			}
			c, o := losses["cpu"], losses["opencl"]
			if len(c) != 5 || len(o) != 5 {
				t.Fatalf("%d and %d step records, want 5", len(c), len(o))
			}
			for i := range c {
				if math.Abs(c[i]-o[i]) > 1e-10*math.Abs(c[i]) {
					t.Errorf("step %d: loss %.17g on the CPU, %.17g on OpenCL", i+1, c[i], o[i])
				}
			}
		})
	}
}
