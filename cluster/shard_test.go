package cluster

import (
	"strings"
	"testing"
)

func TestParseShard(t *testing.T) {
	cases := []struct {
		in   string
		want Shard
		err  string
	}{
		{"", All, ""},
		{"0/4", Shard{0, 4}, ""},
		{"3/4", Shard{3, 4}, ""},
		{" 1 / 2 ", Shard{1, 2}, ""},
		{"4/4", Shard{}, "out of range"},
		{"-1/4", Shard{}, "out of range"},
		{"0/0", Shard{}, "at least 1"},
		{"1", Shard{}, "want K/N"},
		{"a/b", Shard{}, "want K/N"},
		{"1/2/3", Shard{}, "want K/N"},
	}
	for _, c := range cases {
		got, err := ParseShard(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseShard(%q): %v, want an error saying %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseShard(%q) = %v, %v, want %v", c.in, got, err, c.want)
		}
	}
}

// The shards of a job partition its cells: every cell belongs to exactly one
// shard, the shards' sizes differ by at most one, and the whole job owns all.
func TestShardsPartition(t *testing.T) {
	for _, n := range []int{1, 2, 3, 4, 7} {
		for _, cells := range []int{0, 1, 5, 16, 23} {
			owner := make([]int, cells)
			minSize, maxSize := cells, 0
			for k := 0; k < n; k++ {
				got := Shard{k, n}.Cells(cells)
				minSize, maxSize = min(minSize, len(got)), max(maxSize, len(got))
				for _, i := range got {
					owner[i]++
				}
			}
			for i, c := range owner {
				if c != 1 {
					t.Fatalf("%d shards, %d cells: cell %d owned %d times", n, cells, i, c)
				}
			}
			if cells > 0 && maxSize-minSize > 1 {
				t.Errorf("%d shards, %d cells: sizes from %d to %d", n, cells, minSize, maxSize)
			}
			if len(All.Cells(cells)) != cells {
				t.Errorf("the whole job does not own all %d cells", cells)
			}
		}
	}
}
