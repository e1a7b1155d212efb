package train

import (
	"testing"
)

// BenchmarkWorkloads times one training step of each standard workload with
// each optimizer: go test -bench Workloads ./train/
func BenchmarkWorkloads(b *testing.B) {
	for _, w := range Workloads {
		for _, o := range BenchOptimizers() {
			b.Run(w.Name+"/"+o.Label, func(b *testing.B) {
				s, err := NewBencher(w, o)
				if err != nil {
					b.Fatal(err)
				}
				for range 20 {
					if err := s.Step(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					if err := s.Step(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
