// Loss -> statistic. Minimising E[rho(c - Y)] over a constant c gives a
// statistic of the distribution of Y: L2 the mean, L1 the median, and the
// paper's annealed "L0" (|c - y| + eps)^gamma, gamma -> 0, a mode-seeking
// point. A network trained on noisy targets Y = X + delta with loss rho learns,
// for each input, that statistic of the target's conditional distribution:
// it recovers X when the statistic of the noise is 0 (zero mean for L2,
// zero median for L1, ...).

package n2n

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// LossKind names a per-sample loss rho(r) of the residual r = c - y.
type LossKind int

const (
	// LossL2 is rho(r) = r^2; its minimiser is the mean.
	LossL2 LossKind = iota
	// LossL1 is rho(r) = |r|; its minimiser is a median.
	LossL1
	// LossL0 is the paper's rho(r) = (|r| + Eps)^Gamma, gamma in (0, 2]:
	// gamma = 2 is L2 (up to Eps), gamma = 1 is L1, gamma -> 0 approaches
	// 1 + gamma log(|r| + Eps).
	LossL0
	// LossWelsch is rho(r) = 1 - exp(-r^2 / (2 H^2)), a bounded loss that
	// tends to the indicator 1[r != 0] (the true L0) as H -> 0; its minimiser
	// is the mode of the Gaussian kernel density estimate of bandwidth H.
	LossWelsch
)

// Loss is a per-sample loss rho(c - y) with its parameters. Build it with
// [L2Loss], [L1Loss], [L0Loss] or [WelschLoss].
type Loss struct {
	Kind  LossKind
	Gamma float64 // LossL0: exponent, in (0, 2]
	Eps   float64 // LossL0: offset eps > 0 (the paper: 1e-8)
	H     float64 // LossWelsch: bandwidth h > 0
}

// PaperL0Eps is the eps of the paper's annealed L0 loss (|r| + eps)^gamma.
const PaperL0Eps = 1e-8

// L2Loss is rho(r) = r^2.
func L2Loss() Loss { return Loss{Kind: LossL2} }

// L1Loss is rho(r) = |r|.
func L1Loss() Loss { return Loss{Kind: LossL1} }

// L0Loss is the paper's rho(r) = (|r| + eps)^gamma for one value of gamma.
func L0Loss(gamma, eps float64) Loss { return Loss{Kind: LossL0, Gamma: gamma, Eps: eps} }

// WelschLoss is rho(r) = 1 - exp(-r^2 / (2 h^2)).
func WelschLoss(h float64) Loss { return Loss{Kind: LossWelsch, H: h} }

// Validate reports whether the loss's parameters are usable.
func (l Loss) Validate() error {
	switch l.Kind {
	case LossL2, LossL1:
		return nil
	case LossL0:
		if !(l.Gamma > 0 && l.Gamma <= 2) {
			return fmt.Errorf("n2n: L0 loss: gamma must be in (0, 2], got %g", l.Gamma)
		}
		if !(l.Eps > 0) || math.IsInf(l.Eps, 0) {
			return fmt.Errorf("n2n: L0 loss: eps must be finite and > 0, got %g", l.Eps)
		}
		return nil
	case LossWelsch:
		if !(l.H > 0) || math.IsInf(l.H, 0) {
			return fmt.Errorf("n2n: Welsch loss: h must be finite and > 0, got %g", l.H)
		}
		return nil
	}
	return fmt.Errorf("n2n: unknown loss kind %d", int(l.Kind))
}

// String names the loss, e.g. "L0(gamma=0.5, eps=1e-08)".
func (l Loss) String() string {
	switch l.Kind {
	case LossL2:
		return "L2"
	case LossL1:
		return "L1"
	case LossL0:
		return fmt.Sprintf("L0(gamma=%g, eps=%g)", l.Gamma, l.Eps)
	case LossWelsch:
		return fmt.Sprintf("Welsch(h=%g)", l.H)
	}
	return fmt.Sprintf("Loss(%d)", int(l.Kind))
}

// Value is rho(r) for the residual r = c - y.
func (l Loss) Value(r float64) float64 {
	switch l.Kind {
	case LossL2:
		return r * r
	case LossL1:
		return math.Abs(r)
	case LossL0:
		return math.Pow(math.Abs(r)+l.Eps, l.Gamma)
	case LossWelsch:
		return -math.Expm1(-r * r / (2 * l.H * l.H))
	}
	return math.NaN()
}

