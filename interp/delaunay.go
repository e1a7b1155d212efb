package interp

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// ErrDegenerate is returned by [Delaunay] when the points do not span the
// plane: fewer than three distinct points, or all of them on one line. Qhull
// (and so SciPy) refuses the same inputs ("initial simplex is flat").
var ErrDegenerate = errors.New("interp: points do not span a plane (fewer than 3 distinct points or all collinear)")

// Triangulation is a Delaunay triangulation of points in the plane.
//
// Triangles lists the triangles by indices into X and Y, each in
// counter-clockwise order. Neighbors[t][k] is the triangle across the edge
// opposite vertex k of triangle t, or -1 where that edge is on the convex
// hull: SciPy's Delaunay.neighbors convention.
//
// Every distinct input point is a vertex. A point that repeats an earlier
// one exactly is not: Rep maps each input index to the index of the vertex
// standing for it (itself for vertices), and IsVertex tells them apart.
type Triangulation struct {
	X, Y      []float64
	Triangles [][3]int
	Neighbors [][3]int
	Rep       []int
}

// IsVertex reports whether input point i is a vertex of the triangulation
// (false for a later exact duplicate of another point).
func (t *Triangulation) IsVertex(i int) bool { return t.Rep[i] == i }

// VertexNeighbors returns, for every input point, the sorted indices of the
// vertices joined to it by an edge (empty for a duplicate), in compressed
// form: the neighbours of i are indices[indptr[i]:indptr[i+1]]. It is SciPy's
// Delaunay.vertex_neighbor_vertices.
func (t *Triangulation) VertexNeighbors() (indptr, indices []int) {
	n := len(t.X)
	deg := make([]int, n+1)
	for _, tr := range t.Triangles {
		for k := 0; k < 3; k++ {
			deg[tr[k]] += 2
		}
	}
	indptr = make([]int, n+1)
	for i := 0; i < n; i++ {
		indptr[i+1] = indptr[i] + deg[i]
	}
	raw := make([]int, indptr[n])
	fill := slices.Clone(indptr[:n])
	for _, tr := range t.Triangles {
		for k := 0; k < 3; k++ {
			v := tr[k]
			raw[fill[v]] = tr[(k+1)%3]
			raw[fill[v]+1] = tr[(k+2)%3]
			fill[v] += 2
		}
	}
	indices = raw[:0]
	out := make([]int, n+1)
	for i := 0; i < n; i++ {
		nb := raw[indptr[i]:indptr[i+1]]
		slices.Sort(nb)
		nb = slices.Compact(nb)
		out[i] = len(indices)
		indices = append(indices, nb...)
	}
	out[n] = len(indices)
	return out, indices
}

// Internal representation during construction. Vertex ghost stands for the
// point at infinity: a ghost triangle (x, y, ghost) in cyclic order lies
// outside the hull edge x->y, and its "circumcircle" is the open half-plane
// left of x->y plus the open segment xy.

type dtri struct {
	v [3]int32
	n [3]int32 // neighbour opposite v[k]
}

type builder struct {
	x, y  []float64
	ghost int32
	tris  []dtri
	dead  []bool
	free  []int32
	mark  []uint32 // per triangle: stamp*2 in cavity, stamp*2+1 tested outside
	stamp uint32
	last  int32 // a live triangle to start the next walk from
	rng   uint32

	// per-insertion scratch
	cavity  []int32
	edges   []cavEdge
	startAt []int32 // new triangle whose first vertex is v
	endAt   []int32 // new triangle whose second vertex is v
	touched []int32
	newTris []int32
}

type cavEdge struct {
	u, v int32 // ccw along the cavity boundary
	out  int32 // triangle outside the cavity across u-v
}

// Delaunay triangulates the points (x[i], y[i]).
//
// The construction is incremental (Bowyer-Watson) in Hilbert-curve order
// with exact orientation and in-circle predicates, so it cannot fail on
// rounding: duplicates are dropped, collinear subsets are fine as long as
// not all points are on one line, and cocircular points (a regular grid)
// get one of the valid Delaunay triangulations (not necessarily the one
// Qhull picks). NaN or infinite coordinates are an error.
func Delaunay(x, y []float64) (*Triangulation, error) {
	n := len(x)
	if len(y) != n {
		return nil, fmt.Errorf("interp: %d x coordinates but %d y coordinates", n, len(y))
	}
	for i := range x {
		if math.IsNaN(x[i]) || math.IsInf(x[i], 0) || math.IsNaN(y[i]) || math.IsInf(y[i], 0) {
			return nil, fmt.Errorf("interp: point %d is not finite: (%v, %v)", i, x[i], y[i])
		}
	}
	rep := dedupe(x, y)
	var order []int32
	for i := 0; i < n; i++ {
		if rep[i] == i {
			order = append(order, int32(i))
		}
	}
	hilbertSort(x, y, order)

	b := &builder{x: x, y: y, ghost: int32(n), rng: 0x9e3779b9}
	b.startAt = make([]int32, n+1)
	b.endAt = make([]int32, n+1)
	for i := range b.startAt {
		b.startAt[i], b.endAt[i] = -1, -1
	}
	// Initial triangle: the first point, the first point after it and the
	// first point not collinear with those two.
	if len(order) < 3 {
		return nil, ErrDegenerate
	}
	i0, i1 := order[0], order[1]
	k2 := -1
	for k := 2; k < len(order); k++ {
		o := orient2d(x[i0], y[i0], x[i1], y[i1], x[order[k]], y[order[k]])
		if o != 0 {
			k2 = k
			break
		}
	}
	if k2 < 0 {
		return nil, ErrDegenerate
	}
	i2 := order[k2]
	if orient2d(x[i0], y[i0], x[i1], y[i1], x[i2], y[i2]) < 0 {
		i1, i2 = i2, i1
	}
	b.initial(i0, i1, i2)
	for k := 2; k < len(order); k++ {
		if k == k2 {
			continue
		}
		b.insert(order[k])
	}
	return b.result(rep), nil
}

