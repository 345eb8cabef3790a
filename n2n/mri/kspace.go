package mri

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dlc-go/denoising/kit/img"
)

// Defaults of the k-space sampling density.
const (
	// DefaultKeep is the mean sampling probability: 10% of the spectrum, as
	// in the Noise2Noise MRI experiment.
	DefaultKeep = 0.10
	// DefaultR0 is the fall-off length r0 of p(r) = min(1, c exp(-r/r0)), in
	// units where r = 1 at the Nyquist frequency of either axis.
	DefaultR0 = 0.15
)

// Density is the probability p(k) of keeping each frequency k of an n x n
// spectrum (DFT index order, DC at [0, 0]):
//
//	p(k) = min(1, c exp(-r(k) / r0)),   r(k) = sqrt(kx^2 + ky^2) / (n/2)
//
// with kx, ky the signed integer frequencies (-n/2 .. n/2-1), so r = 1 at the
// Nyquist frequency of an axis and sqrt(2) in the corners. The constant c is
// solved (bisection) so that the mean of p over the n^2 frequencies is Keep:
// low frequencies, which carry most of an image's energy, are kept always
// (p = 1 for r <= r0 ln c) and high ones rarely. p(k) = p(-k), so masks can be
// conjugate-symmetric.
type Density struct {
	N        int
	Keep, R0 float64
	C        float64
	// P is p(k): [N, N], row-major (ky, kx) in DFT index order.
	P []float64
}

// NewDensity returns the density of an n x n spectrum with mean keep
// (0 < keep < 1) and fall-off r0 > 0.
func NewDensity(n int, keep, r0 float64) (*Density, error) {
	if n < 2 {
		return nil, fmt.Errorf("mri: spectrum size %d, want >= 2", n)
	}
	if !(keep > 0 && keep < 1) || !(r0 > 0) || math.IsInf(r0, 1) {
		return nil, fmt.Errorf("mri: keep = %v must be in (0, 1) and r0 = %v > 0", keep, r0)
	}
	d := &Density{N: n, Keep: keep, R0: r0, P: make([]float64, n*n)}
	e := make([]float64, n*n) // exp(-r/r0)
	for ky := range n {
		for kx := range n {
			fx, fy := float64(signedFreq(kx, n)), float64(signedFreq(ky, n))
			e[ky*n+kx] = math.Exp(-math.Hypot(fx, fy) / (float64(n) / 2) / r0)
		}
	}
	mean := func(c float64) float64 {
		var s float64
		for _, v := range e {
			s += min(1, c*v)
		}
		return s / float64(len(e))
	}
	lo, hi := 0.0, 1.0
	for mean(hi) < keep {
		hi *= 2
	}
	for range 200 {
		mid := (lo + hi) / 2
		if mean(mid) < keep {
			lo = mid
		} else {
			hi = mid
		}
	}
	d.C = (lo + hi) / 2
	for i, v := range e {
		d.P[i] = min(1, d.C*v)
	}
	return d, nil
}

// signedFreq maps DFT index k of an n-point transform to its signed
// frequency in [-n/2, n/2).
func signedFreq(k, n int) int {
	if k >= (n+1)/2 {
		return k - n
	}
	return k
}

// conj returns the index of -k: ((-ky) mod n, (-kx) mod n).
func conjIndex(i, n int) int {
	ky, kx := i/n, i%n
	return ((n-ky)%n)*n + (n-kx)%n
}

// Mask draws a sampling mask: [N, N] float32, 1 where a frequency is kept.
// Each pair {k, -k} is kept together with probability p(k) (frequencies with
// k = -k alone), so the mask is conjugate-symmetric and the inverse DFT of a
// masked real image's spectrum is real.
func (d *Density) Mask(rng *rand.Rand) []float32 {
	n := d.N
	m := make([]float32, n*n)
	for i := range m {
		j := conjIndex(i, n)
		if j < i {
			continue // drawn with its partner
		}
		if rng.Float64() < d.P[i] {
			m[i], m[j] = 1, 1
		}
	}
	return m
}

