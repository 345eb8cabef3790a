// The 2D toy of lecture 7.3: a signal X on an "open circle" (a circle with a
// gap), observed through additive Gaussian noise, X~ = X + sigma N. This file
// holds the prior, the sampling of (X, X~) pairs and the grid of query points
// for displacement-field plots; posterior.go holds the exact MSE-optimal
// denoiser E[X | X~] that a network phi trained with the quadratic loss
// approximates.

package dae

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Defaults of the 2D toy, as used in this project's notebook.
//
// The lecture trains phi on points of an "open circle" with noise sigma = 0.1.
// We choose a unit circle with a gap of 22.5 degrees (pi/8) centred at angle 0
// (the positive x axis). The gap is narrow on purpose: its chord
// (2 sin(pi/16) ~ 0.39 = 3.9 sigma) spans only a few noise widths, so noisy
// points near the gap do occur in training data (the density of X~ at the gap
// centre is ~5% of its value on the arc) and their posterior is genuinely
// bimodal (both gap ends are plausible origins). A wide gap, say pi/2 (chord
// 14 sigma), would put the bimodal region where X~ has density ~1e-14 of that
// on the arc: no training point would ever fall there.
const (
	DefaultRadius    = 1.0         // radius R of the circle
	DefaultGapCenter = 0.0         // angle (radians) of the middle of the gap
	DefaultGapWidth  = math.Pi / 8 // angular width of the gap (radians)
	DefaultSigma     = 0.1         // noise standard deviation sigma, per coordinate
)

// OpenCircle is the prior of the 2D toy: X = R (cos theta, sin theta) with theta
// uniform on the arc, i.e. the circle of radius Radius minus the open gap of
// angular width GapWidth centred at angle GapCenter. GapWidth = 0 gives the
// full circle. The zero value is invalid; use [DefaultOpenCircle] or fill all
// fields.
//
// In the arc's own coordinate, theta = ArcStart() + t with t in [0, ArcSpan()].
type OpenCircle struct {
	Radius    float64 // R > 0
	GapCenter float64 // angle (radians) of the middle of the gap
	GapWidth  float64 // angular width of the gap, in [0, 2 pi)
}

// DefaultOpenCircle returns the toy prior used in the notebook: unit radius,
// gap of width pi/8 centred at angle 0 (see the constants' comment for why).
func DefaultOpenCircle() OpenCircle {
	return OpenCircle{Radius: DefaultRadius, GapCenter: DefaultGapCenter, GapWidth: DefaultGapWidth}
}

// Validate reports whether the prior's parameters are usable.
func (c OpenCircle) Validate() error {
	switch {
	case !(c.Radius > 0) || math.IsInf(c.Radius, 0):
		return fmt.Errorf("dae: OpenCircle.Radius must be finite and > 0, got %g", c.Radius)
	case math.IsNaN(c.GapCenter) || math.IsInf(c.GapCenter, 0):
		return fmt.Errorf("dae: OpenCircle.GapCenter must be finite, got %g", c.GapCenter)
	case !(c.GapWidth >= 0 && c.GapWidth < 2*math.Pi):
		return fmt.Errorf("dae: OpenCircle.GapWidth must be in [0, 2 pi), got %g", c.GapWidth)
	}
	return nil
}

// ArcStart is the angle (radians) where the arc begins, going counter-clockwise
// from the gap's upper end: GapCenter + GapWidth/2.
func (c OpenCircle) ArcStart() float64 { return c.GapCenter + c.GapWidth/2 }

// ArcSpan is the angular length of the arc, 2 pi - GapWidth (radians).
func (c OpenCircle) ArcSpan() float64 { return 2*math.Pi - c.GapWidth }

// Point returns R (cos theta, sin theta).
func (c OpenCircle) Point(theta float64) [2]float64 {
	s, co := math.Sincos(theta)
	return [2]float64{c.Radius * co, c.Radius * s}
}

// InGap reports whether the angle theta (any real, taken mod 2 pi) falls
// strictly inside the gap. Angles within 1e-12 rad of a gap edge count as on
// the arc, so that the computed arc ends (e.g. ArcStart() + ArcSpan()) are not
// lost to rounding.
func (c OpenCircle) InGap(theta float64) bool {
	return math.Abs(wrapAngle(theta-c.GapCenter)) < c.GapWidth/2-gapEdgeTol
}

