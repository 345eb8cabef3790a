package img

import (
	"fmt"

	"gonum.org/v1/gonum/dsp/fourier"
)

// FFT2 is the 2-D discrete Fourier transform of x: [h, w] complex128
// (row-major), with gonum's FFT along rows then columns:
//
//	X[k, l] = sum_{m, n} x[m, n] exp(-2 pi i (k m / h + l n / w))
//
// unnormalised, DC at index [0, 0] (no shift).
func FFT2(x []complex128, h, w int) ([]complex128, error) {
	return fft2(x, h, w, false)
}

// IFFT2 is the inverse of [FFT2]: x[m, n] = 1/(h w) sum_{k, l} X[k, l]
// exp(+2 pi i (k m / h + l n / w)).
func IFFT2(X []complex128, h, w int) ([]complex128, error) {
	return fft2(X, h, w, true)
}

func fft2(x []complex128, h, w int, inverse bool) ([]complex128, error) {
	if h < 1 || w < 1 || len(x) != h*w {
		return nil, fmt.Errorf("img: FFT2 of %d values as [%d, %d]", len(x), h, w)
	}
	out := make([]complex128, len(x))
	copy(out, x)
	fw, fh := fourier.NewCmplxFFT(w), fourier.NewCmplxFFT(h)
	apply := func(f *fourier.CmplxFFT, s []complex128) {
		if inverse {
			f.Sequence(s, s)
		} else {
			f.Coefficients(s, s)
		}
	}
	for r := range h {
		apply(fw, out[r*w:(r+1)*w])
	}
	col := make([]complex128, h)
	for c := range w {
		for r := range h {
			col[r] = out[r*w+c]
		}
		apply(fh, col)
		for r := range h {
			out[r*w+c] = col[r]
		}
	}
	if inverse {
		s := complex(1/float64(h*w), 0)
		for i := range out {
			out[i] *= s
		}
	}
	return out, nil
}

// RealFFT2 is [FFT2] of a real image x: [h, w] float32.
func RealFFT2(x []float32, h, w int) ([]complex128, error) {
	c := make([]complex128, len(x))
	for i, v := range x {
		c[i] = complex(float64(v), 0)
	}
	return FFT2(c, h, w)
}

// RealPart returns real(x) as float32 (e.g. of [IFFT2] of a real image's
// filtered spectrum).
func RealPart(x []complex128) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(real(v))
	}
	return out
}