// dedupe returns rep[i] = the first index j with the same coordinates as i.
func dedupe(x, y []float64) []int {
	n := len(x)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if x[a] != x[b] {
			if x[a] < x[b] {
				return -1
			}
			return 1
		}
		if y[a] != y[b] {
			if y[a] < y[b] {
				return -1
			}
			return 1
		}
		return a - b
	})
	rep := make([]int, n)
	for k := 0; k < n; k++ {
		i := idx[k]
		if k > 0 {
			j := idx[k-1]
			if x[i] == x[j] && y[i] == y[j] {
				rep[i] = rep[j]
				continue
			}
		}
		rep[i] = i
	}
	return rep
}

func (b *builder) newTri(a, c, d int32) int32 {
	t := dtri{v: [3]int32{a, c, d}, n: [3]int32{-1, -1, -1}}
	if k := len(b.free); k > 0 {
		id := b.free[k-1]
		b.free = b.free[:k-1]
		b.tris[id] = t
		b.dead[id] = false
		return id
	}
	b.tris = append(b.tris, t)
	b.dead = append(b.dead, false)
	b.mark = append(b.mark, 0)
	return int32(len(b.tris) - 1)
}

func (b *builder) isGhost(t int32) bool {
	v := &b.tris[t].v
	return v[0] == b.ghost || v[1] == b.ghost || v[2] == b.ghost
}

// initial builds the ccw triangle (a, c, d) and its three ghost triangles.
func (b *builder) initial(a, c, d int32) {
	g := b.ghost
	t := b.newTri(a, c, d)
	// Ghost across the edge opposite vertex k of t: edge (v[k+1], v[k+2])
	// reversed, plus the ghost vertex.
	g0 := b.newTri(d, c, g) // across c-d (opposite a)
	g1 := b.newTri(a, d, g) // across d-a (opposite c)
	g2 := b.newTri(c, a, g) // across a-c (opposite d)
	b.tris[t].n = [3]int32{g0, g1, g2}
	// g0 = (d, c, g): opposite d is edge c-g shared with g2 = (c, a, g)?
	// Ghosts share the edges that join a hull vertex to the ghost vertex.
	b.tris[g0].n = [3]int32{g2, g1, t} // opp d: (c,g) in g2; opp c: (g,d) in g1; opp g: (d,c) in t
	b.tris[g1].n = [3]int32{g0, g2, t} // opp a: (d,g) in g0; opp d: (g,a) in g2; opp g: t
	b.tris[g2].n = [3]int32{g1, g0, t} // opp c: (a,g) in g1; opp a: (g,c) in g0; opp g: t
	b.last = t
}

func (b *builder) nextRand() uint32 {
	b.rng ^= b.rng << 13
	b.rng ^= b.rng >> 17
	b.rng ^= b.rng << 5
	return b.rng
}

// locate walks from b.last to a triangle whose closed interior contains
// point p, or to a ghost triangle whose hull edge sees p strictly.
func (b *builder) locate(p int32) int32 {
	px, py := b.x[p], b.y[p]
	t := b.last
	if b.dead[t] {
		t = b.anyLive()
	}
	if b.isGhost(t) {
		for k := 0; k < 3; k++ {
			if b.tris[t].v[k] == b.ghost {
				t = b.tris[t].n[k]
				break
			}
		}
	}
	limit := 4*len(b.tris) + 16
	for step := 0; step < limit; step++ {
		tr := &b.tris[t]
		off := int(b.nextRand() % 3)
		moved := false
		for kk := 0; kk < 3; kk++ {
			k := (kk + off) % 3
			u, w := tr.v[(k+1)%3], tr.v[(k+2)%3]
			if orient2d(b.x[u], b.y[u], b.x[w], b.y[w], px, py) < 0 {
				t = tr.n[k]
				if b.isGhost(t) {
					return t
				}
				moved = true
				break
			}
		}
		if !moved {
			return t
		}
	}
	// The visibility walk cannot cycle on a Delaunay triangulation; this is
	// a safety net only.
	for id := range b.tris {
		t := int32(id)
		if b.dead[t] || b.isGhost(t) {
			continue
		}
		v := b.tris[t].v
		if orient2d(b.x[v[0]], b.y[v[0]], b.x[v[1]], b.y[v[1]], px, py) >= 0 &&
			orient2d(b.x[v[1]], b.y[v[1]], b.x[v[2]], b.y[v[2]], px, py) >= 0 &&
			orient2d(b.x[v[2]], b.y[v[2]], b.x[v[0]], b.y[v[0]], px, py) >= 0 {
			return t
		}
	}
	for id := range b.tris {
		t := int32(id)
		if !b.dead[t] && b.isGhost(t) && b.conflict(t, p) {
			return t
		}
	}
	panic("interp: point location failed")
}

