package main

import (
	"flag"
	"fmt"
	"io"
	"runtime"

	"github.com/adafisher-go/landscape/device/opencl"
)

// cmdDevices lists the devices the toolkit can compute on.
func cmdDevices(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("devices", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: landscape devices\n\nLists the CPU and every OpenCL device found (libOpenCL.so.1 is opened at run time; none is needed\nfor the CPU), with the name opencl:N that selects it.")
		printFlags(fs, stderr)
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	fmt.Fprintf(stdout, "cpu        %s/%s, %d cores (the default)\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	devs, err := opencl.Devices()
	if err != nil {
		fmt.Fprintf(stdout, "opencl     not available: %v\n", err)
		return nil
	}
	for _, d := range devs {
		fp64 := "float32 only"
		if d.Float64 {
			fp64 = "float32 and float64"
		}
		fmt.Fprintf(stdout, "opencl:%-3d %s (%s, %s), %s, %d compute units, %.1f GiB, %s\n",
			d.Index, d.Name, d.Type, d.Platform, d.Version, d.ComputeUnits, float64(d.Memory)/(1<<30), fp64)
	}
	return nil
}
