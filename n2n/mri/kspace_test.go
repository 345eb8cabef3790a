package mri

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/dlc-go/denoising/kit/img"
)

// phantom returns a smooth n x n test image in [0, 1]: an ellipse with a
// darker inner disk and a gradient (no file needed).
func phantom(n int) []float32 {
	x := make([]float32, n*n)
	for r := range n {
		for c := range n {
			u, v := (float64(c)-float64(n)/2)/(0.4*float64(n)), (float64(r)-float64(n)/2)/(0.3*float64(n))
			if u*u+v*v < 1 {
				x[r*n+c] = float32(0.6 + 0.3*u)
				if (u-0.3)*(u-0.3)+v*v < 0.1 {
					x[r*n+c] = 0.2
				}
			}
		}
	}
	return x
}

func TestDensity(t *testing.T) {
	for _, n := range []int{32, 33, 224} {
		d, err := NewDensity(n, DefaultKeep, DefaultR0)
		if err != nil {
			t.Fatal(err)
		}
		var mean float64
		for i, p := range d.P {
			mean += p
			if p != d.P[conjIndex(i, n)] {
				t.Fatalf("n=%d: p(k) != p(-k) at %d", n, i)
			}
			if !(p > 0 && p <= 1) {
				t.Fatalf("n=%d: p = %v", n, p)
			}
		}
		mean /= float64(n * n)
		if math.Abs(mean-DefaultKeep) > 1e-9 {
			t.Errorf("n=%d: mean p = %v, want %v", n, mean, DefaultKeep)
		}
		if d.P[0] != 1 {
			t.Errorf("n=%d: p(DC) = %v, want 1", n, d.P[0])
		}
		// Non-increasing along the kx axis from DC to Nyquist.
		for kx := 1; kx <= n/2; kx++ {
			if d.P[kx] > d.P[kx-1] {
				t.Errorf("n=%d: p increases at kx = %d", n, kx)
			}
		}
		// Closed form off the saturated disk.
		i := n / 2 // (ky, kx) = (0, n/2): r = (n/2)/(n/2) = 1 for even n
		r := math.Abs(float64(signedFreq(i, n))) / (float64(n) / 2)
		if want := min(1, d.C*math.Exp(-r/DefaultR0)); math.Abs(d.P[i]-want) > 1e-15 {
			t.Errorf("n=%d: p at r=%v is %v, want %v", n, r, d.P[i], want)
		}
	}
	for _, bad := range [][3]float64{{1, 0.1, 0.1}, {8, 0, 0.1}, {8, 1, 0.1}, {8, 0.1, 0}, {8, 0.1, math.NaN()}} {
		if _, err := NewDensity(int(bad[0]), bad[1], bad[2]); err == nil {
			t.Errorf("NewDensity%v: no error", bad)
		}
	}
}

func TestMaskRateAndSymmetry(t *testing.T) {
	const n, masks = 64, 40
	d, err := NewDensity(n, DefaultKeep, DefaultR0)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var kept, variance float64
	for i, p := range d.P {
		// Pairs are drawn together: Var(sum) = sum over pairs of 4 p (1 - p)
		// (self-conjugate frequencies: p (1 - p)); count each pair from both ends.
		if conjIndex(i, n) == i {
			variance += p * (1 - p)
		} else {
			variance += 2 * p * (1 - p)
		}
	}
	for range masks {
		m := d.Mask(rng)
		for i, v := range m {
			if v != 0 && v != 1 {
				t.Fatalf("mask value %v", v)
			}
			if v != m[conjIndex(i, n)] {
				t.Fatalf("mask not conjugate-symmetric at %d", i)
			}
			kept += float64(v)
		}
	}
	rate := kept / float64(masks*n*n)
	sd := math.Sqrt(variance*masks) / float64(masks*n*n)
	t.Logf("keep rate %.4f (sd %.4f)", rate, sd)
	if math.Abs(rate-DefaultKeep) > 4*sd {
		t.Errorf("keep rate %.4f, want %.2f +- %.4f", rate, DefaultKeep, 4*sd)
	}
}

