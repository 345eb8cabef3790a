package plot

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Quiver is a gonum plot.Plotter drawing arrows from (X[i], Y[i]) to
// (X[i] + Scale U[i], Y[i] + Scale V[i]) in data coordinates, so an arrow
// ends exactly where its vector points (unlike plotter.Field, which rescales
// vectors to the grid cell). It is the picture of a denoising autoencoder's
// displacement field phi(x~) - x~: each corrupted point x~ with an arrow to
// its reconstruction.
type Quiver struct {
	X, Y, U, V []float64 // same length: arrow tails and vectors

	// Scale multiplies every vector (0 is taken as 1).
	Scale float64

	// LineStyle of the shafts and heads.
	LineStyle draw.LineStyle

	// HeadLength is the length of the two strokes of an arrow head; a head is
	// never longer than 40% of its shaft on the canvas.
	HeadLength vg.Length

	// HeadAngle is the angle in radians between the shaft and each stroke of
	// the head.
	HeadAngle float64
}

var (
	_ plot.Plotter     = (*Quiver)(nil)
	_ plot.DataRanger  = (*Quiver)(nil)
	_ plot.Thumbnailer = (*Quiver)(nil)
)

// NewQuiver makes a Quiver of arrows from (x[i], y[i]) along (u[i], v[i]).
// It returns an error unless the four slices have the same length.
func NewQuiver[T Float](x, y, u, v []T) (*Quiver, error) {
	if len(x) != len(y) || len(x) != len(u) || len(x) != len(v) {
		return nil, fmt.Errorf("plot: NewQuiver needs slices of one length, got x %d, y %d, u %d, v %d",
			len(x), len(y), len(u), len(v))
	}
	ls := plotter.DefaultLineStyle
	ls.Width = vg.Points(0.8)
	return &Quiver{X: F64(x), Y: F64(y), U: F64(u), V: F64(v), Scale: 1,
		LineStyle: ls, HeadLength: vg.Points(4), HeadAngle: math.Pi / 7}, nil
}

// Displacement makes a Quiver of arrows from from[i] to to[i], both
// [N, 2] (e.g. corrupted inputs x~ and their reconstructions phi(x~)).
func Displacement[T Float](from, to []T) (*Quiver, error) {
	if len(from) != len(to) || len(from)%2 != 0 {
		return nil, fmt.Errorf("plot: Displacement needs two [N, 2] slices, got %d and %d values", len(from), len(to))
	}
	n := len(from) / 2
	x, y, u, v := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		x[i], y[i] = float64(from[2*i]), float64(from[2*i+1])
		u[i], v[i] = float64(to[2*i])-x[i], float64(to[2*i+1])-y[i]
	}
	return NewQuiver(x, y, u, v)
}

// GridPoints returns the nx x ny points of a regular grid over
// [xmin, xmax] x [ymin, ymax] as [ny*nx, 2] float32 (row-major: y outer, x
// inner), ready to feed to a model. nx or ny of 1 gives the lower bound.
func GridPoints(xmin, xmax float64, nx int, ymin, ymax float64, ny int) []float32 {
	if nx <= 0 || ny <= 0 {
		return nil
	}
	step := func(lo, hi float64, n int) float64 {
		if n == 1 {
			return 0
		}
		return (hi - lo) / float64(n-1)
	}
	dx, dy := step(xmin, xmax, nx), step(ymin, ymax, ny)
	out := make([]float32, 0, 2*nx*ny)
	for j := range ny {
		for i := range nx {
			out = append(out, float32(xmin+float64(i)*dx), float32(ymin+float64(j)*dy))
		}
	}
	return out
}

func (q *Quiver) scale() float64 {
	if q.Scale == 0 {
		return 1
	}
	return q.Scale
}

// Head returns the head (x, y) of arrow i in data coordinates.
func (q *Quiver) Head(i int) (float64, float64) {
	s := q.scale()
	return q.X[i] + s*q.U[i], q.Y[i] + s*q.V[i]
}

// DataRange implements plot.DataRanger: the box holding every tail and head
// (NaN arrows ignored).
func (q *Quiver) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for i := range q.X {
		hx, hy := q.Head(i)
		for _, p := range [][2]float64{{q.X[i], q.Y[i]}, {hx, hy}} {
			if math.IsNaN(p[0]) || math.IsNaN(p[1]) {
				continue
			}
			xmin, xmax = math.Min(xmin, p[0]), math.Max(xmax, p[0])
			ymin, ymax = math.Min(ymin, p[1]), math.Max(ymax, p[1])
		}
	}
	if xmin > xmax { // no arrow
		return 0, 1, 0, 1
	}
	return xmin, xmax, ymin, ymax
}

// Plot implements plot.Plotter: one shaft and a two-stroke head per arrow.
// Zero-length arrows draw nothing; shafts are clipped to the canvas and a
// head is drawn only if its tip is inside the canvas.
func (q *Quiver) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	for i := range q.X {
		hx, hy := q.Head(i)
		if math.IsNaN(hx) || math.IsNaN(hy) || math.IsNaN(q.X[i]) || math.IsNaN(q.Y[i]) {
			continue
		}
		tail := vg.Point{X: trX(q.X[i]), Y: trY(q.Y[i])}
		tip := vg.Point{X: trX(hx), Y: trY(hy)}
		for _, seg := range q.arrow(tail, tip, c.Contains(tip)) {
			c.StrokeLines(q.LineStyle, c.ClipLinesXY(seg)...)
		}
	}
}

// arrow returns the polylines of one arrow on the canvas: the shaft, and the
// head (as one polyline through the tip) if withHead.
func (q *Quiver) arrow(tail, tip vg.Point, withHead bool) [][]vg.Point {
	dx, dy := float64(tip.X-tail.X), float64(tip.Y-tail.Y)
	n := math.Hypot(dx, dy)
	if n == 0 {
		return nil
	}
	lines := [][]vg.Point{{tail, tip}}
	hl := math.Min(float64(q.HeadLength), 0.4*n)
	if !withHead || hl <= 0 {
		return lines
	}
	ang := math.Atan2(dy, dx)
	side := func(a float64) vg.Point {
		return vg.Point{X: tip.X - vg.Length(hl*math.Cos(a)), Y: tip.Y - vg.Length(hl*math.Sin(a))}
	}
	return append(lines, []vg.Point{side(ang + q.HeadAngle), tip, side(ang - q.HeadAngle)})
}

// Thumbnail implements plot.Thumbnailer: a horizontal arrow for the legend.
func (q *Quiver) Thumbnail(c *draw.Canvas) {
	y := (c.Min.Y + c.Max.Y) / 2
	for _, seg := range q.arrow(vg.Point{X: c.Min.X, Y: y}, vg.Point{X: c.Max.X, Y: y}, true) {
		c.StrokeLines(q.LineStyle, seg)
	}
}

// QuiverPlot makes a titled plot holding q; add more (e.g. a [Scatter] of
// the clean data) with p.Add.
func QuiverPlot(title string, q *Quiver) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Add(q)
	return p
}
