package img

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// FFT2 matches the direct double sum of its definition, IFFT2 inverts it,
// and a size mismatch is an error.
func TestFFT2AgainstDirectDFT(t *testing.T) {
	const h, w = 5, 6
	rng := rand.New(rand.NewPCG(1, 1))
	x := make([]complex128, h*w)
	for i := range x {
		x[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	X, err := FFT2(x, h, w)
	if err != nil {
		t.Fatal(err)
	}
	for k := range h {
		for l := range w {
			var s complex128
			for m := range h {
				for nn := range w {
					s += x[m*w+nn] * cmplx.Exp(complex(0, -2*math.Pi*(float64(k*m)/h+float64(l*nn)/w)))
				}
			}
			if cmplx.Abs(s-X[k*w+l]) > 1e-12 {
				t.Fatalf("X[%d, %d] = %v, direct sum %v", k, l, X[k*w+l], s)
			}
		}
	}
	y, _ := IFFT2(X, h, w)
	for i := range y {
		if cmplx.Abs(y[i]-x[i]) > 1e-12 {
			t.Fatalf("IFFT2(FFT2(x)) != x at %d", i)
		}
	}
	if _, err := FFT2(x, 4, 4); err == nil {
		t.Error("FFT2 size mismatch: no error")
	}
}
