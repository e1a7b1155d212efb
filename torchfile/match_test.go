package torchfile

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	have := []Tensor{
		{Name: "fc1.weight", Shape: []int{16, 4}},
		{Name: "fc1.bias", Shape: []int{16}},
		{Name: "fc2.weight", Shape: []int{3, 16}},
		{Name: "fc2.bias", Shape: []int{3}},
	}
	cases := []struct {
		name                string
		want                []Want
		missing, unexpected []string
		shapes              []string
	}{
		{name: "exact, other order", want: []Want{{"fc2.bias", []int{3}}, {"fc1.weight", []int{16, 4}}, {"fc1.bias", []int{16}}, {"fc2.weight", []int{3, 16}}}},
		{
			name:       "all three kinds",
			want:       []Want{{"fc1.weight", []int{4, 16}}, {"fc1.bias", []int{16}}, {"fc2.weight", []int{3, 16}}, {"fc3.weight", []int{3}}, {"bn.num_batches_tracked", []int{}}},
			missing:    []string{"fc3.weight", "bn.num_batches_tracked"},
			unexpected: []string{"fc2.bias"},
			shapes:     []string{"fc1.weight"},
		},
		{name: "scalar against [1]", want: []Want{{"fc1.weight", []int{16, 4}}, {"fc1.bias", []int{16}}, {"fc2.weight", []int{3, 16}}, {"fc2.bias", []int{}}}, shapes: []string{"fc2.bias"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Match(have, c.want)
			if c.missing == nil && c.unexpected == nil && c.shapes == nil {
				if err != nil {
					t.Fatal(err)
				}
				for i, w := range c.want {
					if got[i].Name != w.Name {
						t.Errorf("tensor %d is %s, want %s", i, got[i].Name, w.Name)
					}
				}
				return
			}
			var me *MismatchError
			if !errors.As(err, &me) {
				t.Fatalf("error %v, want a *MismatchError", err)
			}
			var shapes []string
			for _, s := range me.Shapes {
				shapes = append(shapes, s.Name)
			}
			if !slices.Equal(me.Missing, c.missing) || !slices.Equal(me.Unexpected, c.unexpected) || !slices.Equal(shapes, c.shapes) {
				t.Errorf("got %+v", me)
			}
			for _, n := range append(append(c.missing, c.unexpected...), c.shapes...) {
				if !strings.Contains(err.Error(), n) {
					t.Errorf("message %q does not name %s", err, n)
				}
			}
		})
	}
}
