package plot

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/janpfeifer/gonb/gonbui"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// Default size of a figure, used by [Save] and when [Show] is given a zero
// width or height.
var (
	DefaultWidth  = 6 * vg.Inch
	DefaultHeight = 4 * vg.Inch
)

// Hooks to the notebook, replaced in tests.
var (
	inNotebook  = func() bool { return gonbui.IsNotebook }
	displayHTML = gonbui.DisplayHTML
	displayPNG  = gonbui.DisplayPNG
	updateHTML  = gonbui.UpdateHTML
	syncDisplay = gonbui.Sync
)

// notNotebookOnce makes the "not in a notebook" message appear once per process.
var notNotebookOnce sync.Once

// notNotebook prints, once per process, that nothing is displayed.
func notNotebook(what string) {
	notNotebookOnce.Do(func() {
		fmt.Printf("plot: not running in a GoNB notebook, %s not displayed (use plot.Save / plot.SaveChart to write a file)\n", what)
	})
}

// SVG renders a plot to SVG bytes of size w x h (zero: the defaults).
// Drawing errors of gonum/plot (which panics, e.g. for a log axis over
// non-positive values) come back as errors.
func SVG(p *plot.Plot, w, h vg.Length) ([]byte, error) {
	return renderPlot(p, w, h, "svg")
}

// PNG renders a plot to PNG bytes of size w x h (zero: the defaults) at
// gonum's default resolution (96 dpi).
func PNG(p *plot.Plot, w, h vg.Length) ([]byte, error) {
	return renderPlot(p, w, h, "png")
}

func renderPlot(p *plot.Plot, w, h vg.Length, format string) (out []byte, err error) {
	if p == nil {
		return nil, fmt.Errorf("plot: nil *plot.Plot")
	}
	w, h = size(w, h)
	if w < 0 || h < 0 {
		return nil, fmt.Errorf("plot: negative size %v x %v", w, h)
	}
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("plot: drawing the %s failed: %v", format, r)
		}
	}()
	wt, err := p.WriterTo(w, h, format)
	if err != nil {
		return nil, fmt.Errorf("plot: %w", err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("plot: writing %s: %w", format, err)
	}
	return buf.Bytes(), nil
}

func size(w, h vg.Length) (vg.Length, vg.Length) {
	if w == 0 {
		w = DefaultWidth
	}
	if h == 0 {
		h = DefaultHeight
	}
	return w, h
}

// Show displays a plot in the notebook as inline SVG, w x h (zero: the
// defaults). Outside a notebook it displays nothing and prints a note (once
// per process) on stdout.
func Show(p *plot.Plot, w, h vg.Length) error {
	b, err := SVG(p, w, h)
	if err != nil {
		return err
	}
	if !inNotebook() {
		notNotebook("figure")
		return nil
	}
	displayHTML("<div>" + stripXMLHeader(string(b)) + "</div>")
	return nil
}

// ShowPNG is [Show] with a PNG image instead of SVG (smaller for plots with
// very many points).
func ShowPNG(p *plot.Plot, w, h vg.Length) error {
	b, err := PNG(p, w, h)
	if err != nil {
		return err
	}
	if !inNotebook() {
		notNotebook("figure")
		return nil
	}
	displayPNG(b)
	return nil
}

// Save writes a plot to path at the default size; the format follows the
// extension (.svg, .png, .pdf, .eps, .jpg, .tif).
func Save(p *plot.Plot, path string) error {
	return SaveSize(p, path, 0, 0)
}

// SaveSize is [Save] at size w x h (zero: the defaults).
func SaveSize(p *plot.Plot, path string, w, h vg.Length) error {
	ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	if ext == "" {
		return fmt.Errorf("plot: %q has no extension to choose the format", path)
	}
	b, err := renderPlot(p, w, h, ext)
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return nil
}

// stripXMLHeader drops a leading <?xml ...?> declaration, not valid inside HTML.
func stripXMLHeader(s string) string {
	if strings.HasPrefix(s, "<?xml") {
		if i := strings.Index(s, "?>"); i >= 0 {
			return strings.TrimLeft(s[i+2:], "\r\n")
		}
	}
	return s
}
