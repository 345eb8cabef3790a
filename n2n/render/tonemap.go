package render

import (
	"fmt"
	"image"
	"image/color"
	"math"
)

// Gamma is the display gamma of [ToneMap].
const Gamma = 2.2

// HDREpsilon is the 0.01 of the L_HDR loss and of the relative MSE.
const HDREpsilon = 0.01

// Reinhard is Reinhard's global operator v / (1 + v): it maps radiance
// [0, inf) to [0, 1). Negative inputs are clamped to 0.
func Reinhard(v float32) float32 {
	if !(v > 0) {
		return 0
	}
	return v / (1 + v)
}

// ToneMapValue maps one linear radiance value v >= 0 to a display value in
// [0, 1]: T(v) = (v / (1 + v))^(1/2.2), Reinhard's operator then gamma 2.2.
// NaN and negative values give 0.
func ToneMapValue(v float32) float32 {
	return float32(math.Pow(float64(Reinhard(v)), 1/Gamma))
}

// ToneMap applies [ToneMapValue] to every value: hdr: [..., 3] (any layout)
// linear radiance; result: same shape in [0, 1].
//
// Noise2Noise (Lehtinen et al. 2018, Monte Carlo rendering) feeds the network
// a tone-mapped input T(x^) because HDR radiance spans many orders of
// magnitude, while the output f(x^) and the target y^ stay in linear HDR and
// are compared by [LHDR]. Tone mapping the *target* would bias the
// Noise2Noise solution (E[T(y^)] != T(E[y^])), which is why the target is
// left linear.
func ToneMap(hdr []float32) []float32 {
	out := make([]float32, len(hdr))
	for i, v := range hdr {
		out[i] = ToneMapValue(v)
	}
	return out
}

// ToneMapped returns the tone-mapped image ([ToneMap] of Pix): [H, W, 3] in [0, 1].
func (im *Image) ToneMapped() []float32 { return ToneMap(im.Pix) }

// RGBA returns the tone-mapped image as an 8-bit Go image (for display).
func (im *Image) RGBA() *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, im.W, im.H))
	t := im.ToneMapped()
	to8 := func(v float32) uint8 { return uint8(math.Round(float64(v) * 255)) }
	for y := range im.H {
		for x := range im.W {
			o := (y*im.W + x) * 3
			out.SetRGBA(x, y, color.RGBA{to8(t[o]), to8(t[o+1]), to8(t[o+2]), 255})
		}
	}
	return out
}

// LHDR is the loss Noise2Noise used for Monte Carlo rendering, averaged over
// all values:
//
//	L_HDR(f(x^), y^) = mean (f(x^) - y^)^2 / (f(x^) + 0.01)^2
//
// pred = f(x^) (linear radiance, >= 0) and target = y^ (a noisy linear
// render): same length. The denominator makes it a relative error, so bright
// and dark regions weigh alike; when training, the paper treats the
// denominator as a constant in the gradient (as we read it: otherwise the
// minimiser of the expected loss moves away from E[y^]). It returns an
// error for a length mismatch, an empty slice or a prediction <= -0.01.
func LHDR(pred, target []float32) (float64, error) {
	if err := checkPair(pred, target); err != nil {
		return 0, err
	}
	var sum float64
	for i, p := range pred {
		den := float64(p) + HDREpsilon
		if !(den > 0) {
			return 0, fmt.Errorf("render: LHDR: prediction %v at %d is <= -%v", p, i, HDREpsilon)
		}
		d := float64(p) - float64(target[i])
		sum += d * d / (den * den)
	}
	return sum / float64(len(pred)), nil
}

// RelMSE is the relative mean squared error used to evaluate Monte Carlo
// denoisers (Rousselle et al. 2011):
//
//	relMSE = mean (pred - ref)^2 / (ref^2 + 0.01)
//
// pred, ref: linear radiance of the same length; ref is the clean (high
// sample count) reference. It returns an error for a length mismatch or empty
// slices.
func RelMSE(pred, ref []float32) (float64, error) {
	if err := checkPair(pred, ref); err != nil {
		return 0, err
	}
	var sum float64
	for i, p := range pred {
		r := float64(ref[i])
		d := float64(p) - r
		sum += d * d / (r*r + HDREpsilon)
	}
	return sum / float64(len(pred)), nil
}

func checkPair(a, b []float32) error {
	if len(a) != len(b) {
		return fmt.Errorf("render: prediction has %d values, target has %d", len(a), len(b))
	}
	if len(a) == 0 {
		return fmt.Errorf("render: empty images")
	}
	return nil
}
