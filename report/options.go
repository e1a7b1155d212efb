package report

// Options says how pages are written and what made them.
type Options struct {
	// JSDir, when set, is a node_modules directory to read echarts and
	// echarts-gl from instead of the copy built into the binary (see LoadJS).
	JSDir string
	// PNG also writes every figure as a PNG file beside the page, named
	// after the page and the figure, and links it under the chart.
	PNG bool
	// Command is the command line that made the page; Version the toolkit's
	// version. Both are shown on the page.
	Command []string
	Version string
	// Links are further pages the index page lists (WriteRunIndex), beside
	// the pages it finds in its directory.
	Links []Link
}
