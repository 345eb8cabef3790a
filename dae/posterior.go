// The exact MSE-optimal denoiser of the 2D toy.
//
// A denoiser phi trained on pairs (X~, X) with the quadratic loss
// E|phi(X~) - X|^2 converges (with enough capacity and data) to the
// conditional expectation phi*(x~) = E[X | X~ = x~], the posterior mean. For
// the open-circle prior with X = R u(theta), u(theta) = (cos theta, sin theta),
// theta uniform on the arc, and X~ = X + sigma N, Bayes' rule gives the
// posterior of theta given X~ = q:
//
//	p(theta | q) ∝ exp(-|q - R u(theta)|^2 / (2 sigma^2))
//	             ∝ exp(kappa cos(theta - phi_q)),   theta on the arc,
//
// with kappa = R |q| / sigma^2 and phi_q the angle of q (a von Mises density
// truncated to the arc). E[X | X~ = q] = R E[u(theta) | q] is computed below by
// composite Gauss-Legendre quadrature, in log-space: the exponent is shifted
// by its maximum over the arc before exponentiation, and the quadrature is
// restricted to the part of the arc where the integrand is within e^-50 of
// that maximum, so that small sigma (very peaked posteriors) is as accurate
// as large sigma.
//
// The lecture's point: when the posterior is multi-modal (near the gap, both
// ends of the arc are plausible origins of q) its mean lies between the
// modes, off the arc: a perfectly trained phi returns an implausible point.

package dae

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// quadCut is the drop of the log-integrand below its maximum beyond which the
// arc is left out of the quadrature (e^-50 ~ 2e-22).
const quadCut = 50.0

// glOrder is the number of Gauss-Legendre nodes per panel.
const glOrder = 16

// glNodes and glWeights are the Gauss-Legendre rule of order glOrder on [-1, 1].
var glNodes, glWeights = gaussLegendre(glOrder)

// gaussLegendre computes the n-point Gauss-Legendre nodes and weights on
// [-1, 1] by Newton's method on the Legendre polynomial P_n.
func gaussLegendre(n int) (x, w []float64) {
	x, w = make([]float64, n), make([]float64, n)
	for i := range (n + 1) / 2 {
		z := math.Cos(math.Pi * (float64(i) + 0.75) / (float64(n) + 0.5))
		var dp float64
		for range 100 {
			p0, p1 := 1.0, z
			for k := 2; k <= n; k++ {
				p0, p1 = p1, ((2*float64(k)-1)*z*p1-(float64(k)-1)*p0)/float64(k)
			}
			// p1 = P_n(z), p0 = P_{n-1}(z).
			dp = float64(n) * (z*p1 - p0) / (z*z - 1)
			dz := p1 / dp
			z -= dz
			if math.Abs(dz) < 1e-16 {
				break
			}
		}
		x[i], x[n-1-i] = -z, z
		w[i] = 2 / ((1 - z*z) * dp * dp)
		w[n-1-i] = w[i]
	}
	return x, w
}

// logPosterior describes the unnormalised log-density of theta given X~ = q:
// f(theta) = kappa cos(theta - phi), restricted to the arc.
type logPosterior struct {
	c          OpenCircle
	kappa, phi float64
	fmax       float64      // max of kappa cos(theta - phi) over the arc
	shift      float64      // kappa - fmax >= 0, computed without cancellation
	pieces     [][2]float64 // angle intervals of the arc where f >= fmax - quadCut
}

func (c OpenCircle) logPosterior(q [2]float64, sigma float64) logPosterior {
	r := math.Hypot(q[0], q[1])
	lp := logPosterior{c: c, kappa: c.Radius * r / (sigma * sigma), phi: math.Atan2(q[1], q[0])}
	a, span := c.ArcStart(), c.ArcSpan()
	if lp.kappa == 0 {
		lp.pieces = [][2]float64{{a, a + span}}
		return lp
	}
	// phi relative to the arc start, in [0, 2 pi).
	pt := math.Mod(lp.phi-a, 2*math.Pi)
	if pt < 0 {
		pt += 2 * math.Pi
	}
	if pt > span { // phi points into the gap: the max is at the nearer arc end
		d := math.Min(pt-span, 2*math.Pi-pt)
		sd := math.Sin(d / 2)
		lp.shift = 2 * lp.kappa * sd * sd
	}
	lp.fmax = lp.kappa - lp.shift
	c0 := (lp.fmax - quadCut) / lp.kappa
	if c0 <= -1 {
		lp.pieces = [][2]float64{{a, a + span}}
		return lp
	}
	delta := math.Acos(c0)
	for k := -1; k <= 1; k++ {
		lo := math.Max(pt-delta+2*math.Pi*float64(k), 0)
		hi := math.Min(pt+delta+2*math.Pi*float64(k), span)
		if hi > lo {
			lp.pieces = append(lp.pieces, [2]float64{a + lo, a + hi})
		}
	}
	sort.Slice(lp.pieces, func(i, j int) bool { return lp.pieces[i][0] < lp.pieces[j][0] })
	return lp
}

