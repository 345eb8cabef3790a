package plot

import (
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/dlc-go/denoising/kit/train"
	"github.com/go-echarts/go-echarts/v2/render"
)

// Module is the Go module path of this repository, used to find its root.
const Module = train.ModulePath

// EchartsRelPath is where `make setup` places echarts.min.js (echarts 5.x
// from npm), relative to the repository root.
const EchartsRelPath = ".cache/echarts/echarts.min.js"

// EchartsJSPath, if set, is the echarts.min.js file to embed, before the
// repository's copy is looked for.
var EchartsJSPath string

// EmbedMode says how often [ShowChart] embeds the echarts library.
type EmbedMode int

const (
	// EmbedOncePerKernel embeds the library in the first chart shown by a
	// GoNB kernel session (a marker file in $GONB_TMP_DIR remembers it);
	// later charts use window.echarts of the page. A chart whose page lacks
	// the library (e.g. the output that carried it was cleared, or the saved
	// notebook was reopened) says so in place of the chart: re-run the
	// notebook from the top, or use EmbedAlways.
	EmbedOncePerKernel EmbedMode = iota
	// EmbedAlways embeds the library (about 1 MB) in every chart.
	EmbedAlways
)

// Embed is the embedding policy of [ShowChart].
var Embed = EmbedOncePerKernel

// Chart is what go-echarts charts (*charts.Line, *charts.Scatter, ...)
// implement: render.Renderer.
type Chart = render.Renderer

var (
	echartsMu   sync.Mutex
	echartsJS   string
	echartsFrom string
)

// EchartsJS returns the echarts library (echarts.min.js) and the file it
// was read from. It looks in, in order: [EchartsJSPath];
// $DENOISING_ROOT/.cache/echarts/; the root of this repository found by
// walking up from $GONB_DIR and from the working directory to the go.mod of
// module github.com/dlc-go/denoising. The content is cached for the process.
func EchartsJS() (js, path string, err error) {
	echartsMu.Lock()
	defer echartsMu.Unlock()
	if echartsJS != "" {
		return echartsJS, echartsFrom, nil
	}
	var tried []string
	try := func(p string) bool {
		if p == "" {
			return false
		}
		tried = append(tried, p)
		b, err := os.ReadFile(p)
		if err != nil || len(b) == 0 {
			return false
		}
		echartsJS, echartsFrom = string(b), p
		return true
	}
	if try(EchartsJSPath) {
		return echartsJS, echartsFrom, nil
	}
	if root := os.Getenv("DENOISING_ROOT"); root != "" && try(filepath.Join(root, EchartsRelPath)) {
		return echartsJS, echartsFrom, nil
	}
	starts := []string{os.Getenv("GONB_DIR")}
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	for _, s := range starts {
		if root := FindRepoRoot(s); root != "" && try(filepath.Join(root, EchartsRelPath)) {
			return echartsJS, echartsFrom, nil
		}
	}
	return "", "", fmt.Errorf("plot: echarts.min.js not found (tried %s); run `make setup` in the repository "+
		"root (it fetches echarts 5.x from npm into %s), or set $DENOISING_ROOT or plot.EchartsJSPath",
		strings.Join(tried, ", "), EchartsRelPath)
}

// FindRepoRoot walks up from dir to the directory whose go.mod declares
// module github.com/dlc-go/denoising; "" if none.
func FindRepoRoot(dir string) string {
	if dir == "" {
		return ""
	}
	root, _ := train.FindModuleRoot(dir)
	return root
}

// scriptSrc finds the external scripts of a rendered go-echarts page.
var scriptSrc = regexp.MustCompile(`<script src="([^"]*)"></script>`)

// chartParts renders a chart's element (div) and init script, checking that
// it needs no other JS asset than echarts itself.
func chartParts(c Chart) (id, element, script string, err error) {
	if c == nil {
		return "", "", "", fmt.Errorf("plot: nil chart")
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("plot: rendering the chart failed: %v", r)
		}
	}()
	snip := c.RenderSnippet() // runs the chart's Validate first
	page := string(c.RenderContent())
	for _, m := range scriptSrc.FindAllStringSubmatch(page, -1) {
		src := html.UnescapeString(m[1])
		if strings.HasSuffix(src, "/echarts.min.js") || src == "echarts.min.js" {
			continue
		}
		return "", "", "", fmt.Errorf("plot: the chart needs the JS asset %q (a theme, map, 3D or extension chart), "+
			"which is not available offline; only plain echarts 5 charts are supported", src)
	}
	idm := regexp.MustCompile(`id="([^"]+)"`).FindStringSubmatch(snip.Element)
	if idm == nil {
		return "", "", "", fmt.Errorf("plot: no element id in the rendered chart")
	}
	script = snip.Script
	if i := strings.Index(script, ">"); strings.HasPrefix(strings.TrimSpace(script), "<script") && i >= 0 {
		script = script[i+1:]
	}
	if i := strings.LastIndex(script, "</script>"); i >= 0 {
		script = script[:i]
	}
	return idm[1], snip.Element, script, nil
}

