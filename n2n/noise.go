// Noise models of the Noise2Noise paper (Lehtinen et al. 2018), each a
// small value with its parameters and an Apply method that corrupts one
// image x: [H, W, C] float32 (row-major HWC, values in [0, 1]) with a
// caller-supplied seeded generator. The per-image parameter (sigma, lambda,
// p) is drawn inside Apply, as in the paper's training, and returned in a
// [Corruption].

package n2n

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// Noise corrupts one image. Apply writes the corrupted copy of
// src: [H, W, C] into dst: [H, W, C] (dst and src may be the same slice) and
// returns what it drew. The same generator state gives the same output.
type Noise interface {
	Apply(dst, src []float32, h, w, c int, rng *rand.Rand) (Corruption, error)
}

// Corruption reports what one call of Apply drew.
type Corruption struct {
	// Param is the per-image parameter: sigma (Gaussian), lambda (Poisson),
	// the requested coverage p (Text) or the replacement probability p
	// (Impulse).
	Param float64
	// Coverage is the measured fraction of pixels overwritten (Text, Impulse);
	// 0 for the additive noises.
	Coverage float64
	// Mask: [H, W] marks the overwritten pixels (Text, Impulse); nil for the
	// additive noises, which touch every pixel.
	Mask []bool
}

func checkImage(dst, src []float32, h, w, c int) error {
	if h <= 0 || w <= 0 || c <= 0 {
		return fmt.Errorf("n2n: image shape [%d, %d, %d]: every dimension must be positive", h, w, c)
	}
	if len(src) != h*w*c || len(dst) != h*w*c {
		return fmt.Errorf("n2n: image shape [%d, %d, %d] holds %d values; src has %d, dst %d",
			h, w, c, h*w*c, len(src), len(dst))
	}
	return nil
}

func checkRNG(rng *rand.Rand) error {
	if rng == nil {
		return errors.New("n2n: nil *rand.Rand: pass a seeded generator, e.g. rand.New(rand.NewPCG(seed, 0))")
	}
	return nil
}

func clip01(v float32) float32 { return min(max(v, 0), 1) }

// Gaussian is additive white Gaussian noise, y = x + sigma n with
// n ~ N(0, 1) i.i.d. per pixel and channel.
//
// The paper trains with sigma drawn per image uniformly from
// [0, 50] (on the 0..255 scale; SigmaMax = 50/255 here) and tests with
// sigma = 25 (Sigma = 25/255). It does not clip the noisy images: clipping
// would make the noise biased near 0 and 1 (E[clip(x + n)] != x), and the
// L2 Noise2Noise argument needs zero-mean noise. Clip is therefore off by
// default; set it to mimic a saved 8-bit image.
type Gaussian struct {
	Sigma    float64 // fixed noise std (used when SigmaMax == 0), >= 0
	SigmaMax float64 // when > 0, sigma ~ U[0, SigmaMax] per image ("blind" training)
	Clip     bool    // clip the result to [0, 1]; off by default (the paper does not clip)
}

// DefaultGaussian is the paper's test noise: sigma = 25/255.
func DefaultGaussian() Gaussian { return Gaussian{Sigma: 25.0 / 255} }

// BlindGaussian is the paper's training noise: sigma ~ U[0, 50/255] per image.
func BlindGaussian() Gaussian { return Gaussian{SigmaMax: 50.0 / 255} }

// Validate reports whether the parameters are usable.
func (g Gaussian) Validate() error {
	if !(g.Sigma >= 0) || math.IsInf(g.Sigma, 0) || !(g.SigmaMax >= 0) || math.IsInf(g.SigmaMax, 0) {
		return fmt.Errorf("n2n: Gaussian noise: Sigma (%g) and SigmaMax (%g) must be finite and >= 0", g.Sigma, g.SigmaMax)
	}
	return nil
}