// f is the shifted log-density kappa cos(theta - phi) - fmax (<= 0 on the
// arc), written as (kappa - fmax) - 2 kappa sin^2((theta - phi) / 2) to avoid
// the cancellation of kappa cos(.) - fmax when kappa is large.
func (lp *logPosterior) f(theta float64) float64 {
	s := math.Sin((theta - lp.phi) / 2)
	return lp.shift - 2*lp.kappa*s*s
}

// panels is the number of quadrature panels for a piece of angular length
// ell: enough to resolve the peak width 1/sqrt(kappa), and at least 24 so
// that f varies by only a few units per panel; times refine.
func (lp *logPosterior) panels(ell float64, refine int) int {
	k := int(math.Ceil(ell * math.Sqrt(math.Max(lp.kappa, 1))))
	return max(k, 24) * refine
}

// moments integrates over the arc: returns norm = ∫ exp(f) dtheta and
// s = ∫ u(theta) exp(f) dtheta, so that E[u(theta) | q] = s / norm.
func (lp *logPosterior) moments(refine int) (norm float64, s [2]float64) {
	for _, pc := range lp.pieces {
		np := lp.panels(pc[1]-pc[0], refine)
		h := (pc[1] - pc[0]) / float64(np)
		for p := range np {
			mid := pc[0] + (float64(p)+0.5)*h
			for i, x := range glNodes {
				th := mid + 0.5*h*x
				w := 0.5 * h * glWeights[i] * math.Exp(lp.f(th))
				sn, cs := math.Sincos(th)
				norm += w
				s[0] += w * cs
				s[1] += w * sn
			}
		}
	}
	return norm, s
}

// posteriorMeanRefined is PosteriorMean with the quadrature refined by the
// given factor (refine = 1 is the default); used to check convergence.
func (c OpenCircle) posteriorMeanRefined(q [2]float64, sigma float64, refine int) [2]float64 {
	lp := c.logPosterior(q, sigma)
	norm, s := lp.moments(refine)
	return [2]float64{c.Radius * s[0] / norm, c.Radius * s[1] / norm}
}

func (c OpenCircle) checkQuery(q [2]float64, sigma float64) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if err := checkSigma(sigma); err != nil {
		return err
	}
	for _, v := range q {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("dae: query point %v must be finite", q)
		}
	}
	return nil
}

// PosteriorMean returns phi*(q) = E[X | X~ = q], the MSE-optimal denoiser of
// the toy, for noise level sigma. Accurate to ~1e-13 (quadrature, see the
// file comment).
func (c OpenCircle) PosteriorMean(q [2]float64, sigma float64) ([2]float64, error) {
	if err := c.checkQuery(q, sigma); err != nil {
		return [2]float64{}, err
	}
	return c.posteriorMeanRefined(q, sigma, 1), nil
}

// PosteriorMeans applies [OpenCircle.PosteriorMean] to each query point:
// qs [n][2] -> [n][2]. Use it on a [Grid] for the displacement field
// E[X | X~ = x~] - x~.
func (c OpenCircle) PosteriorMeans(qs [][2]float64, sigma float64) ([][2]float64, error) {
	out := make([][2]float64, len(qs))
	for i, q := range qs {
		m, err := c.PosteriorMean(q, sigma)
		if err != nil {
			return nil, fmt.Errorf("dae: PosteriorMeans point %d: %w", i, err)
		}
		out[i] = m
	}
	return out, nil
}

// PosteriorRisk returns E[|X - E[X|X~=q]|^2 | X~ = q], the expected squared
// error of the optimal denoiser at q (the trace of the posterior covariance).
// Since |X| = R on the circle it equals R^2 - |E[X | X~ = q]|^2.
func (c OpenCircle) PosteriorRisk(q [2]float64, sigma float64) (float64, error) {
	m, err := c.PosteriorMean(q, sigma)
	if err != nil {
		return 0, err
	}
	return math.Max(c.Radius*c.Radius-(m[0]*m[0]+m[1]*m[1]), 0), nil
}

// ArcAngles returns n >= 2 angles evenly spaced over the arc, from ArcStart()
// to ArcStart() + ArcSpan() inclusive: a grid for [OpenCircle.PosteriorDensity].
func (c OpenCircle) ArcAngles(n int) ([]float64, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if n < 2 {
		return nil, fmt.Errorf("dae: ArcAngles: n must be >= 2, got %d", n)
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = c.ArcStart() + c.ArcSpan()*float64(i)/float64(n-1)
	}
	return out, nil
}