// libraryScript wraps echarts.min.js so that require.js (loaded by Jupyter
// and nbconvert pages) does not capture it: define, exports and module are
// shadowed, so the UMD header sets window.echarts. It is skipped if the page
// already has echarts.
func libraryScript(js string) string {
	js = strings.ReplaceAll(js, "</script", `<\/script`)
	return "<script type=\"text/javascript\">\nif (typeof window.echarts === 'undefined') {\n" +
		"(function(define, exports, module) {\n" + js + "\n}).call(window, undefined, undefined, undefined);\n}\n</script>\n"
}

// chartScript runs the chart's init code once window.echarts exists, or
// writes a note in the chart's place.
func chartScript(id, body string) string {
	const missing = `<p style="color:#a00;font-family:sans-serif">echarts is not loaded on this page: ` +
		`re-run the notebook from the top (the first chart carries the library), ` +
		`or set plot.Embed = plot.EmbedAlways.</p>`
	return fmt.Sprintf("<script type=\"text/javascript\">\n(function() {\n"+
		"  var el = document.getElementById(%q);\n"+
		"  if (!el) { return; }\n"+
		"  if (typeof window.echarts === 'undefined') { el.style.height = 'auto'; el.innerHTML = %q; return; }\n"+
		"  var echarts = window.echarts;\n%s\n})();\n</script>\n", id, missing, body)
}

// ChartHTML renders a go-echarts chart as a self-contained HTML fragment
// (the chart's div and scripts, with echarts.min.js embedded, no CDN URL).
func ChartHTML(c Chart) (string, error) {
	return chartHTML(c, true)
}

func chartHTML(c Chart, withLib bool) (string, error) {
	id, element, body, err := chartParts(c)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("<div class=\"dlc-echarts\">\n")
	if withLib {
		js, _, err := EchartsJS()
		if err != nil {
			return "", err
		}
		b.WriteString(libraryScript(js))
	}
	b.WriteString(element)
	b.WriteString("\n")
	b.WriteString(chartScript(id, body))
	b.WriteString("</div>\n")
	return b.String(), nil
}

// SaveChart writes a chart as a standalone HTML page (echarts embedded) to
// path; it opens offline in any browser.
func SaveChart(c Chart, path string) error {
	frag, err := ChartHTML(c)
	if err != nil {
		return err
	}
	page := "<!DOCTYPE html>\n<html>\n<head><meta charset=\"utf-8\"><title>chart</title></head>\n<body>\n" + frag + "</body>\n</html>\n"
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return nil
}

// embedMarker is the file, in the GoNB kernel's temporary directory, that
// records that the library was embedded in this kernel session.
const embedMarker = ".dlc-denoising-echarts-embedded"

// needLibrary says whether this chart must carry the library, and records
// that it will.
func needLibrary() bool {
	if Embed == EmbedAlways {
		return true
	}
	dir := os.Getenv("GONB_TMP_DIR")
	if dir == "" {
		return true
	}
	marker := filepath.Join(dir, embedMarker)
	if _, err := os.Stat(marker); err == nil {
		return false
	}
	_ = os.WriteFile(marker, []byte("echarts embedded\n"), 0o644)
	return true
}

// ShowChart displays a go-echarts chart (e.g. *charts.Line, *charts.Scatter)
// in the notebook, offline: echarts.min.js is embedded in the page instead of
// being loaded from a CDN (see [Embed] and [EchartsJS]). It returns an error
// if the library file is missing or the chart needs other JS assets
// (themes, maps, 3D charts). Outside a notebook it displays nothing and
// prints a note once per process.
func ShowChart(c Chart) error {
	if !inNotebook() {
		if _, _, _, err := chartParts(c); err != nil {
			return err
		}
		notNotebook("chart")
		return nil
	}
	if _, _, err := EchartsJS(); err != nil { // fail before touching the marker
		return err
	}
	h, err := chartHTML(c, needLibrary())
	if err != nil {
		return err
	}
	displayHTML(h)
	return nil
}
