package report

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
)

// seriesColors is the palette series take in order (Tableau 10): the page
// and the PNG give a series the same colour.
var seriesColors = []string{
	"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
	"#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
}

// overlayColors is the palette of paths drawn over a colour scale (contours,
// surfaces): colours that stand out against viridis.
var overlayColors = []string{"#e6194b", "#ff8c1a", "#ffffff", "#f032e6", "#00e5ff", "#000000"}

// SeriesColor returns the colour of the i-th series (or run), as "#rrggbb";
// the palette repeats after ten.
func SeriesColor(i int) string {
	return seriesColors[((i%len(seriesColors))+len(seriesColors))%len(seriesColors)]
}

// colorScale is a list of colour stops, evenly spaced from low to high.
type colorScale []string

var (
	// sequential is viridis, for values of one sign.
	sequential = colorScale{"#440154", "#482878", "#3e4a89", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"}
	// diverging is blue-white-red (RdBu reversed), for values around zero.
	diverging = colorScale{"#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#f7f7f7", "#fddbc7", "#f4a582", "#d6604d", "#b2182b"}
)

// at returns the colour at t in [0, 1], interpolated between the stops.
func (s colorScale) at(t float64) color.NRGBA {
	if math.IsNaN(t) || t < 0 {
		t = 0
	}
	if t > 1 {
		t = 1
	}
	f := t * float64(len(s)-1)
	i := int(f)
	if i >= len(s)-1 {
		return mustHex(s[len(s)-1])
	}
	a, b := mustHex(s[i]), mustHex(s[i+1])
	u := f - float64(i)
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*(1-u) + float64(y)*u)) }
	return color.NRGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 255}
}

// steps returns n colours evenly spaced over the scale, as "#rrggbb".
func (s colorScale) steps(n int) []string {
	out := make([]string, n)
	for i := range out {
		t := 0.5
		if n > 1 {
			t = float64(i) / float64(n-1)
		}
		out[i] = hexOf(s.at(t))
	}
	return out
}

func hexOf(c color.NRGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// parseHex reads "#rrggbb".
func parseHex(s string) (color.NRGBA, error) {
	var c color.NRGBA
	if len(s) != 7 || s[0] != '#' {
		return c, fmt.Errorf("colour %q, want #rrggbb", s)
	}
	if _, err := fmt.Sscanf(s[1:], "%02x%02x%02x", &c.R, &c.G, &c.B); err != nil {
		return c, fmt.Errorf("colour %q, want #rrggbb", s)
	}
	c.A = 255
	return c, nil
}

func mustHex(s string) color.NRGBA {
	c, err := parseHex(s)
	if err != nil {
		panic(err)
	}
	return c
}

// withAlpha returns c with opacity a in [0, 1].
func withAlpha(c color.NRGBA, a float64) color.NRGBA {
	c.A = uint8(math.Round(255 * a))
	return c
}

// tickLabel formats an axis value with at most 4 significant digits, as the
// page's axes do.
func tickLabel(v float64) string {
	a := math.Abs(v)
	if v != 0 && (a >= 1e5 || a < 1e-3) {
		return strconv.FormatFloat(v, 'e', 2, 64)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}