// Apply adds the noise: src, dst: [H, W, C]. Param is the sigma used.
func (g Gaussian) Apply(dst, src []float32, h, w, c int, rng *rand.Rand) (Corruption, error) {
	if err := g.Validate(); err != nil {
		return Corruption{}, err
	}
	if err := checkImage(dst, src, h, w, c); err != nil {
		return Corruption{}, err
	}
	if err := checkRNG(rng); err != nil {
		return Corruption{}, err
	}
	sigma := g.Sigma
	if g.SigmaMax > 0 {
		sigma = g.SigmaMax * rng.Float64()
	}
	for i, v := range src {
		y := v + float32(sigma*rng.NormFloat64())
		if g.Clip {
			y = clip01(y)
		}
		dst[i] = y
	}
	return Corruption{Param: sigma}, nil
}

// Poisson is signal-dependent shot noise: y = P(lambda x) / lambda with
// P(m) a Poisson count of mean m, so E[y] = x (zero-mean noise y - x) and
// Var[y] = x / lambda: small lambda means few photons and strong noise.
//
// The paper draws lambda per image uniformly from [0, 50]
// for training and tests with lambda = 30. lambda = 0 would divide by zero
// (and lambda -> 0 has unbounded variance), so lambda is drawn from
// [LambdaMin, LambdaMax] with LambdaMin > 0 (default 1). The paper does
// not clip (y can exceed 1); Clip clips to [0, 1] (y >= 0 always).
type Poisson struct {
	Lambda    float64 // fixed lambda (used when LambdaMax == 0), > 0
	LambdaMin float64 // per-image range [LambdaMin, LambdaMax], LambdaMin > 0
	LambdaMax float64 // when > 0, lambda ~ U[LambdaMin, LambdaMax] per image
	Clip      bool    // clip the result to [0, 1]; off by default
}

// DefaultPoisson is the paper's test noise, lambda = 30.
func DefaultPoisson() Poisson { return Poisson{Lambda: 30} }

// BlindPoisson is the paper's training noise, lambda ~ U[1, 50] per image
// (the paper's [0, 50], with the lower end moved to 1 to avoid lambda = 0).
func BlindPoisson() Poisson { return Poisson{LambdaMin: 1, LambdaMax: 50} }

// Validate reports whether the parameters are usable.
func (p Poisson) Validate() error {
	if p.LambdaMax > 0 {
		if !(p.LambdaMin > 0 && p.LambdaMin <= p.LambdaMax) || math.IsInf(p.LambdaMax, 0) {
			return fmt.Errorf("n2n: Poisson noise: need 0 < LambdaMin <= LambdaMax < inf, got [%g, %g]", p.LambdaMin, p.LambdaMax)
		}
		return nil
	}
	if !(p.Lambda > 0) || math.IsInf(p.Lambda, 0) {
		return fmt.Errorf("n2n: Poisson noise: Lambda must be finite and > 0, got %g (or set LambdaMax)", p.Lambda)
	}
	return nil
}

// Apply draws the photon counts: src, dst: [H, W, C], src >= 0 (an error
// otherwise). Param is the lambda used.
func (p Poisson) Apply(dst, src []float32, h, w, c int, rng *rand.Rand) (Corruption, error) {
	if err := p.Validate(); err != nil {
		return Corruption{}, err
	}
	if err := checkImage(dst, src, h, w, c); err != nil {
		return Corruption{}, err
	}
	if err := checkRNG(rng); err != nil {
		return Corruption{}, err
	}
	for i, v := range src {
		if !(v >= 0) || math.IsInf(float64(v), 0) {
			return Corruption{}, fmt.Errorf("n2n: Poisson noise: value %d of the image is %g, want finite and >= 0", i, v)
		}
	}
	lambda := p.Lambda
	if p.LambdaMax > 0 {
		lambda = p.LambdaMin + (p.LambdaMax-p.LambdaMin)*rng.Float64()
	}
	for i, v := range src {
		y := float32(float64(poisson(rng, lambda*float64(v))) / lambda)
		if p.Clip {
			y = clip01(y)
		}
		dst[i] = y
	}
	return Corruption{Param: lambda}, nil
}

