package plot

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/types"
)

// resetEcharts forgets the cached library and points EchartsJSPath at path
// for the rest of the test.
func resetEcharts(t *testing.T, path string) {
	t.Helper()
	old := EchartsJSPath
	reset := func() {
		echartsMu.Lock()
		echartsJS, echartsFrom = "", ""
		echartsMu.Unlock()
	}
	reset()
	EchartsJSPath = path
	t.Cleanup(func() { EchartsJSPath = old; reset() })
}

const fakeJS = "/*FAKE-ECHARTS-LIB*/ window.echarts = {init: function(){ return {setOption: function(){}} }};"

func fakeLib(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "echarts.min.js")
	if err := os.WriteFile(p, []byte(fakeJS), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func sampleScatter() *charts.Scatter {
	s := charts.NewScatter()
	s.SetGlobalOptions(charts.WithTitleOpts(opts.Title{Title: "moons"}))
	s.AddSeries("clean", []opts.ScatterData{{Value: []float64{0.123456, -0.654321}}, {Value: []float64{1.5, 2.25}}})
	return s
}

// cdnURL matches script sources and URLs of the CDNs go-echarts and others use.
var cdnURL = regexp.MustCompile(`<script[^>]+src=|go-echarts\.github\.io|cdn\.jsdelivr|unpkg\.com|cdnjs|assets\.pyecharts`)

func TestChartHTMLOffline(t *testing.T) {
	resetEcharts(t, fakeLib(t))
	h, err := ChartHTML(sampleScatter())
	if err != nil {
		t.Fatal(err)
	}
	if m := cdnURL.FindString(h); m != "" {
		t.Errorf("HTML refers to a CDN or external script: %q", m)
	}
	if strings.Contains(h, "http://") || strings.Contains(h, "https://") {
		t.Errorf("HTML has a URL (the fake library has none): %s", h)
	}
	for _, want := range []string{"FAKE-ECHARTS-LIB", "0.123456", "-0.654321", "2.25", `"moons"`, "echarts.init(",
		"(function(define, exports, module)"} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	// The chart's div id is the one its script initialises.
	id := regexp.MustCompile(`<div class="item" id="([^"]+)"`).FindStringSubmatch(h)
	if id == nil || !strings.Contains(h, "document.getElementById(\""+id[1]+"\")") {
		t.Errorf("div id not used by the init script:\n%s", h)
	}
	// The library comes before the chart script.
	if strings.Index(h, "FAKE-ECHARTS-LIB") > strings.Index(h, "echarts.init(") {
		t.Error("library after the chart script")
	}

	// A theme needs a JS asset from the CDN: refused with a clear error.
	th := charts.NewLine()
	th.SetGlobalOptions(charts.WithInitializationOpts(opts.Initialization{Theme: types.ThemeWesteros}))
	if _, err := ChartHTML(th); err == nil || !strings.Contains(err.Error(), "themes/westeros.js") {
		t.Errorf("themed chart: err = %v, want one naming themes/westeros.js", err)
	}

	page := filepath.Join(t.TempDir(), "c.html")
	if err := SaveChart(sampleScatter(), page); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(page)
	if !strings.HasPrefix(string(b), "<!DOCTYPE html>") || !strings.Contains(string(b), "FAKE-ECHARTS-LIB") {
		t.Errorf("SaveChart page: %.200s", b)
	}
}

func TestEchartsMissing(t *testing.T) {
	resetEcharts(t, filepath.Join(t.TempDir(), "none.js"))
	t.Setenv("DENOISING_ROOT", t.TempDir())
	t.Setenv("GONB_DIR", "")
	t.Chdir(t.TempDir())
	_, err := ChartHTML(sampleScatter())
	if err == nil || !strings.Contains(err.Error(), "make setup") {
		t.Errorf("missing library: err = %v, want one naming `make setup`", err)
	}
	useFakeNotebook(t)
	if err := ShowChart(sampleScatter()); err == nil {
		t.Error("ShowChart without library: want an error")
	}
}

func TestShowChartEmbedsOncePerKernel(t *testing.T) {
	resetEcharts(t, fakeLib(t))
	t.Setenv("GONB_TMP_DIR", t.TempDir())
	nb := useFakeNotebook(t)
	for range 3 {
		if err := ShowChart(sampleScatter()); err != nil {
			t.Fatal(err)
		}
	}
	if len(nb.html) != 3 {
		t.Fatalf("%d displays, want 3", len(nb.html))
	}
	for i, h := range nb.html {
		if got, want := strings.Contains(h, "FAKE-ECHARTS-LIB"), i == 0; got != want {
			t.Errorf("display %d carries the library: %v, want %v", i, got, want)
		}
		if !strings.Contains(h, "0.123456") {
			t.Errorf("display %d lacks the data", i)
		}
	}
	old := Embed
	Embed = EmbedAlways
	defer func() { Embed = old }()
	if err := ShowChart(sampleScatter()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(nb.html[3], "FAKE-ECHARTS-LIB") {
		t.Error("EmbedAlways: library missing")
	}
}

// TestRealEchartsLibrary checks the library placed by `make setup`, when present.
func TestRealEchartsLibrary(t *testing.T) {
	resetEcharts(t, "")
	js, path, err := EchartsJS()
	if err != nil {
		t.Skipf("echarts.min.js not installed (run `make setup`): %v", err)
	}
	if len(js) < 500_000 || !strings.Contains(js, "echarts") {
		t.Errorf("%s: %d bytes, does not look like echarts.min.js", path, len(js))
	}
	h, err := ChartHTML(sampleScatter())
	if err != nil {
		t.Fatal(err)
	}
	if m := cdnURL.FindString(h); m != "" {
		t.Errorf("HTML refers to a CDN or external script: %q", m)
	}
	// The only URLs left are XML namespaces and licence links inside echarts.
	for _, u := range regexp.MustCompile(`https?://[^\s"'<>)]+`).FindAllString(h, -1) {
		if !strings.Contains(u, "www.w3.org") && !strings.Contains(u, "apache.org/licenses") &&
			!strings.Contains(u, "github.com/ecomfe") {
			t.Errorf("unexpected URL in the HTML: %s", u)
		}
	}
	// Every script element closes once: the library cannot end its script early.
	if o, c := strings.Count(h, "<script"), strings.Count(h, "</script"); o != 2 || c != 2 {
		t.Errorf("%d <script and %d </script, want 2 and 2", o, c)
	}
}

func TestFindRepoRoot(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("// x\nmodule "+Module+"\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	deep := filepath.Join(root, "notebooks", "a")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := FindRepoRoot(deep); got != root {
		t.Errorf("FindRepoRoot = %q, want %q", got, root)
	}
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "go.mod"), []byte("module example.com/other\n"), 0o644)
	if got := FindRepoRoot(other); got != "" {
		t.Errorf("other module: FindRepoRoot = %q, want \"\"", got)
	}
}
