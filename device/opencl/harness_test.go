package opencl

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/device/cpu"
)

// env builds one case's buffers on one device; the random inputs are the
// same on both devices because each run starts the same generator.
type env struct {
	t   *testing.T
	d   device.Device
	dt  device.DType
	rng *rand.Rand
}

func (e *env) fail(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

// vals uploads float data.
func (e *env) vals(data []float64) device.Buffer {
	e.t.Helper()
	b, err := e.d.Alloc(e.dt, len(data))
	e.fail(err)
	if e.dt == device.F32 {
		s := make([]float32, len(data))
		for i, v := range data {
			s[i] = float32(v)
		}
		e.fail(device.Write(e.d, b, 0, s))
	} else {
		e.fail(device.Write(e.d, b, 0, data))
	}
	return b
}

// rand uploads n values uniform in [lo, hi).
func (e *env) rand(n int, lo, hi float64) device.Buffer {
	data := make([]float64, n)
	for i := range data {
		data[i] = lo + (hi-lo)*e.rng.Float64()
	}
	return e.vals(data)
}

func (e *env) zeros(n int) device.Buffer {
	b, err := e.d.Alloc(e.dt, n)
	e.fail(err)
	return b
}

func (e *env) ints(data []int32) device.Buffer {
	b, err := device.Upload(e.d, data)
	e.fail(err)
	return b
}

func (e *env) izeros(n int) device.Buffer {
	b, err := e.d.Alloc(device.I32, n)
	e.fail(err)
	return b
}

// get downloads a buffer as float64 (int32 buffers too).
func (e *env) get(b device.Buffer) []float64 {
	e.t.Helper()
	out := make([]float64, b.Len())
	switch b.DType() {
	case device.F32:
		s, err := device.Download[float32](e.d, b)
		e.fail(err)
		for i, v := range s {
			out[i] = float64(v)
		}
	case device.F64:
		s, err := device.Download[float64](e.d, b)
		e.fail(err)
		copy(out, s)
	default:
		s, err := device.Download[int32](e.d, b)
		e.fail(err)
		for i, v := range s {
			out[i] = float64(v)
		}
	}
	return out
}

// opCase is one operation run on both devices: run returns its outputs by
// name. exact asks for bit-identical results.
type opCase struct {
	name  string
	exact bool
	run   func(e *env) map[string]device.Buffer
}

// tolerance is the largest normwise relative difference allowed.
func tolerance(dt device.DType) float64 {
	if dt == device.F32 {
		return 1e-5
	}
	return 1e-12
}

// relDiff returns max|a-b| / max|a| (0 when both are zero) and whether
// NaNs sit at the same places.
func relDiff(a, b []float64) (float64, error) {
	if len(a) != len(b) {
		return 0, fmt.Errorf("lengths %d and %d", len(a), len(b))
	}
	var diff, scale float64
	for i := range a {
		if math.IsNaN(a[i]) != math.IsNaN(b[i]) {
			return 0, fmt.Errorf("element %d: %v and %v", i, a[i], b[i])
		}
		if math.IsNaN(a[i]) {
			continue
		}
		if math.IsInf(a[i], 0) || math.IsInf(b[i], 0) {
			if a[i] != b[i] {
				return 0, fmt.Errorf("element %d: %v and %v", i, a[i], b[i])
			}
			continue
		}
		diff = max(diff, math.Abs(a[i]-b[i]))
		scale = max(scale, math.Abs(a[i]))
	}
	if diff == 0 {
		return 0, nil
	}
	return diff / scale, nil
}

// compare runs the cases on the CPU reference and on OpenCL, in float32 and
// (where the device has it) float64.
func compare(t *testing.T, cases []opCase) {
	compareOn(t, openDevice(t), cases, device.F32, device.F64)
}

// compareOn runs the cases on the CPU and cl in the given types.
func compareOn(t *testing.T, cl *Device, cases []opCase, types ...device.DType) {
	ref := cpu.New()
	for _, dt := range types {
		if dt == device.F64 && !cl.Float64() {
			t.Logf("%s has no float64: float64 cases skipped", cl.Name())
			continue
		}
		for _, c := range cases {
			t.Run(fmt.Sprintf("%s/%s", c.name, dt), func(t *testing.T) {
				seed := uint64(len(c.name)) * 7919
				er := &env{t: t, d: ref, dt: dt, rng: rand.New(rand.NewPCG(seed, 1))}
				ec := &env{t: t, d: cl, dt: dt, rng: rand.New(rand.NewPCG(seed, 1))}
				want := c.run(er)
				got := c.run(ec)
				if err := ref.Sync(); err != nil {
					t.Fatalf("cpu: %v", err)
				}
				if err := cl.Sync(); err != nil {
					t.Fatalf("opencl: %v", err)
				}
				worst := 0.0
				for name, wb := range want {
					w, g := er.get(wb), ec.get(got[name])
					d, err := relDiff(w, g)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					if c.exact && d != 0 {
						for i := range w {
							if w[i] != g[i] {
								t.Errorf("%s[%d] = %v, want %v (bit for bit)", name, i, g[i], w[i])
								break
							}
						}
					}
					if wb.DType() == device.I32 && d != 0 {
						t.Errorf("%s: integer outputs differ", name)
					}
					if d > tolerance(dt) {
						t.Errorf("%s: relative difference %.3g > %.0g", name, d, tolerance(dt))
					}
					worst = max(worst, d)
				}
				t.Logf("largest relative difference from the CPU: %.3g", worst)
			})
		}
	}
}
