package img

import (
	"fmt"
	"math"
)

// Shape describes a flat row-major batch of images x: [N, H, W, C].
type Shape struct {
	N, H, W, C int
}

// Size is the number of values N*H*W*C.
func (s Shape) Size() int { return s.N * s.H * s.W * s.C }

// ImageSize is the number of values of one image, H*W*C.
func (s Shape) ImageSize() int { return s.H * s.W * s.C }

// String formats the shape as "[N, H, W, C]".
func (s Shape) String() string { return fmt.Sprintf("[%d, %d, %d, %d]", s.N, s.H, s.W, s.C) }

// Check returns an error unless every dimension is positive and the shape
// holds exactly n values.
func (s Shape) Check(n int) error {
	if s.N <= 0 || s.H <= 0 || s.W <= 0 || s.C <= 0 {
		return fmt.Errorf("img: shape %s: every dimension must be positive", s)
	}
	if s.Size() != n {
		return fmt.Errorf("img: shape %s holds %d values, the slice has %d", s, s.Size(), n)
	}
	return nil
}

// Protocol states how PSNR is measured. Its zero value is the default
// protocol: prediction clipped to [0, 1], peak 1, all pixels, all channels.
type Protocol struct {
	// NoClip measures the raw prediction. By default (false) the prediction
	// is clipped to [0, 1] before the error, as when the output is saved as an
	// 8-bit image. The reference is never clipped.
	NoClip bool

	// Border crops this many pixels from each of the four sides of every
	// image before the error (super-resolution protocol: Border = scale
	// factor). It needs H and W > 2*Border.
	Border int

	// Luminance measures on the ITU-R BT.601 luminance Y of RGB images (C
	// must be 3), see [Luminance]. Clipping, if any, happens before the
	// conversion.
	Luminance bool
}

// Default is the default protocol (the zero value of [Protocol]).
var Default = Protocol{}

// PSNRFromMSE converts a mean squared error of images in [0, 1] to PSNR in
// dB: -10 log10(mse). It returns +Inf for mse = 0 and NaN for a negative or
// NaN mse.
func PSNRFromMSE(mse float64) float64 {
	if mse < 0 || math.IsNaN(mse) {
		return math.NaN()
	}
	if mse == 0 {
		return math.Inf(1)
	}
	return -10 * math.Log10(mse)
}

// PSNR is the PSNR in dB of one image pred against ref under the default
// protocol (prediction clipped to [0, 1], peak 1). The two slices are one
// image of any layout, compared value by value. Identical images give +Inf;
// a NaN in pred gives NaN. It returns an error for empty slices or a length
// mismatch.
func PSNR(pred, ref []float32) (float64, error) {
	if err := checkPair(pred, ref); err != nil {
		return 0, err
	}
	sum := sqErr(pred, ref, true)
	return PSNRFromMSE(sum / float64(len(pred))), nil
}

// MeanPSNR is the mean over the N images of their PSNR (default protocol):
// pred, ref: [N, H, W, C] described by s. One identical pair makes it +Inf.
func MeanPSNR(pred, ref []float32, s Shape) (float64, error) {
	return Default.MeanPSNR(pred, ref, s)
}

// GlobalPSNR converts the MSE pooled over all pixels of the batch (default
// protocol): pred, ref: [N, H, W, C] described by s.
func GlobalPSNR(pred, ref []float32, s Shape) (float64, error) {
	return Default.GlobalPSNR(pred, ref, s)
}

// PSNRs returns the PSNR of each image under the protocol:
// pred, ref: [N, H, W, C] described by s; result: [N].
func (p Protocol) PSNRs(pred, ref []float32, s Shape) ([]float64, error) {
	sums, count, err := p.sqErrs(pred, ref, s)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(sums))
	for i, e := range sums {
		out[i] = PSNRFromMSE(e / float64(count))
	}
	return out, nil
}

// MeanPSNR is the mean over images of the per-image PSNR under the protocol
// (the usual protocol of denoising papers): pred, ref: [N, H, W, C]
// described by s.
func (p Protocol) MeanPSNR(pred, ref []float32, s Shape) (float64, error) {
	ps, err := p.PSNRs(pred, ref, s)
	if err != nil {
		return 0, err
	}
	var sum float64
	for _, v := range ps {
		sum += v
	}
	return sum / float64(len(ps)), nil
}

// GlobalPSNR converts the MSE pooled over all (cropped) pixels of the batch
// under the protocol: pred, ref: [N, H, W, C] described by s.
func (p Protocol) GlobalPSNR(pred, ref []float32, s Shape) (float64, error) {
	sums, count, err := p.sqErrs(pred, ref, s)
	if err != nil {
		return 0, err
	}
	var sum float64
	for _, e := range sums {
		sum += e
	}
	return PSNRFromMSE(sum / float64(count*len(sums))), nil
}

