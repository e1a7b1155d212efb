// Package kernels holds the device kernels' source: a C subset that
// compiles as OpenCL C after prelude_opencl.h and as CUDA C++ after the
// CUDA prelude that file documents. The element type REAL and the
// accumulator ACC are defined by the build.
package kernels

import (
	"embed"
	"strings"
)

//go:embed prelude_opencl.h common.cl elementwise.cl conv.cl norm.cl pool.cl loss.cl optim.cl fisher.cl layers_ext.cl curvature.cl
var files embed.FS

// Files lists the kernel files in the order they are compiled (the prelude
// first).
var Files = []string{"common.cl", "elementwise.cl", "conv.cl", "norm.cl", "pool.cl", "loss.cl", "optim.cl", "fisher.cl", "layers_ext.cl", "curvature.cl"}

// OpenCL returns the OpenCL program: the prelude and every kernel file.
func OpenCL() string {
	var b strings.Builder
	b.WriteString(read("prelude_opencl.h"))
	for _, f := range Files {
		b.WriteString("\n/* " + f + " */\n")
		b.WriteString(read(f))
	}
	return b.String()
}

func read(name string) string {
	s, err := files.ReadFile(name)
	if err != nil {
		panic("kernels: " + err.Error()) // the files are embedded: cannot happen
	}
	return string(s)
}