// gapEdgeTol is the rounding tolerance of [OpenCircle.InGap] (radians).
const gapEdgeTol = 1e-12

// Ends returns the two end points of the arc: at ArcStart() and at
// ArcStart() + ArcSpan(). For a full circle both are the same point.
func (c OpenCircle) Ends() (start, end [2]float64) {
	return c.Point(c.ArcStart()), c.Point(c.ArcStart() + c.ArcSpan())
}

// Nearest returns the point of the arc closest to p: the radial projection
// R p/|p| when p's direction is on the arc, else the nearer arc end. For p at
// the origin every point of the arc is at distance R; the arc's first point is
// returned.
func (c OpenCircle) Nearest(p [2]float64) [2]float64 {
	r := math.Hypot(p[0], p[1])
	if r == 0 {
		return c.Point(c.ArcStart())
	}
	phi := math.Atan2(p[1], p[0])
	if !c.InGap(phi) {
		return [2]float64{c.Radius * p[0] / r, c.Radius * p[1] / r}
	}
	a, b := c.Ends()
	if dist2(p, a) <= dist2(p, b) {
		return a
	}
	return b
}

// DistanceToArc is the Euclidean distance from p to the arc (the support of X).
func (c OpenCircle) DistanceToArc(p [2]float64) float64 {
	return math.Sqrt(dist2(p, c.Nearest(p)))
}

// Sample draws n points X uniformly on the arc (uniform in angle, hence in arc
// length). The same seed gives the same points. Result: [n][2] float64.
func (c OpenCircle) Sample(n int, seed uint64) ([][2]float64, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, fmt.Errorf("dae: OpenCircle.Sample: n must be >= 0, got %d", n)
	}
	g := newPairGen(c, 0, seed)
	out := make([][2]float64, n)
	for i := range out {
		out[i] = g.clean()
	}
	return out, nil
}

// Pairs draws n training pairs (X, X~): X uniform on the arc as in [Sample]
// (the same seed gives the same clean points), and X~ = X + sigma N with N a
// standard 2D Gaussian, drawn from an independent random stream. Results:
// clean and noisy, both [n][2] float64.
func (c OpenCircle) Pairs(n int, sigma float64, seed uint64) (clean, noisy [][2]float64, err error) {
	if err := c.Validate(); err != nil {
		return nil, nil, err
	}
	if n < 0 {
		return nil, nil, fmt.Errorf("dae: OpenCircle.Pairs: n must be >= 0, got %d", n)
	}
	if err := checkSigma(sigma); err != nil {
		return nil, nil, err
	}
	g := newPairGen(c, sigma, seed)
	clean = make([][2]float64, n)
	noisy = make([][2]float64, n)
	for i := range clean {
		clean[i], noisy[i] = g.next()
	}
	return clean, noisy, nil
}

// pairGen generates (X, X~) pairs from two independent PCG streams, one for
// the angle of X and one for the noise, so that the clean points of [Pairs]
// equal those of [Sample] for the same seed whatever sigma is.
type pairGen struct {
	c            OpenCircle
	sigma        float64
	angle, noise *rand.Rand
}

// Stream identifiers of the PCG generators (arbitrary fixed constants).
const (
	streamAngle = 0x6f70656e636972 // "opencir"
	streamNoise = 0x6e6f697365     // "noise"
)

func newPairGen(c OpenCircle, sigma float64, seed uint64) *pairGen {
	return &pairGen{
		c:     c,
		sigma: sigma,
		angle: rand.New(rand.NewPCG(seed, streamAngle)),
		noise: rand.New(rand.NewPCG(seed, streamNoise)),
	}
}

func (g *pairGen) clean() [2]float64 {
	return g.c.Point(g.c.ArcStart() + g.c.ArcSpan()*g.angle.Float64())
}

func (g *pairGen) next() (x, xn [2]float64) {
	x = g.clean()
	xn = [2]float64{x[0] + g.sigma*g.noise.NormFloat64(), x[1] + g.sigma*g.noise.NormFloat64()}
	return x, xn
}

