// Olshausen and Field's whole-image whitening (Olshausen & Field 1996/1997;
// the whitened images Vincent et al. 2010 used in section 6.1): each photo
// is filtered in the Fourier domain by R(f) = f exp(-(f/f0)^4), which
// flattens the ~1/f amplitude spectrum of natural images (the factor f)
// and rolls off the highest frequencies (the exponential), where the
// pixel-level content of a photo (noise, JPEG blocks, aliasing, sharpening)
// lives. Patches are cut from the whitened image afterwards.

package sdae

import (
	"errors"
	"fmt"
	"math"
	"math/cmplx"

	"github.com/dlc-go/denoising/kit/img"
)

// WhiteningFilter is R(f) = f exp(-(f/f0)^4), the gain of [WhitenImage] at
// the radial frequency f (cycles per pixel, f >= 0) for the cut-off f0
// (cycles per pixel, > 0). Its maximum lies at f = f0 / 4^(1/4) ~ 0.71 f0.
func WhiteningFilter(f, f0 float64) float64 { return f * math.Exp(-math.Pow(f/f0, 4)) }

// WhitenImage filters the gray image pix ([h, w] float32, row-major) with
// [WhiteningFilter] in the 2D discrete Fourier domain (periodic boundary):
// coefficient (ky, kx) is multiplied by R(sqrt(fy^2 + fx^2), f0) with fy =
// ky/h, fx = kx/w the signed frequencies in cycles per pixel (|f| <= 0.5).
// R(0) = 0 removes the image mean. The periodic boundary makes the pixels
// within a few pixels of the border mix with the opposite border: crop them
// (see [PatchStudy.Border]). Returns [h, w] float32.
func WhitenImage(pix []float32, h, w int, f0 float64) ([]float32, error) {
	if h < 2 || w < 2 || len(pix) != h*w {
		return nil, fmt.Errorf("sdae.WhitenImage: need an [h, w] image with h, w >= 2, got %d values for %dx%d", len(pix), h, w)
	}
	if !(f0 > 0) || math.IsInf(f0, 0) {
		return nil, fmt.Errorf("sdae.WhitenImage: f0 must be > 0 and finite, got %g", f0)
	}
	c, err := img.RealFFT2(pix, h, w)
	if err != nil {
		return nil, err
	}
	for ky := 0; ky < h; ky++ {
		fy := signedFreq(ky, h) / float64(h)
		for kx := 0; kx < w; kx++ {
			fx := signedFreq(kx, w) / float64(w)
			c[ky*w+kx] *= complex(WhiteningFilter(math.Hypot(fy, fx), f0), 0)
		}
	}
	y, err := img.IFFT2(c, h, w)
	if err != nil {
		return nil, err
	}
	return img.RealPart(y), nil
}

// RadialPowerSpectrum returns the mean power |DFT|^2 / (h w) of the image
// pix ([h, w] float32) in nb radial frequency bins of width 0.5/nb cycles
// per pixel (bin i covers [i, i+1) 0.5/nb; frequencies beyond 0.5, the
// corners of the spectrum, are left out) and the bins' mean frequencies;
// the DC coefficient is excluded. For white noise of variance s^2 every
// bin's expectation is s^2.
func RadialPowerSpectrum(pix []float32, h, w, nb int) (power, freq []float64, err error) {
	if h < 2 || w < 2 || len(pix) != h*w || nb < 1 {
		return nil, nil, errors.New("sdae.RadialPowerSpectrum: need an [h, w] image (h, w >= 2) and nb >= 1")
	}
	c, err := img.RealFFT2(pix, h, w)
	if err != nil {
		return nil, nil, err
	}
	power, freq = make([]float64, nb), make([]float64, nb)
	count := make([]int, nb)
	for ky := 0; ky < h; ky++ {
		fy := signedFreq(ky, h) / float64(h)
		for kx := 0; kx < w; kx++ {
			if kx == 0 && ky == 0 {
				continue
			}
			f := math.Hypot(fy, signedFreq(kx, w)/float64(w))
			b := int(f / 0.5 * float64(nb))
			if b >= nb {
				continue
			}
			a := cmplx.Abs(c[ky*w+kx])
			power[b] += a * a / float64(h*w)
			freq[b] += f
			count[b]++
		}
	}
	for b := range power {
		if count[b] > 0 {
			power[b] /= float64(count[b])
			freq[b] /= float64(count[b])
		} else {
			power[b], freq[b] = math.NaN(), math.NaN()
		}
	}
	return power, freq, nil
}
