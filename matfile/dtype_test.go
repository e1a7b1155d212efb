package matfile

import (
	"encoding/binary"
	"fmt"
	"math"
	"testing"
)

// Every supported dtype, written by hand in both byte orders, reads back as
// the same 2x2 matrix.
func TestEveryDType(t *testing.T) {
	signed := []float64{-2, 0, 1, 3}
	unsigned := []float64{0, 1, 2, 255}
	half := map[float64]uint16{-2: 0xc000, 0: 0, 1: 0x3c00, 3: 0x4200}
	tests := []struct {
		kind   byte
		size   int
		values []float64
		put    func(o binary.ByteOrder, b []byte, v float64)
	}{
		{'f', 8, signed, func(o binary.ByteOrder, b []byte, v float64) { o.PutUint64(b, math.Float64bits(v)) }},
		{'f', 4, signed, func(o binary.ByteOrder, b []byte, v float64) { o.PutUint32(b, math.Float32bits(float32(v))) }},
		{'f', 2, signed, func(o binary.ByteOrder, b []byte, v float64) { o.PutUint16(b, half[v]) }},
		{'i', 8, signed, func(o binary.ByteOrder, b []byte, v float64) { o.PutUint64(b, uint64(int64(v))) }},
		{'i', 4, signed, func(o binary.ByteOrder, b []byte, v float64) { o.PutUint32(b, uint32(int32(v))) }},
		{'i', 2, signed, func(o binary.ByteOrder, b []byte, v float64) { o.PutUint16(b, uint16(int16(v))) }},
		{'i', 1, signed, func(o binary.ByteOrder, b []byte, v float64) { b[0] = byte(int8(v)) }},
		{'u', 8, unsigned, func(o binary.ByteOrder, b []byte, v float64) { o.PutUint64(b, uint64(v)) }},
		{'u', 4, unsigned, func(o binary.ByteOrder, b []byte, v float64) { o.PutUint32(b, uint32(v)) }},
		{'u', 2, unsigned, func(o binary.ByteOrder, b []byte, v float64) { o.PutUint16(b, uint16(v)) }},
		{'u', 1, unsigned, func(o binary.ByteOrder, b []byte, v float64) { b[0] = byte(v) }},
		{'b', 1, []float64{0, 1, 1, 0}, func(o binary.ByteOrder, b []byte, v float64) { b[0] = byte(v) }},
	}
	for _, tt := range tests {
		for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
			mark := map[binary.ByteOrder]string{binary.LittleEndian: "<", binary.BigEndian: ">"}[order]
			if tt.size == 1 {
				mark = "|"
			}
			descr := fmt.Sprintf("%s%c%d", mark, tt.kind, tt.size)
			t.Run(descr, func(t *testing.T) {
				data := make([]byte, 4*tt.size)
				for k, v := range tt.values {
					tt.put(order, data[k*tt.size:], v)
				}
				header := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (2, 2), }", descr)
				ms, err := Read(writeFile(t, "m.npy", npyFile(1, header, data)))
				if err != nil {
					t.Fatal(err)
				}
				if !equal(ms[0].Data, tt.values) {
					t.Errorf("got %v, want %v", ms[0].Data, tt.values)
				}
			})
		}
	}
}