func (b *builder) anyLive() int32 {
	for id := range b.tris {
		if !b.dead[id] {
			return int32(id)
		}
	}
	panic("interp: no live triangle")
}

// conflict reports whether p lies strictly inside the circumcircle of t
// (for a ghost triangle: strictly outside its hull edge, or on the open
// edge).
func (b *builder) conflict(t int32, p int32) bool {
	v := b.tris[t].v
	px, py := b.x[p], b.y[p]
	for k := 0; k < 3; k++ {
		if v[k] == b.ghost {
			xa, xb := v[(k+1)%3], v[(k+2)%3]
			ax, ay, bx, by := b.x[xa], b.y[xa], b.x[xb], b.y[xb]
			o := orient2d(ax, ay, bx, by, px, py)
			if o != 0 {
				return o > 0
			}
			// collinear: inside the open segment?
			if ax != bx {
				return (px > ax) == (px < bx) && px != ax && px != bx
			}
			return (py > ay) == (py < by) && py != ay && py != by
		}
	}
	return incircle(b.x[v[0]], b.y[v[0]], b.x[v[1]], b.y[v[1]], b.x[v[2]], b.y[v[2]], px, py) > 0
}

func (b *builder) insert(p int32) {
	start := b.locate(p)
	b.stamp++
	in, out := b.stamp*2, b.stamp*2+1
	b.cavity = append(b.cavity[:0], start)
	b.mark[start] = in
	b.edges = b.edges[:0]
	for i := 0; i < len(b.cavity); i++ {
		c := b.cavity[i]
		for k := 0; k < 3; k++ {
			nb := b.tris[c].n[k]
			switch b.mark[nb] {
			case in:
				continue
			case out:
			default:
				if b.conflict(nb, p) {
					b.mark[nb] = in
					b.cavity = append(b.cavity, nb)
					continue
				}
				b.mark[nb] = out
			}
			v := b.tris[c].v
			b.edges = append(b.edges, cavEdge{u: v[(k+1)%3], v: v[(k+2)%3], out: nb})
		}
	}
	for _, c := range b.cavity {
		b.dead[c] = true
	}
	// Keep the dead ids aside until the new triangles are linked: the
	// outside triangles still point at them.
	b.newTris = b.newTris[:0]
	b.touched = b.touched[:0]
	for _, e := range b.edges {
		nt := b.newTri(e.u, e.v, p)
		b.tris[nt].n[2] = e.out
		// Re-point the outside triangle's edge (v, u) at nt.
		o := &b.tris[e.out]
		for j := 0; j < 3; j++ {
			if o.v[j] != e.u && o.v[j] != e.v {
				o.n[j] = nt
				break
			}
		}
		b.startAt[e.u] = nt
		b.endAt[e.v] = nt
		b.touched = append(b.touched, e.u, e.v)
		b.newTris = append(b.newTris, nt)
	}
	for _, nt := range b.newTris {
		tr := &b.tris[nt]
		tr.n[0] = b.startAt[tr.v[1]] // edge v-p: the new triangle starting at v
		tr.n[1] = b.endAt[tr.v[0]]   // edge p-u: the new triangle ending at u
	}
	for _, v := range b.touched {
		b.startAt[v], b.endAt[v] = -1, -1
	}
	b.free = append(b.free, b.cavity...)
	for _, nt := range b.newTris {
		if !b.isGhost(nt) {
			b.last = nt
			break
		}
	}
}

func (b *builder) result(rep []int) *Triangulation {
	id := make([]int, len(b.tris))
	var tris [][3]int
	for t := range b.tris {
		id[t] = -1
		if b.dead[t] || b.isGhost(int32(t)) {
			continue
		}
		id[t] = len(tris)
		v := b.tris[t].v
		tris = append(tris, [3]int{int(v[0]), int(v[1]), int(v[2])})
	}
	nbrs := make([][3]int, len(tris))
	for t := range b.tris {
		if id[t] < 0 {
			continue
		}
		for k := 0; k < 3; k++ {
			nbrs[id[t]][k] = id[b.tris[t].n[k]]
		}
	}
	return &Triangulation{X: b.x, Y: b.y, Triangles: tris, Neighbors: nbrs, Rep: rep}
}
