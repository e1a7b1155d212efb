package cluster

import (
	"fmt"
	"strconv"
	"strings"
)

// Shard is the K-th of N parts of a job, 0 <= K < N. The zero value, 0/0,
// means the whole job (no sharding).
type Shard struct {
	K, N int
}

// All is the whole job.
var All = Shard{}

// ParseShard reads "K/N" (0-based K, as Slurm's SLURM_ARRAY_TASK_ID and
// Kubernetes' JOB_COMPLETION_INDEX count). The empty string is All.
func ParseShard(s string) (Shard, error) {
	if s == "" {
		return All, nil
	}
	ks, ns, ok := strings.Cut(s, "/")
	k, err1 := strconv.Atoi(strings.TrimSpace(ks))
	n, err2 := strconv.Atoi(strings.TrimSpace(ns))
	if !ok || err1 != nil || err2 != nil {
		return All, fmt.Errorf("shard %q: want K/N with whole numbers, for example 0/4", s)
	}
	if n < 1 {
		return All, fmt.Errorf("shard %q: want at least 1 shard", s)
	}
	sh := Shard{K: k, N: n}
	return sh, sh.Validate()
}

// Validate checks 0 <= K < N (or the zero value).
func (s Shard) Validate() error {
	if s == All {
		return nil
	}
	if s.N < 1 {
		return fmt.Errorf("shard %d/%d: want at least 1 shard", s.K, s.N)
	}
	if s.K < 0 || s.K >= s.N {
		return fmt.Errorf("shard %d/%d: index out of range, want 0 <= K < %d", s.K, s.N, s.N)
	}
	return nil
}

// Whole reports whether s is the whole job.
func (s Shard) Whole() bool { return s == All || s.N == 1 }

// Owns reports whether cell i (0-based, in the job's fixed cell order) belongs
// to this shard. Cells are dealt round-robin, so that neighbouring cells,
// which tend to cost alike (the same optimizer, the seeds of one setting), are
// spread over the shards.
func (s Shard) Owns(i int) bool {
	if s.Whole() {
		return true
	}
	return i%s.N == s.K
}

// Cells returns the indices of the cells of a job of n cells that this shard
// owns, in order.
func (s Shard) Cells(n int) []int {
	var out []int
	for i := 0; i < n; i++ {
		if s.Owns(i) {
			out = append(out, i)
		}
	}
	return out
}

func (s Shard) String() string {
	if s == All {
		return "all"
	}
	return fmt.Sprintf("%d/%d", s.K, s.N)
}