// EmpiricalLoss is the empirical risk (1/n) sum_i rho(c - y_i) of the
// constant prediction c.
func EmpiricalLoss(samples []float64, c float64, l Loss) float64 {
	var s float64
	for _, y := range samples {
		s += l.Value(c - y)
	}
	return s / float64(len(samples))
}

// LossCurve returns the empirical risk L(c) = (1/n) sum_i rho(c - y_i) at
// each c of grid, for a plot of the loss landscapes: result [len(grid)].
func LossCurve(samples []float64, l Loss, grid []float64) ([]float64, error) {
	if err := checkSamples(samples); err != nil {
		return nil, err
	}
	if err := l.Validate(); err != nil {
		return nil, err
	}
	out := make([]float64, len(grid))
	for i, c := range grid {
		out[i] = EmpiricalLoss(samples, c, l)
	}
	return out, nil
}

// Linspace returns n >= 2 evenly spaced values from a to b inclusive.
func Linspace(a, b float64, n int) []float64 {
	if n < 2 {
		return []float64{a}
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = a + (b-a)*float64(i)/float64(n-1)
	}
	return out
}

func checkSamples(samples []float64) error {
	if len(samples) == 0 {
		return errors.New("n2n: no samples")
	}
	for i, y := range samples {
		if math.IsNaN(y) || math.IsInf(y, 0) {
			return fmt.Errorf("n2n: sample %d is %g, want finite", i, y)
		}
	}
	return nil
}

// Mean is the closed-form L2 minimiser (1/n) sum_i y_i.
func Mean(samples []float64) float64 {
	var s float64
	for _, y := range samples {
		s += y
	}
	return s / float64(len(samples))
}