// PosteriorDensity returns p(theta | X~ = q), the posterior density of the
// angle of X (per radian, integrating to 1 over the arc), at each angle of
// thetas; 0 for angles inside the gap. thetas: [n] radians, any real.
func (c OpenCircle) PosteriorDensity(q [2]float64, sigma float64, thetas []float64) ([]float64, error) {
	if err := c.checkQuery(q, sigma); err != nil {
		return nil, err
	}
	lp := c.logPosterior(q, sigma)
	norm, _ := lp.moments(1)
	out := make([]float64, len(thetas))
	for i, th := range thetas {
		if !c.InGap(th) {
			out[i] = math.Exp(lp.f(th)) / norm
		}
	}
	return out, nil
}

// NoisyDensity returns p(X~ = q), the density of the noisy observation in the
// plane: the prior (uniform on the arc) convolved with the Gaussian noise,
// (1 / (2 pi sigma^2 span)) ∫_arc exp(-|q - R u(theta)|^2 / (2 sigma^2)) dtheta,
// with span = ArcSpan(). Computed in log-space, so tiny values underflow to 0
// only when below ~1e-308.
func (c OpenCircle) NoisyDensity(q [2]float64, sigma float64) (float64, error) {
	if err := c.checkQuery(q, sigma); err != nil {
		return 0, err
	}
	lp := c.logPosterior(q, sigma)
	norm, _ := lp.moments(1)
	// -(|q|^2 + R^2) / (2 sigma^2) + fmax = -(|q| - R)^2 / (2 sigma^2) - shift.
	s2 := sigma * sigma
	dr := math.Hypot(q[0], q[1]) - c.Radius
	logp := -dr*dr/(2*s2) - lp.shift + math.Log(norm) - math.Log(2*math.Pi*s2*c.ArcSpan())
	return math.Exp(logp), nil
}

// posteriorCells is the number of cells of the inverse-CDF sampler.
const posteriorCells = 8192

// PosteriorSample draws n samples of X | X~ = q (points on the arc), by
// inverse CDF: the posterior density of theta is tabulated at the midpoints of
// 8192 cells covering the part of the arc where it exceeds e^-50 of its
// maximum, a cell is drawn with probability proportional to its mass and theta
// uniformly inside it. Result: [n][2] float64. Deterministic for a given seed.
func (c OpenCircle) PosteriorSample(q [2]float64, sigma float64, n int, seed uint64) ([][2]float64, error) {
	if err := c.checkQuery(q, sigma); err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, fmt.Errorf("dae: PosteriorSample: n must be >= 0, got %d", n)
	}
	lp := c.logPosterior(q, sigma)
	var total float64
	for _, pc := range lp.pieces {
		total += pc[1] - pc[0]
	}
	var lefts, widths, cdf []float64
	var acc float64
	for _, pc := range lp.pieces {
		m := max(16, int(math.Ceil(posteriorCells*(pc[1]-pc[0])/total)))
		h := (pc[1] - pc[0]) / float64(m)
		for j := range m {
			left := pc[0] + float64(j)*h
			acc += h * math.Exp(lp.f(left+h/2))
			lefts, widths, cdf = append(lefts, left), append(widths, h), append(cdf, acc)
		}
	}
	if !(acc > 0) {
		return nil, errors.New("dae: PosteriorSample: posterior mass underflowed (should not happen)")
	}
	rng := rand.New(rand.NewPCG(seed, streamPosterior))
	out := make([][2]float64, n)
	for i := range out {
		u := rng.Float64() * acc
		k := sort.SearchFloat64s(cdf, u)
		if k == len(cdf) {
			k--
		}
		out[i] = c.Point(lefts[k] + widths[k]*rng.Float64())
	}
	return out, nil
}

// streamPosterior is the PCG stream of [OpenCircle.PosteriorSample].
const streamPosterior = 0x706f7374 // "post"

// RejectionResult is what [OpenCircle.RejectionPosterior] returns.
type RejectionResult struct {
	Kept   [][2]float64 // X of the kept pairs: [k][2]
	Mean   [2]float64   // their mean, the estimate of E[X | X~ = q]; NaN when none kept
	StdErr [2]float64   // standard error of Mean, per coordinate; NaN when fewer than 2 kept
	Tried  int          // number of pairs drawn
}

