// The identity behind Noise2Noise, checked by Monte Carlo. With X the clean
// signal, eps the noise of the input and delta the noise of the target,
//
//	E||phi(X+eps) - (X+delta)||^2
//	  = E||phi(X+eps) - X||^2 - 2 E<phi(X+eps) - X, delta> + E||delta||^2
//	  = E||phi(X+eps) - X||^2 + E||delta||^2      when E[delta | X, eps] = 0,
//
// so the noisy-target loss is the clean-target loss plus a constant that
// does not depend on phi: both have the same minimiser.

package n2n

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// TargetNoise draws one coordinate of the target noise delta given the
// coordinate x of the clean signal X and the coordinate e of the input
// noise eps. The Noise2Noise identity needs E[delta | X, eps] = 0; delta may
// depend on x (Poisson) or even on e (see [SignFlipTarget]) as long as its
// conditional mean is zero.
type TargetNoise func(rng *rand.Rand, x, e float64) float64

// GaussianTarget is delta ~ N(0, sigma^2), independent of X and eps.
func GaussianTarget(sigma float64) TargetNoise {
	return func(rng *rand.Rand, _, _ float64) float64 { return sigma * rng.NormFloat64() }
}

// UniformTarget is delta ~ U[-a, a], independent of X and eps (variance a^2/3).
func UniformTarget(a float64) TargetNoise {
	return func(rng *rand.Rand, _, _ float64) float64 { return a * (2*rng.Float64() - 1) }
}

// PoissonTarget is centred, signal-dependent Poisson noise, the target noise
// of the paper's Poisson experiment: X + delta = Poisson(lambda |x|)/lambda
// (sign restored), i.e. delta = (Poisson(lambda |x|) - lambda |x|) / lambda,
// of mean 0 and variance |x|/lambda given x. (|x| keeps it defined for a
// signal that dips below 0.)
func PoissonTarget(lambda float64) TargetNoise {
	return func(rng *rand.Rand, x, _ float64) float64 {
		m := lambda * math.Abs(x)
		d := (float64(poisson(rng, m)) - m) / lambda
		if x < 0 {
			d = -d
		}
		return d
	}
}

// SignFlipTarget is delta = s * e with s = +-1 a fair coin: delta is NOT
// independent of eps, yet E[delta | X, eps] = 0, which is all the identity
// needs.
func SignFlipTarget() TargetNoise {
	return func(rng *rand.Rand, _, e float64) float64 {
		if rng.Uint64()&1 == 0 {
			return -e
		}
		return e
	}
}

// SameNoiseTarget is delta = eps: the target is the input itself (training
// on (X~, X~)). Then E[delta | X, eps] = eps != 0 and the identity fails: the
// loss is minimised by phi = identity, not by a denoiser. It is the reason
// the two noisy copies must have independent noise.
func SameNoiseTarget() TargetNoise {
	return func(_ *rand.Rand, _, e float64) float64 { return e }
}

// BiasedTarget shifts a target noise by a constant b: delta' = delta + b has
// conditional mean b, and the identity fails by -2 b E[sum_i (phi(X+eps)_i - X_i)].
func BiasedTarget(noise TargetNoise, b float64) TargetNoise {
	return func(rng *rand.Rand, x, e float64) float64 { return noise(rng, x, e) + b }
}

// IdentityConfig sets up the Monte Carlo check of the Noise2Noise identity
// on a toy signal X in R^Dim whose coordinates are drawn independently from
// a two-component Gaussian mixture.
type IdentityConfig struct {
	N    int    // number of Monte Carlo samples (>= 2)
	Seed uint64 // seed of the PCG generator; the same seed gives the same result
	Dim  int    // dimension D of X (>= 1)

	// Prior mixture of each coordinate of X:
	// Weight N(Mean1, Std^2) + (1-Weight) N(Mean2, Std^2).
	Weight, Mean1, Mean2, Std float64

	Sigma float64 // std of the input noise, eps ~ N(0, Sigma^2 I) (>= 0)

	// Phi is the fixed "denoiser" phi: it writes phi(xt) into dst, both of
	// length Dim. Nil means [TanhPhi].
	Phi func(dst, xt []float64)

	// Delta draws the target noise, coordinate by coordinate. Nil means
	// GaussianTarget(0.2).
	Delta TargetNoise
}

// TanhPhi is the default fixed phi: phi(x~)_i = tanh(x~_i), a smooth
// shrinkage (|tanh y| < |y|). It is deliberately not a good denoiser: the
// identity holds for every phi, and a phi with E[phi(X+eps) - X] != 0 is
// what exposes a biased delta.
func TanhPhi(dst, xt []float64) {
	for i, v := range xt {
		dst[i] = math.Tanh(v)
	}
}

