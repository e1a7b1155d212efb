package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/adafisher-go/landscape/cluster"
)

// ShardFlag registers --shard on fs.
func ShardFlag(fs *flag.FlagSet) *string {
	return fs.String("shard", "", "K/N: train only the cells K, K+N, K+2N, ... of the job (0 <= K < N, as SLURM_ARRAY_TASK_ID); the same command without --shard afterwards summarises")
}

// ParseShard reads the value of --shard, naming the flag in its error.
func ParseShard(s string) (cluster.Shard, error) {
	sh, err := cluster.ParseShard(s)
	if err != nil {
		return sh, Usagef("--%v", err)
	}
	return sh, nil
}

// WithoutFlags returns args without the named flags and their values (as
// "--name value", "--name=value", "-name ..."); boolean flags (bools) take
// no separate value.
func WithoutFlags(args []string, names []string, bools []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") {
			out = append(out, a)
			continue
		}
		switch {
		case containsString(bools, name):
		case containsString(names, name):
			if !hasValue {
				i++
			}
		default:
			out = append(out, a)
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// ShardDone tells the user what a shard did and what comes next.
func ShardDone(w io.Writer, sh cluster.Shard, name string) {
	fmt.Fprintf(w, "%s: shard %v done; when every shard is, run the same command without --shard to summarise\n", name, sh)
}

// SelfCommand is this program's absolute path and args, for the scripts that
// run it again on other machines.
func SelfCommand(args ...string) ([]string, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	if exe, err = filepath.Abs(exe); err != nil {
		return nil, err
	}
	return append([]string{exe}, args...), nil
}
