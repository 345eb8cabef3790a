package plot

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Float is the element type the builders accept: float32 (tensors) or
// float64.
type Float interface{ ~float32 | ~float64 }

// F64 converts a slice to float64.
func F64[T Float](x []T) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

// Series is a named set of points (x[i], y[i]) for [Scatter] and [Lines].
type Series struct {
	Name  string      // legend entry; "" for none
	X, Y  []float64   // same length
	Color color.Color // nil: the i-th colour of plotutil's palette
}

// XY makes a Series from x and y of the same length.
func XY[T Float](name string, x, y []T) Series {
	return Series{Name: name, X: F64(x), Y: F64(y)}
}

// Curve makes a Series of y against 1, 2, ..., len(y) (e.g. a loss per step).
func Curve[T Float](name string, y []T) Series {
	x := make([]float64, len(y))
	for i := range x {
		x[i] = float64(i + 1)
	}
	return Series{Name: name, X: x, Y: F64(y)}
}

// Points makes a Series from 2D points xy: [N, 2] (row-major, as a batch of
// 2D samples comes out of a model).
func Points[T Float](name string, xy []T) (Series, error) {
	if len(xy)%2 != 0 {
		return Series{}, fmt.Errorf("plot: Points needs [N, 2] values, got %d values", len(xy))
	}
	n := len(xy) / 2
	s := Series{Name: name, X: make([]float64, n), Y: make([]float64, n)}
	for i := range n {
		s.X[i], s.Y[i] = float64(xy[2*i]), float64(xy[2*i+1])
	}
	return s, nil
}

func (s Series) xys() (plotter.XYs, error) {
	if len(s.X) != len(s.Y) {
		return nil, fmt.Errorf("plot: series %q has %d x and %d y values", s.Name, len(s.X), len(s.Y))
	}
	xys := make(plotter.XYs, len(s.X))
	for i := range s.X {
		xys[i].X, xys[i].Y = s.X[i], s.Y[i]
	}
	return xys, nil
}

func (s Series) color(i int) color.Color {
	if s.Color != nil {
		return s.Color
	}
	return plotutil.Color(i)
}

// PointRadius is the radius of the dots drawn by [Scatter].
var PointRadius = vg.Points(1.5)

// Scatter plots point sets as filled dots, one colour per set, with a
// legend of the named sets. Set axis labels afterwards, e.g.
// p.X.Label.Text = "x1".
func Scatter(title string, sets ...Series) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	for i, s := range sets {
		xys, err := s.xys()
		if err != nil {
			return nil, err
		}
		sc, err := plotter.NewScatter(xys)
		if err != nil {
			return nil, fmt.Errorf("plot: series %q: %w", s.Name, err)
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: s.color(i), Radius: PointRadius, Shape: draw.CircleGlyph{}}
		p.Add(sc)
		if s.Name != "" {
			p.Legend.Add(s.Name, sc)
		}
	}
	return p, nil
}

// Lines plots curves as lines, one colour per curve, with a legend and a
// light grid. For a loss curve use [Curve] and [SetLogY].
func Lines(title string, curves ...Series) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	p.Add(plotter.NewGrid())
	for i, s := range curves {
		xys, err := s.xys()
		if err != nil {
			return nil, err
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, fmt.Errorf("plot: series %q: %w", s.Name, err)
		}
		l.LineStyle.Color = s.color(i)
		l.LineStyle.Width = vg.Points(1.2)
		p.Add(l)
		if s.Name != "" {
			p.Legend.Add(s.Name, l)
		}
	}
	p.Legend.Top = true
	return p, nil
}

// SetLogY switches the y axis to a log scale with powers-of-ten ticks. All
// y values must then be > 0 (drawing fails otherwise).
func SetLogY(p *plot.Plot) {
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
}

// Hist is one sample for [Histogram].
type Hist struct {
	Name   string
	Values []float64
	Color  color.Color // nil: the i-th colour of plotutil's palette
}

// HistOf makes a Hist from values.
func HistOf[T Float](name string, values []T) Hist {
	return Hist{Name: name, Values: F64(values)}
}

// Histogram draws the samples as translucent histograms over shared bins
// (bins equal-width bins spanning all finite values). With density true the
// bar heights are a density (each histogram's area is 1); otherwise counts.
// NaN and Inf values are ignored.
func Histogram(title string, bins int, density bool, samples ...Hist) (*plot.Plot, error) {
	if bins <= 0 {
		return nil, fmt.Errorf("plot: Histogram needs bins > 0, got %d", bins)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range samples {
		for _, v := range s.Values {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if lo > hi {
		return nil, fmt.Errorf("plot: Histogram has no finite value")
	}
	if lo == hi {
		lo, hi = lo-0.5, hi+0.5
	}
	width := (hi - lo) / float64(bins)
	p := plot.New()
	p.Title.Text = title
	for i, s := range samples {
		counts := HistCounts(s.Values, lo, hi, bins)
		total := 0.0
		for _, c := range counts {
			total += c
		}
		h := &plotter.Histogram{Width: width, LineStyle: plotter.DefaultLineStyle}
		col := s.color(i)
		r, g, b, _ := col.RGBA()
		h.FillColor = color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 110}
		h.LineStyle.Color = col
		h.LineStyle.Width = vg.Points(0.5)
		for k, c := range counts {
			w := c
			if density && total > 0 {
				w = c / (total * width)
			}
			h.Bins = append(h.Bins, plotter.HistogramBin{Min: lo + float64(k)*width, Max: lo + float64(k+1)*width, Weight: w})
		}
		p.Add(h)
		if s.Name != "" {
			p.Legend.Add(s.Name, h)
		}
	}
	p.Legend.Top = true
	return p, nil
}

func (s Hist) color(i int) color.Color {
	if s.Color != nil {
		return s.Color
	}
	return plotutil.Color(i)
}

// HistCounts counts values in bins equal-width bins over [lo, hi]: bin k is
// [lo + k w, lo + (k+1) w), the last bin also holds hi. Values outside
// [lo, hi], NaN and Inf are not counted.
func HistCounts(values []float64, lo, hi float64, bins int) []float64 {
	counts := make([]float64, bins)
	w := (hi - lo) / float64(bins)
	for _, v := range values {
		if math.IsNaN(v) || v < lo || v > hi || math.IsInf(v, 0) {
			continue
		}
		k := int((v - lo) / w)
		if k >= bins {
			k = bins - 1
		}
		counts[k]++
	}
	return counts
}