// E[m(k) X(k) / p(k)] = X(k): the mean of M corrupted spectra approaches X
// with squared error sum_k |X(k)|^2 (1/p(k) - 1) / M.
func TestCorruptionUnbiased(t *testing.T) {
	const n = 32
	d, err := NewDensity(n, DefaultKeep, DefaultR0)
	if err != nil {
		t.Fatal(err)
	}
	x := phantom(n)
	X, err := img.RealFFT2(x, n, n)
	if err != nil {
		t.Fatal(err)
	}
	var pred, norm float64
	for i, v := range X {
		a := cmplx.Abs(v)
		pred += a * a * (1/d.P[i] - 1)
		norm += a * a
	}
	rng := rand.New(rand.NewPCG(7, 8))
	sum := make([]complex128, n*n)
	imgSum := make([]float64, n*n)
	m := 0
	for _, M := range []int{25, 400} {
		for ; m < M; m++ {
			c, err := d.CorruptSpectrum(X, rng)
			if err != nil {
				t.Fatal(err)
			}
			w := d.WeightedSpectrum(c)
			for i := range w {
				sum[i] += w[i]
				imgSum[i] += float64(c.Unbiased[i])
			}
			// The weighted spectrum is conjugate-symmetric: its inverse is real.
			inv, _ := img.IFFT2(w, n, n)
			for _, v := range inv {
				if math.Abs(imag(v)) > 1e-12*(1+math.Abs(real(v))) {
					t.Fatalf("inverse of a corrupted spectrum has imaginary part %v", imag(v))
				}
			}
		}
		var e2 float64
		for i := range sum {
			a := cmplx.Abs(sum[i]/complex(float64(M), 0) - X[i])
			e2 += a * a
		}
		want := pred / float64(M)
		t.Logf("M=%d: squared error %.4g, predicted %.4g (relative error %.3f)", M, e2, want, math.Sqrt(e2/norm))
		if e2 < 0.6*want || e2 > 1.6*want {
			t.Errorf("M=%d: squared error %.4g, predicted %.4g", M, e2, want)
		}
	}
	// Image domain: by Parseval the mean of the unbiased images has squared
	// error sum_k |.|^2 / n^2 of the spectral one.
	var e2 float64
	for i := range imgSum {
		dd := imgSum[i]/400 - float64(x[i])
		e2 += dd * dd
	}
	if want := pred / 400 / (n * n); e2 < 0.6*want || e2 > 1.6*want {
		t.Errorf("image-domain squared error %.4g, predicted %.4g", e2, want)
	}
}

// The zero-filled reconstruction loses exactly the unmeasured energy:
// ||x - x_zf||^2 = (1/n^2) sum_{k not kept} |X(k)|^2 (Parseval).
func TestZeroFilledPSNR(t *testing.T) {
	v := loadCH2(t)
	x, err := AxialSlice(v, 110, SliceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := DefaultSize
	d, err := NewDensity(n, DefaultKeep, DefaultR0)
	if err != nil {
		t.Fatal(err)
	}
	X, err := img.RealFFT2(x, n, n)
	if err != nil {
		t.Fatal(err)
	}
	c, err := d.CorruptSpectrum(X, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	var lost, mse, mseUB, mseZero float64
	for i, m := range c.Mask {
		if m == 0 {
			a := cmplx.Abs(X[i])
			lost += a * a
		}
		e := float64(c.ZeroFilled[i]) - float64(x[i])
		mse += e * e
		e = float64(c.Unbiased[i]) - float64(x[i])
		mseUB += e * e
		mseZero += float64(x[i]) * float64(x[i])
	}
	if want := lost / float64(n*n); math.Abs(mse-want) > 1e-6*want {
		t.Errorf("zero-filled squared error %v, Parseval says %v", mse, want)
	}
	N := float64(n * n)
	psnr, psnrUB, psnr0 := -10*math.Log10(mse/N), -10*math.Log10(mseUB/N), -10*math.Log10(mseZero/N)
	t.Logf("slice 110: PSNR zero-filled %.2f dB, unbiased (1/p weighted) %.2f dB, all-zero image %.2f dB", psnr, psnrUB, psnr0)
	if !(psnr > psnr0+10 && psnr < 45) {
		t.Errorf("zero-filled PSNR %.2f dB outside the expected range (all-zero image %.2f dB)", psnr, psnr0)
	}
}

func TestRestoreKnown(t *testing.T) {
	const n = 24
	d, _ := NewDensity(n, 0.2, DefaultR0)
	rng := rand.New(rand.NewPCG(5, 6))
	c, err := d.Corrupt(phantom(n), rng)
	if err != nil {
		t.Fatal(err)
	}
	pred := make([]float32, n*n)
	for i := range pred {
		pred[i] = rng.Float32()
	}
	out, err := RestoreKnown(pred, c.Mask, c.Measured, n)
	if err != nil {
		t.Fatal(err)
	}
	O, _ := img.RealFFT2(out, n, n)
	P, _ := img.RealFFT2(pred, n, n)
	for i, m := range c.Mask {
		want := P[i]
		if m != 0 {
			want = c.Measured[i]
		}
		// out is float32: compare to float32 rounding of the image.
		if cmplx.Abs(O[i]-want) > 1e-4*(1+cmplx.Abs(want)) {
			t.Fatalf("frequency %d (kept %v): %v, want %v", i, m != 0, O[i], want)
		}
	}
	if _, err := RestoreKnown(pred[1:], c.Mask, c.Measured, n); err == nil {
		t.Error("length mismatch: no error")
	}
	if _, err := d.Corrupt(pred[1:], rng); err == nil {
		t.Error("Corrupt of a wrong-size image: no error")
	}
}
