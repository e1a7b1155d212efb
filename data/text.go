package data

import (
	"fmt"
	"os"
)

// TextVocab is the vocabulary of byte-level text: every byte is a token.
const TextVocab = 256

// DefaultTextValidation is the share of a text held out for validation when
// Options.TestFraction is 0.
const DefaultTextValidation = 0.1

// LoadText reads a text file as byte-level tokens for a language model. The
// first (1-validation) of its bytes are the training text and the rest the
// validation text (a contiguous tail, as WikiText's splits are). Each text
// is cut into consecutive, non-overlapping windows of context tokens; a
// window's sample is its tokens (Shape [context], values 0-255) and its
// targets the next token after each position (Targets = context), so that a
// window needs context+1 bytes. Classes is 256.
func LoadText(path string, context int, validation float64) (train, test *Dataset, err error) {
	if context < 1 {
		return nil, nil, fmt.Errorf("text: context %d, want a positive number of tokens", context)
	}
	if !(validation > 0 && validation < 1) {
		return nil, nil, fmt.Errorf("text: validation fraction %g outside (0, 1)", validation)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("text: %w", err)
	}
	cut := int(float64(len(b)) * (1 - validation))
	train, test = textWindows(path, b[:cut], context), textWindows(path, b[cut:], context)
	if train.Len() == 0 || test.Len() == 0 {
		return nil, nil, fmt.Errorf("text: %s: %d bytes give %d training and %d validation windows of %d+1 tokens; want at least one of each (a longer text or a shorter --context)",
			path, len(b), train.Len(), test.Len(), context)
	}
	return train, test, nil
}

// textWindows cuts b into windows of context tokens with next-token
// targets.
func textWindows(name string, b []byte, context int) *Dataset {
	d := &Dataset{Name: "text:" + name, Shape: []int{context}, Classes: TextVocab, Targets: context}
	n := 0
	if len(b) > 0 {
		n = (len(b) - 1) / context
	}
	d.X = make([]float64, 0, n*context)
	d.Y = make([]int, 0, n*context)
	for w := range n {
		for _, v := range b[w*context : (w+1)*context] {
			d.X = append(d.X, float64(v))
		}
		for _, v := range b[w*context+1 : (w+1)*context+1] {
			d.Y = append(d.Y, int(v))
		}
	}
	return d
}
