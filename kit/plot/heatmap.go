package plot

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Grid2D is a 2D array Data: [Rows, Cols] (row-major) on a regular grid; it
// implements plotter.GridXYZ. Column c sits at x = X0 + c*DX and grid row r
// at y = Y0 + r*DY (DX, DY of 0 are taken as 1). With Image set, data row 0
// is drawn at the top (image convention): grid row r shows data row
// Rows-1-r.
type Grid2D struct {
	Data       []float64
	Rows, Cols int
	X0, DX     float64
	Y0, DY     float64
	Image      bool
}

var _ plotter.GridXYZ = Grid2D{}

// Dims implements plotter.GridXYZ: (columns, rows).
func (g Grid2D) Dims() (c, r int) { return g.Cols, g.Rows }

// Z implements plotter.GridXYZ.
func (g Grid2D) Z(c, r int) float64 {
	if g.Image {
		r = g.Rows - 1 - r
	}
	return g.Data[r*g.Cols+c]
}

// X implements plotter.GridXYZ.
func (g Grid2D) X(c int) float64 { return g.X0 + float64(c)*one(g.DX) }

// Y implements plotter.GridXYZ.
func (g Grid2D) Y(r int) float64 { return g.Y0 + float64(r)*one(g.DY) }

func one(d float64) float64 {
	if d == 0 {
		return 1
	}
	return d
}

// HeatOptions sets up a [HeatMap]. The zero value draws unsigned data with
// the Kindlmann colour map over the data range, row 0 at the bottom.
type HeatOptions struct {
	// Signed uses a blue-white-red diverging map centred on 0 over
	// [-m, m], m = max |z| (or max(|Min|, |Max|) if those are set).
	Signed bool
	// Image draws row 0 at the top, as an image.
	Image bool
	// Min and Max fix the colour range; both 0 means the data range.
	Min, Max float64
	// ColorMap replaces the default colour map (its range is set here).
	ColorMap palette.ColorMap
	// X0, DX, Y0, DY place the cells as in [Grid2D] (default: indices).
	X0, DX, Y0, DY float64
}

// HeatMap draws z: [rows, cols] as coloured cells, with the colour range in
// the legend. NaN cells are drawn transparent.
func HeatMap[T Float](title string, z []T, rows, cols int, o HeatOptions) (*plot.Plot, error) {
	if rows <= 0 || cols <= 0 || len(z) != rows*cols {
		return nil, fmt.Errorf("plot: HeatMap of [%d, %d] needs %d values, got %d", rows, cols, rows*cols, len(z))
	}
	g := Grid2D{Data: F64(z), Rows: rows, Cols: cols, X0: o.X0, DX: o.DX, Y0: o.Y0, DY: o.DY, Image: o.Image}
	lo, hi := o.Min, o.Max
	if lo == 0 && hi == 0 {
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, v := range g.Data {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
		if lo > hi {
			return nil, fmt.Errorf("plot: HeatMap has no finite value")
		}
	}
	if o.Signed {
		m := math.Max(math.Abs(lo), math.Abs(hi))
		lo, hi = -m, m
	}
	if lo == hi {
		lo, hi = lo-0.5, hi+0.5
	}
	if lo > hi {
		return nil, fmt.Errorf("plot: HeatMap Min %v > Max %v", lo, hi)
	}
	cm := o.ColorMap
	if cm == nil {
		if o.Signed {
			cm = moreland.SmoothBlueRed()
		} else {
			cm = moreland.Kindlmann()
		}
	}
	cm.SetMin(lo)
	cm.SetMax(hi)
	h := plotter.NewHeatMap(g, cm.Palette(255))
	h.Min, h.Max = lo, hi
	h.Underflow, h.Overflow = h.Palette.Colors()[0], h.Palette.Colors()[254]
	h.NaN = color.Transparent
	h.Rasterized = rows*cols > 4096
	p := plot.New()
	p.Title.Text = title
	p.Add(h)
	loC, _ := cm.At(lo)
	hiC, _ := cm.At(hi)
	p.Legend.Add(fmt.Sprintf("%.4g", hi), swatch{hiC})
	p.Legend.Add(fmt.Sprintf("%.4g", lo), swatch{loC})
	p.Legend.Left = false
	return p, nil
}

// swatch is a legend thumbnail filled with one colour.
type swatch struct{ c color.Color }

// Thumbnail implements plot.Thumbnailer.
func (s swatch) Thumbnail(c *draw.Canvas) {
	c.FillPolygon(s.c, c.ClipPolygonY([]vg.Point{
		{X: c.Min.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Min.X, Y: c.Max.Y},
	}))
}
