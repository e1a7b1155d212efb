package nn

import "fmt"

// TokenPositionEmbedding maps a B x T tensor of token ids to B x T x D:
// Tok(ids) + Pos(positions), the input stage of a GPT. Tok and Pos are
// Embedding layers (named "tok_emb" and "pos_emb" in the zoo); Pos has one
// row per position of the context, and is looked up with a B x T tensor of
// positions 0..T-1 so that its capture has one row per token, as Tok's.
type TokenPositionEmbedding[T Float] struct {
	Tok, Pos *Embedding[T]

	pos Tensor[T]
	y   Tensor[T]
}

func (e *TokenPositionEmbedding[T]) Children() []Layer[T] { return []Layer[T]{e.Tok, e.Pos} }

func (e *TokenPositionEmbedding[T]) Forward(x *Tensor[T], mode Mode) *Tensor[T] {
	if len(x.Shape) != 2 || x.Shape[1] > e.Pos.Num {
		panic(&ShapeError{Layer: e.Tok.name, Got: append([]int(nil), x.Shape...), Want: fmt.Sprintf("[batch, T] token ids with T at most the context %d", e.Pos.Num)})
	}
	b, t := x.Shape[0], x.Shape[1]
	pos := e.pos.resize(b, t)
	for i := range pos.Data {
		pos.Data[i] = T(i % t)
	}
	tok := e.Tok.Forward(x, mode)
	p := e.Pos.Forward(pos, mode)
	y := e.y.resize(tok.Shape...)
	for i, v := range tok.Data {
		y.Data[i] = v + p.Data[i]
	}
	return y
}

func (e *TokenPositionEmbedding[T]) Backward(dy *Tensor[T], needInput bool) *Tensor[T] {
	e.Pos.Backward(dy, false)
	return e.Tok.Backward(dy, needInput)
}

// TiedHead is the output layer of a GPT whose classifier shares the token
// embedding's weight: logits = x W^T with W the embedding's num x dim table,
// no bias. It owns no parameter (the embedding does), so the weight is
// listed, saved and updated once; its gradient receives both uses.
// SharedParams names the weight for the Hessian-vector product.
type TiedHead[T Float] struct {
	Emb *Embedding[T]

	x     *Tensor[T]
	shape []int
	y, dx Tensor[T]
}

// SharedParams lists the parameters the layer uses but does not own.
func (h *TiedHead[T]) SharedParams() []*Param[T] { return []*Param[T]{h.Emb.Weight} }

func (h *TiedHead[T]) Forward(x *Tensor[T], _ Mode) *Tensor[T] {
	rows, cols := x.Rows()
	if cols != h.Emb.Dim {
		panic(shapeError("head", x, h.Emb.Dim))
	}
	h.x = x
	h.shape = append(h.shape[:0], x.Shape...)
	h.shape[len(h.shape)-1] = h.Emb.Num
	y := h.y.resize(h.shape...)
	Gemm(false, true, rows, h.Emb.Num, cols, 1, x.Data, cols, h.Emb.Weight.Value.Data, cols, 0, y.Data, h.Emb.Num)
	return y
}

func (h *TiedHead[T]) Backward(dy *Tensor[T], needInput bool) *Tensor[T] {
	rows, d := h.x.Rows()
	v := h.Emb.Num
	Gemm(true, false, v, d, rows, 1, dy.Data, v, h.x.Data, d, 1, h.Emb.Weight.Grad.Data, d)
	if !needInput {
		return nil
	}
	dx := h.dx.resize(h.x.Shape...)
	Gemm(false, false, rows, d, v, 1, dy.Data, v, h.Emb.Weight.Value.Data, d, 0, dx.Data, d)
	return dx
}
