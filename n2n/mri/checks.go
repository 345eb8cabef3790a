package mri

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"

	"github.com/dlc-go/denoising/kit/img"
)

// FFTShift moves the DC term of an n x n spectrum-like array x: [n, n]
// (DFT index order, row-major) to the centre (n/2, n/2), for display: the
// signed frequency (ky, kx) lands at row ky + n/2, column kx + n/2.
func FFTShift[T any](x []T, n int) ([]T, error) {
	if n < 1 || len(x) != n*n {
		return nil, fmt.Errorf("mri: FFTShift of %d values as [%d, %d]", len(x), n, n)
	}
	out := make([]T, n*n)
	h := n / 2
	for r := range n {
		for c := range n {
			out[((r+h)%n)*n+(c+h)%n] = x[r*n+c]
		}
	}
	return out, nil
}

// MaskStats summarises masks drawn from a density ([Density.MaskStats]).
type MaskStats struct {
	Masks int
	// Rate is the fraction of kept frequencies over all masks, RateSE its
	// standard error (from the per-mask rates).
	Rate, RateSE float64
	// Expected is the mean of p(k), the rate the masks should have.
	Expected float64
	// Asymmetric counts frequencies k with m(k) != m(-k) over all masks
	// (0 for conjugate-symmetric masks).
	Asymmetric int
	// AlwaysKept is the fraction of frequencies with p(k) = 1.
	AlwaysKept float64
	// RadialRate[j] is the observed keep rate of the frequencies with
	// r(k) in [j, j+1)/len(RadialRate) * sqrt(2) (r = 1 at Nyquist), and
	// RadialP the mean p(k) there: the radial fall-off, observed and
	// expected.
	RadialRate, RadialP []float64
}

// MaskStats draws masks masks and measures their keep rate, their
// conjugate symmetry and their keep rate by radius (bins radial bins).
func (d *Density) MaskStats(masks, bins int, rng *rand.Rand) (*MaskStats, error) {
	if masks < 2 || bins < 1 {
		return nil, fmt.Errorf("mri: MaskStats needs >= 2 masks and >= 1 bin, got %d, %d", masks, bins)
	}
	n := d.N
	s := &MaskStats{Masks: masks, RadialRate: make([]float64, bins), RadialP: make([]float64, bins)}
	bin := make([]int, n*n)
	count := make([]float64, bins)
	for i, p := range d.P {
		s.Expected += p
		if p == 1 {
			s.AlwaysKept++
		}
		fy, fx := float64(signedFreq(i/n, n)), float64(signedFreq(i%n, n))
		r := math.Hypot(fx, fy) / (float64(n) / 2)
		b := min(bins-1, int(r/math.Sqrt2*float64(bins)))
		bin[i] = b
		count[b]++
		s.RadialP[b] += p
	}
	s.Expected /= float64(n * n)
	s.AlwaysKept /= float64(n * n)
	var sum, sum2 float64
	for range masks {
		m := d.Mask(rng)
		kept := 0
		for i, v := range m {
			if v != m[conjIndex(i, n)] {
				s.Asymmetric++
			}
			if v != 0 {
				kept++
				s.RadialRate[bin[i]]++
			}
		}
		rate := float64(kept) / float64(n*n)
		sum += rate
		sum2 += rate * rate
	}
	s.Rate = sum / float64(masks)
	s.RateSE = math.Sqrt(max(0, sum2/float64(masks)-s.Rate*s.Rate) / float64(masks-1))
	for b := range bins {
		if count[b] > 0 {
			s.RadialRate[b] /= count[b] * float64(masks)
			s.RadialP[b] /= count[b]
		} else {
			s.RadialRate[b], s.RadialP[b] = math.NaN(), math.NaN()
		}
	}
	return s, nil
}

// UnbiasedCheck is the result of [Density.CheckUnbiased].
type UnbiasedCheck struct {
	K []int
	// MSE[i] is measured for K[i], Predicted[i] the closed form.
	MSE, Predicted []float64
}

// CheckUnbiased measures E[x^] = x on one image x: [N, N]: for each k in
// ks, the mean squared error per pixel of the average of k independent
// corruptions x^ = Re IDFT(m X / p) (drawn from rng), against the closed
// form
//
//	E ||mean_k x^ - x||^2 / N^2 = (1 / (k N^4)) sum_f |X(f)|^2 (1/p(f) - 1)
//
// (Parseval; E[m] = p, so the error of each frequency has mean 0 and
// variance |X|^2 (1/p - 1), and k independent draws divide it by k). A
// biased corruption would leave a floor that does not shrink with k. ks
// must be increasing; the averages are nested (the first ks[0] draws are
// shared by all).
func (d *Density) CheckUnbiased(x []float32, ks []int, rng *rand.Rand) (*UnbiasedCheck, error) {
	n := d.N
	if len(x) != n*n {
		return nil, fmt.Errorf("mri: CheckUnbiased: image has %d values, density is for [%d, %d]", len(x), n, n)
	}
	if len(ks) == 0 || ks[0] < 1 {
		return nil, fmt.Errorf("mri: CheckUnbiased: ks %v must be increasing and >= 1", ks)
	}
	for i := 1; i < len(ks); i++ {
		if ks[i] <= ks[i-1] {
			return nil, fmt.Errorf("mri: CheckUnbiased: ks %v must be increasing", ks)
		}
	}
	X, err := img.RealFFT2(x, n, n)
	if err != nil {
		return nil, err
	}
	var pred float64
	for i, v := range X {
		a := cmplx.Abs(v)
		pred += a * a * (1/d.P[i] - 1)
	}
	pred /= float64(n * n * n * n)
	u := &UnbiasedCheck{K: ks}
	sum := make([]float64, n*n)
	done := 0
	for _, k := range ks {
		for ; done < k; done++ {
			c, err := d.CorruptSpectrum(X, rng)
			if err != nil {
				return nil, err
			}
			for i, v := range c.Unbiased {
				sum[i] += float64(v)
			}
		}
		var mse float64
		for i, s := range sum {
			e := s/float64(k) - float64(x[i])
			mse += e * e
		}
		u.MSE = append(u.MSE, mse/float64(n*n))
		u.Predicted = append(u.Predicted, pred/float64(k))
	}
	return u, nil
}
