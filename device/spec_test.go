package device

import "testing"

func TestParseSpec(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Spec
		bad  bool
	}{
		{in: "cpu", want: Spec{"cpu", -1}},
		{in: "opencl", want: Spec{"opencl", -1}},
		{in: "opencl:0", want: Spec{"opencl", 0}},
		{in: "opencl:12", want: Spec{"opencl", 12}},
		{in: "opencl:", bad: true},
		{in: "opencl:-1", bad: true},
		{in: "opencl:x", bad: true},
		{in: "cpu:0", bad: true},
		{in: "cuda", bad: true},
		{in: "", bad: true},
	} {
		got, err := ParseSpec(c.in)
		if (err != nil) != c.bad || (!c.bad && got != c.want) {
			t.Errorf("ParseSpec(%q) = %v, %v", c.in, got, err)
		}
		if !c.bad && got.String() != c.in {
			t.Errorf("Spec(%q).String() = %q", c.in, got.String())
		}
	}
}
