package reporttest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// page returns a page that fills mb megabytes of a typed array before it
// reports itself done, as report pages do.
func page(t *testing.T, mb int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), fmt.Sprintf("fill%d.html", mb))
	html := fmt.Sprintf(`<!DOCTYPE html><html><body><script>
var a = new Uint8Array(%d * 1048576);
for (var i = 0; i < a.length; i += 4096) a[i] = 1; // touch every page
document.documentElement.setAttribute('data-landscape-status', JSON.stringify({charts: 0, rendered: 0, canvases: [], errors: []}));
document.documentElement.setAttribute('data-landscape-done', 'true');
window.keep = a;
</script></body></html>`, mb)
	if err := os.WriteFile(path, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// The renderer's peak is read: a page that fills 600 MB peaks at least that
// much above one that fills nothing.
func TestRendererPeak(t *testing.T) {
	Chromium(t)
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc: the peak is not measured here")
	}
	small := Open(t, page(t, 0), Options{})
	big := Open(t, page(t, 600), Options{})
	t.Logf("renderer peak: %.0f MB empty, %.0f MB with 600 MB filled", float64(small.RendererPeak)/(1<<20), float64(big.RendererPeak)/(1<<20))
	if small.RendererPeak <= 0 || big.RendererPeak-small.RendererPeak < 600<<20 {
		t.Errorf("renderer peaks %d and %d bytes, want the second at least 600 MB above the first", small.RendererPeak, big.RendererPeak)
	}
}