// Corrupted is one corrupted observation of an image x: [N, N].
type Corrupted struct {
	// Mask: [N, N], 1 where the frequency was measured.
	Mask []float32
	// Measured is m(k) X(k): [N, N] complex, the measured spectrum (true
	// values where kept, 0 elsewhere), the input of [RestoreKnown].
	Measured []complex128
	// Unbiased is Re IDFT(m(k) X(k) / p(k)): [N, N]. Since E[m(k)] = p(k),
	// E[Unbiased] = x: a valid Noise2Noise target (and input).
	Unbiased []float32
	// ZeroFilled is Re IDFT(m(k) X(k)): [N, N], the classic zero-filled
	// reconstruction (biased: it loses most high-frequency energy, but is
	// far less noisy than Unbiased).
	ZeroFilled []float32
}

// Corrupt draws a mask and corrupts the image x: [N, N] float32.
func (d *Density) Corrupt(x []float32, rng *rand.Rand) (*Corrupted, error) {
	if len(x) != d.N*d.N {
		return nil, fmt.Errorf("mri: image has %d values, density is for [%d, %d]", len(x), d.N, d.N)
	}
	X, err := img.RealFFT2(x, d.N, d.N)
	if err != nil {
		return nil, err
	}
	return d.CorruptSpectrum(X, rng)
}

// CorruptSpectrum draws a mask and corrupts the spectrum X = img.FFT2(x) of a
// real image: X: [N, N] complex128 (compute it once to draw several
// independent corruptions of the same image, e.g. a Noise2Noise pair).
func (d *Density) CorruptSpectrum(X []complex128, rng *rand.Rand) (*Corrupted, error) {
	n := d.N
	if len(X) != n*n {
		return nil, fmt.Errorf("mri: spectrum has %d values, density is for [%d, %d]", len(X), n, n)
	}
	c := &Corrupted{Mask: d.Mask(rng), Measured: make([]complex128, n*n)}
	weighted := make([]complex128, n*n)
	for i, m := range c.Mask {
		if m != 0 {
			c.Measured[i] = X[i]
			weighted[i] = X[i] / complex(d.P[i], 0)
		}
	}
	zf, err := img.IFFT2(c.Measured, n, n)
	if err != nil {
		return nil, err
	}
	ub, err := img.IFFT2(weighted, n, n)
	if err != nil {
		return nil, err
	}
	c.ZeroFilled, c.Unbiased = img.RealPart(zf), img.RealPart(ub)
	return c, nil
}

// WeightedSpectrum returns m(k) X(k) / p(k): [N, N], the unbiased estimate
// of the spectrum carried by c (E over masks = X).
func (d *Density) WeightedSpectrum(c *Corrupted) []complex128 {
	out := make([]complex128, len(c.Measured))
	for i, v := range c.Measured {
		if c.Mask[i] != 0 {
			out[i] = v / complex(d.P[i], 0)
		}
	}
	return out
}

// RestoreKnown is the post-step of the Noise2Noise MRI experiment, in Go:
// the spectrum of the prediction pred: [n, n] float32 is replaced by the
// measured values at the kept frequencies, Y'(k) = m(k) X(k) + (1 - m(k))
// Y(k), and the real part of the inverse is returned: [n, n]. mask and
// measured are a [Corrupted]'s Mask and Measured. See [PutBackKnown] for the
// graph version.
func RestoreKnown(pred, mask []float32, measured []complex128, n int) ([]float32, error) {
	if len(pred) != n*n || len(mask) != n*n || len(measured) != n*n {
		return nil, fmt.Errorf("mri: RestoreKnown: pred %d, mask %d, measured %d values, want %d", len(pred), len(mask), len(measured), n*n)
	}
	Y, err := img.RealFFT2(pred, n, n)
	if err != nil {
		return nil, err
	}
	for i, m := range mask {
		if m != 0 {
			Y[i] = measured[i]
		}
	}
	y, err := img.IFFT2(Y, n, n)
	if err != nil {
		return nil, err
	}
	return img.RealPart(y), nil
}