// Grid returns the n x n query points of a regular grid on
// [xmin, xmax] x [ymin, ymax], for plotting the displacement field
// phi(x~) - x~. Point k = i*n + j has x = xmin + j (xmax-xmin)/(n-1) and
// y = ymin + i (ymax-ymin)/(n-1) (rows of constant y, y increasing).
// Result: [n*n][2] float64. n must be >= 2.
func Grid(xmin, xmax, ymin, ymax float64, n int) ([][2]float64, error) {
	if n < 2 {
		return nil, fmt.Errorf("dae: Grid: n must be >= 2, got %d", n)
	}
	for _, v := range []float64{xmin, xmax, ymin, ymax} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, errors.New("dae: Grid: bounds must be finite")
		}
	}
	if !(xmax > xmin) || !(ymax > ymin) {
		return nil, fmt.Errorf("dae: Grid: need xmin < xmax and ymin < ymax, got [%g, %g] x [%g, %g]", xmin, xmax, ymin, ymax)
	}
	out := make([][2]float64, 0, n*n)
	for i := range n {
		y := ymin + float64(i)*(ymax-ymin)/float64(n-1)
		for j := range n {
			out = append(out, [2]float64{xmin + float64(j)*(xmax-xmin)/float64(n-1), y})
		}
	}
	return out, nil
}

// Flatten32 converts points [n][2] float64 to a flat row-major []float32 of
// shape [n, 2], the layout of a [B, 2] float32 tensor.
func Flatten32(pts [][2]float64) []float32 {
	out := make([]float32, 2*len(pts))
	for i, p := range pts {
		out[2*i], out[2*i+1] = float32(p[0]), float32(p[1])
	}
	return out
}

// Unflatten32 is the inverse of [Flatten32]: flat [n, 2] float32 to [n][2]
// float64. It fails when len(flat) is odd.
func Unflatten32(flat []float32) ([][2]float64, error) {
	if len(flat)%2 != 0 {
		return nil, fmt.Errorf("dae: Unflatten32: length %d is not a multiple of 2", len(flat))
	}
	out := make([][2]float64, len(flat)/2)
	for i := range out {
		out[i] = [2]float64{float64(flat[2*i]), float64(flat[2*i+1])}
	}
	return out, nil
}

// MeanSquaredError is the test MSE of predictions pred of targets x, with the
// convention of this package: the squared Euclidean error per point, summed
// over the 2 coordinates, averaged over points, E|phi(X~) - X|^2. (The
// identity phi(x~) = x~ scores 2 sigma^2 under this convention; a per-coordinate
// mean such as PyTorch's MSELoss is half of it.) It also returns the standard
// error of that mean. pred and x: [n][2], n >= 2.
func MeanSquaredError(pred, x [][2]float64) (mse, stdErr float64, err error) {
	if len(pred) != len(x) {
		return 0, 0, fmt.Errorf("dae: MeanSquaredError: %d predictions for %d targets", len(pred), len(x))
	}
	if len(x) < 2 {
		return 0, 0, fmt.Errorf("dae: MeanSquaredError: need at least 2 points, got %d", len(x))
	}
	var m meanVar
	for i := range x {
		m.add(dist2(pred[i], x[i]))
	}
	return m.mean, m.stdErr(), nil
}

// meanVar accumulates a mean and variance (Welford).
type meanVar struct {
	n       int
	mean, s float64
}

func (m *meanVar) add(v float64) {
	m.n++
	d := v - m.mean
	m.mean += d / float64(m.n)
	m.s += d * (v - m.mean)
}

// stdErr is the standard error of the mean (sample std / sqrt(n)).
func (m *meanVar) stdErr() float64 {
	if m.n < 2 {
		return math.NaN()
	}
	return math.Sqrt(m.s / float64(m.n-1) / float64(m.n))
}

func dist2(a, b [2]float64) float64 {
	dx, dy := a[0]-b[0], a[1]-b[1]
	return dx*dx + dy*dy
}

// wrapAngle maps an angle to [-pi, pi).
func wrapAngle(a float64) float64 {
	a = math.Mod(a+math.Pi, 2*math.Pi)
	if a < 0 {
		a += 2 * math.Pi
	}
	return a - math.Pi
}

func checkSigma(sigma float64) error {
	if !(sigma > 0) || math.IsInf(sigma, 0) {
		return fmt.Errorf("dae: sigma must be finite and > 0, got %g", sigma)
	}
	return nil
}