// DefaultIdentityConfig returns the configuration used in the notebook:
// 100 000 samples of X in R^4 with coordinates from
// 0.7 N(0.3, 0.05^2) + 0.3 N(0.8, 0.05^2), input noise sigma = 0.1, phi =
// tanh, delta ~ N(0, 0.2^2).
func DefaultIdentityConfig() IdentityConfig {
	return IdentityConfig{
		N: 100_000, Seed: 1, Dim: 4,
		Weight: 0.7, Mean1: 0.3, Mean2: 0.8, Std: 0.05,
		Sigma: 0.1,
	}
}

// Validate reports whether the configuration is usable.
func (c IdentityConfig) Validate() error {
	switch {
	case c.N < 2:
		return fmt.Errorf("n2n: IdentityConfig.N must be >= 2, got %d", c.N)
	case c.Dim < 1:
		return fmt.Errorf("n2n: IdentityConfig.Dim must be >= 1, got %d", c.Dim)
	case !(c.Weight >= 0 && c.Weight <= 1):
		return fmt.Errorf("n2n: IdentityConfig.Weight must be in [0, 1], got %g", c.Weight)
	case !(c.Std >= 0) || math.IsInf(c.Std, 0):
		return fmt.Errorf("n2n: IdentityConfig.Std must be finite and >= 0, got %g", c.Std)
	case !(c.Sigma >= 0) || math.IsInf(c.Sigma, 0):
		return fmt.Errorf("n2n: IdentityConfig.Sigma must be finite and >= 0, got %g", c.Sigma)
	case math.IsNaN(c.Mean1) || math.IsInf(c.Mean1, 0) || math.IsNaN(c.Mean2) || math.IsInf(c.Mean2, 0):
		return errors.New("n2n: IdentityConfig.Mean1 and Mean2 must be finite")
	}
	return nil
}

// IdentityResult holds the Monte Carlo estimates of the terms of the
// identity, all from the same N samples (X, eps, delta).
type IdentityResult struct {
	Noisy    Estimate // E||phi(X+eps) - (X+delta)||^2, the Noise2Noise loss (left-hand side)
	Clean    Estimate // E||phi(X+eps) - X||^2, the clean-target loss
	NoiseVar Estimate // E||delta||^2
	RHS      Estimate // E||phi(X+eps) - X||^2 + E||delta||^2 (right-hand side), per-sample sum

	// Diff is LHS - RHS computed paired, sample by sample: its per-sample
	// value is exactly the cross term -2 <phi(X+eps) - X, delta>, whose mean
	// is 0 when E[delta | X, eps] = 0.
	Diff Estimate

	// UnpairedStdErr is the standard error Diff would have if LHS and RHS
	// were estimated from independent samples, sqrt(se_LHS^2 + se_RHS^2):
	// the pairing removes the shared variance of ||phi - X||^2 and ||delta||^2.
	UnpairedStdErr float64
}

// IdentityCheck draws N samples X (the toy mixture), eps ~ N(0, Sigma^2 I)
// and delta (cfg.Delta), and estimates both sides of the Noise2Noise
// identity E||phi(X+eps) - (X+delta)||^2 = E||phi(X+eps) - X||^2 +
// E||delta||^2 with their 95% confidence intervals, together with their
// paired difference (see [IdentityResult]).
func IdentityCheck(cfg IdentityConfig) (IdentityResult, error) {
	if err := cfg.Validate(); err != nil {
		return IdentityResult{}, err
	}
	phi, delta := cfg.Phi, cfg.Delta
	if phi == nil {
		phi = TanhPhi
	}
	if delta == nil {
		delta = GaussianTarget(0.2)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x6e326e))
	d := cfg.Dim
	x, e, xt, out := make([]float64, d), make([]float64, d), make([]float64, d), make([]float64, d)
	lhs, clean, nv, rhs, diff := make([]float64, cfg.N), make([]float64, cfg.N),
		make([]float64, cfg.N), make([]float64, cfg.N), make([]float64, cfg.N)
	for n := range cfg.N {
		for i := range d {
			if rng.Float64() < cfg.Weight {
				x[i] = cfg.Mean1 + cfg.Std*rng.NormFloat64()
			} else {
				x[i] = cfg.Mean2 + cfg.Std*rng.NormFloat64()
			}
			e[i] = cfg.Sigma * rng.NormFloat64()
			xt[i] = x[i] + e[i]
		}
		phi(out, xt)
		var l, c, v, cross float64
		for i := range d {
			dl := delta(rng, x[i], e[i])
			r := out[i] - x[i]
			l += (r - dl) * (r - dl)
			c += r * r
			v += dl * dl
			cross += r * dl
		}
		lhs[n], clean[n], nv[n], rhs[n], diff[n] = l, c, v, c+v, -2*cross
	}
	res := IdentityResult{
		Noisy: newEstimate(lhs), Clean: newEstimate(clean), NoiseVar: newEstimate(nv),
		RHS: newEstimate(rhs), Diff: newEstimate(diff),
	}
	res.UnpairedStdErr = math.Hypot(res.Noisy.StdErr, res.RHS.StdErr)
	if math.IsNaN(res.Diff.Mean) {
		return res, errors.New("n2n: IdentityCheck: NaN in the estimates (phi or delta returned NaN)")
	}
	return res, nil
}
