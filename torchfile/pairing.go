package torchfile

import "fmt"

// pair matches the H and S entries of one step.
func pair(h, s []dumpEntry, p Pairing) ([]DumpLayer, error) {
	sPos, err := positions(h, s)
	if err != nil {
		return nil, err
	}
	hMod := func(i int) Module { return Module{Class: h[i].class, Position: i} }
	sMod := func(j int) Module { return Module{Class: s[j].class, Position: sPos[j]} }
	var out []DumpLayer
	if p == PairReference {
		n := min(len(h), len(s))
		for i := 0; i < n; i++ {
			out = append(out, DumpLayer{Index: i, HModule: hMod(i), SModule: sMod(i), H: h[i].matrix, S: s[i].matrix})
		}
		return out, nil
	}
	byPos := map[int]int{}
	for j, p := range sPos {
		if p >= 0 {
			byPos[p] = j
		}
	}
	for i := range h {
		l := DumpLayer{Index: i, HModule: hMod(i), SModule: hMod(i), H: h[i].matrix}
		if j, ok := byPos[i]; ok {
			l.S = s[j].matrix
		}
		out = append(out, l)
	}
	for j, p := range sPos {
		if p < 0 {
			m := Module{Class: s[j].class, Position: len(out)}
			out = append(out, DumpLayer{Index: len(out), HModule: m, SModule: m, S: s[j].matrix})
		}
	}
	return out, nil
}

// positions gives each S entry the position of its module in the H dict, by
// the modules' fingerprints; -1 for a module the H dict lacks. When
// fingerprints do not tell the modules apart (modules with identical
// weights), the S dict is taken as the H dict reversed, which is backward
// order for a network whose layers run one after another.
func positions(h, s []dumpEntry) ([]int, error) {
	count := map[[32]byte]int{}
	where := map[[32]byte]int{}
	for i, e := range h {
		count[e.print]++
		where[e.print] = i
	}
	out := make([]int, len(s))
	ambiguous := false
	for j, e := range s {
		switch count[e.print] {
		case 0:
			out[j] = -1
		case 1:
			out[j] = where[e.print]
		default:
			ambiguous = true
		}
	}
	if !ambiguous {
		return out, nil
	}
	if len(h) != len(s) {
		return nil, fmt.Errorf("modules with identical parameters, and %d H against %d S entries: cannot tell which S belongs to which layer", len(h), len(s))
	}
	for j := range s {
		i := len(h) - 1 - j
		if s[j].class != h[i].class {
			return nil, fmt.Errorf("modules with identical parameters, and S entry %d (%s) is not H entry %d (%s) reversed: cannot tell which S belongs to which layer",
				j, s[j].class, i, h[i].class)
		}
		out[j] = i
	}
	return out, nil
}
