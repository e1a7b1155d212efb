package report

import (
	"regexp"
)

// remote is a URL on another host: a scheme with "//" (http://, https://,
// ...) or "//" alone (the page's own scheme).
const remote = `((?:[a-z][a-z0-9+.\-]*:)?//[^\s"'<>)\\]*)`

// loads match the ways a page makes a browser fetch a script, style sheet,
// font, image or frame: src, srcset, poster, data, action and xlink:href
// attributes, the href of a <link>, CSS url() and @import.
var loads = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\b(?:src|srcset|poster|data|action|xlink:href)\s*=\s*\\?["']?\s*` + remote),
	regexp.MustCompile(`(?i)<link\b[^>]*?\bhref\s*=\s*\\?["']?\s*` + remote),
	regexp.MustCompile(`(?i)url\(\s*\\?["']?\s*` + remote),
	regexp.MustCompile(`(?i)@import\s+(?:url\(\s*)?\\?["']?\s*` + remote),
}

// RemoteReferences returns the references in an HTML page (its markup, its
// style sheets and its scripts, strings in them included) that would make a
// browser load a script, style sheet, font, image or frame from another host;
// none for a page that works offline. Plain links (<a href>) load nothing
// until followed and are not reported.
func RemoteReferences(html []byte) []string {
	var refs []string
	seen := map[int]bool{} // "@import url(...)" matches two patterns
	for _, re := range loads {
		for _, m := range re.FindAllSubmatchIndex(html, -1) {
			if !seen[m[2]] {
				seen[m[2]] = true
				refs = append(refs, string(html[m[2]:m[3]]))
			}
		}
	}
	return refs
}
