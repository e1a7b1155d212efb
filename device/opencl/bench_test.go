package opencl

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/device/cpu"
)

// The benchmarks time the same work on the CPU reference and on OpenCL, so
// that one run gives their ratio (scripts/device-check.sh runs them beside
// PyTorch on a GPU).

func benchDevices(b *testing.B) []device.Device {
	return []device.Device{cpu.New(), openDevice(b)}
}

func randBuf(b *testing.B, d device.Device, dt device.DType, n int) device.Buffer {
	rng := rand.New(rand.NewPCG(1, 1))
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.Float64() - 0.5
	}
	var buf device.Buffer
	var err error
	if dt == device.F32 {
		s := make([]float32, n)
		for i, x := range v {
			s[i] = float32(x)
		}
		buf, err = device.Upload(d, s)
	} else {
		buf, err = device.Upload(d, v)
	}
	if err != nil {
		b.Fatal(err)
	}
	return buf
}

func BenchmarkGemm(b *testing.B) {
	for _, d := range benchDevices(b) {
		for _, dt := range []device.DType{device.F32, device.F64} {
			for _, n := range []int{256, 1024} {
				b.Run(fmt.Sprintf("%s/%s/n=%d", short(d), dt, n), func(b *testing.B) {
					a, x, c := randBuf(b, d, dt, n*n), randBuf(b, d, dt, n*n), randBuf(b, d, dt, n*n)
					d.Gemm(false, true, n, n, n, 1, device.Mat{Buf: a, LD: n}, device.Mat{Buf: x, LD: n}, 0, device.Mat{Buf: c, LD: n})
					if err := d.Sync(); err != nil {
						b.Fatal(err)
					}
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						d.Gemm(false, true, n, n, n, 1, device.Mat{Buf: a, LD: n}, device.Mat{Buf: x, LD: n}, 0, device.Mat{Buf: c, LD: n})
					}
					if err := d.Sync(); err != nil {
						b.Fatal(err)
					}
					b.ReportMetric(2*float64(n)*float64(n)*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				})
			}
		}
	}
}

// BenchmarkMLPStep times one training step of a 784-256-10 MLP on a batch
// of 128 in float32: forward, cross-entropy, backward and Adam, with the
// host sending the batch and reading back the losses.
func BenchmarkMLPStep(b *testing.B) {
	const in, hid, out, batch = 784, 256, 10, 128
	for _, d := range benchDevices(b) {
		b.Run(short(d), func(b *testing.B) {
			f := device.F32
			w1, b1, w2, b2 := randBuf(b, d, f, hid*in), randBuf(b, d, f, hid), randBuf(b, d, f, out*hid), randBuf(b, d, f, out)
			params := []device.Buffer{w1, b1, w2, b2}
			alloc := func(dt device.DType, n int) device.Buffer {
				buf, err := d.Alloc(dt, n)
				if err != nil {
					b.Fatal(err)
				}
				return buf
			}
			var grads, ms, vs []device.Buffer
			for _, p := range params {
				grads = append(grads, alloc(f, p.Len()))
				ms = append(ms, alloc(f, p.Len()))
				vs = append(vs, alloc(f, p.Len()))
			}
			x, y1, h, y2 := alloc(f, batch*in), alloc(f, batch*hid), alloc(f, batch*hid), alloc(f, batch*out)
			dl, dh, dy1 := alloc(f, batch*out), alloc(f, batch*hid), alloc(f, batch*hid)
			labels, loss, correct := alloc(device.I32, batch), alloc(f, batch), alloc(device.I32, batch)
			xs := make([]float32, batch*in)
			ls := make([]int32, batch)
			for i := range ls {
				ls[i] = int32(i % out)
			}
			lossHost := make([]float32, batch)
			mat := func(buf device.Buffer, ld int) device.Mat { return device.Mat{Buf: buf, LD: ld} }
			step := func(t int64) {
				if err := device.Write(d, x, 0, xs); err != nil {
					b.Fatal(err)
				}
				if err := device.Write(d, labels, 0, ls); err != nil {
					b.Fatal(err)
				}
				d.BroadcastRows(y1, b1, batch, hid)
				d.Gemm(false, true, batch, hid, in, 1, mat(x, in), mat(w1, in), 1, mat(y1, hid))
				d.Activation(device.ReLU, y1, h, batch*hid)
				d.BroadcastRows(y2, b2, batch, out)
				d.Gemm(false, true, batch, out, hid, 1, mat(h, hid), mat(w2, hid), 1, mat(y2, out))
				d.SoftmaxCrossEntropy(batch, out, y2, labels, dl, loss, correct)
				for _, g := range grads {
					d.Fill(g, 0, g.Len(), 0)
				}
				d.Gemm(true, false, out, hid, batch, 1, mat(dl, out), mat(h, hid), 1, mat(grads[2], hid))
				d.SumRows(grads[3], dl, batch, out)
				d.Gemm(false, false, batch, hid, out, 1, mat(dl, out), mat(w2, hid), 0, mat(dh, hid))
				d.ActivationBackward(device.ReLU, y1, h, dh, dy1, batch*hid)
				d.Gemm(true, false, hid, in, batch, 1, mat(dy1, hid), mat(x, in), 1, mat(grads[0], in))
				d.SumRows(grads[1], dy1, batch, hid)
				c := device.NewAdamCoef(1e-3, 0.9, 0.999, 1e-8, 0, false, t)
				for i, p := range params {
					d.Adam(p, grads[i], ms[i], vs[i], p.Len(), c)
				}
				if err := device.Read(d, lossHost, loss, 0); err != nil {
					b.Fatal(err)
				}
			}
			step(1)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				step(int64(i + 2))
			}
			if err := d.Sync(); err != nil {
				b.Fatal(err)
			}
		})
	}
}

func short(d device.Device) string {
	if _, ok := d.(*Device); ok {
		return "opencl"
	}
	return "cpu"
}

// BenchmarkLaunch is the cost of queuing one small kernel (an Add of 256
// elements), which bounds the step time of models made of many small
// operations.
func BenchmarkLaunch(b *testing.B) {
	d := openDevice(b)
	x := randBuf(b, d, device.F32, 256)
	d.Add(x, x, x, 256)
	if err := d.Sync(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d.Add(x, x, x, 256)
	}
	if err := d.Sync(); err != nil {
		b.Fatal(err)
	}
}