// RejectionPosterior is the lecture's recipe to look at the posterior without
// any formula: draw nPairs pairs (X, X~) exactly as [OpenCircle.Pairs] does
// with the same seed, keep the X whose X~ lies within eps of q. The kept X are
// samples of X | |X~ - q| < eps, which tends to X | X~ = q as eps -> 0, and
// their mean estimates E[X | X~ = q] (with a bias O(eps^2) and a Monte Carlo
// error of order 1/sqrt(kept)). Pairs are generated on the fly: memory is
// O(kept), not O(nPairs).
func (c OpenCircle) RejectionPosterior(q [2]float64, sigma, eps float64, nPairs int, seed uint64) (RejectionResult, error) {
	if err := c.checkQuery(q, sigma); err != nil {
		return RejectionResult{}, err
	}
	if !(eps > 0) || math.IsInf(eps, 0) {
		return RejectionResult{}, fmt.Errorf("dae: RejectionPosterior: eps must be finite and > 0, got %g", eps)
	}
	if nPairs < 0 {
		return RejectionResult{}, fmt.Errorf("dae: RejectionPosterior: nPairs must be >= 0, got %d", nPairs)
	}
	g := newPairGen(c, sigma, seed)
	res := RejectionResult{Tried: nPairs}
	var mx, my meanVar
	eps2 := eps * eps
	for range nPairs {
		x, xn := g.next()
		if dist2(xn, q) < eps2 {
			res.Kept = append(res.Kept, x)
			mx.add(x[0])
			my.add(x[1])
		}
	}
	res.Mean, res.StdErr = [2]float64{math.NaN(), math.NaN()}, [2]float64{math.NaN(), math.NaN()}
	if mx.n > 0 {
		res.Mean = [2]float64{mx.mean, my.mean}
	}
	if mx.n > 1 {
		res.StdErr = [2]float64{mx.stdErr(), my.stdErr()}
	}
	return res, nil
}

// Risk compares denoisers on the same fresh test pairs (X, X~). All errors
// are squared Euclidean errors per point, summed over the 2 coordinates
// (see [MeanSquaredError]); each comes with the standard error of its Monte
// Carlo mean.
type Risk struct {
	N     int     // number of test pairs
	Sigma float64 // noise level

	// Bayes is the test MSE of the optimal denoiser, mean of
	// |E[X | X~] - X|^2: the Bayes risk, the lowest MSE any phi can reach.
	Bayes, BayesSE float64

	// BayesRB estimates the same Bayes risk with less variance
	// (Rao-Blackwellised): mean over X~ of R^2 - |E[X | X~]|^2, the posterior
	// risk at X~ (see [OpenCircle.PosteriorRisk]).
	BayesRB, BayesRBSE float64

	// Identity is the test MSE of phi(x~) = x~, mean of |X~ - X|^2, whose
	// expectation is 2 sigma^2: the noise floor a useful denoiser must beat.
	Identity, IdentitySE float64
}

// PosteriorMeanMSE measures the Bayes risk E|E[X | X~] - X|^2 of the toy at
// noise level sigma by Monte Carlo on n fresh pairs drawn by
// [OpenCircle.Pairs] with the given seed, next to the identity's MSE on the
// same pairs. Cost: one quadrature (a few hundred exponentials) per pair.
func (c OpenCircle) PosteriorMeanMSE(sigma float64, n int, seed uint64) (Risk, error) {
	if n < 2 {
		return Risk{}, fmt.Errorf("dae: PosteriorMeanMSE: n must be >= 2, got %d", n)
	}
	clean, noisy, err := c.Pairs(n, sigma, seed)
	if err != nil {
		return Risk{}, err
	}
	var bayes, rb, id meanVar
	r2 := c.Radius * c.Radius
	for i := range clean {
		m := c.posteriorMeanRefined(noisy[i], sigma, 1)
		bayes.add(dist2(m, clean[i]))
		rb.add(math.Max(r2-(m[0]*m[0]+m[1]*m[1]), 0))
		id.add(dist2(noisy[i], clean[i]))
	}
	return Risk{
		N: n, Sigma: sigma,
		Bayes: bayes.mean, BayesSE: bayes.stdErr(),
		BayesRB: rb.mean, BayesRBSE: rb.stdErr(),
		Identity: id.mean, IdentitySE: id.stdErr(),
	}, nil
}

// BimodalQuery returns a query point x~ whose posterior X | X~ = x~ is
// bimodal: the middle of the gap at radius R, R u(GapCenter). Seen from it,
// both ends of the arc are equally plausible origins, the posterior of theta
// has one mode at each end, and E[X | X~ = x~] falls in the gap, off the
// circle (for the defaults: at (0.972, 0), distance 0.195 ~ 2 sigma from the arc,
// against ~sigma^2/2 = 0.005 for a query on the arc; see the tests). For a full circle (GapWidth = 0) it is just a point of the circle.
func (c OpenCircle) BimodalQuery() [2]float64 {
	return c.Point(c.GapCenter)
}