// sqErrs returns, per image, the sum of squared errors under the protocol and
// the number of values each sum covers.
func (p Protocol) sqErrs(pred, ref []float32, s Shape) (sums []float64, count int, err error) {
	if err := checkPair(pred, ref); err != nil {
		return nil, 0, err
	}
	if err := s.Check(len(pred)); err != nil {
		return nil, 0, err
	}
	if p.Border < 0 {
		return nil, 0, fmt.Errorf("img: Protocol.Border = %d must be >= 0", p.Border)
	}
	if 2*p.Border >= s.H || 2*p.Border >= s.W {
		return nil, 0, fmt.Errorf("img: Protocol.Border = %d leaves no pixel of a %dx%d image", p.Border, s.H, s.W)
	}
	if p.Luminance && s.C != 3 {
		return nil, 0, fmt.Errorf("img: Protocol.Luminance needs RGB images (C = 3), got shape %s", s)
	}
	b := p.Border
	ch := s.C
	if p.Luminance {
		ch = 1
	}
	count = (s.H - 2*b) * (s.W - 2*b) * ch
	sums = make([]float64, s.N)
	for n := 0; n < s.N; n++ {
		var sum float64
		for y := b; y < s.H-b; y++ {
			for x := b; x < s.W-b; x++ {
				off := ((n*s.H+y)*s.W + x) * s.C
				pp, rr := pred[off:off+s.C], ref[off:off+s.C]
				if p.Luminance {
					d := luma(clipIf(pp[0], !p.NoClip), clipIf(pp[1], !p.NoClip), clipIf(pp[2], !p.NoClip)) -
						luma(rr[0], rr[1], rr[2])
					sum += d * d
					continue
				}
				sum += sqErr(pp, rr, !p.NoClip)
			}
		}
		sums[n] = sum
	}
	return sums, count, nil
}

// PSNRMasked is the PSNR (default protocol) over the values where mask is
// nonzero: pred, ref, mask of the same length (e.g. [H, W, C] of one image,
// mask 1 inside the erased block of the MNIST block-mask experiments). It
// returns an error for a length mismatch or an empty mask.
func PSNRMasked(pred, ref, mask []float32) (float64, error) {
	if err := checkPair(pred, ref); err != nil {
		return 0, err
	}
	if len(mask) != len(pred) {
		return 0, fmt.Errorf("img: mask has %d values, images have %d", len(mask), len(pred))
	}
	var sum float64
	count := 0
	for i, m := range mask {
		if m == 0 {
			continue
		}
		d := float64(clip(pred[i])) - float64(ref[i])
		sum += d * d
		count++
	}
	if count == 0 {
		return 0, fmt.Errorf("img: the mask selects no value")
	}
	return PSNRFromMSE(sum / float64(count)), nil
}

// MeanPSNRMasked is the mean over images of [PSNRMasked]: pred, ref, mask:
// [N, H, W, C] described by s. Every image's mask must select at least one
// value.
func MeanPSNRMasked(pred, ref, mask []float32, s Shape) (float64, error) {
	if err := checkPair(pred, ref); err != nil {
		return 0, err
	}
	if err := s.Check(len(pred)); err != nil {
		return 0, err
	}
	if len(mask) != len(pred) {
		return 0, fmt.Errorf("img: mask has %d values, images have %d", len(mask), len(pred))
	}
	k := s.ImageSize()
	var sum float64
	for n := 0; n < s.N; n++ {
		v, err := PSNRMasked(pred[n*k:(n+1)*k], ref[n*k:(n+1)*k], mask[n*k:(n+1)*k])
		if err != nil {
			return 0, fmt.Errorf("image %d: %w", n, err)
		}
		sum += v
	}
	return sum / float64(s.N), nil
}

// Luminance converts RGB values in [0, 1] to ITU-R BT.601 luminance, as
// MATLAB's rgb2ycbcr and the EDSR benchmark code do:
//
//	Y = 16/255 + (65.481 R + 128.553 G + 24.966 B) / 255
//
// so Y lies in [16/255, 235/255]. rgb: [..., 3] flat; result: [...].
// The input is not clipped.
func Luminance(rgb []float32) ([]float32, error) {
	if len(rgb)%3 != 0 {
		return nil, fmt.Errorf("img: Luminance needs a multiple of 3 values ([..., 3]), got %d", len(rgb))
	}
	out := make([]float32, len(rgb)/3)
	for i := range out {
		out[i] = float32(luma(rgb[3*i], rgb[3*i+1], rgb[3*i+2]))
	}
	return out, nil
}

// luma is the BT.601 luminance of one RGB pixel in [0, 1].
func luma(r, g, b float32) float64 {
	return 16.0/255 + (65.481*float64(r)+128.553*float64(g)+24.966*float64(b))/255
}

func checkPair(pred, ref []float32) error {
	if len(pred) != len(ref) {
		return fmt.Errorf("img: prediction has %d values, reference has %d", len(pred), len(ref))
	}
	if len(pred) == 0 {
		return fmt.Errorf("img: empty images")
	}
	return nil
}

// sqErr is the sum of squared differences, pred clipped to [0,1] if doClip.
func sqErr(pred, ref []float32, doClip bool) float64 {
	var sum float64
	for i, p := range pred {
		d := float64(clipIf(p, doClip)) - float64(ref[i])
		sum += d * d
	}
	return sum
}

// clip clips v to [0, 1]; NaN stays NaN.
func clip(v float32) float32 {
	if v < 0 {
		return 0
	}
	if v > 1 {
		return 1
	}
	return v
}

func clipIf(v float32, doClip bool) float32 {
	if doClip {
		return clip(v)
	}
	return v
}
