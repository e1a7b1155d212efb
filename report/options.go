package report

// Options says how pages are written and what made them.
type Options struct {
	// JSDir is the node_modules directory that holds echarts and echarts-gl;
	// empty to look for it (see LoadJS).
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
