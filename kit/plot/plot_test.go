package plot

import (
	"bytes"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// fakeNotebook makes the package believe it runs in a notebook and records
// what it displays, until the test ends.
type fakeNotebook struct {
	html    []string
	updates map[string][]string
	pngs    int
	syncs   int
}

func useFakeNotebook(t *testing.T) *fakeNotebook {
	t.Helper()
	f := &fakeNotebook{updates: map[string][]string{}}
	oldIn, oldHTML, oldPNG, oldUpd, oldSync := inNotebook, displayHTML, displayPNG, updateHTML, syncDisplay
	inNotebook = func() bool { return true }
	displayHTML = func(s string) { f.html = append(f.html, s) }
	displayPNG = func([]byte) { f.pngs++ }
	updateHTML = func(id, s string) { f.updates[id] = append(f.updates[id], s) }
	syncDisplay = func() { f.syncs++ }
	t.Cleanup(func() {
		inNotebook, displayHTML, displayPNG, updateHTML, syncDisplay = oldIn, oldHTML, oldPNG, oldUpd, oldSync
	})
	return f
}

func samplePlot(t *testing.T) *plot.Plot {
	t.Helper()
	p, err := Lines("loss", Curve("train", []float32{1, 0.5, 0.2, 0.1}), XY("val", []float64{1, 4}, []float64{0.9, 0.3}))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRenderSVGAndPNG(t *testing.T) {
	p := samplePlot(t)
	svg, err := SVG(p, 4*vg.Inch, 3*vg.Inch)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(svg, []byte("<svg")) || !bytes.Contains(svg, []byte(`width="288pt"`)) {
		t.Errorf("SVG lacks <svg or its 288pt width: %.200s", svg)
	}
	b, err := PNG(p, 4*vg.Inch, 3*vg.Inch)
	if err != nil {
		t.Fatal(err)
	}
	m, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	// gonum renders PNG at 96 dpi: 4x3 inches -> 384x288 pixels.
	if m.Bounds().Dx() != 384 || m.Bounds().Dy() != 288 {
		t.Errorf("PNG is %v, want 384x288", m.Bounds())
	}
	// A log axis over a zero value panics inside gonum: it must come back as an error.
	bad, _ := Lines("bad", Curve("zero", []float64{1, 0}))
	SetLogY(bad)
	if _, err := SVG(bad, 0, 0); err == nil {
		t.Error("log axis over 0: want an error")
	}
	if _, err := SVG(nil, 0, 0); err == nil {
		t.Error("nil plot: want an error")
	}
}

func TestShowAndSave(t *testing.T) {
	p := samplePlot(t)
	// Outside a notebook: nothing displayed, no error.
	if err := Show(p, 0, 0); err != nil {
		t.Fatal(err)
	}
	nb := useFakeNotebook(t)
	if err := Show(p, 0, 0); err != nil {
		t.Fatal(err)
	}
	if len(nb.html) != 1 || !strings.HasPrefix(nb.html[0], "<div>") || !strings.Contains(nb.html[0], "<svg") || strings.Contains(nb.html[0], "<?xml") {
		t.Errorf("Show displayed %d blocks, first %.80q", len(nb.html), nb.html)
	}
	if err := ShowPNG(p, 0, 0); err != nil || nb.pngs != 1 {
		t.Errorf("ShowPNG: err %v, %d PNGs", err, nb.pngs)
	}
	dir := t.TempDir()
	for _, name := range []string{"a.svg", "a.png", "a.pdf"} {
		if err := Save(p, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Size() < 100 {
			t.Errorf("%s: %v, %v", name, st, err)
		}
	}
	if err := Save(p, filepath.Join(dir, "noext")); err == nil {
		t.Error("no extension: want an error")
	}
	if err := Save(p, filepath.Join(dir, "a.xyz")); err == nil {
		t.Error("unknown format: want an error")
	}
}

func TestBuilders(t *testing.T) {
	a, err := Points("a", []float32{0, 0, 1, 2, 3, -1})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.X) != 3 || a.X[1] != 1 || a.Y[1] != 2 || a.Y[2] != -1 {
		t.Errorf("Points: %+v", a)
	}
	if _, err := Points("odd", []float32{1, 2, 3}); err == nil {
		t.Error("odd length: want an error")
	}
	p, err := Scatter("s", a, XY("b", []float64{5}, []float64{5}))
	if err != nil {
		t.Fatal(err)
	}
	if p.X.Min != 0 || p.X.Max != 5 || p.Y.Min != -1 || p.Y.Max != 5 {
		t.Errorf("scatter range x [%v,%v] y [%v,%v]", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
	if _, err := SVG(p, 0, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := Scatter("bad", Series{X: []float64{1}, Y: nil}); err == nil {
		t.Error("x/y length mismatch: want an error")
	}
	c := Curve("c", []float32{3, 2})
	if c.X[0] != 1 || c.X[1] != 2 {
		t.Errorf("Curve x = %v, want steps 1, 2", c.X)
	}
}

func TestHistogram(t *testing.T) {
	// Bins over [0, 4] of width 1: 0 -> bin 0, 1.5 -> bin 1, 4 (the top) -> bin 3.
	got := HistCounts([]float64{0, 1.5, 1.9, 4, 5, math.NaN()}, 0, 4, 4)
	want := []float64{1, 2, 0, 1}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("HistCounts = %v, want %v", got, want)
		}
	}
	p, err := Histogram("h", 4, true, HistOf("a", []float32{0, 1, 1, 2, 3, 4}), HistOf("b", []float64{2, 2}))
	if err != nil {
		t.Fatal(err)
	}
	if p.X.Min != 0 || p.X.Max != 4 {
		t.Errorf("x range [%v, %v], want [0, 4] (shared bins)", p.X.Min, p.X.Max)
	}
	// Density: sample b has both values in one bin of width 1: height 1.
	if p.Y.Max != 1 {
		t.Errorf("y max %v, want 1", p.Y.Max)
	}
	if _, err := SVG(p, 0, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := Histogram("e", 4, false, HistOf("nan", []float64{math.NaN()})); err == nil {
		t.Error("no finite value: want an error")
	}
	if _, err := Histogram("e", 0, false); err == nil {
		t.Error("0 bins: want an error")
	}
}

func TestHeatMap(t *testing.T) {
	z := []float32{1, 2, 3, 4, 5, -6} // [2, 3]
	g := Grid2D{Data: F64(z), Rows: 2, Cols: 3, Image: true}
	if g.Z(0, 0) != 4 || g.Z(2, 1) != 3 {
		t.Errorf("Image grid: Z(0,0) = %v (want 4, bottom row), Z(2,1) = %v (want 3)", g.Z(0, 0), g.Z(2, 1))
	}
	g.Image = false
	if g.Z(0, 0) != 1 || g.X(2) != 2 || g.Y(1) != 1 {
		t.Error("plain grid indices")
	}
	p, err := HeatMap("w", z, 2, 3, HeatOptions{Signed: true, Image: true})
	if err != nil {
		t.Fatal(err)
	}
	// Cells centred on indices: x spans [-0.5, 2.5], y [-0.5, 1.5].
	if p.X.Min != -0.5 || p.X.Max != 2.5 || p.Y.Min != -0.5 || p.Y.Max != 1.5 {
		t.Errorf("range x [%v,%v] y [%v,%v]", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
	if _, err := SVG(p, 0, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := PNG(p, 0, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := HeatMap("w", z, 4, 3, HeatOptions{}); err == nil {
		t.Error("wrong size: want an error")
	}
}

func TestQuiver(t *testing.T) {
	from := []float32{1, 1, 5, 5, 2, 8}
	to := []float32{4, 5, 5, 5, 3, 9} // arrow 1 has zero length
	q, err := Displacement(from, to)
	if err != nil {
		t.Fatal(err)
	}
	if q.U[0] != 3 || q.V[0] != 4 || q.U[1] != 0 {
		t.Errorf("vectors %v %v", q.U, q.V)
	}
	xmin, xmax, ymin, ymax := q.DataRange()
	if xmin != 1 || xmax != 5 || ymin != 1 || ymax != 9 {
		t.Errorf("DataRange = %v %v %v %v, want 1 5 1 9", xmin, xmax, ymin, ymax)
	}
	q.Scale = 2 // heads now at (7, 9), (5, 5), (4, 10)
	xmin, xmax, ymin, ymax = q.DataRange()
	if xmin != 1 || xmax != 7 || ymin != 1 || ymax != 10 {
		t.Errorf("scaled DataRange = %v %v %v %v, want 1 7 1 10", xmin, xmax, ymin, ymax)
	}
	q.Scale = 1

	// Draw on a recording canvas of 100x100 points with axes [0, 10]:
	// one data unit is 10 points.
	rec := &recorder.Canvas{}
	c := draw.NewCanvas(rec, 100, 100)
	plt := plot.New()
	plt.X.Min, plt.X.Max, plt.Y.Min, plt.Y.Max = 0, 10, 0, 10
	q.Plot(c, plt)
	var strokes []vg.Path
	for _, a := range rec.Actions {
		if s, ok := a.(*recorder.Stroke); ok {
			strokes = append(strokes, s.Path)
		}
	}
	// Two arrows of non-zero length: a shaft and a head each.
	if len(strokes) != 4 {
		t.Fatalf("%d strokes, want 4", len(strokes))
	}
	pos := func(p vg.Path, i int) (float64, float64) { return float64(p[i].Pos.X), float64(p[i].Pos.Y) }
	x0, y0 := pos(strokes[0], 0)
	x1, y1 := pos(strokes[0], 1)
	if x0 != 10 || y0 != 10 || x1 != 40 || y1 != 50 {
		t.Errorf("shaft (%v,%v)-(%v,%v), want (10,10)-(40,50)", x0, y0, x1, y1)
	}
	// The head passes through the tip; its ends are HeadLength (4 pt) from it.
	hx, hy := pos(strokes[1], 1)
	if hx != 40 || hy != 50 {
		t.Errorf("head tip (%v,%v), want (40,50)", hx, hy)
	}
	ex, ey := pos(strokes[1], 0)
	if d := math.Hypot(ex-40, ey-50); math.Abs(d-4) > 1e-9 {
		t.Errorf("head stroke length %v, want 4", d)
	}
	// Short arrow (1 unit = 10 pt diagonal 14.1 pt): head capped at 40%.
	ex, ey = pos(strokes[3], 0)
	if d := math.Hypot(ex-30, ey-90); math.Abs(d-4) > 1e-9 {
		t.Errorf("short head length %v, want 4 (< 0.4*14.1)", d)
	}

	p := QuiverPlot("phi(x~) - x~", q)
	p.Legend.Add("displacement", q)
	if _, err := SVG(p, 0, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := NewQuiver([]float64{1}, []float64{1, 2}, []float64{1}, []float64{1}); err == nil {
		t.Error("length mismatch: want an error")
	}
	g := GridPoints(-1, 1, 3, 0, 2, 2)
	want := []float32{-1, 0, 0, 0, 1, 0, -1, 2, 0, 2, 1, 2}
	if len(g) != len(want) {
		t.Fatalf("GridPoints = %v", g)
	}
	for i := range want {
		if g[i] != want[i] {
			t.Fatalf("GridPoints = %v, want %v", g, want)
		}
	}
}