// poisson draws a Poisson count of mean m >= 0: by inversion (sequential
// search of the CDF) for m < 30, by gonum's sampler otherwise.
func poisson(rng *rand.Rand, m float64) int64 {
	if m <= 0 {
		return 0
	}
	if m < 30 {
		u := rng.Float64()
		k, p := int64(0), math.Exp(-m)
		cdf := p
		for u > cdf && p > 0 {
			k++
			p *= m / float64(k)
			cdf += p
		}
		return k
	}
	return int64(distuv.Poisson{Lambda: m, Src: rng}.Rand())
}

// Impulse is random-valued impulse noise: each pixel is, with probability
// p, replaced by a random colour with every channel uniform on [0, 1]; the
// others are kept.
//
// The paper ("random-valued impulse noise") draws p per image uniformly
// from [0, 0.95] for training, with replacement colours uniform in [0, 1]^3.
// The noise is not
// zero-mean and not zero-median: the clean value is the mode of the
// corrupted pixel's distribution, which is why the paper trains with the
// annealed L0 loss.
type Impulse struct {
	P    float64 // fixed replacement probability (used when PMax == 0), in [0, 1]
	PMax float64 // when > 0, p ~ U[0, PMax] per image, PMax <= 1
}

// DefaultImpulse is a fixed heavy corruption, p = 0.7 (a test level; our choice).
func DefaultImpulse() Impulse { return Impulse{P: 0.7} }

// BlindImpulse is the paper's training noise, p ~ U[0, 0.95] per image.
func BlindImpulse() Impulse { return Impulse{PMax: 0.95} }

// Validate reports whether the parameters are usable.
func (n Impulse) Validate() error {
	if !(n.P >= 0 && n.P <= 1) || !(n.PMax >= 0 && n.PMax <= 1) {
		return fmt.Errorf("n2n: Impulse noise: P (%g) and PMax (%g) must be in [0, 1]", n.P, n.PMax)
	}
	return nil
}

// Apply replaces pixels: src, dst: [H, W, C]. Param is the p used,
// Coverage the fraction replaced and Mask: [H, W] the replaced pixels.
func (n Impulse) Apply(dst, src []float32, h, w, c int, rng *rand.Rand) (Corruption, error) {
	if err := n.Validate(); err != nil {
		return Corruption{}, err
	}
	if err := checkImage(dst, src, h, w, c); err != nil {
		return Corruption{}, err
	}
	if err := checkRNG(rng); err != nil {
		return Corruption{}, err
	}
	p := n.P
	if n.PMax > 0 {
		p = n.PMax * rng.Float64()
	}
	mask := make([]bool, h*w)
	count := 0
	for i := range mask {
		px, sx := dst[i*c:(i+1)*c], src[i*c:(i+1)*c]
		if rng.Float64() < p {
			mask[i] = true
			count++
			for k := range px {
				px[k] = rng.Float32()
			}
		} else {
			copy(px, sx)
		}
	}
	return Corruption{Param: p, Coverage: float64(count) / float64(h*w), Mask: mask}, nil
}

// ApplyBatch corrupts every image of a batch src: [N, H, W, C] into
// dst: [N, H, W, C] with one call of noise.Apply per image (a fresh
// per-image parameter each), in order, from rng. It returns the N
// corruptions.
func ApplyBatch(noise Noise, dst, src []float32, n, h, w, c int, rng *rand.Rand) ([]Corruption, error) {
	if n <= 0 {
		return nil, fmt.Errorf("n2n: ApplyBatch: N must be positive, got %d", n)
	}
	if h <= 0 || w <= 0 || c <= 0 {
		return nil, fmt.Errorf("n2n: ApplyBatch: shape [%d, %d, %d, %d]: every dimension must be positive", n, h, w, c)
	}
	size := h * w * c
	if len(src) != n*size || len(dst) != n*size {
		return nil, fmt.Errorf("n2n: ApplyBatch: shape [%d, %d, %d, %d] holds %d values; src has %d, dst %d",
			n, h, w, c, n*size, len(src), len(dst))
	}
	out := make([]Corruption, n)
	for i := range n {
		cor, err := noise.Apply(dst[i*size:(i+1)*size], src[i*size:(i+1)*size], h, w, c, rng)
		if err != nil {
			return nil, fmt.Errorf("n2n: ApplyBatch: image %d: %w", i, err)
		}
		out[i] = cor
	}
	return out, nil
}
