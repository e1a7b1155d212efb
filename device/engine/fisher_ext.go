package engine

import "github.com/adafisher-go/landscape/device"

// AdaFisher's extended factor kinds (optim/fisher_extend.go), used with
// Hyper.FisherExtend and always in paper mode: Embedding (the token and
// position tables of a GPT's TokenPositionEmbedding) and BatchNorm1d.

// extendedFisherOps returns the layers with extended factors that o holds:
// the two tables of an embedding, in the host's order (token, then
// position), or a BatchNorm1d's BatchNorm2d, whose rule it takes with
// hw = L.
func extendedFisherOps(o op) []fisherOp {
	switch t := o.(type) {
	case *embedOp:
		return []fisherOp{embFisher{o: t, tok: true}, embFisher{o: t}}
	case *bn1dOp:
		return []fisherOp{t.bn}
	}
	return nil
}

// embFisher is the factor of one table of an embedOp: H over its rows (the
// lookup frequencies), S over the dimension (the output gradient's
// squares). Both tables see the same output gradient; the position table
// is looked up at 0..T-1 in every sample, as nn.TokenPositionEmbedding
// looks it up.
type embFisher struct {
	o   *embedOp
	tok bool
}

func (f embFisher) table() (name string, num int, idx device.Buffer, w *param) {
	if f.tok {
		return f.o.tokName, f.o.num, f.o.ids, f.o.tok
	}
	return f.o.posName, f.o.ctx, f.o.posIdx, f.o.pos
}

func (f embFisher) fisherDims() fisherDims {
	name, num, _, w := f.table()
	// The weight is num x dim: entry (v, j) is H[v]*S[j] + lambda, F's
	// usual layout with the roles of S and H exchanged.
	return fisherDims{name: name, hn: num, sn: f.o.dim, fin: f.o.dim, fout: num, w: w, swap: true}
}

func (f embFisher) fisherRaw(d device.Device, h, s device.Buffer) {
	_, num, idx, _ := f.table()
	d.FisherRawEmbedding(f.o.rows, num, f.o.dim, idx, f.o.dy.buf, h, s)
}

// buildF sets the layer's F from its factors: S (x) H + lambda, or for an
// Embedding H (x) S + lambda (the products are the same either way round).
func (l *fisherLayer) buildF(d device.Device, lambda float64) {
	s, h := l.s, l.h
	if l.dims.swap {
		s, h = l.h, l.s
	}
	d.FisherBuildF(l.dims.fout, l.dims.fin, s, h, l.fW, l.fB, lambda)
}
