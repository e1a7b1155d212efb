package interp

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// ReadPointsCSV reads scattered points from a CSV file: a header row, then
// rows x,y,value of finite numbers (blank lines skipped), at least 3 of them.
// Errors name the file, the line and the column.
func ReadPointsCSV(path string) (x, y, v []float64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, nil, err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	r.FieldsPerRecord = -1
	line := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		line++
		if err != nil {
			return nil, nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		if line == 1 {
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != 3 {
			return nil, nil, nil, fmt.Errorf("%s: line %d: %d columns, want 3 (x,y,value)", path, line, len(rec))
		}
		var vals [3]float64
		for k, s := range rec {
			vals[k], err = strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil || math.IsNaN(vals[k]) || math.IsInf(vals[k], 0) {
				return nil, nil, nil, fmt.Errorf("%s: line %d: column %d is %q, want a finite number", path, line, k+1, s)
			}
		}
		x, y, v = append(x, vals[0]), append(y, vals[1]), append(v, vals[2])
	}
	if len(x) < 3 {
		return nil, nil, nil, fmt.Errorf("%s: %d points, want at least 3 after the header row", path, len(x))
	}
	return x, y, v, nil
}

// WriteGridCSV writes values on a grid as CSV rows x,y,value after the header
// x,y,value, x varying slowest; g[i][j] is the value at (gx[i], gy[j]), and a
// NaN (outside the convex hull) is written as an empty field. Numbers are in
// the shortest form that reads back exactly.
func WriteGridCSV(w io.Writer, gx, gy []float64, g [][]float64) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("x,y,value\n")
	for i, xv := range gx {
		for j, yv := range gy {
			bw.WriteString(strconv.FormatFloat(xv, 'g', -1, 64))
			bw.WriteByte(',')
			bw.WriteString(strconv.FormatFloat(yv, 'g', -1, 64))
			bw.WriteByte(',')
			if !math.IsNaN(g[i][j]) {
				bw.WriteString(strconv.FormatFloat(g[i][j], 'g', -1, 64))
			}
			bw.WriteByte('\n')
		}
	}
	return bw.Flush()
}
