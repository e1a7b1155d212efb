package trajectory

import "testing"

func TestLinspace(t *testing.T) {
	l := Linspace(0, 1, 5)
	want := []float64{0, 0.25, 0.5, 0.75, 1}
	for i := range want {
		if l[i] != want[i] {
			t.Fatalf("Linspace = %v", l)
		}
	}
	if l := Linspace(2, 3, 1); len(l) != 1 || l[0] != 2 {
		t.Fatalf("Linspace(2,3,1) = %v", l)
	}
	if l := Linspace(0.1, 0.7, 200); l[199] != 0.7 || l[0] != 0.1 {
		t.Fatalf("Linspace ends %v %v", l[0], l[199])
	}
	// numpy.linspace forces the end where np.mgrid[a:b:200j] ends one ulp
	// off b (see interp.MGridAxis).
	a, b := 0.04097352393619469, 0.016527635528529094
	if l := Linspace(a, b, 200); l[199] != b {
		t.Fatalf("Linspace end %v", l[199])
	}
	if m := Linspace(0.1, 0.7, 200); m[100] != 0.1+float64(100)*((0.7-0.1)/199) {
		t.Fatalf("Linspace interior %v", m[100])
	}
}