// Median is the closed-form L1 minimiser. For odd n it is the middle order
// statistic; for even n every c between the two middle order statistics
// y_(n/2) and y_(n/2+1) minimises the L1 risk (it is flat there) and Median
// returns their midpoint. The input is not modified.
func Median(samples []float64) float64 {
	s := slices.Clone(samples)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return math.NaN()
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// MinimiseLoss returns the constant c that minimises the empirical risk
// (1/n) sum_i rho(c - y_i): the mean for L2, the median for L1 (closed forms,
// see [Mean] and [Median]), and the global minimiser found by
// [MinimiseNumeric] for the other losses.
//
// For the paper's annealed L0 use [AnnealL0], which follows the minimiser
// as gamma decreases from 2 towards 0.
func MinimiseLoss(samples []float64, l Loss) (float64, error) {
	if err := checkSamples(samples); err != nil {
		return 0, err
	}
	if err := l.Validate(); err != nil {
		return 0, err
	}
	switch l.Kind {
	case LossL2:
		return Mean(samples), nil
	case LossL1:
		return Median(samples), nil
	}
	return MinimiseNumeric(samples, l)
}

// numericGrid is the number of grid points of the global search.
const numericGrid = 401

// MinimiseNumeric minimises the empirical risk by brute force, without any
// closed form: a grid of 401 points over [min y, max y] (a loss that grows
// with |r| has its minimiser there) followed by a golden-section refinement
// between the neighbours of the best grid point. The grid makes it robust to
// the non-convex L0 (gamma < 1) and Welsch risks; the refinement gives a
// precision far below the grid step when the risk is smooth there. It is
// the numeric check of the closed forms of [MinimiseLoss].
func MinimiseNumeric(samples []float64, l Loss) (float64, error) {
	if err := checkSamples(samples); err != nil {
		return 0, err
	}
	if err := l.Validate(); err != nil {
		return 0, err
	}
	lo, hi := slices.Min(samples), slices.Max(samples)
	if lo == hi {
		return lo, nil
	}
	return searchWindow(samples, l, lo, hi, numericGrid), nil
}

// searchWindow minimises the risk over [a, b] with a grid of g points and a
// golden-section refinement around the best one.
func searchWindow(samples []float64, l Loss, a, b float64, g int) float64 {
	grid := Linspace(a, b, g)
	best, bi := math.Inf(1), 0
	for i, c := range grid {
		if v := EmpiricalLoss(samples, c, l); v < best {
			best, bi = v, i
		}
	}
	lo, hi := grid[max(bi-1, 0)], grid[min(bi+1, g-1)]
	c := golden(func(c float64) float64 { return EmpiricalLoss(samples, c, l) }, lo, hi, 30)
	if EmpiricalLoss(samples, c, l) <= best {
		return c
	}
	return grid[bi]
}

// golden runs iters steps of golden-section search for a minimum of f on
// [a, b] and returns the midpoint of the final bracket.
func golden(f func(float64) float64, a, b float64, iters int) float64 {
	const r = 0.6180339887498949 // (sqrt 5 - 1) / 2
	x1, x2 := b-r*(b-a), a+r*(b-a)
	f1, f2 := f(x1), f(x2)
	for range iters {
		if f1 <= f2 {
			b, x2, f2 = x2, x1, f1
			x1 = b - r*(b-a)
			f1 = f(x1)
		} else {
			a, x1, f1 = x1, x2, f2
			x2 = a + r*(b-a)
			f2 = f(x2)
		}
	}
	return (a + b) / 2
}

// AnnealConfig sets the paper's annealing of the L0 loss:
// gamma_t = 2 (1 - t/T) for t = 0, ..., T-1 (the paper decreases gamma
// linearly from 2 to 0 over training; gamma = 0 itself is the constant loss 1
// and is never used, so the last value is 2/T).
type AnnealConfig struct {
	Steps int     // T >= 2
	Eps   float64 // eps of (|r| + eps)^gamma; the paper: 1e-8 ([PaperL0Eps])
}

// DefaultAnnealConfig is T = 20 steps (last gamma 0.1) with the paper's eps = 1e-8.
func DefaultAnnealConfig() AnnealConfig { return AnnealConfig{Steps: 20, Eps: PaperL0Eps} }

// AnnealStep is one point of the annealing path: the exponent gamma and the
// minimiser c reached for it.
type AnnealStep struct {
	Gamma float64
	C     float64
}

// AnnealL0 minimises the paper's annealed L0 risk (1/n) sum_i (|c - y_i| +
// eps)^gamma_t over a constant c, following the minimiser as gamma
// decreases (continuation), the way a network trained with the annealed loss
// follows it: c starts at the mean (the gamma = 2 minimiser, up to eps) and
// each step searches a window around the previous c (a local grid and a
// golden-section refinement; the window moves on while the best point sits
// on its edge). The result is the path [T]: the last C is the estimate.
//
// What it converges to: as gamma -> 0, (|r| + eps)^gamma = 1 + gamma log(|r| +
// eps) + O(gamma^2), so the limit is argmin_c E log(|c - Y| + eps). For a
// symmetric peak this is its centre, and for a mixture of narrow peaks it is
// (close to) the centre of the heaviest: the mode. For a skewed peak it is
// NOT the mode: the log kernel has heavy tails, and for log-normal(0, 0.5)
// the limit is ~0.88, between the mode 0.78 and the median 1 (see the
// tests); the bounded [WelschLoss] with a small bandwidth finds the mode.
func AnnealL0(samples []float64, cfg AnnealConfig) ([]AnnealStep, error) {
	if err := checkSamples(samples); err != nil {
		return nil, err
	}
	if cfg.Steps < 2 {
		return nil, fmt.Errorf("n2n: AnnealL0: Steps must be >= 2, got %d", cfg.Steps)
	}
	if !(cfg.Eps > 0) || math.IsInf(cfg.Eps, 0) {
		return nil, fmt.Errorf("n2n: AnnealL0: Eps must be finite and > 0, got %g", cfg.Eps)
	}
	lo, hi := slices.Min(samples), slices.Max(samples)
	c := Mean(samples)
	// The window: a fraction of the spread, small enough to track a local
	// minimum, large enough to follow it between two values of gamma.
	iqr := quantile(samples, 0.75) - quantile(samples, 0.25)
	w := iqr / 4
	if !(w > 0) {
		w = (hi - lo) / 20
	}
	path := make([]AnnealStep, 0, cfg.Steps)
	for t := range cfg.Steps {
		gamma := 2 * (1 - float64(t)/float64(cfg.Steps))
		l := L0Loss(gamma, cfg.Eps)
		if t > 0 && w > 0 {
			for range 50 {
				a, b := max(c-w, lo), min(c+w, hi)
				nc := searchWindow(samples, l, a, b, 11)
				moved := (nc-a < w/20 && a > lo) || (b-nc < w/20 && b < hi)
				c = nc
				if !moved {
					break
				}
			}
		}
		path = append(path, AnnealStep{Gamma: gamma, C: c})
	}
	return path, nil
}

// quantile is the empirical p-quantile (linear interpolation between order
// statistics) of samples; it does not modify them.
func quantile(samples []float64, p float64) float64 {
	s := slices.Clone(samples)
	slices.Sort(s)
	pos := p * float64(len(s)-1)
	i := int(pos)
	if i >= len(s)-1 {
		return s[len(s)-1]
	}
	f := pos - float64(i)
	return s[i]*(1-f) + s[i+1]*f
}
